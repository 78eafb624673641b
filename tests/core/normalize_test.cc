#include "core/normalize.h"

#include <gtest/gtest.h>

namespace kagami::core {
namespace {

TEST(FoldForMatch, FoldsWidthCaseAndCompatibilityForms) {
    EXPECT_EQ(fold_for_match("ＪＡＸＡ Taiwan"), "jaxa taiwan");
    EXPECT_EQ(fold_for_match("ｶﾞｲﾑｼｮｳ"), "ガイムショウ");  // half-width kana and voicing mark
    EXPECT_EQ(fold_for_match("㈱ﬁ"), "(株)fi");
    EXPECT_EQ(fold_for_match("Export CONTROL"), "export control");
    EXPECT_EQ(fold_for_match(""), "");
}

TEST(FoldForMatch, SurvivesInvalidUtf8) {
    std::string bad = "abc\xff\xfe\xc3";
    std::string folded = fold_for_match("台湾" + bad);
    EXPECT_EQ(folded.substr(0, 6), "台湾");
    EXPECT_NE(folded.find("abc"), std::string::npos);
}

}  // namespace
}  // namespace kagami::core
