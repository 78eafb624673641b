// The PDF object parser and stream filters on their own (detail API).
#include "analyzers/pdf/pdf_filters.h"
#include "analyzers/pdf/pdf_object.h"

#include <gtest/gtest.h>

#include <string>

#include "support/pdf_builder.h"

namespace kagami::analyzers::detail::pdf {
namespace {

Object parse(std::string_view text, ParseBudget* shared = nullptr) {
    ParseBudget budget{1'000'000};
    Parser p(text, 0, shared ? *shared : budget);
    return p.parse();
}

TEST(PdfParser, ReadsNestedDictionaryWithReferencesAndStrings) {
    Object o = parse("<< /A 12 0 R /B [1 -2.5 (x\\(y\\)\\101\\n) <48 65 6C6>] /C << /D true >> >>");
    ASSERT_TRUE(o.is_dict());
    ASSERT_NE(o.get("A"), nullptr);
    EXPECT_EQ(o.get("A")->kind, Kind::ref);
    EXPECT_EQ(o.get("A")->num, 12u);
    const Object* b = o.get("B");
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->items.size(), 4u);
    EXPECT_EQ(b->items[0].integer(), 1);
    EXPECT_EQ(b->items[1].text, "-2.5");
    EXPECT_FALSE(b->items[1].integer());
    EXPECT_EQ(b->items[2].text, "x(y)A\n");
    EXPECT_EQ(b->items[3].text, "Hel`");
    EXPECT_EQ(o.get("C")->get("D")->kind, Kind::boolean);
}

TEST(PdfParser, DecodesNameEscapesAndRecordsObfuscatedOnes) {
    ParseBudget budget{1000};
    Parser p("<< /J#61vaScript 1 /A#20B 2 >>", 0, budget);
    Object o = p.parse();
    EXPECT_NE(o.get("JavaScript"), nullptr);
    EXPECT_NE(o.get("A B"), nullptr);
    ASSERT_EQ(p.obfuscated().size(), 1u);
    EXPECT_EQ(p.obfuscated()[0].raw, "J#61vaScript");
}

TEST(PdfParser, StopsAtDepthBoundWithoutRecursing) {
    ParseBudget budget{1'000'000};
    std::string deep = std::string(200'000, '[') + "1" + std::string(200'000, ']') + " 7";
    Parser p(deep, 0, budget);
    Object o = p.parse();
    EXPECT_TRUE(p.too_deep());
    EXPECT_EQ(o.kind, Kind::array);
    EXPECT_EQ(p.take_unsigned(), 7u);  // the skipped structure was stepped over whole
}

TEST(PdfParser, SharedBudgetBoundsWork) {
    ParseBudget budget{10};
    Object o = parse("[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15]", &budget);
    EXPECT_TRUE(budget.exhausted);
    EXPECT_LT(o.items.size(), 10u);
}

TEST(PdfParser, ConvertsTextStrings) {
    EXPECT_EQ(text_string_to_utf8(std::string("\xFE\xFF\x8A\xCB\x6C\x42", 6)), "請求");
    EXPECT_EQ(text_string_to_utf8("caf\xE9 \x80"), "café •");
    EXPECT_EQ(bytes_to_utf8("caf\xC3\xA9"), "café");
}

TEST(PdfFilters, InflatesZlibAndRawDeflate) {
    std::string z = test::pdf_flate("hello hello hello");
    EXPECT_EQ(flate_decode(z, 1000).data, "hello hello hello");
    EXPECT_EQ(flate_decode(z.substr(2, z.size() - 6), 1000).data, "hello hello hello");
    auto cut = flate_decode(z, 5);
    EXPECT_TRUE(cut.cut);
    EXPECT_EQ(cut.data, "hello");
    auto truncated = flate_decode(z.substr(0, z.size() / 2), 1000);
    EXPECT_FALSE(truncated.error.empty());
}

TEST(PdfFilters, DecodesAsciiFilters) {
    EXPECT_EQ(ascii_hex_decode("48 65 6c 6C 6>", 100).data, "Hell`");
    EXPECT_EQ(ascii85_decode("<~87cURD_*#-6q/;CDfTZ)+T~>", 100).data, "Hello, PDF world!");
    EXPECT_EQ(ascii85_decode("z@:E^~>", 100).data, std::string("\0\0\0\0abc", 7));
    EXPECT_FALSE(ascii85_decode("ab{", 100).error.empty());
}

TEST(PdfFilters, DecodesLzwExampleFromTheStandard) {
    // ISO 32000-1 §7.4.4.2: "-----A---B" encodes to 80 0B 60 50 22 0C 0C 85 01.
    auto r = lzw_decode("\x80\x0B\x60\x50\x22\x0C\x0C\x85\x01", 100, true);
    EXPECT_EQ(r.data, "-----A---B");
}

TEST(PdfFilters, DecodesRunLength) {
    auto r = run_length_decode(std::string("\x02"
                                           "abc"
                                           "\xFE"
                                           "z"
                                           "\x80",
                                           7),
                               100);
    EXPECT_EQ(r.data, "abczzz");
}

TEST(PdfFilters, UndoesPngUpPredictor) {
    FilterParams p;
    p.predictor = 12;
    p.columns = 3;
    std::string rows("\x02\x01\x02\x03\x02\x01\x01\x01", 8);
    EXPECT_EQ(unpredict(rows, p).data, std::string("\x01\x02\x03\x02\x03\x04", 6));
    p.columns = 1 << 30;
    EXPECT_FALSE(unpredict(rows, p).error.empty());
}

TEST(PdfFilters, ChainStopsAtImageCodecs) {
    std::vector<Filter> chain{{"AHx", {}}, {"DCTDecode", {}}};
    auto r = decode("414243>", chain, 100);
    EXPECT_EQ(r.data, "ABC");
    EXPECT_EQ(r.undecoded, "DCTDecode");
    EXPECT_FALSE(r.unknown);
}

}  // namespace
}  // namespace kagami::analyzers::detail::pdf
