#include "kagami/finding.h"

#include <string_view>

namespace kagami {

std::vector<std::string> split_attack(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto id = list.substr(0, comma);
        while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
        while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
        if (!id.empty()) out.emplace_back(id);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

Finding make_finding(const FindingKind& kind, std::string evidence, std::string where) {
    Finding f;
    f.id = kind.id;
    f.title = kind.title;
    f.attack = split_attack(kind.attack);
    f.evidence = std::move(evidence);
    f.where = std::move(where);
    return f;
}

}  // namespace kagami
