#include <gtest/gtest.h>

#include "detect/intel/indicators.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

TEST(Refang, UndoesCommonDefangings) {
    EXPECT_EQ(refang("hxxps://evil[.]example/x"), "https://evil.example/x");
    EXPECT_EQ(refang("hXXp://evil(.)example"), "http://evil.example");
    EXPECT_EQ(refang("fxp://files{.}example"), "ftp://files.example");
    EXPECT_EQ(refang("evil[dot]example"), "evil.example");
    EXPECT_EQ(refang("http[:]//evil.example"), "http://evil.example");
    EXPECT_EQ(refang("user[@]evil.example"), "user@evil.example");
    EXPECT_EQ(refang("user[at]evil.example"), "user@evil.example");
    EXPECT_EQ(refang("5.8.95[.]174"), "5.8.95.174");
}

TEST(Refang, LeavesOrdinaryTextAlone) {
    EXPECT_EQ(refang("array[i] (see) {x}"), "array[i] (see) {x}");
    EXPECT_EQ(refang("shxxp://x"), "shxxp://x");  // not at a word start
}

TEST(NormaliseDomain, LowercasesDropsDotAndConvertsUnicode) {
    EXPECT_EQ(normalise_domain("Evil.EXAMPLE."), "evil.example");
    EXPECT_EQ(normalise_domain("xn--bcher-kva.example"), "xn--bcher-kva.example");
    EXPECT_EQ(normalise_domain("bücher.example"), "xn--bcher-kva.example");
    EXPECT_EQ(normalise_domain("外務省.JP"), normalise_domain("xn--lhrz8ls91a.jp"));
    EXPECT_FALSE(normalise_domain("localhost"));
    EXPECT_FALSE(normalise_domain("1.2.3.4"));
    EXPECT_FALSE(normalise_domain("bad..example"));
    EXPECT_FALSE(normalise_domain("has space.example"));
}

TEST(NormaliseUrl, CanonicalForms) {
    auto n = [](std::string_view u) {
        auto r = normalise_url(u);
        return r ? r->url : std::string("<none>");
    };
    EXPECT_EQ(n("HTTP://Evil.Example:80/a/./b/../c?q=1#frag"), "http://evil.example/a/c?q=1");
    EXPECT_EQ(n("https://evil.example:443"), "https://evil.example/");
    EXPECT_EQ(n("https://evil.example:8443/"), "https://evil.example:8443/");
    EXPECT_EQ(n("http://evil.example/%7Euser/%41b%2f"), "http://evil.example/~user/Ab%2F");
    EXPECT_EQ(n("http://[2001:DB8:0:0::1]:8080/x"), "http://[2001:db8::1]:8080/x");
    EXPECT_EQ(n("http://evil.example/a/b/.."), "http://evil.example/a/");
    EXPECT_EQ(n("http://bücher.example/"), "http://xn--bcher-kva.example/");
    EXPECT_EQ(n("evil.example/path"), "<none>");
    EXPECT_EQ(normalise_url("HTTPS://User@Evil.Example./x")->host, "evil.example");
}

TEST(NormaliseIp, CanonicalIpv6AndPrefixes) {
    EXPECT_EQ(normalise_ip("2001:0DB8:0000:0000:0000:0000:0000:0001", false)->text, "2001:db8::1");
    EXPECT_EQ(normalise_ip("[2001:db8::1]", false)->text, "2001:db8::1");
    auto mapped = normalise_ip("::ffff:192.0.2.1", false);
    ASSERT_TRUE(mapped);
    EXPECT_EQ(mapped->type, IndicatorType::ipv4);
    EXPECT_EQ(mapped->text, "192.0.2.1");
    auto net = normalise_ip("10.1.2.3/8", true);
    ASSERT_TRUE(net);
    EXPECT_EQ(net->text, "10.0.0.0/8");
    EXPECT_EQ(normalise_ip("10.1.2.3/32", true)->prefix, -1);
    EXPECT_FALSE(normalise_ip("10.1.2.3/8", false));
    EXPECT_FALSE(normalise_ip("1.2.3", false));
    EXPECT_FALSE(normalise_ip("10.0.0.0/33", true));
}

TEST(NormaliseOthers, EmailsHashesFileNames) {
    EXPECT_EQ(normalise_email("Taro.Yamada@Evil.Example"), "taro.yamada@evil.example");
    EXPECT_EQ(normalise_email("<x@evil.example>"), "x@evil.example");
    EXPECT_FALSE(normalise_email("no-at-sign.example"));
    EXPECT_EQ(normalise_hash("ABCDEF0123456789ABCDEF0123456789"),
              "abcdef0123456789abcdef0123456789");
    EXPECT_FALSE(normalise_hash("abcdef0123456789abcdef012345678"));  // 31 digits
    EXPECT_EQ(normalise_file_name("C:\\Users\\x\\Invoice.LNK"), "invoice.lnk");
    EXPECT_EQ(normalise_file_name("ＲＥＡＤＭＥ.TXT"), "readme.txt");
}

TEST(InferType, ListValues) {
    EXPECT_EQ(infer_type("5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa"),
              IndicatorType::sha256);
    EXPECT_EQ(infer_type("8d2e1cbd9b6eb953fd151d3193bf5975"), IndicatorType::md5);
    EXPECT_EQ(infer_type("https://evil.example/x"), IndicatorType::url);
    EXPECT_EQ(infer_type("45.32.13.180"), IndicatorType::ipv4);
    EXPECT_EQ(infer_type("2001:db8::1"), IndicatorType::ipv6);
    EXPECT_EQ(infer_type("a@evil.example"), IndicatorType::email);
    EXPECT_EQ(infer_type("www.ninesmn.com"), IndicatorType::domain);
    EXPECT_EQ(infer_type("K7SysMon.Exe.db"), IndicatorType::file_name);
    EXPECT_EQ(infer_type("invoice.zip"), IndicatorType::file_name);
    EXPECT_EQ(infer_type("【参考】文書.exe"), IndicatorType::file_name);
    EXPECT_FALSE(infer_type("HKEY_CURRENT_USER\\Software\\Licenses"));
    EXPECT_FALSE(infer_type("just words"));
    EXPECT_TRUE(looks_like_regex("\\\\usbclass\\.sys"));
    EXPECT_FALSE(looks_like_regex("usbclass.sys"));
}

}  // namespace
}  // namespace kagami::detect::intel
