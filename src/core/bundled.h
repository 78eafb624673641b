// The data files compiled into kagami: the YARA rules in rules/ and the policy, lure
// lexicon and organisation directory in data/. Users override each with a file of
// their own; these are what a fresh install judges with.
#pragma once

#include <span>
#include <string_view>

namespace kagami::bundled {

struct File {
    std::string_view name;  ///< path under the source tree, e.g. "rules/lnk.yar"
    std::string_view text;
};

/// Every bundled file, in path order.
std::span<const File> files();

/// The bundled file at `name` ("data/scores.toml"); empty when there is none.
inline std::string_view file(std::string_view name) {
    for (const auto& f : files())
        if (f.name == name) return f.text;
    return {};
}

}  // namespace kagami::bundled
