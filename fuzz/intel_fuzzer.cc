// Threat-intel feed parsers (STIX bundles, MISP events, plain lists) and the text scanner
// over whatever they loaded; the same tokenizer collecting every candidate for the store,
// and each candidate back through the set's lookup of stored values.
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/intel/indicators.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kagami::detect::intel;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    IndicatorSet set;
    (void)set.load_stix(in, "fuzz");
    (void)set.load_misp(in, "fuzz");
    (void)set.load_list(in, "fuzz");
    (void)refang(in);
    std::vector<Hit> hits;
    set.scan_text(in, "fuzz", hits);
    Observations obs;
    obs.items.push_back({IndicatorType::url, std::string(in.substr(0, 256)), "link"});
    obs.items.push_back({IndicatorType::domain, std::string(in.substr(0, 256)), "host"});
    obs.items.push_back({IndicatorType::ipv6, std::string(in.substr(0, 64)), "ip"});
    (void)findings_for(match(set, obs));
    std::vector<Hit> candidates;
    extract_text(in, "fuzz", candidates, 4096);
    for (const auto& c : candidates) {
        auto n = normalise(c.type, c.indicator);
        if (n) (void)set.find_normalised(c.type, *n);
    }
    return 0;
}
