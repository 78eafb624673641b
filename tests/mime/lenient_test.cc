#include "mime/lenient.h"

#include <gtest/gtest.h>

namespace kagami::mime {
namespace {

TEST(LenientRewrite, LeavesOrdinaryMailAlone) {
    EXPECT_FALSE(lenient_rewrite(
        "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n"));
    EXPECT_FALSE(lenient_rewrite(""));
    EXPECT_FALSE(lenient_rewrite("Content-Type: text/plain; name=\"a;boundary=b;boundary=c\"\r\n"));
}

TEST(LenientRewrite, DropsACommentInAContentHeaderName) {
    auto out = lenient_rewrite(
        "Subject: x\r\nContent-Type(meow): multipart/mixed; boundary=\"Y\"\r\n\r\n");
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "Subject: x\r\nContent-Type: multipart/mixed; boundary=\"Y\"\r\n\r\n");
    auto nested = lenient_rewrite("Content-Transfer-Encoding (a(b)) : base64\n");
    ASSERT_TRUE(nested);
    EXPECT_EQ(*nested, "Content-Transfer-Encoding: base64\n");
}

TEST(LenientRewrite, KeepsTheLastOfSeveralBoundaries) {
    auto out = lenient_rewrite(
        "Content-Type: multipart/mixed; boundary=X;\r\n boundary=\"Y\"; charset=a\r\nX: y\r\n");
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "Content-Type: multipart/mixed;\r\n boundary=\"Y\"; charset=a\r\nX: y\r\n");
}

TEST(LenientRewrite, BrokenLinesDoNotConfuseIt) {
    EXPECT_FALSE(lenient_rewrite("Content-Type(unclosed: x\n"));
    EXPECT_FALSE(lenient_rewrite("Content-Type(a:b): x\n"));
    EXPECT_FALSE(lenient_rewrite(std::string(100000, '(')));
    auto out = lenient_rewrite("Content-Type: a; boundary=1; boundary=2");
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "Content-Type: a; boundary=2");
}

}  // namespace
}  // namespace kagami::mime
