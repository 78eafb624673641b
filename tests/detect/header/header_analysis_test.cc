#include "detect/header/header_analysis.h"

#include <gtest/gtest.h>

#include "detect/header/domain.h"
#include "support/mime_builder.h"

namespace kagami::detect {
namespace {

HeaderAnalysis analyze(const test::MimeBuilder& b) {
    return analyze_headers(mime::parse_message(b.str(), Limits{}));
}

bool has(const HeaderAnalysis& a, std::string_view id) {
    for (const auto& f : a.findings)
        if (f.id == id) return true;
    return false;
}

test::MimeBuilder base() {
    return test::MimeBuilder()
        .header("Date", "Tue, 26 Nov 2024 10:14:58 +0900")
        .header("Message-ID", "<x@example.co.jp>")
        .body("hello\r\n");
}

TEST(Domain, OrganisationalDomainFollowsThePublicSuffixList) {
    EXPECT_EQ(organisational_domain("mail.mofa.go.jp"), "mofa.go.jp");
    EXPECT_EQ(organisational_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(organisational_domain("Example.COM."), "example.com");
    EXPECT_EQ(organisational_domain("jaxa.jp"), "jaxa.jp");
}

TEST(Domain, FreemailIsRecognisedCaseInsensitively) {
    EXPECT_TRUE(is_freemail("gmail.com"));
    EXPECT_TRUE(is_freemail("Yahoo.co.jp"));
    EXPECT_FALSE(is_freemail("mofa.go.jp"));
    EXPECT_FALSE(is_freemail("gmail.com.evil.example"));
}

TEST(Domain, OrganisationNamesAreToldFromPeople) {
    std::string word;
    EXPECT_TRUE(names_organisation("外務省 総合外交政策局", &word));
    EXPECT_EQ(word, "省");
    EXPECT_TRUE(names_organisation("Embassy of Japan", &word));
    EXPECT_TRUE(names_organisation("㈱サンプル", &word));
    EXPECT_FALSE(names_organisation("Bankston Tanaka", &word));
    EXPECT_FALSE(names_organisation("山田 太郎", &word));
}

TEST(HeaderAnalysis, ConsistentBusinessMailHasNoSenderFindings) {
    auto a = analyze(base()
                         .header("From", "Suzuki <suzuki@sample-shoji.co.jp>")
                         .header("Reply-To", "sales@mail.sample-shoji.co.jp")
                         .header("Return-Path", "<bounce@sample-shoji.co.jp>"));
    EXPECT_TRUE(a.findings.empty()) << a.findings.front().id;
}

TEST(HeaderAnalysis, ReplyToAnotherDomainIsAFinding) {
    auto a =
        analyze(base().header("From", "a@example.co.jp").header("Reply-To", "b@other.example"));
    EXPECT_TRUE(has(a, "header.reply_to_mismatch"));
    auto b = analyze(base().header("From", "a@example.co.jp").header("Reply-To", "b@gmail.com"));
    EXPECT_TRUE(has(b, "header.reply_to_freemail"));
}

TEST(HeaderAnalysis, DisplayNameHoldingAnotherAddressIsAFinding) {
    auto a = analyze(base().header("From", "\"support@bank.co.jp\" <x@evil.example>"));
    EXPECT_TRUE(has(a, "header.display_name_address_mismatch"));
    auto same = analyze(base().header("From", "\"info@bank.co.jp\" <info@mail.bank.co.jp>"));
    EXPECT_FALSE(has(same, "header.display_name_address_mismatch"));
}

TEST(HeaderAnalysis, AuthenticationFailuresComeFromTheTopmostHeaderOnly) {
    auto a = analyze(
        base()
            .header("From", "a@example.co.jp")
            .header("Authentication-Results",
                    "mx.example.jp; spf=fail smtp.mailfrom=example.co.jp; "
                    "dkim=fail header.d=example.co.jp; dmarc=fail header.from=example.co.jp")
            .header("Authentication-Results", "forged.example; spf=pass; dkim=pass; dmarc=pass"));
    EXPECT_TRUE(has(a, "auth.spf_fail"));
    EXPECT_TRUE(has(a, "auth.dkim_fail"));
    EXPECT_TRUE(has(a, "auth.dmarc_fail"));
    auto forged_below =
        analyze(base()
                    .header("From", "a@example.co.jp")
                    .header("Authentication-Results", "mx.example.jp; spf=pass; dmarc=pass")
                    .header("Authentication-Results", "forged.example; dmarc=fail"));
    EXPECT_FALSE(has(forged_below, "auth.dmarc_fail"));
}

TEST(HeaderAnalysis, SenderTimeZoneComesFromTheOldestHop) {
    auto a = analyze(
        base()
            .header("From", "a@example.co.jp")
            .header("Received",
                    "from relay.example.jp by mx.example.jp; Tue, 26 Nov 2024 10:15:10 +0900")
            .header("Received",
                    "from [10.0.0.2] by smtp.example.cn; Tue, 26 Nov 2024 09:15:00 +0800"));
    ASSERT_EQ(a.hops.size(), 2u);
    EXPECT_EQ(a.hops[0].by_host, "smtp.example.cn");
    EXPECT_EQ(a.sender_offset_minutes, 480);
    EXPECT_TRUE(has(a, "header.timezone_mismatch"));
}

TEST(HeaderAnalysis, MissingOrBrokenDatesAreFindings) {
    auto none = analyze_headers(
        mime::parse_message("From: a@example.com\r\nSubject: x\r\n\r\nbody", Limits{}));
    EXPECT_TRUE(has(none, "header.date_missing"));
    EXPECT_TRUE(has(none, "header.message_id_missing"));
    auto broken = analyze(
        test::MimeBuilder().header("From", "a@example.com").header("Date", "yesterday at noon"));
    EXPECT_TRUE(has(broken, "header.date_invalid"));
}

TEST(HeaderAnalysis, MissingFromIsAFinding) {
    auto a = analyze(base().header("Subject", "no sender"));
    EXPECT_TRUE(has(a, "header.from_missing"));
}

TEST(HeaderAnalysis, FormatsUtcOffsets) {
    EXPECT_EQ(format_utc_offset(540), "+0900");
    EXPECT_EQ(format_utc_offset(-210), "-0330");
    EXPECT_EQ(format_utc_offset(0), "+0000");
}

}  // namespace
}  // namespace kagami::detect
