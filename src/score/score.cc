#include "score/score.h"

#include <algorithm>
#include <map>
#include <string>

namespace kagami::score {

Scored score(std::vector<Finding> findings, const Policy& policy) {
    Scored out;
    for (auto& f : findings) f.weight = policy.weight_of(f.id);

    // A combination counts the findings that met it as its evidence, strongest first.
    std::vector<Finding> combos;
    for (const auto& c : policy.combinations()) {
        std::string evidence;
        bool met = true;
        for (const auto& clause : c.all_of) {
            const Finding* best = nullptr;
            for (const auto& f : findings) {
                if (f.weight <= 0 || (best && best->weight >= f.weight)) continue;
                for (const auto& p : clause)
                    if (policy.matches(p, f.id)) {
                        best = &f;
                        break;
                    }
            }
            if (!best) {
                met = false;
                break;
            }
            if (!evidence.empty()) evidence += " + ";
            evidence += best->id;
        }
        if (!met) continue;
        Finding f;
        f.id = c.id;
        f.title = c.title;
        f.weight = c.weight;
        f.attack = c.attack;
        f.evidence = std::move(evidence);
        combos.push_back(std::move(f));
    }
    findings.insert(findings.end(), std::make_move_iterator(combos.begin()),
                    std::make_move_iterator(combos.end()));

    std::map<std::string, double> heaviest;
    for (const auto& f : findings) {
        auto [it, inserted] = heaviest.emplace(f.id, f.weight);
        if (!inserted) it->second = std::max(it->second, f.weight);
    }
    for (const auto& [id, w] : heaviest) out.score += w;
    for (const auto& [group, cap] : policy.caps()) {
        double sum = 0;
        for (const auto& [id, w] : heaviest)
            if (w > 0 && policy.matches("@" + group, id)) sum += w;
        if (sum > cap) out.score -= sum - cap;
    }
    const auto& t = policy.thresholds();
    if (out.score >= t.malicious)
        out.verdict = Verdict::malicious;
    else if (out.score >= t.suspicious)
        out.verdict = Verdict::suspicious;
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.weight > b.weight; });
    out.findings = std::move(findings);
    return out;
}

}  // namespace kagami::score
