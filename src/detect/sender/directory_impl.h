// Inside the organisation directory: the folded names and the domain indexes that
// named_in, owner_of and the look-alike search read. Shared by this folder's .cc files
// only. Built once by Directory::parse and immutable afterwards.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detect/sender/organisations.h"

namespace kagami::detect::sender {

/// Hash for maps looked up by string_view without building a string.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

/// One name of one organisation, folded the way text is folded before matching.
struct DirectoryName {
    std::string folded;
    std::size_t org = 0;
    bool ambiguous = false;  ///< counts only with a context word in the same text
    bool ascii = false;      ///< must stand as a whole word
    bool short_cjk = false;  ///< two characters or fewer: must not sit inside a longer word
};

/// A name found in a text: which organisation, where in the folded text.
struct NameMatch {
    std::size_t org = 0;
    std::size_t pos = 0;
    std::size_t len = 0;
    const DirectoryName* name = nullptr;
};

/// A registrable domain of some organisation, split for the look-alike search.
struct LookalikeTarget {
    std::string domain;  ///< "mofa.go.jp"
    std::string label;   ///< "mofa"
    std::string suffix;  ///< "go.jp"
    std::string label_skeleton;
    std::vector<std::string> suffix_tokens;  ///< skeletons of "go", "jp"
    std::size_t org = 0;
    bool brand = false;  ///< a consumer brand's: the extra words brands attract are tricks
    std::uint64_t label_chars = 0;  ///< char_mask(label_skeleton): a filter before edits
};

/// Which bytes (modulo 64) occur in `s`. k edits change at most 2k bits, so labels whose
/// masks differ in more are skipped before the edit distance is computed.
inline std::uint64_t char_mask(std::string_view s) {
    std::uint64_t m = 0;
    for (unsigned char c : s) m |= std::uint64_t{1} << (c & 63);
    return m;
}

struct Directory::Impl {
    std::vector<Organisation> orgs;
    std::vector<DirectoryName> names;
    std::vector<std::string> context;  ///< folded context words
    /// Folded words that may stand beside a brand's name in a display name, longest first.
    std::vector<std::string> brand_words;
    /// Per organisation: kind == "brand".
    std::vector<bool> brand;
    /// Names by the first two bytes of their folded form: a text is scanned once.
    std::unordered_map<std::uint16_t, std::vector<std::size_t>> by_prefix;
    std::bitset<65536> prefix_seen;
    /// Exact domain -> organisations that list it (in file order).
    StringMap<std::vector<std::size_t>> by_domain;
    std::vector<std::string> not_lookalikes;

    std::vector<LookalikeTarget> targets;
    /// Skeleton of a whole registrable domain -> target.
    StringMap<std::size_t> by_skeleton;
    /// Skeleton of the registrable label -> targets.
    StringMap<std::vector<std::size_t>> by_label;
    /// Targets whose label is at least four characters long, by suffix ("co.jp") and
    /// label length: letter edits are only looked for under the same suffix.
    StringMap<std::array<std::vector<std::size_t>, 64>> by_length;

    /// Every name in `folded` (already folded), longest first where they overlap, each
    /// organisation's ambiguous names dropped unless a context word is present.
    std::vector<NameMatch> find_names(std::string_view folded) const;
    /// True when `domain` (lower-case ASCII) is `org`'s or a subdomain of one of its domains.
    bool belongs_to(std::string_view domain, std::size_t org) const;
    /// True when the folded display name is only the brand `org` (its names in `matches`)
    /// with brand_words, other brands' names, punctuation and symbols around it: "apple
    /// support", "support netflix", "三井住友カード カスタマーセンター", "amazon visa"; not
    /// "ann apple" nor "apple pie recipes".
    bool brand_alone(std::string_view folded, const std::vector<NameMatch>& matches,
                     std::size_t org) const;
};

/// Labels of brands shorter than this take no part in the look-alike search ("au", "jcb",
/// "dhl", "visa", "mufg" are inside too many honest names); letter edits need one longer.
constexpr std::size_t kBrandLookalikeMinLabel = 5;
constexpr std::size_t kBrandEditMinLabel = 6;

/// TS #39 skeleton of UTF-8 text, lower-cased (so "0" -> "O" -> "o"); the input when ICU fails.
std::string skeleton(std::string_view utf8);

/// The Unicode form of an IDN ("xn--..." labels decoded); the input when not one or broken.
std::string idn_to_unicode(std::string_view ascii_domain);

/// The ASCII (punycode) form of a domain; empty when it cannot be one.
std::string idn_to_ascii(std::string_view domain);

/// Lower-case, no trailing dot, at most 253 bytes; empty when it does not look like a host.
std::string normalise_domain(std::string_view domain);

}  // namespace kagami::detect::sender
