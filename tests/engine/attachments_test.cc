// Attachments through the whole engine: which parts become artifacts, the file-name
// checks, and the artifacts in both report formats.
#include <gtest/gtest.h>

#include "engine.h"
#include "report/report.h"
#include "support/test_support.h"

namespace kagami {
namespace {

ScanResult scan_bytes(std::string bytes) {
    Engine engine(EngineOptions{});
    ingest::RawMessage raw;
    raw.bytes = std::move(bytes);
    raw.path = "test";
    return engine.scan(raw);
}

std::string mail(const std::string& parts) {
    return "From: a@example.org\r\nTo: b@example.jp\r\nSubject: =?UTF-8?B?6LOH5paZ?=\r\n"
           "Message-ID: <1@example.org>\r\nDate: Mon, 2 Dec 2024 10:00:00 +0900\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
           parts + "--b--\r\n";
}

std::string part(const std::string& headers, const std::string& body) {
    return "--b\r\n" + headers + "\r\n\r\n" + body + "\r\n";
}

bool has(const ScanResult& r, std::string_view id) {
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const Finding& f) { return f.id == id; });
}

TEST(EngineAttachments, BodyTextIsNotAnArtifactButAttachmentsAre) {
    auto r = scan_bytes(
        mail(part("Content-Type: text/plain; charset=utf-8", "ご確認ください。") +
             part("Content-Type: text/html; charset=utf-8", "<p>ご確認ください。</p>") +
             part("Content-Type: text/plain; name=\"memo.txt\"\r\nContent-Disposition: attachment; "
                  "filename=\"memo.txt\"",
                  "meeting notes") +
             part("Content-Type: image/png\r\nContent-ID: <logo>", "\x89PNG\r\n\x1a\nxxxx")));
    ASSERT_EQ(r.artifacts.size(), 2u);
    EXPECT_EQ(r.artifacts[0].path, "memo.txt");
    EXPECT_EQ(r.artifacts[0].type, "text");
    EXPECT_EQ(r.artifacts[0].part, "1.3");
    EXPECT_EQ(r.artifacts[0].size, 13u);
    EXPECT_EQ(r.artifacts[1].path, "part 1.4");
    EXPECT_EQ(r.artifacts[1].type, "png");
    EXPECT_EQ(r.verdict, Verdict::clean);
}

TEST(EngineAttachments, HtmlBodyWithScriptIsAnalysedForSmuggling) {
    auto r = scan_bytes(mail(part("Content-Type: text/html; charset=utf-8",
                                  "<html><body><script>var x = 1;</script></body></html>")));
    ASSERT_EQ(r.artifacts.size(), 1u);
    EXPECT_EQ(r.artifacts[0].path, "part 1.1");
}

TEST(EngineAttachments, DisguisedNamesAreFindingsOnTheArtifact) {
    auto r = scan_bytes(mail(part("Content-Type: application/octet-stream; name=\"=?UTF-8?B?" +
                                      std::string("6KuL5rGC5pu4LnBkZi5leGU=") +
                                      "?=\"\r\nContent-Disposition: attachment",
                                  "not really a program")));
    ASSERT_EQ(r.artifacts.size(), 1u);
    EXPECT_EQ(r.artifacts[0].name, "請求書.pdf.exe");
    EXPECT_TRUE(has(r, "file.name.double_extension"));
    EXPECT_TRUE(has(r, "file.name.executable"));
    for (const auto& f : r.findings)
        if (f.id == "file.name.double_extension") {
            EXPECT_EQ(f.where, "請求書.pdf.exe");
        }
    EXPECT_NE(r.verdict, Verdict::clean);
}

TEST(EngineAttachments, ReportsListTheArtifacts) {
    std::string payload;
    for (int i = 0; payload.size() < 2000; ++i) payload += "row " + std::to_string(i * 37) + "\n";
    auto r = scan_bytes(mail(part(
        "Content-Type: text/csv; name=\"data.csv\"\r\nContent-Disposition: attachment", payload)));
    ASSERT_EQ(r.artifacts.size(), 1u);
    auto json = report::to_json_line(r);
    EXPECT_NE(json.find("\"artifacts\":[{\"path\":\"data.csv\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"sha256\":\"" + r.artifacts[0].sha256 + "\""), std::string::npos);
    EXPECT_NE(json.find("\"ssdeep\":\"" + r.artifacts[0].ssdeep + "\""), std::string::npos);
    EXPECT_NE(json.find("\"facts\":{\"file.extension\":[\"csv\"]}"), std::string::npos);
    auto text = report::to_text(r);
    EXPECT_NE(text.find("files    1\n  data.csv  text"), std::string::npos) << text;
}

const analyzers::Artifact* artifact(const ScanResult& r, std::string_view path) {
    for (const auto& a : r.artifacts)
        if (a.path == path) return &a;
    return nullptr;
}

std::string fact(const analyzers::Artifact& a, std::string_view name) {
    for (const auto& f : a.facts)
        if (f.name == name) return f.value;
    return {};
}

// The bundled lure: an encrypted ZIP whose password is in the body, holding a shortcut
// named like a document that starts PowerShell (examples/07; tests/tools/make_examples).
TEST(EngineAttachments, EncryptedZipOpensWithTheBodysPasswordAndShowsTheShortcut) {
    auto r =
        scan_bytes(test::read_file(test::source_dir() / "examples/07-lure-ja-encrypted-lnk.eml"));
    ASSERT_EQ(r.artifacts.size(), 2u);
    const auto* zip = artifact(r, "意見交換資料.zip");
    ASSERT_NE(zip, nullptr);
    EXPECT_EQ(zip->type, "zip");
    EXPECT_EQ(fact(*zip, "archive.password"), "Quad2024!");
    const auto* lnk = artifact(r, "意見交換資料.zip » 日米豪印協力に関する意見交換資料.docx.lnk");
    ASSERT_NE(lnk, nullptr);
    EXPECT_EQ(lnk->type, "lnk");
    EXPECT_EQ(lnk->depth, 1);
    EXPECT_EQ(fact(*lnk, "lnk.machine_id"), "desktop-kagami1");
    EXPECT_EQ(fact(*lnk, "lnk.arguments"), "-w hidden -c \"Write-Output kagami-example\"");
    EXPECT_EQ(lnk->part, "1.2");
    for (std::string_view id : {"archive.encrypted_password_in_message", "lnk.target.script_host",
                                "file.name.double_extension", "lnk.icon.document"})
        EXPECT_TRUE(has(r, id)) << id;
    EXPECT_EQ(r.verdict, Verdict::malicious);
}

TEST(EngineAttachments, RemoteTemplateInADocxIsFound) {
    auto r =
        scan_bytes(test::read_file(test::source_dir() / "examples/08-lure-en-remote-template.eml"));
    ASSERT_EQ(r.artifacts.size(), 1u);
    EXPECT_EQ(r.artifacts[0].type, "docx");
    EXPECT_EQ(fact(r.artifacts[0], "ooxml.external"),
              "attachedTemplate -> http://203.0.113.7/templates/agenda.dotm");
    EXPECT_TRUE(has(r, "ooxml.remote_template"));
    EXPECT_EQ(r.verdict, Verdict::malicious);
}

TEST(EngineAttachments, WithoutThePasswordTheArchiveStaysClosed) {
    auto bytes = test::read_file(test::source_dir() / "examples/07-lure-ja-encrypted-lnk.eml");
    auto at = bytes.find("添付ファイルのパスワード：Quad2024!");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, std::string("添付ファイルのパスワード：Quad2024!").size(),
                  "パスワードは別のメールでお送りします。");
    auto r = scan_bytes(bytes);
    ASSERT_EQ(r.artifacts.size(), 1u);
    EXPECT_TRUE(has(r, "archive.encrypted"));
    EXPECT_FALSE(has(r, "archive.encrypted_password_in_message"));
}

}  // namespace
}  // namespace kagami
