// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace kagami::core {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Reference decoder written from the definition (decode, then reject overlong forms,
// surrogates and values past U+10FFFF), one byte replaced per invalid position. Slow on
// purpose: the library version takes shortcuts this one must agree with.
std::size_t reference_length(const std::string& s, std::size_t i) {
    auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[i + k]); };
    std::uint8_t c = b(0);
    if (c < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC0 && c < 0xE0) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c < 0xF0) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c < 0xF8) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

std::string reference_sanitize(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = reference_length(s, i);
        if (n == 0) {
            out += kFffd;
            ++i;
        } else {
            out += s.substr(i, n);
            i += n;
        }
    }
    return out;
}

void expect_like_reference(const std::string& s) {
    std::string want = reference_sanitize(s);
    EXPECT_EQ(sanitize_utf8(s), want) << testing::PrintToString(s);
    EXPECT_EQ(is_valid_utf8(s), want == s) << testing::PrintToString(s);
}

TEST(SanitizeUtf8, AsciiAndValidUtf8ComeBackUnchanged) {
    for (std::size_t len = 0; len < 40; ++len) {
        std::string ascii(len, 'a');
        EXPECT_EQ(sanitize_utf8(ascii), ascii);
        EXPECT_TRUE(is_valid_utf8(ascii));
    }
    const std::string text = "Résumé 日本語 😀 \x7F end";
    EXPECT_EQ(sanitize_utf8(text), text);
    EXPECT_TRUE(is_valid_utf8(text));
    const std::string nul("a\0b", 3);
    EXPECT_EQ(sanitize_utf8(nul), nul);
}

TEST(SanitizeUtf8, EachInvalidByteBecomesOneReplacement) {
    EXPECT_EQ(sanitize_utf8("caf\xE9"), "caf" + kFffd);
    EXPECT_EQ(sanitize_utf8("\xC0\xAF"), kFffd + kFffd);                          // overlong '/'
    EXPECT_EQ(sanitize_utf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd);              // overlong
    EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // surrogate
    EXPECT_EQ(sanitize_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
    EXPECT_EQ(sanitize_utf8("\xF5\x80"), kFffd + kFffd);
    EXPECT_EQ(sanitize_utf8("ab\xE6\x97"), "ab" + kFffd + kFffd);  // cut at the end
    EXPECT_FALSE(is_valid_utf8("\xE6\x97"));
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
    EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));
}

TEST(SanitizeUtf8, InvalidBytesAroundTheEightByteBlocksAreFound) {
    // The fast path tests eight bytes at a time: put the bad byte at every offset of the
    // first blocks and after every length of ASCII run.
    for (std::size_t pos = 0; pos < 24; ++pos) {
        for (char bad : {'\x80', '\xFF', '\xC3'}) {
            std::string s(24, 'x');
            s[pos] = bad;
            expect_like_reference(s);
            expect_like_reference(s + "\xC3\xA9");
        }
    }
}

TEST(SanitizeUtf8, AgreesWithTheReferenceOnEveryShortSequence) {
    for (int a = 0; a < 256; ++a) {
        expect_like_reference(std::string(1, char(a)));
        for (int b = 0x70; b < 256; ++b) {
            std::string s{char(a), char(b)};
            expect_like_reference(s);
            expect_like_reference(s + "\x80\x80");
            expect_like_reference(s + "\xBF");
        }
    }
}

TEST(SanitizeUtf8, AgreesWithTheReferenceOnRandomMixtures) {
    std::mt19937 rng(12345);
    // Mostly ASCII with valid and broken multibyte pieces, like real mail.
    const std::string pieces[] = {
        "a",        "abcdefgh",    " ",        "\xC3\xA9",     "\xE6\x97\xA5", "\xF0\x9F\x98\x80",
        "\x80",     "\xC3",        "\xE6\x97", "\xED\xA0\x80", "\xFF",         "\xF4\x90",
        "\xC1\xBF", "\xEF\xBF\xBD"};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> count(0, 30);
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        for (int k = count(rng); k > 0; --k) s += pieces[pick(rng)];
        expect_like_reference(s);
    }
}

}  // namespace
}  // namespace kagami::core

namespace kagami::core {
namespace {

TEST(ReadComment, HandlesNestingEscapesAndUnterminatedComments) {
    std::string_view s = "a (b (c) \\) d) e";
    auto c = read_comment(s, 2);
    EXPECT_EQ(c.text, "b (c) \\) d");
    EXPECT_EQ(s.substr(c.next), " e");
    auto open = read_comment("(never (closed)", 0);
    EXPECT_EQ(open.text, "never (closed)");
    EXPECT_EQ(open.next, 15u);
    auto trailing = read_comment("(x\\", 0);
    EXPECT_EQ(trailing.text, "x\\");
    EXPECT_EQ(trailing.next, 3u);
}

}  // namespace
}  // namespace kagami::core
