// Outlook PST input: files written by support/pst_builder (checked against libpff's own
// pffexport when the builder was written), read back through read_path.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "ingest/pst.h"
#include "ingest/source.h"
#include "ingest_test_util.h"
#include "support/pst_builder.h"
#include "support/zip_builder.h"

namespace kagami::ingest {
namespace {

using testing::read_all;
using testing::TempDir;
namespace pst = kagami::test::pst;

std::string decode_base64(std::string_view text) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = core::base64_value(c);
        if (v < 0) continue;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

/// The decoded body of the first base64 part whose header contains `marker`.
std::string part_body(std::string_view message, std::string_view marker) {
    std::size_t at = message.find(marker);
    if (at == std::string_view::npos) return "<no part>";
    std::size_t start = message.find("\r\n\r\n", at);
    if (start == std::string_view::npos) return "<no body>";
    start += 4;
    std::size_t end = message.find("\r\n--", start);
    if (end == std::string_view::npos) end = message.size();
    return decode_base64(message.substr(start, end - start));
}

std::string header_of(std::string_view message) {
    return std::string(message.substr(0, message.find("\r\n\r\n") + 2));
}

std::string inert_zip() {
    return kagami::test::zip::Builder()
        .add("password.txt", "the password is in the next mail\n")
        .add("readme.txt", std::string(300, 'x'))
        .build();
}

std::vector<pst::Message> three_messages() {
    pst::Message a;
    a.subject = "Invoice";
    a.sender_name = "Alice";
    a.sender_email = "alice@example.jp";
    a.display_to = "Bob";
    a.transport_headers =
        "Microsoft Mail Internet Headers Version 2.0\r\n"
        "Received: from mx.example.jp by mail.example.go.jp; Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        "From: Alice <alice@example.jp>\r\n"
        "To: bob@example.go.jp\r\n"
        "Subject: Invoice\r\n"
        "Message-ID: <a1@example.jp>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed;\r\n"
        "\tboundary=\"original\"\r\n"
        "Content-Transfer-Encoding: 7bit\r\n"
        "X-Original: kept\r\n\r\n";
    a.body = "Please find the invoice attached. Password: 1234\r\n";
    a.submit_time = pst::filetime(1700000000);
    a.attachments.push_back({"invoice.zip", inert_zip()});

    pst::Message b;
    b.subject = "No headers";
    b.sender_name = "Carol";
    b.sender_email = "carol@example.com";
    b.display_to = "Dave; Erin";
    b.display_cc = "Frank";
    b.body = "plain only";
    b.submit_time = pst::filetime(1700000100);

    pst::Message c;
    c.subject = "会議の件";
    c.sender_email = "d@example.jp";
    c.html = "<html><body><p>会議資料</p></body></html>";
    return {a, b, c};
}

class PstTest : public ::testing::Test {
protected:
    TempDir dir;
};

TEST_F(PstTest, DetectsPstByMagic) {
    const auto path = dir.write("mail.bin", pst::build(three_messages()));
    Result<Format> f = detect_format(path.string());
    ASSERT_TRUE(f.has_value()) << f.error().message;
    EXPECT_EQ(*f, Format::pst);
    EXPECT_TRUE(detail::looks_like_pst("!BDN\x01\x02"));
    EXPECT_FALSE(detail::looks_like_pst("!BD"));
}

TEST_F(PstTest, ReadsMessagesInOrderWithPathAndIndex) {
    const auto path = dir.write("archive.pst", pst::build(three_messages()));
    auto r = read_all(path);
    ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
    ASSERT_EQ(r.messages.size(), 3u);
    for (long i = 0; i < 3; ++i) {
        EXPECT_EQ(r.messages[i].path, path.string());
        EXPECT_EQ(r.messages[i].index, i);
        EXPECT_FALSE(r.messages[i].truncated);
    }
    EXPECT_NE(r.messages[0].bytes.find("Subject: Invoice\r\n"), std::string::npos);
    EXPECT_NE(r.messages[1].bytes.find("Subject: No headers\r\n"), std::string::npos);
}

TEST_F(PstTest, UsesTransportHeadersWithoutTheirBodyFields) {
    const auto path = dir.write("archive.pst", pst::build(three_messages()));
    auto r = read_all(path);
    ASSERT_EQ(r.messages.size(), 3u);
    const std::string& m = r.messages[0].bytes;
    const std::string h = header_of(m);
    EXPECT_EQ(h.rfind("Received: from mx.example.jp", 0), 0u) << h;  // banner line dropped
    EXPECT_NE(h.find("Message-ID: <a1@example.jp>\r\n"), std::string::npos);
    EXPECT_NE(h.find("X-Original: kept\r\n"), std::string::npos);
    EXPECT_EQ(h.find("boundary=\"original\""), std::string::npos);
    EXPECT_EQ(h.find("7bit"), std::string::npos);
    EXPECT_NE(h.find("Content-Type: multipart/mixed; boundary="), std::string::npos);
    // One MIME-Version: ours.
    EXPECT_EQ(h.find("MIME-Version"), h.rfind("MIME-Version"));

    EXPECT_EQ(part_body(m, "text/plain; charset=utf-8"),
              "Please find the invoice attached. Password: 1234\r\n");
    EXPECT_NE(m.find("filename=\"invoice.zip\""), std::string::npos);
    EXPECT_EQ(part_body(m, "filename=\"invoice.zip\""), inert_zip());
}

TEST_F(PstTest, SynthesizesHeaderFromProperties) {
    const auto path = dir.write("archive.pst", pst::build(three_messages()));
    auto r = read_all(path);
    ASSERT_EQ(r.messages.size(), 3u);
    const std::string h = header_of(r.messages[1].bytes);
    EXPECT_NE(h.find("From: \"Carol\" <carol@example.com>\r\n"), std::string::npos) << h;
    EXPECT_NE(h.find("To: Dave; Erin\r\n"), std::string::npos) << h;
    EXPECT_NE(h.find("Cc: Frank\r\n"), std::string::npos) << h;
    EXPECT_NE(h.find("Date: Tue, 14 Nov 2023 22:15:00 +0000\r\n"), std::string::npos) << h;
    EXPECT_NE(h.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos) << h;
    EXPECT_EQ(part_body(r.messages[1].bytes, "text/plain"), "plain only");
}

TEST_F(PstTest, EncodesJapaneseSubjectAndKeepsHtmlBody) {
    const auto path = dir.write("archive.pst", pst::build(three_messages()));
    auto r = read_all(path);
    ASSERT_EQ(r.messages.size(), 3u);
    const std::string& m = r.messages[2].bytes;
    const std::string h = header_of(m);
    const std::size_t s = h.find("Subject: =?UTF-8?B?");
    ASSERT_NE(s, std::string::npos) << h;
    const std::size_t start = s + 19;
    const std::size_t end = h.find("?=", start);
    EXPECT_EQ(decode_base64(h.substr(start, end - start)), "会議の件");
    EXPECT_NE(h.find("From: <d@example.jp>\r\n"), std::string::npos) << h;
    EXPECT_EQ(h.find("Date:"), std::string::npos);  // no time property: no invented date
    EXPECT_EQ(part_body(m, "Content-Type: text/html"), "<html><body><p>会議資料</p></body></html>");
}

TEST_F(PstTest, IsDeterministic) {
    const auto path = dir.write("archive.pst", pst::build(three_messages()));
    auto first = read_all(path);
    auto second = read_all(path);
    ASSERT_EQ(first.messages.size(), 3u);
    ASSERT_EQ(second.messages.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(first.messages[i].bytes, second.messages[i].bytes);
}

TEST_F(PstTest, ReadsLargeAttachmentSpanningBlocks) {
    // 20 000 bytes: stored in a subnode as an XBLOCK over three data blocks.
    std::string data;
    for (int i = 0; i < 20000; ++i) data.push_back(static_cast<char>((i * 7 + i / 256) & 0xFF));
    pst::Message m;
    m.subject = "big";
    m.body = "see attachment";
    m.attachments.push_back({"資料.bin", data});
    const auto path = dir.write("big.pst", pst::build({m}));
    auto r = read_all(path);
    ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
    ASSERT_EQ(r.messages.size(), 1u);
    const std::string& bytes = r.messages[0].bytes;
    EXPECT_NE(bytes.find("filename*=UTF-8''%E8%B3%87%E6%96%99.bin"), std::string::npos);
    EXPECT_EQ(part_body(bytes, "filename*=UTF-8''"), data);
}

TEST_F(PstTest, CutsMessagesOverTheLimit) {
    pst::Message m;
    m.subject = "big";
    m.body = "body";
    m.attachments.push_back({"a.bin", std::string(20000, 'A')});
    const auto path = dir.write("big.pst", pst::build({m}));
    ReadOptions options;
    options.max_message_bytes = 4096;
    auto r = read_all(path, options);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_TRUE(r.messages[0].truncated);
    EXPECT_LE(r.messages[0].bytes.size(), 4096u);
    EXPECT_NE(r.messages[0].bytes.find("Subject: big"), std::string::npos);
}

TEST_F(PstTest, TruncatedFileIsAnErrorNotACrash) {
    const std::string full = pst::build(three_messages());
    for (std::size_t cut : {std::size_t{4}, std::size_t{600}, std::size_t{0x4400}, full.size() / 2,
                            full.size() - 600}) {
        const auto path = dir.write("cut.pst", full.substr(0, cut));
        auto r = read_all(path);
        EXPECT_FALSE(r.errors.empty()) << "cut at " << cut;
        for (const auto& e : r.errors) EXPECT_EQ(e.message.rfind(path.string() + ": ", 0), 0u);
        EXPECT_LT(r.messages.size(), 3u) << "cut at " << cut;
    }
}

TEST_F(PstTest, CorruptedFileDoesNotCrash) {
    const std::string full = pst::build(three_messages());
    // Overwrite stretches of the data area (blocks and B-tree pages) with junk.
    for (std::size_t at = 0x4800; at + 64 < full.size(); at += 0x500) {
        std::string bad = full;
        for (std::size_t i = 0; i < 64; ++i) bad[at + i] = static_cast<char>(0xA5 ^ i);
        const auto path = dir.write("bad.pst", bad);
        auto r = read_all(path);
        EXPECT_LE(r.messages.size(), 3u);
    }
    // A broken header CRC: libpff refuses the file, and says so once.
    std::string bad = full;
    bad[40] = static_cast<char>(bad[40] ^ 0xFF);
    const auto path = dir.write("badcrc.pst", bad);
    auto r = read_all(path);
    EXPECT_TRUE(r.messages.empty());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, Errc::format);
    EXPECT_NE(r.errors[0].message.find("not a readable PST/OST"), std::string::npos);
}

TEST_F(PstTest, DirectoryWithPstAndEmlReadsBoth) {
    dir.write("mail/a.pst", pst::build(three_messages()));
    dir.write("mail/b.eml", "From: x@example.com\r\nSubject: plain eml\r\n\r\nhi\r\n");
    auto r = read_all(dir.path() / "mail");
    ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
    ASSERT_EQ(r.messages.size(), 4u);
    EXPECT_EQ(r.messages[0].index, 0);
    EXPECT_EQ(r.messages[2].index, 2);
    EXPECT_EQ(r.messages[3].index, -1);
    EXPECT_NE(r.messages[3].bytes.find("Subject: plain eml"), std::string::npos);
}

}  // namespace
}  // namespace kagami::ingest
