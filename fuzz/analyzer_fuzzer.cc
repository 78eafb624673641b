// One analyzer on arbitrary bytes, compiled once per format with
// -DKAGAMI_FUZZ_ANALYZER=<name> (Zeek's generic analyzer fuzzer). The analyzer is
// called directly, without sniffing, so its parser sees inputs that only nearly match;
// children are dropped (each format has its own target). Small limits make the limit
// paths reachable.
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include KAGAMI_FUZZ_ANALYZER_HEADER

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const KAGAMI_FUZZ_ANALYZER_CLASS analyzer;
    static const kagami::Limits limits = [] {
        kagami::Limits l;
        l.max_archive_entries = 64;
        l.max_artifact_bytes = 1u << 20;
        l.max_total_unpacked_bytes = 4u << 20;
        l.max_analysis_ms = 0;  // deterministic: bounds come from sizes and counts
        return l;
    }();
    // An optional password after a 0xff 0xfe marker, so archives can be opened (FuzzData split).
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> passwords;
    if (auto mark = bytes.rfind("\xff\xfe"); mark != std::string_view::npos && size - mark < 40) {
        passwords.emplace_back(bytes.substr(mark + 2));
        bytes = bytes.substr(0, mark);
    }
    kagami::analyzers::Context ctx(limits, std::move(passwords));
    kagami::analyzers::Output out(analyzer.name(), "fuzz", ctx);
    kagami::analyzers::Input in{bytes, "fuzz", "fuzz", 0};
    analyzer.analyze(in, out);
    return 0;
}
