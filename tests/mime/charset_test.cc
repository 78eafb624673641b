// SPDX-License-Identifier: Apache-2.0
#include "mime/charset.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
#include "support/test_support.h"

namespace kagami::mime {
namespace {

constexpr std::size_t kBig = 1 << 24;
const std::string kFffd = "\xEF\xBF\xBD";

// Test-side converter (glibc iconv), used to build inputs in charsets we have no file for.
std::string iconv_from_utf8(const std::string& utf8, const char* to) {
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) return "";
    std::string out(utf8.size() * 4 + 16, '\0');
    char* src = const_cast<char*>(utf8.data());
    std::size_t src_left = utf8.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv(cd, nullptr, nullptr, &dst, &dst_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1)) return "";
    out.resize(out.size() - dst_left);
    return out;
}

std::string filters_file(const char* name) {
    return test::read_file(test::corpora_dir() / "gmime_testdata" / "filters" / name);
}

#define REQUIRE_CORPUS(var, name)               \
    const std::string var = filters_file(name); \
    if (var.empty()) GTEST_SKIP() << "corpus file missing: " << name

TEST(CanonicalCharset, MapsTheLabelsRealMailUses) {
    EXPECT_EQ(canonical_charset("UTF-8"), "utf-8");
    EXPECT_EQ(canonical_charset("utf8"), "utf-8");
    EXPECT_EQ(canonical_charset("unicode-1-1-utf-8"), "utf-8");
    EXPECT_EQ(canonical_charset("US-ASCII"), "us-ascii");
    EXPECT_EQ(canonical_charset("ANSI_X3.4-1968"), "us-ascii");
    EXPECT_EQ(canonical_charset("ascii"), "us-ascii");
    EXPECT_EQ(canonical_charset("latin1"), "iso-8859-1");
    EXPECT_EQ(canonical_charset("ISO_8859-1"), "iso-8859-1");
    EXPECT_EQ(canonical_charset("iso8859-5"), "iso-8859-5");
    EXPECT_EQ(canonical_charset("ISO-8859-15"), "iso-8859-15");
    EXPECT_EQ(canonical_charset("iso-8859-16"), "iso-8859-16");
    EXPECT_EQ(canonical_charset("cp1251"), "windows-1251");
    EXPECT_EQ(canonical_charset("Windows-1252"), "windows-1252");
    EXPECT_EQ(canonical_charset("win-1250"), "windows-1250");
    for (const char* sjis : {"Shift_JIS", "shift-jis", "SJIS", "x-sjis", "MS_Kanji", "Windows-31J",
                             "cp932", "csShiftJIS"})
        EXPECT_EQ(canonical_charset(sjis), "cp932") << sjis;
    for (const char* euc : {"EUC-JP", "x-euc-jp", "eucjp", "euc_jp"})
        EXPECT_EQ(canonical_charset(euc), "euc-jp") << euc;
    for (const char* jis : {"ISO-2022-JP", "iso-2022-jp-1", "ISO-2022-JP-2", "iso-2022-jp-3"})
        EXPECT_EQ(canonical_charset(jis), "iso-2022-jp") << jis;
    EXPECT_EQ(canonical_charset("UTF-7"), "utf-7");
    EXPECT_EQ(canonical_charset("gb2312"), "gb18030");
    EXPECT_EQ(canonical_charset("GBK"), "gb18030");
    EXPECT_EQ(canonical_charset("big5"), "big5");
    EXPECT_EQ(canonical_charset("Big5-HKSCS"), "big5-hkscs");
    EXPECT_EQ(canonical_charset("ks_c_5601-1987"), "cp949");
    EXPECT_EQ(canonical_charset("euc-kr"), "cp949");
    EXPECT_EQ(canonical_charset("KOI8-R"), "koi8-r");
    EXPECT_EQ(canonical_charset("koi8-u"), "koi8-u");
    EXPECT_EQ(canonical_charset("UTF-16LE"), "utf-16le");
    EXPECT_EQ(canonical_charset("iso-2022-kr"), "iso-2022-kr");
}

TEST(CanonicalCharset, ToleratesQuotesSpacesAndLanguageSuffix) {
    EXPECT_EQ(canonical_charset("  \"Shift_JIS\" "), "cp932");
    EXPECT_EQ(canonical_charset("utf-8*ja"), "utf-8");
    EXPECT_EQ(canonical_charset("'iso-2022-jp'"), "iso-2022-jp");
}

TEST(CanonicalCharset, ReturnsEmptyForUnknownLabels) {
    EXPECT_EQ(canonical_charset(""), "");
    EXPECT_EQ(canonical_charset("x-unknown"), "");
    EXPECT_EQ(canonical_charset("iso-8859-99"), "");
    EXPECT_EQ(canonical_charset("windows-1299"), "");
    EXPECT_EQ(canonical_charset(std::string(1000, 'a')), "");
    EXPECT_EQ(canonical_charset(std::string("utf\0-8", 6)), "");
}

TEST(ToUtf8, GmimeJapaneseOracleIso2022JpAndShiftJisGiveTheUtf8Text) {
    REQUIRE_CORPUS(jis, "japanese.iso-2022-jp.txt");
    REQUIRE_CORPUS(sjis, "japanese.shift-jis.txt");
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");

    Utf8Text a = to_utf8(jis, "ISO-2022-JP", kBig);
    EXPECT_TRUE(a.text == utf8);
    EXPECT_EQ(a.charset, "iso-2022-jp");
    EXPECT_FALSE(a.lossy);
    EXPECT_FALSE(a.detected);
    EXPECT_FALSE(a.truncated);

    Utf8Text b = to_utf8(sjis, "Shift_JIS", kBig);
    EXPECT_TRUE(b.text == utf8);
    EXPECT_EQ(b.charset, "cp932");
    EXPECT_FALSE(b.lossy);
    EXPECT_FALSE(b.detected);

    Utf8Text c = to_utf8(utf8, "utf-8", kBig);
    EXPECT_TRUE(c.text == utf8);
    EXPECT_FALSE(c.detected);
}

TEST(ToUtf8, EucJpBuiltFromTheOracleRoundTrips) {
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    std::string euc = iconv_from_utf8(utf8, "EUC-JP");
    ASSERT_FALSE(euc.empty());
    Utf8Text r = to_utf8(euc, "EUC-JP", kBig);
    EXPECT_TRUE(r.text == utf8);
    EXPECT_EQ(r.charset, "euc-jp");
    EXPECT_FALSE(r.lossy);
}

TEST(ToUtf8, EucJpHandlesNecRow13) {
    // eucJP-ms: 0xADA1 = ① (NEC row 13), which plain EUC-JP lacks.
    Utf8Text r = to_utf8("\xAD\xA1\xA4\xA2", "euc-jp", kBig);
    EXPECT_EQ(r.text, "①あ");
    EXPECT_FALSE(r.lossy);
}

TEST(ToUtf8, OtherGmimeOraclesConvertExactly) {
    REQUIRE_CORPUS(big5, "chinese.big5.txt");
    REQUIRE_CORPUS(zh, "chinese.utf-8.txt");
    REQUIRE_CORPUS(koi8, "cyrillic.koi8-r.txt");
    REQUIRE_CORPUS(cp1251, "cyrillic.cp1251.txt");
    REQUIRE_CORPUS(iso5, "cyrillic.iso-8859-5.txt");
    REQUIRE_CORPUS(ru, "cyrillic.utf-8.txt");
    // GMime's Big5 file lacks the characters Big5 cannot encode, so only a prefix is shared.
    Utf8Text b = to_utf8(big5, "big5", kBig);
    EXPECT_FALSE(b.lossy);
    EXPECT_EQ(b.text.rfind("基換年大田胞中強活味。意愛需免室要身代打邸政開。", 0), 0u);
    EXPECT_EQ(zh.rfind("基換", 0), 0u);
    EXPECT_TRUE(to_utf8(koi8, "koi8-r", kBig).text == ru);
    EXPECT_TRUE(to_utf8(cp1251, "windows-1251", kBig).text == ru);
    EXPECT_TRUE(to_utf8(iso5, "iso-8859-5", kBig).text == ru);
}

TEST(ToUtf8, Iso2022JpKeepsCp932VendorExtensions) {
    // NEC row 13 (① ㈱ ㍻) and NEC-selected IBM row 89 (纊), as Outlook writes them.
    Utf8Text r = to_utf8("\x1B$B-!-j-_y!\x1B(B", "iso-2022-jp", kBig);
    EXPECT_EQ(r.text, "①㈱㍻纊");
    EXPECT_FALSE(r.lossy);
    // The same characters as CP932 bytes under the plain Shift_JIS label.
    Utf8Text s = to_utf8("\x87\x40\x87\x8A\x87\x7E\xED\x40\xFA\x40", "shift_jis", kBig);
    EXPECT_EQ(s.text, "①㈱㍻纊ⅰ");
    EXPECT_FALSE(s.lossy);
}

TEST(ToUtf8, Iso2022JpHalfWidthKatakanaByEscapeAndShiftOut) {
    EXPECT_EQ(to_utf8("\x1B(I12\x1B(B!", "iso-2022-jp", kBig).text, "ｱｲ!");
    EXPECT_EQ(to_utf8("a\x0E\x31\x32\x0F"
                      "b",
                      "iso-2022-jp", kBig)
                  .text,
              "aｱｲb");
    // SO inside a kanji run returns to the kanji run at SI.
    EXPECT_EQ(to_utf8("\x1B$B$\"\x0E\x31\x0F$\"\x1B(B", "iso-2022-jp", kBig).text, "あｱあ");
}

TEST(ToUtf8, Iso2022JpOtherSets) {
    // JIS X 0212 (ESC $ ( D): 0x3021 = 丂.
    Utf8Text r = to_utf8("\x1B$(D0!\x1B(B", "iso-2022-jp", kBig);
    EXPECT_EQ(r.text, "丂");
    EXPECT_FALSE(r.lossy);
    // ESC $ @ (JIS C 6226-1978) and ESC ( J (JIS X 0201 Roman) are read like B sets.
    EXPECT_EQ(to_utf8("\x1B$@$\"\x1B(Jab", "iso-2022-jp", kBig).text, "あab");
    // ISO-2022-JP-2: GB 2312 (ESC $ A) and single-shifted Latin-1 (ESC . A, ESC N).
    EXPECT_EQ(to_utf8("\x1B$A:C\x1B(B", "iso-2022-jp-2", kBig).text, "好");
    EXPECT_EQ(to_utf8("\x1B.Acaf\x1BNi", "iso-2022-jp-2", kBig).text, "café");
}

TEST(ToUtf8, Iso2022JpBrokenInputIsReplacedNotFatal) {
    // Unknown escape, half a character before the end, and a stray ESC at the very end.
    Utf8Text r = to_utf8("\x1B$B$\"$\x1B(Bx\x1B(Zy\x1B", "iso-2022-jp", kBig);
    EXPECT_TRUE(r.lossy);
    EXPECT_TRUE(core::is_valid_utf8(r.text));
    EXPECT_NE(r.text.find("あ"), std::string::npos);
    EXPECT_NE(r.text.find("x"), std::string::npos);
    EXPECT_NE(r.text.find(kFffd), std::string::npos);
}

TEST(ToUtf8, Iso2022JpWithRawShiftJisBytesInsideStillDecodes) {
    // Some mailers label Shift_JIS text as ISO-2022-JP.
    Utf8Text r = to_utf8("\x83\x65\x83\x58\x83\x67", "iso-2022-jp", kBig);
    EXPECT_EQ(r.text, "テスト");
}

TEST(ToUtf8, Utf7) {
    Utf8Text r = to_utf8("Hi Mom -+Jjo--!", "UTF-7", kBig);
    EXPECT_EQ(r.text, "Hi Mom -☺-!");
    EXPECT_EQ(r.charset, "utf-7");
    EXPECT_FALSE(r.lossy);
    EXPECT_EQ(to_utf8("+ZeVnLIqe-", "utf-7", kBig).text, "日本語");
}

TEST(ToUtf8, HzGb2312) {
    // RFC 1843's example.
    Utf8Text r = to_utf8("~{<:Ky2;S{#,NpJ)l6HK!#~}Bye. ~~", "HZ-GB-2312", kBig);
    EXPECT_EQ(r.text, "己所不欲，勿施於人。Bye. ~");
    EXPECT_FALSE(r.lossy);
}

TEST(ToUtf8, EveryCanonicalCharsetHasAConverter) {
    for (const char* label :
         {"utf-8",        "us-ascii",     "iso-8859-1",   "iso-8859-2",   "iso-8859-3",
          "iso-8859-4",   "iso-8859-5",   "iso-8859-6",   "iso-8859-7",   "iso-8859-8",
          "iso-8859-9",   "iso-8859-10",  "iso-8859-11",  "iso-8859-13",  "iso-8859-14",
          "iso-8859-15",  "iso-8859-16",  "tis-620",      "windows-1250", "windows-1251",
          "windows-1252", "windows-1253", "windows-1254", "windows-1255", "windows-1256",
          "windows-1257", "windows-1258", "koi8-r",       "koi8-u",       "ibm866",
          "macintosh",    "cp932",        "euc-jp",       "iso-2022-jp",  "utf-7",
          "gb18030",      "big5",         "big5-hkscs",   "cp949",        "iso-2022-kr",
          "hz-gb-2312"}) {
        ASSERT_NE(canonical_charset(label), "") << label;
        Utf8Text r = to_utf8("abc", label, kBig);
        EXPECT_EQ(r.text, "abc") << label;
        EXPECT_FALSE(r.lossy) << label;
        // 8-bit content goes through the converter itself (a missing one would be lossy).
        Utf8Text h = to_utf8("a\xB0\xA1", label, kBig);
        EXPECT_TRUE(core::is_valid_utf8(h.text)) << label;
    }
    EXPECT_EQ(to_utf8(std::string("a\0b\0", 4), "utf-16le", kBig).text, "ab");
    EXPECT_EQ(to_utf8(std::string("\xFF\xFE"
                                  "a\0",
                                  4),
                      "utf-16", kBig)
                  .text,
              "a");
    EXPECT_EQ(to_utf8(std::string("\0\0\0a", 4), "utf-32be", kBig).text, "a");
}

TEST(ToUtf8, ShiftJisMislabelledOrUnlabelledIsDetected) {
    REQUIRE_CORPUS(sjis, "japanese.shift-jis.txt");
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    for (const char* label : {"iso-8859-1", "us-ascii", "", "x-unknown", "utf-8", "euc-jp"}) {
        Utf8Text r = to_utf8(sjis, label, kBig);
        EXPECT_TRUE(r.text == utf8) << label;
        EXPECT_EQ(r.charset, "cp932") << label;
        EXPECT_TRUE(r.detected) << label;
        EXPECT_FALSE(r.lossy) << label;
    }
}

TEST(ToUtf8, ShortShiftJisStringsAreDetectedToo) {
    // Header- and file-name-sized: too short for statistical detection alone.
    for (const char* label : {"", "us-ascii", "iso-8859-1"}) {
        Utf8Text r = to_utf8("\x83\x65\x83\x58\x83\x67", label, kBig);
        EXPECT_EQ(r.text, "テスト") << label;
        EXPECT_TRUE(r.detected) << label;
    }
    Utf8Text e = to_utf8("\xC6\xFC\xCB\xDC\xB8\xEC", "", kBig);  // 日本語 in EUC-JP
    EXPECT_EQ(e.text, "日本語");
}

TEST(ToUtf8, EucJpAndIso2022JpWithoutLabelAreDetected) {
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    REQUIRE_CORPUS(jis, "japanese.iso-2022-jp.txt");
    std::string euc = iconv_from_utf8(utf8, "EUC-JP");
    Utf8Text r = to_utf8(euc, "", kBig);
    EXPECT_TRUE(r.text == utf8);
    EXPECT_EQ(r.charset, "euc-jp");
    EXPECT_TRUE(r.detected);

    // ISO-2022-JP is 7-bit: under a us-ascii label it would otherwise pass as ASCII.
    for (const char* label : {"us-ascii", "", "utf-8", "iso-8859-1"}) {
        Utf8Text j = to_utf8(jis, label, kBig);
        EXPECT_TRUE(j.text == utf8) << label;
        EXPECT_EQ(j.charset, "iso-2022-jp") << label;
        EXPECT_TRUE(j.detected) << label;
    }
}

TEST(ToUtf8, Utf8MislabelledAsLatin1OrAsciiIsRecognised) {
    Utf8Text r = to_utf8("R\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", "iso-8859-1", kBig);
    EXPECT_EQ(r.text, "Résumé 日本");
    EXPECT_EQ(r.charset, "utf-8");
    EXPECT_TRUE(r.detected);
    EXPECT_EQ(to_utf8("\xE6\x97\xA5\xE6\x9C\xAC", "us-ascii", kBig).text, "日本");
    EXPECT_EQ(to_utf8("\xE6\x97\xA5\xE6\x9C\xAC", "", kBig).charset, "utf-8");
}

TEST(ToUtf8, RealLatin1StaysLatin1) {
    Utf8Text r = to_utf8(
        "Gr\xFC\xDF"
        "e aus K\xF6ln, caf\xE9.",
        "iso-8859-1", kBig);
    EXPECT_EQ(r.text, "Grüße aus Köln, café.");
    EXPECT_EQ(r.charset, "iso-8859-1");
    EXPECT_FALSE(r.detected);
    // windows-1252 bytes under the latin-1 label (the usual case) give the 1252 characters.
    EXPECT_EQ(to_utf8("\x93quoted\x94 \x80", "iso-8859-1", kBig).text, "“quoted” €");
}

TEST(ToUtf8, EightBitUnderAsciiLabelFallsBackToWindows1252) {
    Utf8Text r = to_utf8("caf\xE9 cr\xE8me", "us-ascii", kBig);
    EXPECT_EQ(r.text, "café crème");
    EXPECT_TRUE(r.detected);
    // Latin-1 pairs that happen to form valid Shift_JIS (level-2 kanji) are not taken for
    // Japanese (mail gem fixture "invalid_subject_characters").
    EXPECT_EQ(to_utf8("Forma\xE7\xE3o: Mega Campanha Final Ver\xE3o", "", kBig).text,
              "Formação: Mega Campanha Final Verão");
}

TEST(ToUtf8, PureAsciiStaysAsIs) {
    Utf8Text r = to_utf8("Hello, world", "", kBig);
    EXPECT_EQ(r.text, "Hello, world");
    EXPECT_EQ(r.charset, "us-ascii");
    EXPECT_FALSE(r.detected);
    EXPECT_FALSE(r.lossy);
    EXPECT_EQ(to_utf8("Hello", "shift_jis", kBig).charset, "cp932");
    EXPECT_EQ(to_utf8("", "utf-8", kBig).text, "");
}

TEST(ToUtf8, TruncatedMultibyteAtEndIsReplaced) {
    Utf8Text r = to_utf8("\x82\xA0\x82", "shift_jis", kBig);
    EXPECT_EQ(r.text, "あ" + kFffd);
    EXPECT_TRUE(r.lossy);
    Utf8Text u = to_utf8("\xE6\x97\xA5\xE6\x97", "utf-8", kBig);
    EXPECT_EQ(u.text, "日" + kFffd + kFffd);
    EXPECT_TRUE(u.lossy);
    Utf8Text e = to_utf8("\xA4\xA2\xA4", "euc-jp", kBig);
    EXPECT_EQ(e.text, "あ" + kFffd);
}

TEST(ToUtf8, InvalidBytesBecomeReplacementCharacters) {
    // Damaged UTF-8 stays UTF-8 rather than being re-guessed as something else.
    Utf8Text r = to_utf8("\xE6\x97\xA5\xFF\xE6\x9C\xAC\xE8\xAA\x9E", "utf-8", kBig);
    EXPECT_EQ(r.text, "日" + kFffd + "本語");
    EXPECT_EQ(r.charset, "utf-8");
    EXPECT_TRUE(r.lossy);
    // CP932 has no 0xA0 or 0xFD-0xFF lead bytes.
    Utf8Text s = to_utf8("\x82\xA0\xFF\x82\xA2", "cp932", kBig);
    EXPECT_TRUE(core::is_valid_utf8(s.text));
    EXPECT_NE(s.text.find("あ"), std::string::npos);
    EXPECT_NE(s.text.find("い"), std::string::npos);
}

TEST(ToUtf8, HugeInputRespectsMaxOut) {
    std::string sjis;
    for (int i = 0; i < 200000; ++i) sjis += "\x82\xA0";
    Utf8Text r = to_utf8(sjis, "shift_jis", 1000);
    EXPECT_LE(r.text.size(), 1000u);
    EXPECT_GE(r.text.size(), 990u);
    EXPECT_TRUE(r.truncated);
    EXPECT_TRUE(core::is_valid_utf8(r.text));

    std::string jis = "\x1B$B";
    for (int i = 0; i < 200000; ++i) jis += "$\"";
    Utf8Text j = to_utf8(jis, "iso-2022-jp", 1001);
    EXPECT_LE(j.text.size(), 1001u);
    EXPECT_TRUE(j.truncated);
    EXPECT_TRUE(core::is_valid_utf8(j.text));

    std::string junk(1 << 20, '\xFF');
    for (const char* label : {"utf-8", "cp932", "euc-jp", "", "utf-7", "iso-2022-jp", "gb2312"}) {
        Utf8Text k = to_utf8(junk, label, 100);
        EXPECT_LE(k.text.size(), 100u) << label;
        EXPECT_TRUE(k.truncated) << label;
        EXPECT_TRUE(core::is_valid_utf8(k.text)) << label;
    }
    EXPECT_EQ(to_utf8("abc", "utf-8", 0).text, "");
    EXPECT_TRUE(to_utf8("abc", "utf-8", 0).truncated);
}

TEST(ToUtf8, HostileBytesInEveryCharsetGiveBoundedValidUtf8) {
    const std::vector<std::string> inputs = {std::string("\x00\x01\x1B\x1B$", 5),
                                             "\x1B$(",
                                             "\x1B$B\xFF\xFE",
                                             "+",
                                             "+AAAA",
                                             "+/v8-",
                                             "\x0E\x0E\x0F\x0F",
                                             "\x8F\xA1",
                                             "\xFE\xFF\x00",
                                             "\xFF\xFE\xD8\x00",
                                             std::string(7, '\x80'),
                                             "=?\x1B(I",
                                             "\xE0\x80\x80\xED\xA0\x80\xF4\x90\x80\x80"};
    const char* labels[] = {"utf-8",
                            "us-ascii",
                            "iso-8859-1",
                            "iso-8859-7",
                            "windows-1252",
                            "koi8-r",
                            "cp932",
                            "euc-jp",
                            "iso-2022-jp",
                            "utf-7",
                            "gb18030",
                            "big5",
                            "big5-hkscs",
                            "cp949",
                            "iso-2022-kr",
                            "utf-16",
                            "utf-16le",
                            "utf-32",
                            "hz-gb-2312",
                            "ibm866",
                            "macintosh",
                            "nonsense",
                            ""};
    for (const auto& in : inputs) {
        for (const char* label : labels) {
            Utf8Text r = to_utf8(in, label, 64);
            EXPECT_TRUE(core::is_valid_utf8(r.text)) << label;
            EXPECT_LE(r.text.size(), 64u) << label;
        }
    }
}

TEST(DetectCharset, RecognisesJapaneseEncodings) {
    REQUIRE_CORPUS(sjis, "japanese.shift-jis.txt");
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    REQUIRE_CORPUS(jis, "japanese.iso-2022-jp.txt");
    EXPECT_EQ(detect_charset(sjis), "cp932");
    EXPECT_EQ(detect_charset(utf8), "utf-8");
    EXPECT_EQ(detect_charset(iconv_from_utf8(utf8, "EUC-JP")), "euc-jp");
    EXPECT_EQ(detect_charset(jis), "iso-2022-jp");
    EXPECT_EQ(detect_charset(""), "");
}

TEST(ToUtf8, IsSafeFromSeveralThreads) {
    REQUIRE_CORPUS(jis, "japanese.iso-2022-jp.txt");
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) ok[t] += to_utf8(jis, "iso-2022-jp", kBig).text == utf8;
        });
    for (auto& th : threads) th.join();
    for (int v : ok) EXPECT_EQ(v, 20);
}

// Test-side reading of one byte with glibc iconv; "" when the charset leaves it undefined.
std::string iconv_byte_to_utf8(unsigned char b, const char* from) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) return "";
    char in = static_cast<char>(b);
    char* src = &in;
    std::size_t src_left = 1;
    char out[16];
    char* dst = out;
    std::size_t dst_left = sizeof out;
    std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1)) return "";
    return std::string(out, sizeof out - dst_left);
}

TEST(ToUtf8, SingleByteCharsetsGiveIconvsCharacterForEveryByte) {
    struct Case {
        const char* label;
        const char* iconv;
    };
    const Case cases[] = {
        {"windows-1250", "WINDOWS-1250"},
        {"windows-1251", "WINDOWS-1251"},
        {"windows-1252", "WINDOWS-1252"},
        {"windows-1253", "WINDOWS-1253"},
        {"windows-1254", "WINDOWS-1254"},
        {"windows-1256", "WINDOWS-1256"},
        {"windows-1257", "WINDOWS-1257"},
        {"windows-874", "WINDOWS-874"},
        {"iso-8859-2", "ISO-8859-2"},
        {"iso-8859-5", "ISO-8859-5"},
        {"iso-8859-7", "ISO-8859-7"},
        {"iso-8859-15", "ISO-8859-15"},
        {"koi8-r", "KOI8-R"},
        {"koi8-u", "KOI8-U"},
        {"ibm866", "IBM866"},
        {"macintosh", "MACINTOSH"},
    };
    for (const auto& c : cases) {
        // Every 8-bit byte once, each between ASCII letters: the label is kept, so each byte
        // must come out as iconv's character for it, or U+FFFD where iconv has none.
        std::string in;
        std::string want;
        bool undefined = false;
        for (int b = 0x80; b <= 0xFF; ++b) {
            in += "a";
            in += static_cast<char>(b);
            in += "z ";
            std::string ch = iconv_byte_to_utf8(static_cast<unsigned char>(b), c.iconv);
            undefined |= ch.empty();
            want += "a" + (ch.empty() ? kFffd : ch) + "z ";
        }
        Utf8Text r = to_utf8(in, c.label, kBig);
        EXPECT_EQ(r.text, want) << c.label;
        EXPECT_EQ(r.charset, c.label);
        EXPECT_FALSE(r.detected) << c.label;
        EXPECT_EQ(r.lossy, undefined) << c.label;
    }
}

TEST(ToUtf8, Latin1LabelIsWindows1252UnlessAByteIsUndefinedThere) {
    Utf8Text r = to_utf8("\x93Hi\x94 caf\xE9 \x80", "latin1", kBig);
    EXPECT_EQ(r.text, "“Hi” café €");
    EXPECT_FALSE(r.lossy);
    // 0x81 has no windows-1252 character: the whole text is then read as plain latin-1.
    r = to_utf8("\x93Hi\x94 caf\xE9 \x81", "iso-8859-1", kBig);
    EXPECT_EQ(r.text, "\xC2\x93Hi\xC2\x94 café \xC2\x81");
    EXPECT_EQ(r.charset, "iso-8859-1");
    EXPECT_FALSE(r.lossy);
    // Under an explicit windows-1252 label the undefined byte is replaced instead.
    r = to_utf8("caf\xE9 \x81", "windows-1252", kBig);
    EXPECT_EQ(r.text, "café " + kFffd);
    EXPECT_TRUE(r.lossy);
}

TEST(ToUtf8, SingleByteOutputStopsAtMaxOutOnACharacterBoundary) {
    Utf8Text r = to_utf8("\xE9\xE9\xE9 x", "iso-8859-1", 5);
    EXPECT_EQ(r.text, "éé");
    EXPECT_TRUE(r.truncated);
    r = to_utf8("ab \xE9", "windows-1251", 4);
    EXPECT_EQ(r.text, "ab ");
    EXPECT_TRUE(r.truncated);
    r = to_utf8("ab \xE9", "windows-1251", 5);
    EXPECT_EQ(r.text, "ab й");
    EXPECT_FALSE(r.truncated);
    r = to_utf8("abcdef\x81", "windows-1252", 4);
    EXPECT_EQ(r.text, "abcd");
    EXPECT_TRUE(r.truncated);
}

TEST(ToUtf8, DeclaredSingleByteTextWithAFewAccentsKeepsItsLabel) {
    struct Case {
        const char* bytes;
        const char* label;
        const char* text;
    };
    const Case cases[] = {
        {"Copyright \xA9 2024 ACME", "iso-8859-1", "Copyright © 2024 ACME"},
        {"Price: \xA3"
         "10",
         "iso-8859-1", "Price: £10"},
        {"don\x92t \x96 \x93Hi\x94.", "windows-1252", "don’t – “Hi”."},
        {"Tar\xFD"
         "f \xDCnal",
         "windows-1254", "Tarıf Ünal"},
        {"I\x92ll see", "windows-1251", "I’ll see"},
        {"\xEF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0", "windows-1251", "привет, мир"},
        {"\xD0\xD2\xC9\xD7\xC5\xD4 \xCD\xC9\xD2", "koi8-r", "привет мир"},
        {"\xF9\xEC\xE5\xED", "windows-1255", "שלום"},
    };
    for (const auto& c : cases) {
        Utf8Text r = to_utf8(c.bytes, c.label, kBig);
        EXPECT_EQ(r.text, c.text) << c.label << " " << c.text;
        EXPECT_EQ(r.charset, c.label);
        EXPECT_FALSE(r.detected) << c.text;
        EXPECT_FALSE(r.lossy) << c.text;
    }
}

TEST(ToUtf8, LongShiftJisUnderLatin1LabelIsStillDetected) {
    REQUIRE_CORPUS(sjis, "japanese.shift-jis.txt");
    REQUIRE_CORPUS(utf8, "japanese.utf-8.txt");
    // Past the length of the Japanese trial decoding, so only the detectors can find it.
    std::string big_sjis;
    std::string big_utf8;
    while (big_sjis.size() < 40 * 1024) {
        big_sjis += sjis;
        big_utf8 += utf8;
    }
    Utf8Text r = to_utf8(big_sjis, "iso-8859-1", kBig);
    EXPECT_EQ(r.charset, "cp932");
    EXPECT_TRUE(r.detected);
    EXPECT_EQ(r.text, big_utf8);
}

TEST(ToUtf8, ShiftJisUnderLatin1LabelWithALatinByteThatBreaksItStaysLatin1) {
    REQUIRE_CORPUS(sjis, "japanese.shift-jis.txt");
    // "é " cannot occur in Shift_JIS (0xE9 is a lead byte, a space no trail), so no double-byte
    // reading is clean and the declared charset is kept, as it was when the detector ran.
    Utf8Text r = to_utf8(sjis + " caf\xE9 ", "iso-8859-1", kBig);
    EXPECT_EQ(r.charset, "iso-8859-1");
    EXPECT_FALSE(r.detected);
    EXPECT_TRUE(core::is_valid_utf8(r.text));
}

}  // namespace
}  // namespace kagami::mime
