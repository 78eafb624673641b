// Consumer brands as the claimed sender: the display name is the brand from an
// unrelated domain, and domains made to look like a brand's. Near misses: the brands'
// own domains, newsletters on mailing lists, people and sentences that mention a brand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/normalize.h"
#include "detect/sender/directory_impl.h"
#include "detect/sender/lookalike.h"
#include "detect/sender/sender_analysis.h"
#include "support/mime_builder.h"
#include "support/test_support.h"

namespace kagami::detect::sender {
namespace {

struct Mail {
    std::string from;
    std::string body = "Please confirm your account.\n";
    std::vector<std::pair<std::string, std::string>> extra;
};

std::vector<Finding> run(const Mail& m) {
    test::MimeBuilder b;
    b.header("From", m.from).header("To", "someone@example.jp").header("Subject", "notice");
    b.header("Date", "Mon, 2 Dec 2024 10:00:00 -0800").header("Message-ID", "<1@example.jp>");
    for (const auto& [k, v] : m.extra) b.header(k, v);
    b.header("MIME-Version", "1.0").header("Content-Type", "text/plain; charset=UTF-8");
    b.header("Content-Transfer-Encoding", "8bit");
    mime::Message msg = mime::parse_message(b.body(m.body).str(), Limits{});
    HeaderAnalysis h = analyze_headers(msg);
    return analyze(msg, h, *Directory::bundled());
}

const Finding* find(const std::vector<Finding>& fs, std::string_view id) {
    return test::find_finding(fs, id);
}

std::string ids(const std::vector<Finding>& fs) {
    return test::finding_ids(fs);
}

bool claims_brand(const std::vector<Finding>& fs) {
    return find(fs, "sender.impersonation.brand") ||
           find(fs, "sender.impersonation.display_name") ||
           find(fs, "sender.impersonation.display_name_other_domain");
}

std::string look(std::string_view domain) {
    static auto d = Directory::bundled();
    auto hit = find_lookalike(d->impl(), domain);
    return hit ? hit->domain : "";
}

TEST(BrandDirectory, BrandsAreLoadedWithTheirKind) {
    auto d = Directory::bundled();
    ASSERT_NE(d, nullptr);
    const Organisation* amazon = d->owner_of("marketplace.amazon.co.jp");
    ASSERT_NE(amazon, nullptr);
    EXPECT_EQ(amazon->id, "amazon");
    EXPECT_EQ(amazon->kind, "brand");
    // Shared platforms are nobody's brand.
    EXPECT_EQ(d->owner_of("amazonses.com"), nullptr);
    EXPECT_EQ(d->owner_of("tenant.onmicrosoft.com"), nullptr);
}

TEST(BrandDirectory, UserFileBrandWordsDecideWhatStandsBesideTheName) {
    std::string error;
    auto d = Directory::parse(R"(
[directory]
brand_words = ["helpdesk", "お客様センター"]
[[organisation]]
id = "acme"
kind = "brand"
names = ["Acme Bank", "アクメ銀行"]
domains = ["acme-bank.example"]
)",
                              &error);
    ASSERT_NE(d, nullptr) << error;
    const auto& impl = d->impl();
    auto alone = [&](std::string_view text) {
        std::string folded = core::fold_for_match(text);
        return impl.brand_alone(folded, impl.find_names(folded), 0);
    };
    EXPECT_TRUE(alone("Acme Bank Helpdesk"));
    EXPECT_TRUE(alone("【アクメ銀行】お客様センター"));
    EXPECT_FALSE(alone("Acme Bank Support"));  // not a word of this file
    EXPECT_FALSE(alone("My Acme Bank story"));
    // Hostile input: long runs of punctuation are only punctuation; bytes that are no
    // character are not a service word.
    EXPECT_TRUE(alone(std::string(2000, '!') + "Acme Bank" + std::string(2000, '-')));
    EXPECT_FALSE(alone("Acme Bank \xFF\xFE"));
}

TEST(BrandImpersonation, EnglishBrandFromUnrelatedDomain) {
    auto fs = run({.from = "Microsoft account team <alerts@unrelated.example>"});
    const Finding* f = find(fs, "sender.impersonation.brand");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_EQ(f->where, "From");
    EXPECT_NE(f->title.find("Microsoft"), std::string::npos);
    EXPECT_NE(f->title.find("unrelated.example"), std::string::npos);
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1656", "T1566.002"}));
    // A global brand has no home time zone: -0800 is no finding.
    EXPECT_EQ(find(fs, "sender.timezone_unexpected"), nullptr) << ids(fs);

    EXPECT_NE(
        find(run({.from = "Apple Support <id@secure-mail.example>"}), "sender.impersonation.brand"),
        nullptr);
    EXPECT_NE(
        find(run({.from = "Support Netflix <billing@shop.example>"}), "sender.impersonation.brand"),
        nullptr);
    EXPECT_NE(
        find(run({.from = "McAfee\u2122 <support@av.example>"}), "sender.impersonation.brand"),
        nullptr);
    EXPECT_NE(
        find(run({.from = "Amazon Visa <card@offers.example>"}), "sender.impersonation.brand"),
        nullptr);
}

TEST(BrandImpersonation, JapaneseBrandFromUnrelatedDomain) {
    auto fs = run({.from = "三井住友カード <info@smbc-card-x.example>"});
    const Finding* f = find(fs, "sender.impersonation.brand");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_NE(f->title.find("三井住友カード"), std::string::npos);
    fs = run({.from = "【重要】楽天カード カスタマーセンター <no-reply@card-notice.example>"});
    EXPECT_NE(find(fs, "sender.impersonation.brand"), nullptr) << ids(fs);
    fs = run({.from = "ＪＣＢカード お客様センター <info@jcb-notice.example>"});
    EXPECT_NE(find(fs, "sender.impersonation.brand"), nullptr) << ids(fs);
    fs = run({.from = "えきねっと <info@eki-support.example>"});
    EXPECT_NE(find(fs, "sender.impersonation.brand"), nullptr) << ids(fs);
}

TEST(BrandImpersonation, LookalikeOrFreeMailIsTheStrongFinding) {
    auto fs = run({.from = "Amazon.co.jp <no-reply@amazon-security-check.example>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    const Finding* l = find(fs, "sender.lookalike_domain");
    ASSERT_NE(l, nullptr) << ids(fs);
    EXPECT_NE(l->evidence.find("amazon.com"), std::string::npos) << l->evidence;
    fs = run({.from = "PayPal <paypal.service.team@gmail.com>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    EXPECT_EQ(find(fs, "sender.impersonation.brand"), nullptr) << ids(fs);
}

TEST(BrandImpersonation, RealBrandDomainsAreClean) {
    EXPECT_TRUE(run({.from = "Amazon.co.jp <shipment-tracking@amazon.co.jp>"}).empty());
    EXPECT_TRUE(run({.from = "Microsoft account team "
                             "<account-security-noreply@accountprotection.microsoft.com>"})
                    .empty());
    EXPECT_TRUE(run({.from = "Facebook <security@facebookmail.com>"}).empty());
    EXPECT_TRUE(run({.from = "Apple <no_reply@email.apple.com>"}).empty());
    EXPECT_TRUE(run({.from = "楽天カード <info@mail.rakuten-card.co.jp>"}).empty());
    EXPECT_TRUE(run({.from = "三井住友カード <mail@contact.vpass.ne.jp>"}).empty());
    EXPECT_TRUE(run({.from = "三菱UFJ銀行 <info@bk.mufg.jp>"}).empty());
}

TEST(BrandImpersonation, DelegatedSendersAreClean) {
    // The brand's DKIM signature or its envelope sender: its own ESP sending for it.
    auto fs = run(
        {.from = "Netflix <info@netflix-news.example>",
         .extra = {{"Authentication-Results", "mx.example.jp; dkim=pass header.d=netflix.com"}}});
    EXPECT_FALSE(claims_brand(fs)) << ids(fs);
    fs = run({.from = "PayPal <service@pp-mailer.example>",
              .extra = {{"Return-Path", "<bounce-123@e.paypal.com>"}}});
    EXPECT_FALSE(claims_brand(fs)) << ids(fs);
}

TEST(BrandImpersonation, MailingListCopiesAreClean) {
    auto fs = run({.from = "'Amazon' via Sellers Forum <sellers-forum@googlegroups.com>"});
    EXPECT_FALSE(claims_brand(fs)) << ids(fs);
    fs = run({.from = "Apple <apple@lists.example.org>",
              .extra = {{"List-Id", "<fans.lists.example.org>"}}});
    EXPECT_FALSE(claims_brand(fs)) << ids(fs);
}

TEST(BrandImpersonation, UnsubscribeHeaderDoesNotExcuseABrand) {
    // Every spam kit adds List-Unsubscribe; a brand's own newsletter comes from its domain.
    auto fs = run({.from = "Netflix <join_now_1@promo.example>",
                   .extra = {{"List-Unsubscribe", "<https://promo.example/u>"}}});
    EXPECT_NE(find(fs, "sender.impersonation.brand"), nullptr) << ids(fs);
    // An organisation's newsletter through an ESP stays excused, as before.
    fs = run({.from = "NHK <news@bounce.mailer-esp.example>",
              .extra = {{"List-Unsubscribe", "<https://mailer-esp.example/u/1>"}}});
    EXPECT_FALSE(claims_brand(fs)) << ids(fs);
}

TEST(BrandImpersonation, NamesInsidePhrasesAreNotClaims) {
    for (const char* from : {
             "Ann Apple <ann@example.org>",
             "Tips for your Amazon shopping <tips@deals.example>",
             "Apple pie recipes <cook@kitchen.example>",
             "The Ledger <news@theledger.example>",
             "Windows and Doors Ltd <sales@windows-doors.example>",
             "楽天的な人生 <life@example.jp>",
             "Hiba from Ledger <hiba@crm.example>",
             "AppleInsider <news@appleinsider.example>",
         }) {
        auto fs = run({.from = from});
        EXPECT_FALSE(claims_brand(fs)) << from << ": " << ids(fs);
    }
}

TEST(BrandImpersonation, SignaturesNamingBrandsAreNotClaims) {
    auto fs = run({.from = "Taro Yamada <taro@reseller.example>",
                   .body = "Hello,\nthe order is ready.\n\n--\nTaro Yamada\nAmazon\n"
                           "Microsoft Partner\n"});
    EXPECT_TRUE(fs.empty()) << ids(fs);
}

TEST(BrandLookalike, HyphenSuffixAndTrickWords) {
    EXPECT_EQ(look("amazon-co-jp.xyz"), "amazon.co.jp");
    EXPECT_EQ(look("rakuten.co.jp.evil.example"), "rakuten.co.jp");
    EXPECT_EQ(look("paypal-com.xyz"), "paypal.com");
    EXPECT_EQ(look("paypal.com.account-check.example"), "paypal.com");
    EXPECT_EQ(look("paypa1.com"), "paypal.com");
    EXPECT_EQ(look("micros0ft-support.net"), "microsoft.com");
    EXPECT_EQ(look("amaz0n-security.com"), "amazon.com");
    EXPECT_EQ(look("rakuten-co-jp.xyz"), "rakuten.co.jp");
    EXPECT_EQ(look("smbc-card-login.com"), "smbc-card.com");
}

TEST(BrandLookalike, RealDomainsAndShortLabelsNeverMatch) {
    for (const char* d :
         {"amazon.co.jp", "www.amazon.co.jp", "email.apple.com", "accountprotection.microsoft.com",
          "mail.rakuten-card.co.jp", "bk.mufg.jp", "facebookmail.com", "tenant.onmicrosoft.com"})
        EXPECT_EQ(look(d), "") << d;
    // Labels under five characters take no part: "au", "jcb", "dhl", "ana", "visa", "mufg".
    for (const char* d : {"au-support.com", "aυ.com", "jcb-card.xyz", "dhl-tracking.example",
                          "ana.com", "visa-check.example", "mufg-jp.com", "mufj.jp"})
        EXPECT_EQ(look(d), "") << d;
    // A brand's own name under a country's suffix is most likely its own.
    EXPECT_EQ(look("apple.com.cn"), "");
    // Honest names that merely contain a brand, or are a letter away from a short one.
    for (const char* d : {"shop-amazon.com", "apply.com", "maple.com", "pineapple.com",
                          "paypal-community.com", "ledgerwood.com"})
        EXPECT_EQ(look(d), "") << d;
}

}  // namespace
}  // namespace kagami::detect::sender

namespace kagami::detect::sender {
namespace {

TEST(BrandImpersonation, AMailServicesOwnRoleAddressesAreItsOwn) {
    // Outlook.com's bounces come from its postmaster: Microsoft on its own free mail.
    EXPECT_FALSE(claims_brand(run({"Microsoft Outlook <postmaster@outlook.com>"})));
    EXPECT_FALSE(claims_brand(run({"Microsoft Outlook <MAILER-DAEMON@outlook.com>"})));
    // Anyone can register an ordinary name there.
    EXPECT_TRUE(claims_brand(run({"Microsoft Outlook <ms.account.team@outlook.com>"})));
}

TEST(BrandLookalike, KnowsAuOneNetIsAu) {
    EXPECT_EQ(look("app.auone-net.jp"), "");
    EXPECT_FALSE(look("auone-jp.net").empty());
}

}  // namespace
}  // namespace kagami::detect::sender
