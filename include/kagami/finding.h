// A finding: one fact about a message that matters to a verdict, with the
// evidence it rests on. Every verdict is the sum of its findings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kagami {

struct Finding {
    std::string id;                   ///< stable dotted id, e.g. "header.reply_to_mismatch"
    std::string title;                ///< one human sentence
    double weight = 0;                ///< contribution to the score, set by the policy
    std::vector<std::string> attack;  ///< ATT&CK technique ids, e.g. "T1566.001"
    std::string evidence;             ///< the bytes or field value it rests on (UTF-8)
    std::string where;                ///< header name or part path
};

/// Static description of a finding id: declared next to the code that emits it. Its
/// weight is not here but in the scoring policy (data/scores.toml), which users override.
struct FindingKind {
    const char* id;
    const char* title;
    const char* attack;  ///< comma-separated ATT&CK ids
};

/// Builds a Finding from its kind and the evidence for this occurrence; the weight
/// stays 0 until the policy scores it.
Finding make_finding(const FindingKind& kind, std::string evidence, std::string where);

/// "T1566.001, T1204.002" -> {"T1566.001", "T1204.002"}.
std::vector<std::string> split_attack(std::string_view list);

}  // namespace kagami
