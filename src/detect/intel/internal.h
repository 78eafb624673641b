// Internals of the indicator store shared by its .cc files: normalisation, the flat
// hash table, the feed parsers' helpers. Not part of the public interface.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detect/intel/indicators.h"

namespace kagami::detect::intel {

// ---- normalise.cc -------------------------------------------------------------------

/// Lower-case ASCII host without trailing dot, Unicode labels as punycode (ICU UTS #46);
/// nullopt when it is not a host name with at least two labels.
std::optional<std::string> normalise_domain(std::string_view host);

/// A URL split into its normalised form and its host.
struct NormalUrl {
    std::string url;   ///< scheme://host[:port]/path[?query], no fragment
    std::string host;  ///< normalised host (domain, IPv4 or IPv6 without brackets)
};
/// nullopt when `url` has no scheme://host.
std::optional<NormalUrl> normalise_url(std::string_view url);

/// An address in canonical text form (IPv6 compressed, IPv4-mapped IPv6 as IPv4).
struct NormalIp {
    IndicatorType type = IndicatorType::ipv4;
    std::string text;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = -1;  ///< CIDR prefix length when one was given (and is not a full address)
};
/// Accepts "a.b.c.d", IPv6 (optionally bracketed), either with "/len"; nullopt otherwise.
std::optional<NormalIp> normalise_ip(std::string_view ip, bool allow_prefix);

std::optional<std::string> normalise_email(std::string_view address);
/// Lower-case hex; nullopt unless 32, 40 or 64 hex digits.
std::optional<std::string> normalise_hash(std::string_view hex);
/// Base name after the last '/' or '\', NFKC casefolded (ASCII: lower-cased fast).
std::optional<std::string> normalise_file_name(std::string_view name);

/// What a bare value in a list looks like; nullopt when nothing fits.
std::optional<IndicatorType> infer_type(std::string_view value);
/// True for list lines that are regular expressions (signature-base filename IOCs).
bool looks_like_regex(std::string_view value);

/// Hash type from a hex length.
std::optional<IndicatorType> hash_type(std::size_t length);

/// Characters a text token (URL, host, address, hash, plain file name) is made of:
/// printable ASCII except quotes, angle brackets, separators and backslash.
inline bool is_token_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    switch (c) {
        case '"':
        case '\'':
        case '<':
        case '>':
        case '`':
        case '\\':
        case '^':
        case '|':
        case ',':
        case ';':
            return false;
        default:
            return true;
    }
}

/// First position of any of `set` in `s` (npos if none). A plain loop: libstdc++'s
/// find_first_of calls memchr once per character of `s`.
inline std::size_t first_of(std::string_view s, std::string_view set, std::size_t from = 0) {
    for (std::size_t i = from; i < s.size(); ++i)
        for (char c : set)
            if (s[i] == c) return i;
    return std::string_view::npos;
}

// ---- the store ----------------------------------------------------------------------

/// Types of the table keys: the public types and CIDR networks.
enum class KeyKind : std::uint8_t { cidr4 = 100, cidr6 = 101 };

struct Entry {
    std::uint32_t offset;  ///< into Impl::arena
    std::uint32_t length;
    std::uint32_t context;  ///< index into Impl::contexts
    std::uint8_t kind;      ///< IndicatorType or KeyKind
    std::uint64_t hash;
};

/// Result of one probe.
struct Found {
    const Context* context = nullptr;
    std::string indicator;
};

struct IndicatorSet::Impl {
    std::string arena;                 // every key's bytes, back to back
    std::vector<Entry> entries;        // one per indicator
    std::vector<std::uint32_t> slots;  // open addressing: entry index + 1, 0 = empty
    std::deque<Context> contexts;      // stable addresses, shared by indicators
    std::unordered_map<std::string, std::uint32_t> context_index;  // interning key -> index
    std::array<std::size_t, 9> type_counts{};
    std::size_t hashes = 0;                      // MD5, SHA-1 and SHA-256 together
    std::size_t padded_input = 0;                // readable bytes after the text being loaded
    std::uint64_t v4_prefixes = 0;               // bit n set: some IPv4 network has prefix length n
    std::array<std::uint64_t, 2> v6_prefixes{};  // bits 0..127

    // File names that a tokenizer cannot isolate (spaces, non-ASCII) go to a Vectorscan
    // literal database built on first scan after a change.
    // (literal, entry index): the folded key and the feed's own spelling, since NFKC
    // turns full-width "（" into "(" while the mail keeps it.
    std::vector<std::pair<std::string, std::uint32_t>> literal_names;
    mutable std::mutex literal_mutex;
    mutable std::atomic<bool> literal_ready{true};
    mutable void* literal_db = nullptr;  // hs_database_t*

    ~Impl();

    std::uint32_t intern(const Context& context);
    /// Adds a key; false when it is already there.
    bool insert(std::uint8_t kind, std::string_view key, std::uint32_t context);
    const Entry* lookup(std::uint8_t kind, std::string_view key) const;
    std::string_view key_of(const Entry& e) const { return {arena.data() + e.offset, e.length}; }

    enum class Added { added, duplicate, invalid };
    /// Refangs, normalises and adds one indicator.
    Added add(IndicatorType type, std::string_view value, std::uint32_t context);

    Found find_domain(std::string_view host) const;
    Found find_url(std::string_view url) const;
    Found find_ip(std::string_view ip) const;
    Found find_email(std::string_view address) const;
    Found find_hash(std::string_view hex) const;
    Found find_file_name(std::string_view name) const;

    // Lookups of already-normalised values (text scanning).
    Found find_normal_domain(std::string_view host) const;
    Found find_normal_ip(const NormalIp& ip) const;

    void build_literals() const;
    void free_literals() const;
};

/// FNV-1a over the kind and the key.
std::uint64_t key_hash(std::uint8_t kind, std::string_view key);

// ---- loaders share these ------------------------------------------------------------

/// Records a problem (the first few only) in a report.
void note_problem(LoadReport& report, std::string problem);

/// Small wrapper used by the JSON loaders: adds, counting into the report.
void add_counted(IndicatorSet::Impl& impl, LoadReport& report, IndicatorType type,
                 std::string_view value, std::uint32_t context);

/// STIX pattern -> (type, value) comparisons; false when the pattern cannot be expressed
/// as a plain OR of equality comparisons (then `skipped` counts what was dropped).
struct PatternValue {
    IndicatorType type;
    std::string value;
};
struct ParsedPattern {
    std::vector<PatternValue> values;
    std::size_t skipped = 0;  ///< comparisons over paths kagami does not hold
    std::string error;        ///< set when the whole pattern was rejected
};
ParsedPattern parse_stix_pattern(std::string_view pattern);

}  // namespace kagami::detect::intel
