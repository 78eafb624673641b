#include "core/text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kagami::core {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Index of the first byte >= 0x80 at or after `i`, or s.size(). Mail text is mostly ASCII, so
// eight bytes are tested at once.
std::size_t skip_ascii(std::string_view s, std::size_t i) {
    const char* p = s.data();
    const std::size_t n = s.size();
    while (n - i >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & kHighBits) != 0) break;
        i += 8;
    }
    while (i < n && static_cast<std::uint8_t>(p[i]) < 0x80) ++i;
    return i;
}

// Length of the valid multibyte UTF-8 sequence at s[i] (s[i] >= 0x80), or 0 when it is invalid:
// overlong forms, surrogates, code points past U+10FFFF and truncated sequences are invalid.
// The second-byte ranges are those of Unicode's table of well-formed sequences.
std::size_t multibyte_length(std::string_view s, std::size_t i) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data()) + i;
    const std::size_t left = s.size() - i;
    const std::uint8_t c = p[0];
    auto cont = [](std::uint8_t b) { return (b & 0xC0) == 0x80; };
    if (c < 0xC2) return 0;  // continuation byte, or overlong 2-byte lead
    if (c < 0xE0) return left >= 2 && cont(p[1]) ? 2 : 0;
    if (c < 0xF0) {
        if (left < 3) return 0;
        const std::uint8_t lo = c == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F: overlong
        const std::uint8_t hi = c == 0xED ? 0x9F : 0xBF;  // ED A0..BF: surrogates
        return p[1] >= lo && p[1] <= hi && cont(p[2]) ? 3 : 0;
    }
    if (c < 0xF5) {
        if (left < 4) return 0;
        const std::uint8_t lo = c == 0xF0 ? 0x90 : 0x80;  // F0 80..8F: overlong
        const std::uint8_t hi = c == 0xF4 ? 0x8F : 0xBF;  // F4 90..: past U+10FFFF
        return p[1] >= lo && p[1] <= hi && cont(p[2]) && cont(p[3]) ? 4 : 0;
    }
    return 0;
}

// End of the valid UTF-8 run starting at `i`: s.size(), or the index of an invalid byte.
std::size_t valid_run_end(std::string_view s, std::size_t i) {
    while (true) {
        i = skip_ascii(s, i);
        if (i >= s.size()) return i;
        const std::size_t n = multibyte_length(s, i);
        if (n == 0) return i;
        i += n;
    }
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    return valid_run_end(s, 0) == s.size();
}

std::string sanitize_utf8(std::string_view s) {
    std::size_t i = valid_run_end(s, 0);
    if (i == s.size()) return std::string(s);  // the common case: one copy, no per-byte work
    std::string out;
    out.reserve(s.size() + 16);
    out.append(s.data(), i);
    while (i < s.size()) {
        // s[i] starts no valid sequence: one replacement for that byte, then the next run.
        out += "\xEF\xBF\xBD";
        ++i;
        const std::size_t end = valid_run_end(s, i);
        out.append(s.data() + i, end - i);
        i = end;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

std::string utf16_to_utf8(std::string_view bytes, Utf16Options options) {
    const std::size_t units = bytes.size() / 2;  // an odd last byte is dropped
    auto unit = [&](std::size_t k) -> char32_t {
        const auto a = static_cast<std::uint8_t>(bytes[2 * k]);
        const auto b = static_cast<std::uint8_t>(bytes[2 * k + 1]);
        return options.big_endian ? char32_t(a) << 8 | b : char32_t(b) << 8 | a;
    };
    std::string out;
    out.reserve(std::min(units, options.max_out));
    for (std::size_t k = 0; k < units; ++k) {
        char32_t cp = unit(k);
        if (cp == 0 && options.stop_at_nul) break;
        if (cp >= 0xD800 && cp <= 0xDBFF && k + 1 < units) {
            const char32_t lo = unit(k + 1);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                ++k;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // unpaired
        const std::size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (len > options.max_out - out.size()) break;
        append_utf8(out, cp);
    }
    return out;
}

Comment read_comment(std::string_view s, std::size_t open) {
    int depth = 1;
    std::size_t i = open + 1;
    while (i < s.size() && depth > 0) {
        if (s[i] == '\\' && i + 1 < s.size())
            ++i;
        else if (s[i] == '(')
            ++depth;
        else if (s[i] == ')')
            --depth;
        ++i;
    }
    std::size_t end = depth == 0 ? i - 1 : s.size();
    return {s.substr(open + 1, end - open - 1), i};
}

}  // namespace kagami::core
