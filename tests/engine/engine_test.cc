// The pipeline end to end on the bundled examples and on hostile shapes built here.
#include "engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/mime_builder.h"
#include "support/test_support.h"

namespace kagami {
namespace {

ScanResult scan_bytes(std::string bytes, const Limits& limits = {}) {
    EngineOptions options;
    options.limits = limits;
    Engine engine(options);
    ingest::RawMessage raw;
    raw.bytes = std::move(bytes);
    raw.path = "test";
    return engine.scan(raw);
}

ScanResult scan_example(const std::string& name) {
    return scan_bytes(test::read_file(test::source_dir() / "examples" / name));
}

const Finding* find(const ScanResult& r, std::string_view id) {
    for (const auto& f : r.findings)
        if (f.id == id) return &f;
    return nullptr;
}

std::vector<std::string> ids(const ScanResult& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings) out.push_back(f.id);
    return out;
}

TEST(Engine, OrdinaryJapaneseMailIsCleanAndDecoded) {
    auto r = scan_example("01-ordinary-ja-meeting.eml");
    EXPECT_EQ(r.verdict, Verdict::clean) << ::testing::PrintToString(ids(r));
    EXPECT_EQ(r.message.subject, "打ち合わせ日程の件");
    ASSERT_EQ(r.message.from.size(), 1u);
    EXPECT_EQ(r.message.from[0].display_name, "鈴木 一郎");
    EXPECT_NE(r.message.root.text.find("第２会議室"), std::string::npos);
    EXPECT_EQ(r.headers.hops.size(), 2u);
    EXPECT_EQ(r.headers.sender_offset_minutes, 540);
    EXPECT_EQ(r.message_id.size(), 64u);
}

TEST(Engine, OrdinaryNewsletterIsCleanWithHonestLinks) {
    auto r = scan_example("02-ordinary-en-newsletter.eml");
    EXPECT_EQ(r.verdict, Verdict::clean) << ::testing::PrintToString(ids(r));
    ASSERT_EQ(r.message.root.children.size(), 2u);
    EXPECT_EQ(r.message.root.children[1].content_type, "text/html");
    EXPECT_NE(r.message.root.children[1].text.find("Space Systems Workshop"), std::string::npos);
    EXPECT_EQ(r.message.root.children[1].text.find("color:#333"), std::string::npos);
    ASSERT_FALSE(r.message.links.empty());
    EXPECT_EQ(r.message.links[0].url, "https://workshop.example.org/programme");
}

TEST(Engine, JapaneseLureShowsImpersonationRoutingAndAuthFailures) {
    auto r = scan_example("03-lure-ja-alliance.eml");
    EXPECT_EQ(r.message.subject, "【至急】日米同盟に関する意見交換会のご案内");
    EXPECT_NE(r.verdict, Verdict::clean);
    const Finding* org = find(r, "header.display_name_org_freemail");
    ASSERT_NE(org, nullptr);
    EXPECT_NE(org->evidence.find("外務省"), std::string::npos);
    EXPECT_NE(org->evidence.find("mofa.sogo.seisaku@gmail.com"), std::string::npos);
    EXPECT_NE(find(r, "header.reply_to_mismatch"), nullptr)
        << "gmail -> outlook.com is free mail to free mail";
    EXPECT_NE(find(r, "auth.dmarc_fail"), nullptr);
    EXPECT_NE(find(r, "auth.spf_softfail"), nullptr);
    const Finding* tz = find(r, "header.timezone_mismatch");
    ASSERT_NE(tz, nullptr);
    EXPECT_NE(tz->evidence.find("+0900"), std::string::npos);
    EXPECT_NE(tz->evidence.find("+0800"), std::string::npos);
    ASSERT_EQ(r.message.root.children.size(), 2u);
    EXPECT_EQ(r.message.root.children[1].filename, "意見交換会資料.zip");
    EXPECT_TRUE(r.message.root.children[1].is_attachment());
    EXPECT_NE(r.message.root.children[0].text.find("パスワード：Mofa2024"), std::string::npos);
    // Findings come heaviest first, so the explanation starts with what matters most.
    EXPECT_TRUE(
        std::is_sorted(r.findings.begin(), r.findings.end(),
                       [](const Finding& a, const Finding& b) { return a.weight > b.weight; }));
}

TEST(Engine, EnglishLureShowsSpoofedNameAndDeceptiveLinks) {
    auto r = scan_example("04-lure-en-taiwan-strait.eml");
    EXPECT_NE(find(r, "header.display_name_address_mismatch"), nullptr)
        << ::testing::PrintToString(ids(r));
    EXPECT_NE(find(r, "header.display_name_org_freemail"), nullptr);
    EXPECT_NE(find(r, "auth.spf_fail"), nullptr);
    EXPECT_NE(find(r, "header.message_id_missing"), nullptr);
    ASSERT_GE(r.message.links.size(), 2u);
    EXPECT_EQ(r.message.links[0].url, "http://briefing-docs.example.net/view?id=8812");
    EXPECT_EQ(r.message.links[0].text, "https://www.mofa.go.jp/files/briefing.pdf");
    EXPECT_TRUE(r.message.links[1].hidden);
    EXPECT_EQ(r.verdict, Verdict::malicious);
}

TEST(Engine, UnlabelledShiftJisIsDetected) {
    auto r = scan_example("05-unlabelled-shift-jis.eml");
    EXPECT_EQ(r.message.subject, "年末年始の営業時間");
    EXPECT_NE(r.message.root.text.find("１２月２９日から１月３日まで休業"), std::string::npos)
        << r.message.root.text;
    EXPECT_NE(r.message.root.text.find("㈱サンプル書店"), std::string::npos);
    EXPECT_TRUE(r.message.root.charset_detected);
    EXPECT_EQ(r.verdict, Verdict::clean);
}

TEST(Engine, ForwardedMessageIsParsedAsAMessage) {
    auto r = scan_example("06-forwarded-report.eml");
    ASSERT_EQ(r.message.root.children.size(), 2u);
    const auto& fwd = r.message.root.children[1];
    EXPECT_EQ(fwd.content_type, "message/rfc822");
    ASSERT_NE(fwd.embedded, nullptr);
    EXPECT_EQ(fwd.embedded->subject, "Briefing note: Taiwan Strait developments");
    EXPECT_EQ(fwd.embedded->root.path, "1.2.1");
    // The inner lure's links are the message's links too.
    bool found = false;
    for (const auto& l : r.message.links)
        found |= l.url == "http://briefing-docs.example.net/view?id=8812";
    EXPECT_TRUE(found);
}

TEST(EngineLimits, DepthHitIsAFindingWithPartialTree) {
    Limits limits;
    limits.max_mime_depth = 10;
    auto r = scan_bytes(test::nested_multipart(40), limits);
    EXPECT_NE(find(r, "limit.mime.depth"), nullptr);
    int depth = 0;
    for (const mime::Part* p = &r.message.root; !p->children.empty(); p = &p->children[0]) ++depth;
    EXPECT_GE(depth, 5);
    EXPECT_LE(depth, 11);
}

TEST(EngineLimits, VeryDeepNestingDoesNotCrash) {
    auto r = scan_bytes(test::nested_multipart(5000));
    EXPECT_TRUE(find(r, "limit.mime.depth") || find(r, "mime.malformed"))
        << ::testing::PrintToString(ids(r));
}

TEST(EngineLimits, PartCountHitIsAFinding) {
    Limits limits;
    limits.max_mime_parts = 10;
    auto r = scan_bytes(test::many_parts(50), limits);
    EXPECT_NE(find(r, "limit.mime.parts"), nullptr);
    EXPECT_LE(r.message.part_count, 10u);
    EXPECT_GE(r.message.root.children.size(), 5u);
}

TEST(EngineLimits, HeaderCountHitIsAFinding) {
    Limits limits;
    limits.max_headers = 100;
    auto r = scan_bytes(test::many_headers(500), limits);
    EXPECT_NE(find(r, "limit.mime.headers"), nullptr);
    EXPECT_EQ(r.message.headers.size(), 100u);
}

TEST(EngineLimits, LongHeaderIsCutAndAFinding) {
    Limits limits;
    limits.max_header_bytes = 1000;
    std::string subject(5000, 'A');
    auto r = scan_bytes(test::MimeBuilder()
                            .header("From", "a@example.com")
                            .header("Subject", subject)
                            .body("x")
                            .str(),
                        limits);
    EXPECT_NE(find(r, "limit.mime.header_bytes"), nullptr);
    EXPECT_EQ(r.message.subject.size(), 1000u);
}

TEST(EngineLimits, DecodedBytesHitIsAFinding) {
    Limits limits;
    limits.max_decoded_bytes = 100;
    auto r = scan_bytes(test::many_parts(20), limits);
    EXPECT_NE(find(r, "limit.mime.decoded_bytes"), nullptr);
}

TEST(EngineLimits, LinkCountHitIsAFinding) {
    Limits limits;
    limits.max_links = 5;
    std::string html = "<html><body>";
    for (int i = 0; i < 50; ++i)
        html += "<a href=\"https://example.com/" + std::to_string(i) + "\">x</a>";
    auto r = scan_bytes(test::MimeBuilder()
                            .header("From", "a@example.com")
                            .header("Content-Type", "text/html; charset=utf-8")
                            .body(html)
                            .str(),
                        limits);
    EXPECT_NE(find(r, "limit.mime.links"), nullptr);
    EXPECT_LE(r.message.links.size(), 5u);
}

TEST(EngineLimits, OversizedMessageIsCutAndAFinding) {
    Limits limits;
    limits.max_message_bytes = 1000;
    auto r = scan_bytes(
        test::MimeBuilder().header("From", "a@example.com").body(std::string(5000, 'x')).str(),
        limits);
    EXPECT_NE(find(r, "limit.message.bytes"), nullptr);
    EXPECT_LE(r.message.root.body.size(), 1000u);
}

TEST(EngineStructure, TwoBoundaryParametersAreEvasion) {
    auto r = scan_bytes(
        test::MimeBuilder()
            .header("From", "a@example.com")
            .header("Content-Type", "multipart/mixed; boundary=\"one\"; boundary=\"two\"")
            .body("--one\r\nContent-Type: text/plain\r\n\r\nA\r\n--one--\r\n")
            .str());
    const Finding* f = find(r, "mime.parser_evasion");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("boundary=\"two\""), std::string::npos);
}

TEST(EngineStructure, DisagreeingContentTypeHeadersAreEvasion) {
    auto r = scan_bytes(test::MimeBuilder()
                            .header("From", "a@example.com")
                            .header("Content-Type", "text/plain")
                            .header("Content-Type", "application/x-msdownload; name=a.exe")
                            .body("MZ")
                            .str());
    const Finding* f = find(r, "mime.parser_evasion");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("two Content-Type headers"), std::string::npos);
}

TEST(EngineStructure, RepeatedTraceHeadersAreNormal) {
    auto r = scan_bytes(test::MimeBuilder()
                            .header("Received", "from a by b; Tue, 26 Nov 2024 10:15:02 +0900")
                            .header("Received", "from c by a; Tue, 26 Nov 2024 10:15:01 +0900")
                            .header("From", "a@example.com")
                            .header("Content-Type", "text/plain; charset=us-ascii")
                            .body("hello")
                            .str());
    EXPECT_EQ(find(r, "mime.parser_evasion"), nullptr) << ::testing::PrintToString(ids(r));
    EXPECT_EQ(find(r, "mime.malformed"), nullptr);
}

TEST(EngineStructure, MultipartWithoutBoundaryIsEvasion) {
    auto r = scan_bytes(test::MimeBuilder()
                            .header("From", "a@example.com")
                            .header("Content-Type", "multipart/mixed")
                            .body("--x\r\nContent-Type: text/plain\r\n\r\nA\r\n--x--\r\n")
                            .str());
    EXPECT_NE(find(r, "mime.parser_evasion"), nullptr) << ::testing::PrintToString(ids(r));
}

TEST(EngineStructure, MultipartWithoutPartsIsMalformed) {
    auto r = scan_bytes(test::MimeBuilder()
                            .header("From", "a@example.com")
                            .header("Content-Type", "multipart/mixed; boundary=\"zz\"")
                            .body("no boundary line at all\r\n")
                            .str());
    EXPECT_NE(find(r, "mime.malformed"), nullptr) << ::testing::PrintToString(ids(r));
}

TEST(Engine, GarbageIsReadWithoutCrash) {
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) & 0xFF);
    auto r = scan_bytes(junk);
    EXPECT_EQ(r.size, junk.size());
    auto r2 = scan_bytes("");
    EXPECT_EQ(r2.size, 0u);
}

TEST(Engine, IdIsTheSha256OfTheBytes) {
    auto r = scan_bytes("Subject: x\r\n\r\nbody\r\n");
    // Computed independently: printf 'Subject: x\r\n\r\nbody\r\n' | sha256sum
    EXPECT_EQ(r.message_id, "94aa02c65e3473d1c7d53430c4fd2b49d6b8cbc875139d1b4b248e6a8243bf38");
}

}  // namespace
}  // namespace kagami
