// SPDX-License-Identifier: Apache-2.0
#include "analyzers/ole2/text.h"

#include <algorithm>
#include <cstdint>

#include "core/text.h"

namespace kagami::analyzers::ole2 {
namespace {

// Windows-1252 0x80..0x9F; the rest of the upper half is Latin-1.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

}  // namespace

std::string cp1252_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (char ch : bytes) {
        auto b = static_cast<unsigned char>(ch);
        if (b == 0) break;
        if (b < 0x80)
            out += ch;
        else if (b < 0xA0)
            core::append_utf8(out, kCp1252High[b - 0x80]);
        else
            core::append_utf8(out, b);
    }
    return out;
}

std::string fact_value(std::string_view utf8, std::size_t max_bytes, bool multiline) {
    std::string clean = core::sanitize_utf8(utf8.substr(0, std::min(utf8.size(), max_bytes + 4)));
    std::string out;
    out.reserve(std::min(clean.size(), max_bytes));
    for (std::size_t i = 0; i < clean.size(); ++i) {
        auto b = static_cast<unsigned char>(clean[i]);
        std::string piece;
        if (b < 0x20 || b == 0x7F) {
            if (multiline && (b == '\n' || b == '\t')) {
                piece = std::string(1, clean[i]);
            } else if (multiline && b == '\r') {
                continue;
            } else {
                static constexpr char kHex[] = "0123456789abcdef";
                piece = {'\\', 'x', kHex[b >> 4], kHex[b & 15]};
            }
        } else {
            std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            piece = clean.substr(i, len);
            i += len - 1;
        }
        if (out.size() + piece.size() > max_bytes) break;
        out += piece;
    }
    return out;
}

std::vector<std::string> find_urls(std::string_view text, std::size_t max) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (out.size() < max) {
        std::size_t a = core::ifind(text, "http://", pos);
        std::size_t b = core::ifind(text, "https://", pos);
        std::size_t at = std::min(a, b);
        if (at == std::string_view::npos) break;
        std::size_t end = at;
        // URLs end at space, quotes, angle brackets and control characters.
        while (end < text.size()) {
            auto c = static_cast<unsigned char>(text[end]);
            if (c <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == 0x7F) break;
            ++end;
        }
        std::string url(text.substr(at, end - at));
        while (!url.empty() && (url.back() == '.' || url.back() == ',' || url.back() == ')'))
            url.pop_back();
        if (url.size() > 10 && std::find(out.begin(), out.end(), url) == out.end())
            out.push_back(fact_value(url, 2048));
        pos = end;
    }
    return out;
}

}  // namespace kagami::analyzers::ole2
