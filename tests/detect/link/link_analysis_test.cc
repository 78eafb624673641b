#include "detect/link/link_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "kagami/limits.h"

namespace kagami::detect::link {
namespace {

/// An HTML mail with `body` as its only part.
mime::Message html_mail(const std::string& body) {
    std::string raw =
        "From: Support <support@example.net>\r\n"
        "To: user@example.org\r\n"
        "Subject: test\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" +
        body + "\r\n";
    return mime::parse_message(raw, Limits{});
}

mime::Message text_mail(const std::string& body) {
    std::string raw =
        "From: a@example.net\r\nTo: b@example.org\r\nSubject: t\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
        body + "\r\n";
    return mime::parse_message(raw, Limits{});
}

const Finding* find(const std::vector<Finding>& fs, const std::string& id) {
    for (const auto& f : fs)
        if (f.id == id) return &f;
    return nullptr;
}

bool fires(const std::string& html, const std::string& id = "link.text_domain_mismatch") {
    return find(analyze(html_mail(html)), id) != nullptr;
}

TEST(TextDomainMismatch, FiresOnUrlTextToOtherSite) {
    auto fs = analyze(html_mail(
        "<p>Your account is limited.</p><a href=\"https://secure-login.evil.example/pp/\">"
        "https://www.paypal.com/signin</a>"));
    const Finding* f = find(fs, "link.text_domain_mismatch");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("shows www.paypal.com, goes to secure-login.evil.example"),
              std::string::npos);
    EXPECT_EQ(f->where, "1");
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1566.002", "T1036"}));
}

TEST(TextDomainMismatch, FiresOnJapaneseLureWithBareDomains) {
    EXPECT_TRUE(fires(
        "<p>【重要】Amazonアカウントの確認</p><p>以下のリンクからログインしてください：</p>"
        "<a href=\"http://amazon-co-jp.account-check.example.top/login\">www.amazon.co.jp</a>"));
    EXPECT_TRUE(fires(
        "<p>三菱UFJ銀行からのお知らせ</p><a href=\"https://mufg-jp.example.cn/\">mufg.jp</a>"));
    // Full-width text reads the same to the victim.
    EXPECT_TRUE(fires("<a href=\"https://evil.example.com/\">ｗｗｗ．ｓｍｂｃ．ｃｏ．ｊｐ</a>"));
    // Upper case and surrounding brackets or punctuation.
    EXPECT_TRUE(
        fires("<a href=\"https://evil.example.com/\">&lt;HTTPS://WWW.RAKUTEN.CO.JP/&gt;</a>"));
    EXPECT_TRUE(fires("<a href=\"https://evil.example.com/\">Amazon.co.jp</a>"));
    // The shown name as a subdomain of the phisher's own.
    EXPECT_TRUE(
        fires("<a href=\"https://www.paypal.com.secure-id.example/\">https://www.paypal.com</a>"));
}

TEST(TextDomainMismatch, FiresOnIpHrefAndCountsTheRest) {
    auto fs =
        analyze(html_mail("<a href=\"http://203.0.113.9/a\">www.chase.com</a>"
                          "<a href=\"http://203.0.113.9/b\">www.chase.com/login</a>"
                          "<a href=\"http://203.0.113.9/c\">chase.com</a>"));
    const Finding* f = find(fs, "link.text_domain_mismatch");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("(+2 more)"), std::string::npos);
    EXPECT_EQ(std::count_if(fs.begin(), fs.end(),
                            [](const Finding& x) { return x.id == "link.text_domain_mismatch"; }),
              1);
}

TEST(TextDomainMismatch, QuietForSameOrganisation) {
    EXPECT_FALSE(fires("<a href=\"https://login.paypal.com/x\">https://www.paypal.com/signin</a>"));
    EXPECT_FALSE(fires("<a href=\"https://www.mofa.go.jp/\">mofa.go.jp</a>"));
    EXPECT_FALSE(
        fires("<a href=\"https://click.email.example.co.uk/t?id=1\">www.example.co.uk</a>"));
    // The text is a shortened display of the href.
    EXPECT_FALSE(
        fires("<a "
              "href=\"https://www.jaxa.jp/press/2024/05/20240501-1_j.html\">https://www.jaxa.jp/"
              "press/...</a>"));
}

TEST(TextDomainMismatch, QuietForClickTrackers) {
    EXPECT_FALSE(
        fires("<a "
              "href=\"https://example.us1.list-manage.com/track/"
              "click?u=abc&id=def\">www.example.org</a>"));
    EXPECT_FALSE(
        fires("<a "
              "href=\"https://nam02.safelinks.protection.outlook.com/"
              "?url=https%3A%2F%2Fwww.nikkei.com%2F&data=x\">"
              "https://www.nikkei.com/</a>"));
    // An unknown redirector whose query carries the shown URL.
    EXPECT_FALSE(
        fires("<a "
              "href=\"https://r.news.example-esp.net/"
              "c?u=https%253A%252F%252Fwww.asahi.com%252Farticles\">"
              "www.asahi.com</a>"));
    // Unlisted trackers: "click" in the host or path, or the shown URL carried in the path.
    EXPECT_FALSE(
        fires("<a href=\"http://clickthru.online.example/Click?q=4e-0Y95InZ\">www.buy.com</a>"));
    EXPECT_FALSE(fires("<a href=\"http://mail.news.example/Click?q=26-KqZVIiM\">dilbert.com</a>"));
    EXPECT_FALSE(fires(
        "<a href=\"http://www.esp.example/mm/Go/233/*http://www.tesco.ie\">www.tesco.ie</a>"));
    EXPECT_FALSE(fires(
        "<a href=\"http://shop.example.net/go/to?destUrl=http%3A%2F%2Fwww%2Eus%2Ebuy%2Ecom%2F\">"
        "buy.com</a>"));
    // Google's own redirect carries its target; pages hosted on Google do not.
    EXPECT_FALSE(
        fires("<a "
              "href=\"https://www.google.com/url?q=https://www.nhk.or.jp/news/"
              "&sa=D\">www.nhk.or.jp</a>"));
    EXPECT_TRUE(fires("<a href=\"https://sites.google.com/view/secure-id\">www.paypal.com</a>"));
    // ... but a destination that merely mentions the brand in its path still fires.
    EXPECT_TRUE(fires("<a href=\"https://evil.example/www.paypal.com/login\">www.paypal.com</a>"));
}

TEST(TextDomainMismatch, QuietForTextThatIsNotAHost) {
    EXPECT_FALSE(fires("<a href=\"https://evil.example/\">Click here</a>"));
    EXPECT_FALSE(fires("<a href=\"https://evil.example/\">こちらをクリック</a>"));
    EXPECT_FALSE(fires("<a href=\"https://downloads.example/\">v2.0</a>"));
    EXPECT_FALSE(fires("<a href=\"https://downloads.example/\">3.5</a>"));
    EXPECT_FALSE(fires("<a href=\"https://nodejs.example/\">Node.js</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">invoice.pdf</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">請求書.xlsx</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">archive.zip</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">install.sh</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">Visit www.paypal.com now</a>"));
    EXPECT_FALSE(fires("<a href=\"https://files.example/x\">user@paypal.com</a>"));
}

TEST(TextDomainMismatch, QuietForMailtoPlainTextAndImages) {
    EXPECT_FALSE(fires("<a href=\"mailto:info@evil.example\">www.paypal.com</a>"));
    EXPECT_FALSE(fires("<a href=\"tel:+81312345678\">www.ntt.co.jp</a>"));
    EXPECT_FALSE(fires("<img src=\"https://cdn.esp.example/logo.png\" alt=\"Amazon.co.jp\">"));
    // Plain-text URLs have no anchor text.
    auto fs = analyze(text_mail("See https://www.paypal.com/ and http://evil.example/login"));
    EXPECT_EQ(find(fs, "link.text_domain_mismatch"), nullptr);
}

TEST(IpHost, FiresOnPublicAddressLiteral) {
    auto fs = analyze(html_mail("<a href=\"http://198.51.100.23:8080/verify\">Verify now</a>"));
    const Finding* f = find(fs, "link.ip_host");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->evidence, "http://198.51.100.23:8080/verify");
    EXPECT_NE(f->title.find("198.51.100.23"), std::string::npos);
    EXPECT_NE(find(analyze(text_mail("ログイン: http://203.0.113.5/jp/login")), "link.ip_host"),
              nullptr);
    EXPECT_NE(find(analyze(html_mail("<a href=\"https://[2001:db8::1]/x\">x</a>")), "link.ip_host"),
              nullptr);
    // One number is an address to a browser too.
    EXPECT_TRUE(fires("<a href=\"http://3405803781/login\">x</a>", "link.ip_host"));
    EXPECT_TRUE(fires("<a href=\"http://0xCB007105/login\">x</a>", "link.ip_host"));
}

TEST(IpHost, QuietForNamesVersionsAndLocalAddresses) {
    EXPECT_FALSE(fires("<a href=\"https://www.example.com/1.2.3.4\">x</a>", "link.ip_host"));
    EXPECT_FALSE(fires("<a href=\"https://1.2.3.4.example.com/\">x</a>", "link.ip_host"));
    EXPECT_FALSE(fires("<a href=\"http://127.0.0.1:8080/\">x</a>", "link.ip_host"));
    EXPECT_FALSE(fires("<a href=\"http://192.168.1.1/\">router</a>", "link.ip_host"));
    EXPECT_FALSE(fires("<a href=\"http://10.0.0.5/wiki\">wiki</a>", "link.ip_host"));
    EXPECT_FALSE(fires("<img src=\"http://198.51.100.23/images/logo.gif\">", "link.ip_host"));
    EXPECT_FALSE(fires("<a href=\"mailto:root@[192.0.2.1]\">x</a>", "link.ip_host"));
}

TEST(UserinfoHost, FiresOnHostNameBeforeAt) {
    auto fs = analyze(html_mail("<a href=\"http://www.bank.com@evil.example/login\">Log in</a>"));
    const Finding* f = find(fs, "link.userinfo_host");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->title.find("www.bank.com"), std::string::npos);
    EXPECT_NE(f->title.find("evil.example"), std::string::npos);
    EXPECT_EQ(find(fs, "link.text_domain_mismatch"), nullptr);  // "Log in" shows no host
}

TEST(UserinfoHost, QuietForPlainCredentialsAndSameOrganisation) {
    EXPECT_FALSE(
        fires("<a href=\"ftp://anonymous:guest@ftp.example.org/pub\">x</a>", "link.userinfo_host"));
    EXPECT_FALSE(fires("<a href=\"https://user@www.example.org/\">x</a>", "link.userinfo_host"));
    EXPECT_FALSE(
        fires("<a href=\"https://mail.example.org@www.example.org/\">x</a>", "link.userinfo_host"));
    // A mail address starting with www. in plain text is not a URL with a user.
    EXPECT_EQ(find(analyze(text_mail("Write to www.courier-service@outlook.com today")),
                   "link.userinfo_host"),
              nullptr);
    EXPECT_FALSE(fires("<a href=\"https://john.smith@evil.example/\">x</a>", "link.userinfo_host"));
}

TEST(LinkAnalysis, EmptyAndHostileInputsAreQuiet) {
    EXPECT_TRUE(analyze(mime::Message{}).empty());
    EXPECT_FALSE(fires("<a href=\"https://\">www.paypal.com</a>"));
    EXPECT_FALSE(fires("<a href=\"http:evil.example\">www.paypal.com</a>"));
    std::string long_text(5000, 'a');
    EXPECT_FALSE(fires("<a href=\"https://evil.example/\">" + long_text + ".com</a>"));
}

}  // namespace
}  // namespace kagami::detect::link
