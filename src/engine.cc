#include "engine.h"

#include "core/hash.h"

namespace kagami {
namespace {

constexpr FindingKind kMessageTooLarge{
    "limit.message.bytes", "The message is larger than the limit; only its beginning was analysed",
    1.0, ""};

}  // namespace

ScanResult Engine::scan(const ingest::RawMessage& raw) const {
    ScanResult r;
    r.path = raw.path;
    r.index = raw.index;
    r.message_id = core::sha256_hex(raw.bytes);
    r.size = raw.bytes.size();
    std::string_view bytes = raw.bytes;
    std::vector<Finding> findings;
    if (raw.truncated || bytes.size() > options_.limits.max_message_bytes) {
        findings.push_back(
            make_finding(kMessageTooLarge, std::to_string(bytes.size()) + " bytes", ""));
        bytes = bytes.substr(0, options_.limits.max_message_bytes);
    }
    r.message = mime::parse_message(bytes, options_.limits);
    r.headers = detect::analyze_headers(r.message);
    findings.insert(findings.end(), r.message.findings.begin(), r.message.findings.end());
    findings.insert(findings.end(), r.headers.findings.begin(), r.headers.findings.end());
    auto scored = score::score(std::move(findings), options_.thresholds);
    r.verdict = scored.verdict;
    r.score = scored.score;
    r.findings = std::move(scored.findings);
    return r;
}

}  // namespace kagami
