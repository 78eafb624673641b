#include "kagami/finding.h"

#include <string_view>

namespace kagami {

Finding make_finding(const FindingKind& kind, std::string evidence, std::string where) {
    Finding f;
    f.id = kind.id;
    f.title = kind.title;
    f.weight = kind.weight;
    std::string_view attack = kind.attack;
    while (!attack.empty()) {
        auto comma = attack.find(',');
        auto id = attack.substr(0, comma);
        if (!id.empty()) f.attack.emplace_back(id);
        if (comma == std::string_view::npos) break;
        attack.remove_prefix(comma + 1);
    }
    f.evidence = std::move(evidence);
    f.where = std::move(where);
    return f;
}

}  // namespace kagami
