#include <fmt/format.h>

#include <set>

#include "report/report.h"

namespace kagami::report {
namespace {

std::string cut(std::string_view s, std::size_t max) {
    if (s.size() <= max) return std::string(s);
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // UTF-8
    return std::string(s.substr(0, end)) + "…";
}

}  // namespace

std::vector<std::string> explain(const ScanResult& r, std::size_t max_reasons) {
    std::vector<std::string> out;
    const auto& t = r.thresholds;
    switch (r.verdict) {
        case Verdict::malicious:
            out.push_back(fmt::format(
                "Malicious: the evidence weighs {:.1f}, and {:.1f} makes a message malicious.",
                r.score, t.malicious));
            break;
        case Verdict::suspicious:
            out.push_back(fmt::format(
                "Suspicious: the evidence weighs {:.1f}; {:.1f} makes a message suspicious and "
                "{:.1f} malicious.",
                r.score, t.suspicious, t.malicious));
            break;
        case Verdict::clean:
            out.push_back(r.score > 0 ? fmt::format("Clean: what was found weighs {:.1f}, below "
                                                    "the {:.1f} that makes a message suspicious.",
                                                    r.score, t.suspicious)
                                      : "Clean: nothing in the message weighs against it.");
            break;
    }
    // Strongest first (findings come sorted by weight), each finding id once.
    std::set<std::string_view> said;
    std::size_t more = 0;
    for (const auto& f : r.findings) {
        if (f.weight <= 0 || !said.insert(f.id).second) continue;
        if (out.size() > max_reasons) {
            ++more;
            continue;
        }
        std::string s = f.title;
        while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
        if (!f.where.empty() && f.where != "text") s += " (" + cut(f.where, 80) + ")";
        if (!f.evidence.empty()) s += ": " + cut(f.evidence, 160);
        s += ".";
        std::string attack;
        for (const auto& a : f.attack) attack += (attack.empty() ? "" : ", ") + a;
        out.push_back(
            fmt::format("{:+.1f} {}{}", f.weight, s, attack.empty() ? "" : " [" + attack + "]"));
    }
    if (more)
        out.push_back(fmt::format("... and {} lesser finding{}.", more, more == 1 ? "" : "s"));
    return out;
}

}  // namespace kagami::report
