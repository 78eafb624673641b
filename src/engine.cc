#include "engine.h"

#include <algorithm>

#include "analyzers/passwords.h"
#include "core/hash.h"
#include "core/text.h"

namespace kagami {
namespace {

constexpr FindingKind kMessageTooLarge{
    "limit.message.bytes", "The message is larger than the limit; only its beginning was analysed",
    "T1027.001"};

// The parts that carry files: attachments, and inline parts other than the text a
// mail client shows (an inline HTML body only when it has script: HTML smuggling).
bool carries_file(const mime::Part& p) {
    if (p.is_multipart() || p.embedded || p.body.empty()) return false;
    if (p.is_attachment() || p.disposition == "attachment") return true;
    if (p.content_type == "text/plain" || p.content_type.empty()) return false;
    if (p.content_type == "text/html") return core::ifind(p.body, "<script") != std::string::npos;
    return true;
}

// Every file of the message once: the lenient reading repeats most of the strict
// one's parts, and only the ones it alone sees are added (compared by name and bytes,
// sizes first, so no part is hashed here).
std::vector<analyzers::Attachment> attachments_of(const mime::Message& m) {
    std::vector<analyzers::Attachment> out;
    mime::for_each_part(m.root, [&](const mime::Part& p) {
        if (carries_file(p)) out.push_back({p.body, p.filename, p.path});
    });
    if (!m.lenient) return out;
    const std::size_t strict = out.size();
    mime::for_each_part(m.lenient->root, [&](const mime::Part& p) {
        if (!carries_file(p)) return;
        auto same = [&](const analyzers::Attachment& a) {
            return a.bytes.size() == p.body.size() && a.name == p.filename && a.bytes == p.body;
        };
        if (std::none_of(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(strict), same))
            out.push_back({p.body, p.filename, p.path});
    });
    return out;
}

}  // namespace

std::vector<std::string> passwords_in(const mime::Message& m, std::size_t max) {
    std::string text = m.subject;
    mime::for_each_part(m, [&](const mime::Part& p) {
        if (p.text.empty()) return;
        text += '\n';
        text += p.text;
    });
    return analyzers::find_passwords(text, max);
}

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
    if (!options_.policy) options_.policy = score::Policy::bundled();
}

ScanResult Engine::scan(const ingest::RawMessage& raw,
                        std::span<const std::string> extra_passwords) const {
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
    detect::MessageDetection detection(options_.detection, options_.limits);
    auto attachments = attachments_of(r.message);
    if (!attachments.empty()) {
        auto visit = [&](const analyzers::Artifact& a, std::string_view content) {
            detection.on_artifact(a, content);
            if (options_.on_artifact) options_.on_artifact(a, content);
        };
        auto passwords = passwords_in(r.message, options_.limits.max_password_candidates);
        for (const auto& p : extra_passwords)
            if (std::find(passwords.begin(), passwords.end(), p) == passwords.end())
                passwords.push_back(p);
        auto analysis =
            analyzers::analyze(attachments, std::move(passwords), options_.limits, visit);
        r.artifacts = std::move(analysis.artifacts);
        findings.insert(findings.end(), std::make_move_iterator(analysis.findings.begin()),
                        std::make_move_iterator(analysis.findings.end()));
    }
    auto detected = detection.finish(bytes, r.message, r.headers, r.artifacts);
    findings.insert(findings.end(), std::make_move_iterator(detected.begin()),
                    std::make_move_iterator(detected.end()));
    auto scored = score::score(std::move(findings), *options_.policy);
    r.verdict = scored.verdict;
    r.score = scored.score;
    r.thresholds = options_.policy->thresholds();
    r.findings = std::move(scored.findings);
    return r;
}

}  // namespace kagami
