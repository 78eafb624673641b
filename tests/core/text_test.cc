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

namespace kagami::core {
namespace {

std::string utf8_of(char32_t cp) {
    std::string out;
    append_utf8(out, cp);
    return out;
}

TEST(AppendUtf8, EncodesEachLengthAtItsBoundaries) {
    EXPECT_EQ(utf8_of(0x00), std::string(1, '\0'));
    EXPECT_EQ(utf8_of(0x41), "A");
    EXPECT_EQ(utf8_of(0x7F), "\x7F");
    EXPECT_EQ(utf8_of(0x80), "\xC2\x80");
    EXPECT_EQ(utf8_of(0xE9), "\xC3\xA9");
    EXPECT_EQ(utf8_of(0x7FF), "\xDF\xBF");
    EXPECT_EQ(utf8_of(0x800), "\xE0\xA0\x80");
    EXPECT_EQ(utf8_of(0x65E5), "\xE6\x97\xA5");
    EXPECT_EQ(utf8_of(0xFFFD), kFffd);
    EXPECT_EQ(utf8_of(0xFFFF), "\xEF\xBF\xBF");
    EXPECT_EQ(utf8_of(0x10000), "\xF0\x90\x80\x80");
    EXPECT_EQ(utf8_of(0x1F600), "\xF0\x9F\x98\x80");
    EXPECT_EQ(utf8_of(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(AppendUtf8, ReplacesSurrogatesAndValuesPastTheLastCodePoint) {
    EXPECT_EQ(utf8_of(0xD7FF), "\xED\x9F\xBF");
    EXPECT_EQ(utf8_of(0xD800), kFffd);
    EXPECT_EQ(utf8_of(0xDBFF), kFffd);
    EXPECT_EQ(utf8_of(0xDC00), kFffd);
    EXPECT_EQ(utf8_of(0xDFFF), kFffd);
    EXPECT_EQ(utf8_of(0xE000), "\xEE\x80\x80");
    EXPECT_EQ(utf8_of(0x110000), kFffd);
    EXPECT_EQ(utf8_of(0xFFFFFFFF), kFffd);
}

TEST(AppendUtf8, AppendsToWhatIsThereAndIsAlwaysValid) {
    std::string out = "x";
    append_utf8(out, 0xE9);
    append_utf8(out, 0xD800);
    append_utf8(out, 0x1F600);
    EXPECT_EQ(out, "x\xC3\xA9" + kFffd + "\xF0\x9F\x98\x80");
    for (char32_t cp : {0x0u, 0x7Fu, 0x80u, 0xD7FFu, 0xD800u, 0xDFFFu, 0xFFFFu, 0x10FFFFu,
                        0x110000u, 0x7FFFFFFFu}) {
        EXPECT_TRUE(is_valid_utf8(utf8_of(cp))) << std::hex << std::uint32_t(cp);
    }
}

// UTF-16LE bytes of the code units in `units`.
std::string le(std::initializer_list<std::uint16_t> units) {
    std::string out;
    for (auto u : units) {
        out += char(u & 0xFF);
        out += char(u >> 8);
    }
    return out;
}

std::string be(std::initializer_list<std::uint16_t> units) {
    std::string out;
    for (auto u : units) {
        out += char(u >> 8);
        out += char(u & 0xFF);
    }
    return out;
}

TEST(Utf16ToUtf8, DecodesBmpText) {
    EXPECT_EQ(utf16_to_utf8(""), "");
    EXPECT_EQ(utf16_to_utf8(le({'a', 'b', 'c'})), "abc");
    EXPECT_EQ(utf16_to_utf8(le({0xE9, 0x65E5, 0x672C})), "\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC");
    EXPECT_EQ(utf16_to_utf8(le({0xFFFF, 0xE000})), "\xEF\xBF\xBF\xEE\x80\x80");
}

TEST(Utf16ToUtf8, CombinesSurrogatePairs) {
    EXPECT_EQ(utf16_to_utf8(le({0xD83D, 0xDE00})), "\xF0\x9F\x98\x80");  // U+1F600
    EXPECT_EQ(utf16_to_utf8(le({0xD800, 0xDC00})), "\xF0\x90\x80\x80");  // U+10000
    EXPECT_EQ(utf16_to_utf8(le({0xDBFF, 0xDFFF})), "\xF4\x8F\xBF\xBF");  // U+10FFFF
    EXPECT_EQ(utf16_to_utf8(le({'a', 0xD83D, 0xDE00, 'b'})),
              "a\xF0\x9F\x98\x80"
              "b");
}

TEST(Utf16ToUtf8, ReplacesLoneSurrogates) {
    EXPECT_EQ(utf16_to_utf8(le({0xD83D})), kFffd);                  // high at the end
    EXPECT_EQ(utf16_to_utf8(le({0xD83D, 'a'})), kFffd + "a");       // high, then no low
    EXPECT_EQ(utf16_to_utf8(le({0xDE00, 'a'})), kFffd + "a");       // low alone
    EXPECT_EQ(utf16_to_utf8(le({0xDE00, 0xD83D})), kFffd + kFffd);  // reversed pair
    // A high surrogate after a lone one still pairs with the low one that follows it.
    EXPECT_EQ(utf16_to_utf8(le({0xD800, 0xD83D, 0xDE00})), kFffd + "\xF0\x9F\x98\x80");
    // A high surrogate followed only by an odd last byte is unpaired.
    EXPECT_EQ(utf16_to_utf8(le({0xD83D}) + '\0'), kFffd);
}

TEST(Utf16ToUtf8, DropsAnOddLastByte) {
    EXPECT_EQ(utf16_to_utf8("a"), "");
    EXPECT_EQ(utf16_to_utf8(le({'a', 'b'}) + "c"), "ab");
    EXPECT_EQ(utf16_to_utf8(be({'a', 'b'}) + "c", {.big_endian = true}), "ab");
}

TEST(Utf16ToUtf8, KeepsNulUnlessAskedToStop) {
    const std::string s = le({'a', 0, 'b'});
    EXPECT_EQ(utf16_to_utf8(s), std::string("a\0b", 3));
    EXPECT_EQ(utf16_to_utf8(s, {.stop_at_nul = true}), "a");
    EXPECT_EQ(utf16_to_utf8(le({0, 'a'}), {.stop_at_nul = true}), "");
    // Only a whole zero unit is a NUL: zero bytes of other units are not.
    EXPECT_EQ(utf16_to_utf8(le({0x0100, 'a'}), {.stop_at_nul = true}),
              "\xC4\x80"
              "a");
    EXPECT_EQ(utf16_to_utf8(be({'a', 0, 'b'}), {.big_endian = true, .stop_at_nul = true}), "a");
}

TEST(Utf16ToUtf8, ReadsBigEndian) {
    EXPECT_EQ(utf16_to_utf8(be({'a', 0xE9, 0x65E5}), {.big_endian = true}),
              "a\xC3\xA9\xE6\x97\xA5");
    EXPECT_EQ(utf16_to_utf8(be({0xD83D, 0xDE00}), {.big_endian = true}), "\xF0\x9F\x98\x80");
    EXPECT_EQ(utf16_to_utf8(be({0xDE00}), {.big_endian = true}), kFffd);
    // The same bytes read the other way round.
    EXPECT_EQ(utf16_to_utf8(be({'a'})), "\xE6\x84\x80");  // U+6100
}

TEST(Utf16ToUtf8, CapsOutputWithoutCuttingACharacter) {
    const std::string s = le({'a', 'b', 0xE9, 0x65E5, 0xD83D, 0xDE00, 'z'});
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 0}), "");
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 2}), "ab");
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 3}), "ab");  // U+00E9 needs two bytes
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 4}), "ab\xC3\xA9");
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 7}), "ab\xC3\xA9\xE6\x97\xA5");
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 10}), "ab\xC3\xA9\xE6\x97\xA5");  // U+1F600 needs four
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 11}), "ab\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80");
    EXPECT_EQ(utf16_to_utf8(s).size(), 12u);
    EXPECT_EQ(utf16_to_utf8(s, {.max_out = 12}), utf16_to_utf8(s));
    // A lone surrogate counts as its three-byte replacement.
    EXPECT_EQ(utf16_to_utf8(le({'a', 0xDE00}), {.max_out = 3}), "a");
    EXPECT_EQ(utf16_to_utf8(be({'a', 'b'}), {.big_endian = true, .max_out = 1}), "a");
}

TEST(Utf16ToUtf8, IsAlwaysValidUtf8) {
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        for (int k = len(rng); k > 0; --k) s += char(byte(rng));
        EXPECT_TRUE(is_valid_utf8(utf16_to_utf8(s)));
        EXPECT_TRUE(is_valid_utf8(utf16_to_utf8(s, {.big_endian = true, .max_out = 7})));
    }
}

TEST(HexValue, ReadsBothCasesAndRejectsTheRest) {
    EXPECT_EQ(hex_value('0'), 0);
    EXPECT_EQ(hex_value('9'), 9);
    EXPECT_EQ(hex_value('a'), 10);
    EXPECT_EQ(hex_value('F'), 15);
    for (char c : {'g', 'G', '/', ':', '@', '`', ' ', '\0', '\xC3'}) EXPECT_EQ(hex_value(c), -1);
}

TEST(Base64Value, ReadsBothAlphabets) {
    EXPECT_EQ(base64_value('A'), 0);
    EXPECT_EQ(base64_value('Z'), 25);
    EXPECT_EQ(base64_value('a'), 26);
    EXPECT_EQ(base64_value('z'), 51);
    EXPECT_EQ(base64_value('0'), 52);
    EXPECT_EQ(base64_value('9'), 61);
    EXPECT_EQ(base64_value('+'), 62);
    EXPECT_EQ(base64_value('-'), 62);
    EXPECT_EQ(base64_value('/'), 63);
    EXPECT_EQ(base64_value('_'), 63);
    for (char c : {'=', ' ', '.', '\0', '\xFF'}) EXPECT_EQ(base64_value(c), -1);
}

}  // namespace
}  // namespace kagami::core
