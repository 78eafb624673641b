// Small tolerant scanners over untrusted text, shared by the script, html, url and ics
// analyzers (header-only: each analyzer is its own library): text decoding (BOM, UTF-16),
// base64, JavaScript string literals, runs of character codes, URLs and fact values.
// Every function is linear in its input and bounds what it produces.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/text.h"

namespace kagami::analyzers::textscan {

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_ident(char c) {
    return is_alpha(c) || is_digit(c) || c == '_' || c == '$';
}

/// True when `s` looks like UTF-16LE without a BOM: mostly zero high bytes on ASCII text.
inline bool looks_utf16le(std::string_view s) {
    std::size_t n = std::min<std::size_t>(s.size(), 1024) & ~std::size_t{1};
    if (n < 8) return false;
    std::size_t odd_zero = 0, even_zero = 0;
    for (std::size_t i = 0; i < n; i += 2) {
        if (s[i] == 0) ++even_zero;
        if (s[i + 1] == 0) ++odd_zero;
    }
    return odd_zero * 10 >= (n / 2) * 8 && even_zero * 10 <= (n / 2);
}

/// The artifact as UTF-8 text: BOMs removed, UTF-16 (with a BOM, or little-endian ASCII
/// without one) converted; other bytes are kept as they are. At most `max_out` bytes.
inline std::string to_utf8_text(std::string_view b, std::size_t max_out) {
    if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF")
        return std::string(b.substr(3, std::min(b.size() - 3, max_out)));
    if (b.size() >= 2 && b.substr(0, 2) == "\xFF\xFE")
        return core::utf16_to_utf8(b.substr(2), {.max_out = max_out});
    if (b.size() >= 2 && b.substr(0, 2) == "\xFE\xFF")
        return core::utf16_to_utf8(b.substr(2), {.big_endian = true, .max_out = max_out});
    if (looks_utf16le(b)) return core::utf16_to_utf8(b, {.max_out = max_out});
    return std::string(b.substr(0, std::min(b.size(), max_out)));
}

/// Decodes base64 (standard or URL-safe), skipping whitespace and escaped line breaks
/// ("\n" as two characters, common in script literals); stops at '=' or any other
/// character. At most `max_out` bytes.
inline std::string base64_decode(std::string_view s, std::size_t max_out) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < s.size() && out.size() < max_out; ++i) {
        char c = s[i];
        if (core::is_space(c)) continue;
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
            ++i;
            continue;
        }
        int v = core::base64_value(c);
        if (v < 0) break;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xFF);
        }
    }
    return out;
}

/// Count of base64 alphabet characters in `s` and whether nothing else but whitespace
/// and trailing '=' occurs.
inline bool is_base64_text(std::string_view s, std::size_t min_chars) {
    std::size_t n = 0, pad = 0;
    for (char c : s) {
        if (core::is_space(c)) continue;
        if (c == '=') {
            ++pad;
            continue;
        }
        if (pad != 0 || core::base64_value(c) < 0) return false;
        ++n;
    }
    return n >= min_chars && pad <= 2;
}

/// "%41%42" and "%u0041" decoded (JavaScript unescape); other characters kept.
inline std::string percent_decode(std::string_view s, std::size_t max_out) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && out.size() < max_out; ++i) {
        if (s[i] == '%' && i + 5 < s.size() && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
            int a = core::hex_value(s[i + 2]), b = core::hex_value(s[i + 3]),
                c = core::hex_value(s[i + 4]), d = core::hex_value(s[i + 5]);
            if (a >= 0 && b >= 0 && c >= 0 && d >= 0) {
                core::append_utf8(out, std::uint32_t(a << 12 | b << 8 | c << 4 | d));
                i += 5;
                continue;
            }
        }
        if (s[i] == '%' && i + 2 < s.size()) {
            int a = core::hex_value(s[i + 1]), b = core::hex_value(s[i + 2]);
            if (a >= 0 && b >= 0) {
                out += char(a << 4 | b);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

/// A string literal found in script code: its body as written and decoded.
struct Literal {
    std::size_t begin = 0;  ///< offset of the opening quote
    std::size_t end = 0;    ///< offset just past the closing quote
    char quote = '"';
    std::string value;  ///< escapes decoded; \xHH and \u00HH as single bytes (for blobs)
};

/// Decodes the escapes of a JavaScript string body. Code units below 0x100 become single
/// bytes (so "\x4d\x5a" is the bytes MZ), others UTF-8.
inline std::string js_unescape(std::string_view body, std::size_t max_out) {
    std::string out;
    for (std::size_t i = 0; i < body.size() && out.size() < max_out; ++i) {
        char c = body[i];
        if (c != '\\' || i + 1 >= body.size()) {
            out += c;
            continue;
        }
        char e = body[++i];
        switch (e) {
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case '0':
                out += '\0';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case '\r':
            case '\n':
                break;  // line continuation
            case 'x':
                if (i + 2 < body.size() && core::hex_value(body[i + 1]) >= 0 &&
                    core::hex_value(body[i + 2]) >= 0) {
                    out += char(core::hex_value(body[i + 1]) << 4 | core::hex_value(body[i + 2]));
                    i += 2;
                } else {
                    out += 'x';
                }
                break;
            case 'u': {
                std::uint32_t v = 0;
                bool ok = i + 4 < body.size();
                for (std::size_t k = 1; ok && k <= 4; ++k) {
                    int h = core::hex_value(body[i + k]);
                    if (h < 0) ok = false;
                    v = v << 4 | std::uint32_t(h < 0 ? 0 : h);
                }
                if (!ok) {
                    out += 'u';
                    break;
                }
                i += 4;
                if (v < 0x100)
                    out += char(v);
                else
                    core::append_utf8(out, v);
                break;
            }
            default:
                out += e;
        }
    }
    return out;
}

/// Calls `fn` for every string literal ('', "", ``) of JavaScript-like `code`, skipping
/// // and /* */ comments; at most `max_literals`. An unterminated literal ends the scan.
/// `fn` returns false to stop.
inline void js_literals(std::string_view code, std::size_t max_literals, std::size_t max_value,
                        const std::function<bool(Literal&&)>& fn) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < code.size() && count < max_literals) {
        char c = code[i];
        if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
            auto nl = code.find('\n', i);
            i = nl == std::string_view::npos ? code.size() : nl + 1;
            continue;
        }
        if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
            auto close = code.find("*/", i + 2);
            i = close == std::string_view::npos ? code.size() : close + 2;
            continue;
        }
        if (c != '"' && c != '\'' && c != '`') {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < code.size() && code[j] != c) {
            if (code[j] == '\\') ++j;
            // A plain quote string cannot span a raw line break: treat it as unterminated.
            else if (code[j] == '\n' && c != '`')
                break;
            ++j;
        }
        if (j >= code.size() || code[j] != c) {
            i = j < code.size() ? j + 1 : code.size();
            continue;
        }
        Literal lit;
        lit.begin = i;
        lit.end = j + 1;
        lit.quote = c;
        lit.value = js_unescape(code.substr(i + 1, j - i - 1), max_value);
        ++count;
        if (!fn(std::move(lit))) return;
        i = j + 1;
    }
}

/// Parses a decimal or 0x-hex number at s[i]; advances i. nullopt (i unchanged) if none.
inline std::optional<std::uint32_t> parse_number(std::string_view s, std::size_t& i) {
    std::size_t j = i;
    std::uint64_t v = 0;
    if (j + 1 < s.size() && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X')) {
        j += 2;
        std::size_t start = j;
        while (j < s.size() && core::hex_value(s[j]) >= 0 && j - start < 8)
            v = v * 16 + core::hex_value(s[j++]);
        if (j == start) return std::nullopt;
    } else if (j + 1 < s.size() && s[j] == '&' && (s[j + 1] == 'h' || s[j + 1] == 'H')) {
        j += 2;  // VBScript &H41
        std::size_t start = j;
        while (j < s.size() && core::hex_value(s[j]) >= 0 && j - start < 8)
            v = v * 16 + core::hex_value(s[j++]);
        if (j == start) return std::nullopt;
    } else {
        std::size_t start = j;
        while (j < s.size() && is_digit(s[j]) && j - start < 10) v = v * 10 + (s[j++] - '0');
        if (j == start) return std::nullopt;
    }
    if (j < s.size() && (is_ident(s[j]) || s[j] == '.')) return std::nullopt;
    i = j;
    return v > 0xFFFFFFFFu ? std::nullopt : std::optional<std::uint32_t>(std::uint32_t(v));
}

/// Runs of at least `min_count` comma-separated numbers ("77,90,144,0,..."), as the
/// code-point values; calls `fn(begin, end, values)` for each. Linear.
inline void number_runs(
    std::string_view s, std::size_t min_count, std::size_t max_values,
    const std::function<bool(std::size_t, std::size_t, const std::vector<std::uint32_t>&)>& fn) {
    std::size_t i = 0;
    std::vector<std::uint32_t> values;
    while (i < s.size()) {
        if (!is_digit(s[i]) || (i > 0 && (is_ident(s[i - 1]) || s[i - 1] == '.'))) {
            ++i;
            continue;
        }
        std::size_t begin = i;
        values.clear();
        std::size_t end = i;
        while (true) {
            std::size_t j = end;
            auto v = parse_number(s, j);
            if (!v) break;
            if (values.size() < max_values) values.push_back(*v);
            end = j;
            std::size_t k = j;
            while (k < s.size() && core::is_space(s[k])) ++k;
            if (k >= s.size() || s[k] != ',') break;
            ++k;
            while (k < s.size() && core::is_space(s[k])) ++k;
            if (k >= s.size() || !is_digit(s[k])) break;
            end = k;
        }
        if (end == begin) end = begin + 1;
        if (values.size() >= min_count && !fn(begin, end, values)) return;
        i = end;
    }
}

/// Known file signatures at the start of decoded bytes ("pe", "zip", ...), or "".
inline std::string_view file_magic(std::string_view b) {
    auto starts = [&](std::string_view m) { return b.substr(0, m.size()) == m; };
    if (starts("MZ")) return "pe";
    if (starts("PK\x03\x04") || starts("PK\x05\x06")) return "zip";
    if (starts("Rar!\x1a\x07")) return "rar";
    if (starts("7z\xBC\xAF\x27\x1C")) return "7z";
    if (starts("%PDF-")) return "pdf";
    if (starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return "ole2";
    if (starts(std::string_view("L\0\0\0\x01\x14\x02\0", 8))) return "lnk";
    if (starts("\x1F\x8B")) return "gzip";
    if (starts("MSCF")) return "cab";
    if (starts("{\\rtf")) return "rtf";
    if (b.size() > 0x8006 && (b.substr(0x8001, 5) == "CD001")) return "iso";
    if (starts("conectix") || (b.size() >= 512 && b.substr(b.size() - 512, 8) == "conectix"))
        return "vhd";
    return "";
}

/// A fact value: control characters become spaces, invalid UTF-8 is replaced, and the
/// value is cut (on a character boundary) at `max` bytes.
inline std::string clean(std::string_view s, std::size_t max = 2048) {
    if (s.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s = s.substr(0, cut);
    }
    std::string out = core::sanitize_utf8(s);
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    return out;
}

/// True when most of `s` is printable text (ASCII, tabs, line breaks, UTF-8).
inline bool mostly_printable(std::string_view s) {
    if (s.empty()) return false;
    std::size_t bad = 0;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) ++bad;
    }
    return bad * 50 <= s.size() && core::is_valid_utf8(s);
}

inline bool url_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
    switch (c) {
        case '"':
        case '\'':
        case '<':
        case '>':
        case '`':
        case '\\':
        case '^':
        case '{':
        case '}':
        case '|':
            return false;
        default:
            return true;
    }
}

/// Collects URLs (http, https, ftp, file and \\host\share paths) from `text` into `out`,
/// deduplicated, up to `cap` in total (counting those already in `out`).
class UrlCollector {
public:
    explicit UrlCollector(std::size_t cap) : cap_(cap) {}

    void add(std::string url) {
        while (!url.empty() && (url.back() == '.' || url.back() == ',' || url.back() == ')' ||
                                url.back() == ';' || url.back() == ']'))
            url.pop_back();
        if (url.size() < 10 || urls_.size() >= cap_) return;
        url = clean(url, 2048);
        if (seen_.insert(url).second) urls_.push_back(std::move(url));
    }

    void scan(std::string_view text) {
        static constexpr std::string_view kSchemes[] = {"http://", "https://", "ftp://", "file://"};
        std::size_t i = 0;
        while (i < text.size() && urls_.size() < cap_) {
            // Candidates start at ':' (scheme://) or at a "\\" pair (UNC).
            char c = text[i];
            if (c == ':' && i + 2 < text.size() && text[i + 1] == '/' && text[i + 2] == '/') {
                std::size_t start = i;
                while (start > 0 && is_alpha(text[start - 1]) && i - start < 5) --start;
                std::string_view scheme = text.substr(start, i + 3 - start);
                bool known = false;
                for (auto k : kSchemes) known = known || core::iequals(scheme, k);
                std::size_t end = i + 3;
                while (end < text.size() && url_char(text[end])) ++end;
                if (known && end > i + 3) add(std::string(text.substr(start, end - start)));
                i = end;
                continue;
            }
            if (c == '\\' && i + 2 < text.size() && text[i + 1] == '\\' &&
                (is_ident(text[i + 2]) || text[i + 2] == '[') &&
                (i == 0 || !is_ident(text[i - 1]))) {
                std::size_t end = i + 2;
                while (end < text.size() && (url_char(text[end]) || text[end] == '\\')) ++end;
                std::string_view unc = text.substr(i, end - i);
                // \\host\share at least: one more backslash after the host.
                if (unc.find('\\', 2) != std::string_view::npos) add(std::string(unc));
                i = end;
                continue;
            }
            ++i;
        }
    }

    const std::vector<std::string>& urls() const { return urls_; }
    bool full() const { return urls_.size() >= cap_; }

private:
    std::size_t cap_;
    std::vector<std::string> urls_;
    std::unordered_set<std::string> seen_;
};

/// Lower-case file extension of a path or URL (without query), "" if none.
inline std::string extension_of(std::string_view path) {
    auto q = path.find_first_of("?#");
    if (q != std::string_view::npos) path = path.substr(0, q);
    while (!path.empty() && (path.back() == '/' || path.back() == '\\')) path.remove_suffix(1);
    auto dot = path.rfind('.');
    auto sep = path.find_last_of("/\\");
    if (dot == std::string_view::npos || (sep != std::string_view::npos && dot < sep)) return "";
    if (path.size() - dot > 6) return "";
    return core::to_lower(path.substr(dot + 1));
}

/// Extensions of files that run code when opened on Windows.
inline bool is_executable_extension(std::string_view ext) {
    static constexpr std::string_view kExts[] = {
        "exe",       "scr",         "com", "pif", "bat", "cmd",  "js",   "jse",        "vbs",
        "vbe",       "wsf",         "wsh", "hta", "ps1", "psm1", "lnk",  "msi",        "dll",
        "cpl",       "jar",         "url", "iso", "img", "vhd",  "vhdx", "library-ms", "search-ms",
        "appref-ms", "application", "msc", "reg", "chm", "inf"};
    for (auto e : kExts)
        if (ext == e) return true;
    return false;
}

// The Microsoft Script Encoder ("#@~^....==" ... "==^#~@"), as publicly described: each
// ASCII character is substituted by one of three tables chosen by its position mod 64.
// Rows are indexed by the encoded byte - 32; tab (9) decodes to kTabRow.

inline constexpr std::string_view kEncRows[3] = {
    ".GzVBj/&IA42[vrC89pEhqO\x09"
    "bD#uJ~J^@wJa]\"KoN;LPg*}tT+-,0nkf5%!dMRc?{x)(sY3\x7fmUS|:_eFX1ilZH'\\=$y7`Q 6",
    "-uR`q^I\\b})6 |z\x7f"
    "kc3+hQfv1dTCL:L~LE,*t'7DyY/o&rj9{?8wgSG4x]0#Z[lHUpi.L!$NP\x09Vs5aKX;W\"mM%(FJ2A=_OBe",
    "20!)[83=X:5e9\\VsfNEkbYx^}JmqA`AS@B'Hru17MR\"TjGd- \x7f.L]~loytC&v%$+(#A4\x09*D?w;"
    "UiacPgQIOFh|6pnz/_KZ,W"};
static_assert(kEncRows[0].size() == 96 && kEncRows[1].size() == 96 && kEncRows[2].size() == 96);
inline constexpr char kTabRow[3] = {'W', 'n', '{'};
inline constexpr std::string_view kEncPick =
    "0120121221210212021200122102122100212120200120210212001220012021";

inline std::string decode_script_encoder(std::string_view body, std::size_t max_out) {
    std::string out;
    std::size_t index = 0;
    for (std::size_t i = 0; i < body.size() && out.size() < max_out; ++i) {
        auto c = static_cast<unsigned char>(body[i]);
        if (c == '@' && i + 1 < body.size()) {
            char e = body[i + 1];
            char r = e == '&'   ? '\n'
                     : e == '#' ? '\r'
                     : e == '*' ? '>'
                     : e == '!' ? '<'
                     : e == '$' ? '@'
                                : 0;
            if (r != 0) {
                out += r;
                ++index;
                ++i;
                continue;
            }
        }
        if (c >= 0x80) {
            out += char(c);
            continue;
        }
        int row = kEncPick[index % 64] - '0';
        ++index;
        if (c == 9)
            out += kTabRow[row];
        else if (c >= 32 && c != '<' && c != '>' && c != '@')
            out += kEncRows[row][c - 32];
        else
            out += char(c);
    }
    return out;
}

/// Every Script Encoder block ("#@~^" header, "^#~@" trailer) of `text`, decoded: up to
/// the length in the header when it is plausible, else up to the trailer.
inline std::vector<std::string> decode_encoded_blocks(std::string_view text, std::size_t max_blocks,
                                                      std::size_t max_out) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (out.size() < max_blocks) {
        auto start = text.find("#@~^", pos);
        if (start == std::string_view::npos) break;
        std::size_t body = start + 12;  // "#@~^" + 6 base64 length chars + "=="
        if (body > text.size()) break;
        std::string len_bytes = base64_decode(text.substr(start + 4, 6), 4);
        std::uint64_t len = 0;
        for (std::size_t k = len_bytes.size(); k-- > 0;)
            len = len << 8 | static_cast<unsigned char>(len_bytes[k]);
        auto trailer = text.find("^#~@", body);
        std::size_t end = trailer == std::string_view::npos
                              ? text.size()
                              : (trailer >= body + 8 ? trailer - 8 : body);
        if (len > 0 && len <= text.size() - body) end = std::min<std::size_t>(end, body + len);
        out.push_back(decode_script_encoder(text.substr(body, end - body), max_out));
        pos = trailer == std::string_view::npos ? text.size() : trailer + 4;
    }
    return out;
}

}  // namespace kagami::analyzers::textscan
