// Domains made to look like an organisation's: confusable characters (TS #39 skeletons,
// IDN homographs), a letter or two changed, and the hyphen and suffix tricks
// ("mofa-go-jp.com", "mofa.go.jp.example.com", "jaxa.co.jp" for "jaxa.jp").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "detect/sender/directory_impl.h"

namespace kagami::detect::sender {

struct Lookalike {
    std::size_t org = 0;
    std::string domain;  ///< the organisation's real domain it imitates
    std::string how;     ///< "'0' for 'o', hyphen for dot"
};

/// The organisation domain `domain` imitates, if any. `domain` is any host name as seen
/// (IDN or not); the organisations' real domains and their subdomains never match.
/// Thread-safe; a few microseconds per domain.
std::optional<Lookalike> find_lookalike(const Directory::Impl& dir, std::string_view domain);

/// Optimal-string-alignment (restricted Damerau-Levenshtein) distance between `a` and
/// `b`, or `bound + 1` as soon as it exceeds `bound`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound);

}  // namespace kagami::detect::sender
