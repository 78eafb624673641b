#include "score/score.h"

#include <algorithm>
#include <map>
#include <string>

namespace kagami::score {

Scored score(std::vector<Finding> findings, const Thresholds& thresholds) {
    Scored out;
    std::map<std::string, double> heaviest;
    for (const auto& f : findings) {
        auto [it, inserted] = heaviest.emplace(f.id, f.weight);
        if (!inserted) it->second = std::max(it->second, f.weight);
    }
    for (const auto& [id, w] : heaviest) out.score += w;
    if (out.score >= thresholds.malicious)
        out.verdict = Verdict::malicious;
    else if (out.score >= thresholds.suspicious)
        out.verdict = Verdict::suspicious;
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.weight > b.weight; });
    out.findings = std::move(findings);
    return out;
}

}  // namespace kagami::score
