// The whole pipeline on one message's bytes: MIME parse, decoding, header analyses,
// attachment analyzers, scoring and both report formats. Small limits make the limit
// paths reachable.
#include <cstdint>
#include <string>

#include "engine.h"
#include "report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const kagami::Engine engine([] {
        kagami::EngineOptions o;
        o.limits.max_message_bytes = 1u << 20;
        o.limits.max_mime_depth = 8;
        o.limits.max_mime_parts = 64;
        o.limits.max_headers = 64;
        o.limits.max_header_bytes = 4096;
        o.limits.max_decoded_bytes = 1u << 20;
        o.limits.max_links = 64;
        o.limits.max_artifact_depth = 4;
        o.limits.max_archive_entries = 64;
        o.limits.max_artifact_bytes = 1u << 20;
        o.limits.max_total_unpacked_bytes = 4u << 20;
        o.limits.max_analysis_ms = 0;  // deterministic: bounds come from sizes and counts
        return o;
    }());
    kagami::ingest::RawMessage raw;
    raw.bytes.assign(reinterpret_cast<const char*>(data), size);
    raw.path = "fuzz";
    auto r = engine.scan(raw);
    auto json = kagami::report::to_json_line(r);
    auto text = kagami::report::to_text(r);
    return json.empty() || text.empty();
}
