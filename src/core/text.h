// Small ASCII string helpers shared by every stage. Locale-independent on purpose:
// header names and charset labels are ASCII and must not depend on the user's locale.
#pragma once

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

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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

}  // namespace kagami::core
