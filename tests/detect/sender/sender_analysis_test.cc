#include "detect/sender/sender_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "support/mime_builder.h"
#include "support/test_support.h"

namespace kagami::detect::sender {
namespace {

struct Mail {
    std::string from;
    std::string body = "ご確認をお願いいたします。\n";
    std::string date = "Mon, 2 Dec 2024 10:00:00 +0900";
    std::vector<std::pair<std::string, std::string>> extra;
};

std::string raw(const Mail& m) {
    test::MimeBuilder b;
    b.header("From", m.from).header("To", "someone@example.jp").header("Subject", "test");
    b.header("Date", m.date).header("Message-ID", "<1@example.jp>");
    for (const auto& [k, v] : m.extra) b.header(k, v);
    b.header("MIME-Version", "1.0").header("Content-Type", "text/plain; charset=UTF-8");
    b.header("Content-Transfer-Encoding", "8bit");
    return b.body(m.body).str();
}

std::vector<Finding> run_raw(const std::string& bytes) {
    mime::Message msg = mime::parse_message(bytes, Limits{});
    HeaderAnalysis h = analyze_headers(msg);
    return analyze(msg, h, *Directory::bundled());
}

std::vector<Finding> run(const Mail& m) {
    return run_raw(raw(m));
}

const Finding* find(const std::vector<Finding>& fs, std::string_view id) {
    return test::find_finding(fs, id);
}

std::string ids(const std::vector<Finding>& fs) {
    return test::finding_ids(fs);
}

bool impersonates(const std::vector<Finding>& fs) {
    return find(fs, "sender.impersonation.display_name") ||
           find(fs, "sender.impersonation.display_name_other_domain") ||
           find(fs, "sender.impersonation.signature");
}

constexpr const char* kIso2022Mofa =
    "=?ISO-2022-JP?B?GyRCMzBMMz5KGyhCIBskQkFtOWczMDhyQC86djZJGyhC?=";  // 外務省 総合外交政策局
constexpr const char* kIso2022Jaxa =
    "=?ISO-2022-JP?B?GyRCMSdDaDlSNnU4JjVmMytILzUhOT0bKEIgGyRCOS1Kc0l0GyhC?=";  // 宇宙航空研究開発機構
                                                                               // 広報部

TEST(SenderDisplayName, MinistryNameOnFreeMailIsImpersonation) {
    auto fs = run({.from = "\"外務省 総合外交政策局\" <mofa.seisaku@gmail.com>"});
    const Finding* f = find(fs, "sender.impersonation.display_name");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_NE(f->title.find("外務省"), std::string::npos);
    EXPECT_NE(f->title.find("gmail.com"), std::string::npos);
    EXPECT_EQ(f->where, "From");
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1656", "T1566.001", "T1585.002"}));
    EXPECT_NE(find(fs, "sender.freemail"), nullptr);
}

TEST(SenderDisplayName, ReadsIso2022JpEncodedNames) {
    auto fs = run({.from = std::string(kIso2022Mofa) + " <seisaku.mofa@yahoo.co.jp>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    fs = run({.from = std::string(kIso2022Jaxa) + " <jaxa.pr@outlook.jp>"});
    const Finding* f = find(fs, "sender.impersonation.display_name");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_NE(f->title.find("JAXA"), std::string::npos);
}

TEST(SenderDisplayName, EnglishNameOnFreeMail) {
    auto fs = run({.from = "Ministry of Foreign Affairs of Japan <mofa.japan@outlook.com>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    // An employer in parentheses from a personal account: the MirrorFace pattern.
    fs = run({.from = "\"Taro Yamada (JIIA)\" <t.yamada.jiia@gmail.com>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
}

TEST(SenderDisplayName, LookalikeDomainIsStrong) {
    auto fs = run({.from = "外務省 <info@m0fa-go.jp>"});
    EXPECT_NE(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    const Finding* l = find(fs, "sender.lookalike_domain");
    ASSERT_NE(l, nullptr) << ids(fs);
    EXPECT_EQ(l->where, "From");
    EXPECT_EQ(l->evidence,
              "m0fa-go.jp resembles mofa.go.jp (外務省 (Ministry of Foreign Affairs)): digit '0' "
              "for 'o', hyphen for dot");
}

TEST(SenderDisplayName, UnrelatedCorporateDomainIsTheWeakerFinding) {
    auto fs = run({.from = "JAXA 広報部 <pr@space-events.co.jp>"});
    EXPECT_EQ(find(fs, "sender.impersonation.display_name"), nullptr) << ids(fs);
    EXPECT_NE(find(fs, "sender.impersonation.display_name_other_domain"), nullptr) << ids(fs);
    EXPECT_EQ(find(fs, "sender.freemail"), nullptr);
}

TEST(SenderDisplayName, RealSenderAndSubdomainAreClean) {
    EXPECT_TRUE(run({.from = "外務省 総合外交政策局 <seisaku@mofa.go.jp>"}).empty());
    EXPECT_TRUE(run({.from = "JAXA 広報部 <proffice@ml.jaxa.jp>"}).empty());
    EXPECT_TRUE(run({.from = "防衛研究所 <info@nids.mod.go.jp>"}).empty());
}

TEST(SenderDisplayName, NewsletterThroughAnEspIsClean) {
    auto fs = run({.from = "NHK <news@bounce.mailer-esp.example>",
                   .extra = {{"List-Unsubscribe", "<https://mailer-esp.example/u/1>"}}});
    EXPECT_FALSE(impersonates(fs)) << ids(fs);
    fs = run({.from = "'山田 (外務省)' via Policy Forum <policy-forum@googlegroups.com>"});
    EXPECT_FALSE(impersonates(fs)) << ids(fs);
}

TEST(SenderDisplayName, DkimSignatureOfTheOrganisationIsClean) {
    auto fs = run({.from = "NHK ニュース <news@nhk-news.example>",
                   .extra = {{"Authentication-Results",
                              "mx.example.jp; dkim=pass header.d=nhk.or.jp; spf=pass "
                              "smtp.mailfrom=nhk-news.example"}}});
    EXPECT_FALSE(impersonates(fs)) << ids(fs);
}

TEST(SenderDisplayName, PersonalNamesAreNotOrganisations) {
    auto fs = run({.from = "山田 太郎 <taro@example.co.jp>"});
    EXPECT_TRUE(fs.empty()) << ids(fs);
    fs = run({.from = "MOD Squad <mod@example.com>"});
    EXPECT_TRUE(fs.empty()) << ids(fs);
}

TEST(SenderSignature, MinistryAffiliationFromFreeMail) {
    Mail m{.from = "山田 太郎 <taro.yamada.1975@gmail.com>"};
    m.body =
        "お世話になっております。\n添付の資料をご確認ください。\n\n--\n山田 太郎\n"
        "外務省 アジア大洋州局 中国・モンゴル第一課\nTEL: 03-3580-3311\n";
    auto fs = run(m);
    const Finding* f = find(fs, "sender.impersonation.signature");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_EQ(f->where, "1");
    EXPECT_NE(f->evidence.find("外務省 アジア大洋州局"), std::string::npos);
    EXPECT_EQ(find(fs, "sender.impersonation.display_name"), nullptr);
}

TEST(SenderSignature, EnglishAffiliationAfterAComma) {
    Mail m{.from = "Taro Yamada <taro.yamada.research@outlook.com>"};
    m.body =
        "Dear colleague,\n\nPlease find attached the draft for our panel.\n\nBest regards,\n"
        "Taro Yamada\nResearch Fellow, The Japan Institute of International Affairs\n";
    auto fs = run(m);
    EXPECT_NE(find(fs, "sender.impersonation.signature"), nullptr) << ids(fs);
}

TEST(SenderSignature, DecoratedSignatureBlock) {
    Mail m{.from = "研究員 <kenkyu.2024@yahoo.co.jp>"};
    m.body =
        "資料を送付いたします。\n━━━━━━━━━━━━━━━━\n宇宙航空研究開発機構（JAXA）\n"
        "研究開発部門 鈴木 一郎\n━━━━━━━━━━━━━━━━\n";
    auto fs = run(m);
    EXPECT_NE(find(fs, "sender.impersonation.signature"), nullptr) << ids(fs);
}

TEST(SenderSignature, BodyThatMentionsAMinistryIsClean) {
    Mail m{.from = "山田 太郎 <taro@example.co.jp>"};
    m.body =
        "お世話になっております。\n外務省の発表によると、来月の会合は延期されるとのことです。\n"
        "外務省は詳細を後日公表します\n引き続きよろしくお願いいたします。\n--\n山田 太郎\n"
        "株式会社エグザンプル\n";
    EXPECT_FALSE(impersonates(run(m)));
    m.body = "The Ministry of Foreign Affairs of Japan announced new visa rules today.\n";
    EXPECT_FALSE(impersonates(run(m)));
}

TEST(SenderSignature, ForwardedMinistryMailIsClean) {
    Mail m{.from = "山田 太郎 <taro@example.co.jp>"};
    m.body =
        "ご参考まで転送します。\n\n---------- Forwarded message ---------\n"
        "From: 外務省 <info@mofa.go.jp>\nDate: 2024/12/02\n\nお知らせです。\n\n--\n"
        "外務省 総合外交政策局\n";
    EXPECT_FALSE(impersonates(run(m)));
    m.body =
        "了解しました。\n\n2024年12月2日(月) 10:00 外務省 <info@mofa.go.jp>:\n"
        "> 外務省 総合外交政策局\n";
    EXPECT_FALSE(impersonates(run(m)));
}

TEST(SenderSignature, NewsletterAboutJaxaFromANewsSiteIsClean) {
    Mail m{.from = "宇宙ニュース編集部 <news@space-news.example>",
           .extra = {{"List-Unsubscribe", "<mailto:unsub@space-news.example>"}}};
    m.body =
        "今週の宇宙ニュース\nJAXAはH3ロケットの打ち上げに成功しました。\n"
        "詳しくは https://www.jaxa.jp/press/ をご覧ください。\n"
        "JAXAの最新情報はこちら\n──────────\n宇宙ニュース編集部\n配信停止はこちら\n";
    auto fs = run(m);
    EXPECT_TRUE(fs.empty()) << ids(fs);
    // The same without list headers: still nothing, the body only talks about JAXA.
    m.extra.clear();
    fs = run(m);
    EXPECT_TRUE(fs.empty()) << ids(fs);
}

TEST(SenderLookalike, LinksReplyToAndReturnPath) {
    Mail m{.from = "山田 <taro@example.co.jp>",
           .extra = {{"Reply-To", "info@mofa-jp.org"}, {"Return-Path", "<b@jaxxa.jp>"}}};
    m.body =
        "資料: https://mofa.go.jp.example.com/file?id=1 と http://nhz.or.jp/ と "
        "https://www.mofa.go.jp/\n";
    auto fs = run(m);
    std::vector<std::string> wheres;
    for (const auto& f : fs)
        if (f.id == "sender.lookalike_domain") wheres.push_back(f.where);
    std::sort(wheres.begin(), wheres.end());
    EXPECT_EQ(wheres, (std::vector<std::string>{"Reply-To", "Return-Path", "link"})) << ids(fs);
}

TEST(SenderFreemail, OnlyForFreeMailSenders) {
    EXPECT_NE(find(run({.from = "Taro <taro@gmail.com>"}), "sender.freemail"), nullptr);
    EXPECT_EQ(find(run({.from = "Taro <taro@example.co.jp>"}), "sender.freemail"), nullptr);
}

TEST(SenderTimezone, ClaimedJapaneseOrganisationWrittenElsewhere) {
    auto fs =
        run({.from = "外務省 <mofa.info@gmail.com>", .date = "Mon, 2 Dec 2024 09:00:00 +0800"});
    const Finding* f = find(fs, "sender.timezone_unexpected");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_NE(f->evidence.find("+0800"), std::string::npos);
    EXPECT_NE(f->evidence.find("外務省"), std::string::npos);
    // Japan time and UTC (cloud mail, servers) are expected.
    fs = run({.from = "外務省 <mofa.info@gmail.com>", .date = "Mon, 2 Dec 2024 09:00:00 +0900"});
    EXPECT_EQ(find(fs, "sender.timezone_unexpected"), nullptr);
    fs = run({.from = "外務省 <mofa.info@gmail.com>", .date = "Mon, 2 Dec 2024 09:00:00 +0000"});
    EXPECT_EQ(find(fs, "sender.timezone_unexpected"), nullptr);
    // The real ministry writing from an embassy abroad.
    fs = run({.from = "外務省 <info@mofa.go.jp>", .date = "Mon, 2 Dec 2024 09:00:00 -0500"});
    EXPECT_TRUE(fs.empty()) << ids(fs);
}

TEST(SenderTimezone, JapaneseDomainWrittenAndSentFarAway) {
    Mail m{.from = "Taro <taro@example.co.jp>", .date = "Mon, 2 Dec 2024 09:00:00 +0800"};
    m.extra = {{"Received",
                "from mx.example.jp by mx.recipient.example; Mon, 2 Dec 2024 "
                "10:00:05 +0900"},
               {"Received", "from pc by smtp.vps-host.example; Mon, 2 Dec 2024 09:00:02 +0800"}};
    auto fs = run(m);
    EXPECT_NE(find(fs, "sender.timezone_unexpected"), nullptr) << ids(fs);
    // The Date zone alone is not enough for a real Japanese sender.
    m.extra.clear();
    EXPECT_EQ(find(run(m), "sender.timezone_unexpected"), nullptr);
}

TEST(SenderLookalike, EnglishMessageWithALookalikeLink) {
    Mail m{.from = "Conference Desk <desk@events.example.org>",
           .date = "Mon, 2 Dec 2024 09:00:00 -0500"};
    m.body = "Dear Dr. Smith,\nPlease register at https://jaxa-jp.com/register before Friday.\n";
    auto fs = run(m);
    const Finding* f = find(fs, "sender.lookalike_domain");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_EQ(f->where, "link");
    EXPECT_EQ(f->evidence,
              "jaxa-jp.com resembles jaxa.jp (宇宙航空研究開発機構 (JAXA)): hyphen for dot");
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1583.001", "T1566.002", "T1036"}));
    EXPECT_EQ(find(fs, "sender.timezone_unexpected"), nullptr);
}

TEST(SenderTimezone, EnglishClaimFromAnotherZone) {
    auto fs = run({.from = "Ministry of Foreign Affairs of Japan <mofa.japan@outlook.com>",
                   .date = "Mon, 2 Dec 2024 09:00:00 +0800"});
    const Finding* f = find(fs, "sender.timezone_unexpected");
    ASSERT_NE(f, nullptr) << ids(fs);
    EXPECT_EQ(f->evidence,
              "claims 外務省 (Ministry of Foreign Affairs); expected +0900, Date +0800");
}

TEST(SenderSignature, AttachedMessageSignatureIsNotTheSenders) {
    std::string bytes =
        "From: Taro <taro@gmail.com>\r\nDate: Mon, 2 Dec 2024 10:00:00 +0900\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
        "Content-Type: message/rfc822\r\n\r\nFrom: info@mofa.go.jp\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n\r\nお知らせ\r\n--\r\n外務省 総合外交政策局\r\n"
        "\r\n--b--\r\n";
    auto fs = run_raw(bytes);
    EXPECT_FALSE(impersonates(fs)) << ids(fs);
}

TEST(SenderAnalysis, EmptyAndBrokenMessagesAreQuiet) {
    EXPECT_TRUE(run_raw("").empty());
    EXPECT_TRUE(run_raw("From: <>\r\n\r\n").empty());
    EXPECT_TRUE(run_raw("From: =?ISO-2022-JP?B?GyRC?= <@>\r\n\r\n--\n\n").empty());
}

TEST(SenderAnalysis, IsSafeFromManyThreads) {
    std::string bytes =
        raw({.from = "外務省 <info@m0fa-go.jp>", .date = "Mon, 2 Dec 2024 09:00:00 +0800"});
    std::vector<Finding> expected = run_raw(bytes);
    ASSERT_GE(expected.size(), 3u);
    std::vector<int> same(8, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                auto fs = run_raw(bytes);
                bool eq = fs.size() == expected.size();
                for (std::size_t k = 0; eq && k < fs.size(); ++k)
                    eq = fs[k].id == expected[k].id && fs[k].evidence == expected[k].evidence;
                same[t] += eq;
            }
        });
    for (auto& th : threads) th.join();
    for (int v : same) EXPECT_EQ(v, 50);
}

}  // namespace
}  // namespace kagami::detect::sender
