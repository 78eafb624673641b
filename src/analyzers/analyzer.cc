#include "analyzers/analyzer.h"

#include <algorithm>

namespace kagami::analyzers {
namespace {

constexpr FindingKind kTotalBytes{
    "limit.artifact.total_bytes",
    "More was packed inside the attachments than the unpacked-bytes limit allows; the rest "
    "was not analysed",
    "T1027"};

}  // namespace

Context::Context(const Limits& limits, std::vector<std::string> passwords)
    : limits_(limits), passwords_(std::move(passwords)) {
    if (limits.max_analysis_ms > 0) {
        timed_ = true;
        deadline_ =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.max_analysis_ms);
    }
}

bool Context::out_of_time() {
    if (expired_ || !timed_) return expired_;
    // The vDSO clock costs ~20 ns: cheap next to a record's parse, so no amortising.
    if (std::chrono::steady_clock::now() >= deadline_) expired_ = true;
    return expired_;
}

std::size_t Context::bytes_left() const {
    std::size_t total_left = unpacked_ >= limits_.max_total_unpacked_bytes
                                 ? 0
                                 : limits_.max_total_unpacked_bytes - unpacked_;
    return std::min(total_left, limits_.max_artifact_bytes);
}

bool Context::charge(std::size_t n) {
    if (n >
        limits_.max_total_unpacked_bytes - std::min(unpacked_, limits_.max_total_unpacked_bytes))
        return false;
    unpacked_ += n;
    return true;
}

void Output::fact(std::string name, std::string value) {
    facts_.push_back({std::move(name), std::move(value)});
}

void Output::finding(const FindingKind& kind, std::string evidence) {
    findings_.push_back(make_finding(kind, std::move(evidence), std::string(path_)));
}

void Output::violation(std::string what) {
    Finding f;
    f.id = std::string(analyzer_) + ".malformed";
    f.title = "The file is malformed or truncated; what could be read was analysed";
    f.attack = {"T1027"};  // a malformed file is often one crafted to slip past parsers
    f.evidence = std::move(what);
    f.where = std::string(path_);
    findings_.push_back(std::move(f));
}

bool Output::child(std::string name, std::string bytes) {
    if (!ctx_.charge(bytes.size())) {
        if (!budget_reported_) {
            budget_reported_ = true;
            finding(kTotalBytes, name + ": " + std::to_string(bytes.size()) + " bytes");
        }
        return false;
    }
    children_.push_back({std::move(name), std::move(bytes)});
    return true;
}

}  // namespace kagami::analyzers
