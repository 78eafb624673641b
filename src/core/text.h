// Small ASCII string helpers shared by every stage. Locale-independent on purpose:
// header names and charset labels are ASCII and must not depend on the user's locale.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kagami::core {

inline char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Position of the first case-insensitive (ASCII) occurrence of `needle`, or npos.
inline std::size_t ifind(std::string_view s, std::string_view needle, std::size_t from = 0) {
    if (needle.empty()) return from <= s.size() ? from : std::string_view::npos;
    for (std::size_t i = from; i + needle.size() <= s.size(); ++i)
        if (ascii_lower(s[i]) == ascii_lower(needle[0]) &&
            iequals(s.substr(i, needle.size()), needle))
            return i;
    return std::string_view::npos;
}

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Value of the hex digit `c` (either case), or -1 when it is not one.
inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Value of the base64 character `c`, or -1. Lenient: the URL-safe '-' and '_' count as
/// '+' and '/', since broken encoders and scripts mix the two alphabets.
inline int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

/// A parenthesised header comment (RFC 5322: nested, with backslash escapes) opening at
/// s[open] == '('. `text` is its content without the outer parentheses; `next` is the
/// index just after it. An unterminated comment runs to the end of `s`.
struct Comment {
    std::string_view text;
    std::size_t next = 0;
};
Comment read_comment(std::string_view s, std::size_t open);

/// Replaces invalid UTF-8 sequences with U+FFFD so the result is always valid UTF-8.
std::string sanitize_utf8(std::string_view s);

/// True when `s` is entirely valid UTF-8 (ASCII included).
bool is_valid_utf8(std::string_view s);

/// Appends code point `cp` to `out` as UTF-8. Surrogates (U+D800..U+DFFF) and values past
/// U+10FFFF become U+FFFD, so what is appended is always valid UTF-8. U+0000 is kept.
void append_utf8(std::string& out, char32_t cp);

/// How utf16_to_utf8 reads its input.
struct Utf16Options {
    /// UTF-16BE instead of UTF-16LE. A BOM is not looked at: strip it first.
    bool big_endian = false;
    /// End at the first U+0000 (not copied). Otherwise U+0000 is kept as a NUL byte.
    bool stop_at_nul = false;
    /// Most bytes of output. Decoding stops before a character that would not fit, so a
    /// character is never cut.
    std::size_t max_out = std::string::npos;
};

/// UTF-16 bytes to UTF-8. Surrogate pairs are combined; an unpaired surrogate becomes
/// U+FFFD and an odd last byte is dropped, so the result is always valid UTF-8.
std::string utf16_to_utf8(std::string_view bytes, Utf16Options options = {});

}  // namespace kagami::core
