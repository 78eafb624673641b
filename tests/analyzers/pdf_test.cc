// PdfAnalyzer end to end: inert PDFs from PdfBuilder (scripts run on open, Launch
// actions naming a program, attached files, object streams, escaped names), hostile
// structure, and the real PDFs in shared/corpora.
#include "analyzers/pdf/pdf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "support/pdf_builder.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

using test::PdfBuilder;

struct Result {
    std::vector<Fact> facts;
    std::vector<Finding> findings;
    std::vector<Child> children;

    std::vector<std::string> all(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& f : facts)
            if (f.name == name) out.push_back(f.value);
        return out;
    }
    std::string first(std::string_view name) const {
        auto v = all(name);
        return v.empty() ? "" : v.front();
    }
    const Finding* finding(std::string_view id) const {
        for (const auto& f : findings)
            if (f.id == id) return &f;
        return nullptr;
    }
    std::string dump() const {
        std::string s;
        for (const auto& f : facts) s += "  fact " + f.name + " = " + f.value.substr(0, 200) + "\n";
        for (const auto& f : findings) s += "  finding " + f.id + ": " + f.evidence + "\n";
        for (const auto& c : children)
            s += "  child " + c.name + " (" + std::to_string(c.bytes.size()) + " bytes)\n";
        return s;
    }
};

Limits test_limits() {
    Limits l;
    l.max_analysis_ms = 0;  // bounds come from sizes and counts, not the clock
    return l;
}

Result run(std::string_view bytes, const Limits& limits = test_limits()) {
    Context ctx(limits, {});
    PdfAnalyzer analyzer;
    Output out(analyzer.name(), "x.pdf", ctx);
    analyzer.analyze({bytes, "x.pdf", "x.pdf", 0}, out);
    return {out.facts(), out.findings(), out.children()};
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// Catalog 1, page tree 2 with `pages` pages (objects 3..), as a start for most tests.
PdfBuilder document(std::string_view catalog_extra = "", int pages = 1) {
    PdfBuilder b;
    b.object(1, "<< /Type /Catalog /Pages 2 0 R " + std::string(catalog_extra) + " >>");
    std::string kids;
    for (int i = 0; i < pages; ++i) kids += std::to_string(3 + i) + " 0 R ";
    b.object(2, "<< /Type /Pages /Kids [ " + kids + "] /Count " + std::to_string(pages) + " >>");
    for (int i = 0; i < pages; ++i)
        b.object(unsigned(3 + i), "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>");
    return b;
}

TEST(PdfAnalyzer, SniffsHeaderWithinFirstKilobyte) {
    PdfAnalyzer a;
    EXPECT_TRUE(a.sniff("%PDF-1.4\n"));
    EXPECT_TRUE(a.sniff(std::string(1000, 'x') + "%PDF-1.7\n"));
    EXPECT_FALSE(a.sniff(std::string(1100, 'x') + "%PDF-1.7\n"));
    EXPECT_FALSE(a.sniff("PK\x03\x04 not a pdf"));
}

TEST(PdfAnalyzer, PlainDocumentWithLinksStaysQuiet) {
    auto b = document("", 2);
    b.object(10,
             "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI "
             "(https://example.org/report) >> >>");
    b.object(11, "<< /Type /Annot /Subtype /Link /A 12 0 R >>");
    b.object(12, "<< /S /URI /URI 13 0 R >>");
    b.object(13, "(https://example.org/indirect)");
    b.trailer("/Size 14 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.version"), "1.7");
    EXPECT_EQ(r.first("pdf.pages"), "2");
    EXPECT_EQ(r.first("pdf.objects"), "8");
    auto uris = r.all("pdf.uri");
    EXPECT_NE(std::find(uris.begin(), uris.end(), "https://example.org/report"), uris.end());
    EXPECT_NE(std::find(uris.begin(), uris.end(), "https://example.org/indirect"), uris.end());
    EXPECT_TRUE(r.findings.empty()) << r.dump();
}

TEST(PdfAnalyzer, ReportsJavaScriptRunOnOpen) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /Type /Action /S /JavaScript /JS (app.alert\\('test'\\);) >>");
    b.trailer("/Size 6 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.javascript"), "app.alert('test');");
    EXPECT_TRUE(contains(r.first("pdf.open_action"), "JavaScript: app.alert('test');"));
    const Finding* js = r.finding("pdf.javascript");
    ASSERT_NE(js, nullptr) << r.dump();
    EXPECT_EQ(js->attack, std::vector<std::string>{"T1059.007"});
    const Finding* open = r.finding("pdf.javascript_on_open");
    ASSERT_NE(open, nullptr) << r.dump();
    EXPECT_EQ(open->attack, (std::vector<std::string>{"T1059.007", "T1204.002"}));
}

TEST(PdfAnalyzer, FollowsScriptInCompressedStreamFromPageOpenAction) {
    PdfBuilder b;
    b.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    b.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    b.object(3, "<< /Type /Page /Parent 2 0 R /AA << /O 4 0 R >> >>");
    b.object(4, "<< /S /JavaScript /JS 5 0 R >>");
    b.stream(5, "/Filter /FlateDecode", test::pdf_flate("var x = 1;\napp.alert('test');\n"));
    b.trailer("/Size 6 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.javascript"), "var x = 1;\napp.alert('test');\n");
    EXPECT_TRUE(contains(r.first("pdf.aa"), "/O (page opened): JavaScript")) << r.dump();
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr) << r.dump();
}

TEST(PdfAnalyzer, DocumentLevelScriptCountsAsRunOnOpen) {
    auto b = document("/Names << /JavaScript 6 0 R >>");
    b.object(6, "<< /Names [ (init) 7 0 R ] >>");
    b.object(7, "<< /S /JavaScript /JS (app.alert\\('test'\\)) >>");
    b.trailer("/Size 8 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.document_javascript"), "init: JavaScript: app.alert('test')");
    const Finding* open = r.finding("pdf.javascript_on_open");
    ASSERT_NE(open, nullptr) << r.dump();
    EXPECT_TRUE(contains(open->evidence, "document-level script init"));
}

TEST(PdfAnalyzer, FormFormattingHelpersAreFactsOnly) {
    auto b = document("/AcroForm << /Fields [8 0 R] >>");
    b.object(8,
             "<< /FT /Tx /T (amount) /AA << /F << /S /JavaScript /JS "
             "(AFNumber_Format\\(2, 0, 0, 0, \"\", true\\);) >> /K << /S /JavaScript /JS "
             "(AFNumber_Keystroke\\(2, 0, 0, 0, \"\", true\\);) >> >> >>");
    b.trailer("/Size 9 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.all("pdf.javascript").size(), 2u);
    EXPECT_EQ(r.first("pdf.acroform"), "present");
    EXPECT_TRUE(r.findings.empty()) << r.dump();
}

TEST(PdfAnalyzer, ReportsLaunchActionWithItsParameters) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /Launch /Win << /F (cmd.exe) /P (/c echo test) /D (C:\\\\Windows) >> >>");
    b.trailer("/Size 6 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.launch"), "cmd.exe /c echo test (in C:\\Windows)");
    EXPECT_EQ(r.first("pdf.open_action"), "Launch: cmd.exe /c echo test (in C:\\Windows)");
    const Finding* launch = r.finding("pdf.launch");
    ASSERT_NE(launch, nullptr) << r.dump();
    EXPECT_EQ(launch->attack, std::vector<std::string>{"T1204.002"});
    EXPECT_EQ(launch->evidence, "cmd.exe /c echo test (in C:\\Windows)");
}

TEST(PdfAnalyzer, ReportsOtherActionTargets) {
    auto b = document();
    b.object(10, "<< /S /SubmitForm /F << /FS /URL /F (https://collect.example/submit) >> >>");
    b.object(11, "<< /S /GoToR /F (\\\\\\\\fileserver\\\\share\\\\doc.pdf) /D [0 /Fit] >>");
    b.object(12, "<< /S /GoToE /T << /R /C /N (attached.pdf) >> >>");
    b.trailer("/Size 13 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.submit_form"), "https://collect.example/submit");
    EXPECT_EQ(r.first("pdf.gotor"), "\\\\fileserver\\share\\doc.pdf");
    EXPECT_EQ(r.first("pdf.gotoe"), "-> attached.pdf");
}

TEST(PdfAnalyzer, OpenActionUriIsAFinding) {
    auto b = document("/OpenAction << /S /URI /URI (https://lure.example/x) >>");
    b.trailer("/Size 5 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.open_action"), "URI: https://lure.example/x");
    const Finding* f = r.finding("pdf.open_action_uri");
    ASSERT_NE(f, nullptr) << r.dump();
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1204.001"});
}

TEST(PdfAnalyzer, ExtractsCompressedEmbeddedFileWithUtf16Name) {
    const std::string payload = "MZ inert test payload, not a program";
    auto b = document("/Names << /EmbeddedFiles << /Names [(a) 7 0 R] >> >>");
    b.object(7, "<< /Type /Filespec /F (invoice.pdf.exe) /UF " +
                    test::pdf_hex(test::pdf_utf16("請求書.pdf.exe")) + " /EF << /F 8 0 R >> >>");
    b.stream(8, "/Type /EmbeddedFile /Filter /FlateDecode /Params << /Size 37 >>",
             test::pdf_flate(payload));
    b.trailer("/Size 9 /Root 1 0 R");
    auto r = run(b.bytes());
    ASSERT_EQ(r.children.size(), 1u) << r.dump();
    EXPECT_EQ(r.children[0].name, "請求書.pdf.exe");
    EXPECT_EQ(r.children[0].bytes, payload);
    EXPECT_EQ(r.first("pdf.embedded_file"), "請求書.pdf.exe (36 bytes)");
    const Finding* f = r.finding("pdf.embedded_file");
    ASSERT_NE(f, nullptr) << r.dump();
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1027.009"});
}

TEST(PdfAnalyzer, ReadsObjectsInsideCompressedObjectStream) {
    auto objstm = test::pdf_object_stream({
        {1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"},
        {2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
        {3, "<< /Type /Page /Parent 2 0 R >>"},
        {5, "<< /S /JavaScript /JS (app.alert\\('test'\\)) >>"},
    });
    PdfBuilder b("1.5");
    b.stream(9,
             "/Type /ObjStm /N 4 /First " + std::to_string(objstm.first) + " /Filter /FlateDecode",
             test::pdf_flate(objstm.data));
    b.trailer("/Size 10 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.objects"), "5");
    EXPECT_EQ(r.first("pdf.pages"), "1");
    EXPECT_EQ(r.first("pdf.javascript"), "app.alert('test')");
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr) << r.dump();
}

TEST(PdfAnalyzer, DecodesEscapedNamesAndReportsObfuscation) {
    auto b = document("/Op#65nAction 5 0 R");
    b.object(5, "<< /S /J#61vaScript /J#53 <6170702E616C657274282774657374272920> >>");
    b.object(6, "<< /Type /Font /BaseFont /Arial#20Bold >>");  // an ordinary escape
    b.trailer("/Size 7 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.javascript"), "app.alert('test') ");
    auto names = r.all("pdf.name_obfuscation");
    EXPECT_NE(std::find(names.begin(), names.end(), "/J#61vaScript = /JavaScript"), names.end());
    EXPECT_EQ(names.size(), 3u) << r.dump();
    const Finding* f = r.finding("pdf.name_obfuscation");
    ASSERT_NE(f, nullptr) << r.dump();
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr);
}

TEST(PdfAnalyzer, LaterIncrementalUpdateWins) {
    auto b = document();
    b.trailer("/Size 4 /Root 1 0 R");
    b.object(1,
             "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI "
             "<68747470733A2F2F6C7572652E6578616D706C652F> >> >>");
    b.object(3, "<< /Type /Page /Parent 2 0 R /Rotate 90 >>");
    b.trailer("/Size 4 /Root 1 0 R /Prev 9");
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.objects"), "5");
    EXPECT_EQ(r.first("pdf.pages"), "1");
    EXPECT_EQ(r.first("pdf.open_action"), "URI: https://lure.example/");
    EXPECT_NE(r.finding("pdf.open_action_uri"), nullptr) << r.dump();
}

TEST(PdfAnalyzer, DecodesFilterChains) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS 6 0 R >>");
    // ASCIIHex over Flate, as in pdfid's "filter chain" evasion.
    std::string flate = test::pdf_flate("app.alert('chain');");
    std::string hex = test::pdf_hex(flate).substr(1);  // keeps the closing '>' as EOD
    b.stream(6, "/Filter [/AHx /FlateDecode]", hex);
    b.object(7, "<< /S /JavaScript /JS 8 0 R >>");
    b.stream(8, "/Filter /ASCII85Decode", "87cURD_*#-6q/;CDfTZ)+T~>");
    b.object(9, "<< /S /JavaScript /JS 10 0 R >>");
    b.stream(10, "/Filter /JBIG2Decode", "app.alert(1)");
    b.object(11, "<< /S /JavaScript /JS 12 0 R >>");
    b.stream(12, "/Filter /X#41ES", "data");
    b.trailer("/Size 13 /Root 1 0 R");
    auto r = run(b.bytes());
    auto scripts = r.all("pdf.javascript");
    EXPECT_NE(std::find(scripts.begin(), scripts.end(), "app.alert('chain');"), scripts.end())
        << r.dump();
    EXPECT_NE(std::find(scripts.begin(), scripts.end(), "Hello, PDF world!"), scripts.end());
    EXPECT_EQ(r.first("pdf.unknown_filter"), "object 12: /XAES");
}

TEST(PdfAnalyzer, ReportsEncryptionAndDoesNotPretendToReadIt) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS (\x8f\x02\x11\xa0) >>");
    b.object(6, "<< /Filter /Standard /V 4 /R 4 /Length 128 /O <00> /U <00> /P -1 >>");
    b.trailer("/Size 7 /Root 1 0 R /Encrypt 6 0 R");
    auto r = run(b.bytes());
    EXPECT_TRUE(contains(r.first("pdf.encrypted"), "/Standard V=4 R=4 Length=128")) << r.dump();
    EXPECT_EQ(r.first("pdf.javascript"), "(encrypted)");
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr);
}

// ---- hostile structure ------------------------------------------------------------------

TEST(PdfAnalyzer, TruncatedFileKeepsWhatWasRead) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS (app.alert\\('test'\\)) >>");
    b.stream(6, "/Type /EmbeddedFile", std::string(2000, 'A'));
    b.trailer("/Size 7 /Root 1 0 R");
    std::string cut = b.bytes().substr(0, b.bytes().find("stream\n") + 500);
    auto r = run(cut);
    EXPECT_EQ(r.first("pdf.javascript"), "app.alert('test')");
    EXPECT_NE(r.finding("pdf.malformed"), nullptr) << r.dump();
    for (std::size_t n = 0; n < b.bytes().size(); n += 97) run(b.bytes().substr(0, n));
}

TEST(PdfAnalyzer, FindsStreamEndWhenLengthLies) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS 6 0 R >>");
    b.stream_with_length(6, "", "app.alert('short');", "4");
    b.object(7, "<< /S /JavaScript /JS 8 0 R >>");
    b.stream_with_length(8, "", "app.alert('long');", "999999");
    b.object(9, "<< /S /JavaScript /JS 10 0 R >>");
    b.stream_with_length(10, "", "app.alert('self');", "10 0 R");
    b.object(11, "<< /S /URI /URI (https://after.example/) >>");
    b.trailer("/Size 12 /Root 1 0 R");
    auto r = run(b.bytes());
    auto scripts = r.all("pdf.javascript");
    for (const char* s : {"app.alert('short');", "app.alert('long');", "app.alert('self');"})
        EXPECT_NE(std::find(scripts.begin(), scripts.end(), s), scripts.end()) << s << r.dump();
    EXPECT_EQ(r.first("pdf.uri"), "https://after.example/");
}

TEST(PdfAnalyzer, ToleratesUnterminatedDictionary) {
    PdfBuilder b;
    b.object(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS (app.alert\\('test'\\)) >>");
    b.object(6, "[ (unterminated string ");
    b.object(7, "<< /S /URI /URI (https://after.example/) >>");
    auto r = run(b.bytes());
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr) << r.dump();
    EXPECT_EQ(r.first("pdf.uri"), "https://after.example/");
    EXPECT_NE(r.finding("pdf.malformed"), nullptr);
}

TEST(PdfAnalyzer, StopsAtNestingBoundOnDeepArrays) {
    auto b = document();
    b.object(5, std::string(100'000, '[') + std::string(100'000, ']'));
    b.object(6, std::string(100'000, '['));
    b.object(7, "<< /S /URI /URI (https://after.example/) >>");
    b.trailer("/Size 8 /Root 1 0 R");
    auto r = run(b.bytes());
    ASSERT_NE(r.finding("limit.pdf.depth"), nullptr) << r.dump();
    EXPECT_EQ(r.first("pdf.uri"), "https://after.example/");
}

TEST(PdfAnalyzer, CutsDecompressionBomb) {
    auto b = document();
    std::string bomb = test::pdf_flate_zeros(100u << 20);
    b.object(7, "<< /Type /Filespec /F (zeros.bin) /EF << /F 8 0 R >> >>");
    b.stream(8, "/Type /EmbeddedFile /Filter /FlateDecode", bomb);
    b.trailer("/Size 9 /Root 1 0 R");
    auto r = run(b.bytes());
    ASSERT_NE(r.finding("limit.pdf.decoded_bytes"), nullptr) << r.dump();
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_LE(r.children[0].bytes.size(), 100 * std::max<std::size_t>(bomb.size(), 64u << 10));
    EXPECT_LT(r.children[0].bytes.size(), 100u << 20);
}

TEST(PdfAnalyzer, IgnoresHugeObjectCountInObjectStream) {
    auto objstm =
        test::pdf_object_stream({{5, "<< /S /URI /URI (https://in.objstm/) >>"}, {6, "(text)"}});
    PdfBuilder b("1.5");
    b.stream(9, "/Type /ObjStm /N 4000000000 /First " + std::to_string(objstm.first), objstm.data);
    b.stream(10, "/Type /ObjStm /N 3 /First 99999999", objstm.data);
    auto r = run(b.bytes());
    EXPECT_EQ(r.first("pdf.uri"), "https://in.objstm/");
    EXPECT_EQ(r.first("pdf.objects"), "4");
    EXPECT_NE(r.finding("pdf.malformed"), nullptr) << r.dump();
}

TEST(PdfAnalyzer, StopsAtObjectLimit) {
    std::string body = "%PDF-1.4\n";
    for (int i = 0; i < 100'010; ++i) body += std::to_string(i) + " 0 obj 1 endobj\n";
    body += "7 0 obj << /S /URI /URI (https://late.example/) >> endobj\n";
    auto r = run(body);
    const Finding* f = r.finding("limit.pdf.objects");
    ASSERT_NE(f, nullptr) << r.dump();
    EXPECT_EQ(r.first("pdf.objects"), "100000");
    EXPECT_TRUE(r.all("pdf.uri").empty());
}

TEST(PdfAnalyzer, RunawayStringsSpendTheParseBudgetInsteadOfHanging) {
    // Every object opens a string that never closes, so each parse reads to the end of
    // the file and the scan resumes right after the header: quadratic without a budget.
    std::string body = "%PDF-1.4\n";
    for (int i = 0; i < 20'000; ++i) body += std::to_string(i) + " 0 obj (\n";
    body += std::string(2u << 20, 'x');
    auto r = run(body);
    const Finding* f = r.finding("limit.pdf.objects");
    ASSERT_NE(f, nullptr) << r.dump();
    EXPECT_TRUE(contains(f->evidence, "parse budget")) << f->evidence;
}

TEST(PdfAnalyzer, ReferenceCyclesEnd) {
    auto b = document("/OpenAction 5 0 R /AA 6 0 R");
    b.object(5, "6 0 R");
    b.object(6, "5 0 R");
    b.object(7, "<< /S /JavaScript /JS (a\\(\\)) /Next 7 0 R >>");
    b.object(8, "<< /Names << /JavaScript 9 0 R >> >>");
    b.object(9, "<< /Kids [9 0 R 9 0 R] >>");
    b.object(10, "<< /OpenAction 7 0 R >>");
    b.trailer("/Size 11 /Root 1 0 R");
    auto r = run(b.bytes());
    EXPECT_TRUE(contains(r.first("pdf.open_action"), "JavaScript: a(); then JavaScript: a()"))
        << r.dump();
}

TEST(PdfAnalyzer, StopsExtractingWhenEntriesAreExhausted) {
    auto b = document();
    b.object(7, "<< /Type /Filespec /F (one.txt) /EF << /F 8 0 R >> >>");
    b.stream(8, "/Type /EmbeddedFile", "first");
    b.object(9, "<< /Type /Filespec /F (two.txt) /EF << /F 10 0 R >> >>");
    b.stream(10, "/Type /EmbeddedFile", "second");
    b.trailer("/Size 11 /Root 1 0 R");
    Limits limits = test_limits();
    limits.max_archive_entries = 1;
    auto r = run(b.bytes(), limits);
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_EQ(r.children[0].name, "one.txt");
    EXPECT_NE(r.finding("limit.archive.entries"), nullptr) << r.dump();
    EXPECT_EQ(r.all("pdf.embedded_file").size(), 2u);
}

TEST(PdfAnalyzer, StopsWhenTimeRunsOut) {
    auto b = document("/OpenAction 5 0 R");
    b.object(5, "<< /S /JavaScript /JS (app.alert\\('test'\\)) >>");
    Limits limits = test_limits();
    limits.max_analysis_ms = 1;
    Context ctx(limits, {});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the deadline has passed
    PdfAnalyzer analyzer;
    Output out(analyzer.name(), "x.pdf", ctx);
    analyzer.analyze({b.bytes(), "x.pdf", "x.pdf", 0}, out);
    bool timed_out = false;
    for (const auto& f : out.findings()) timed_out = timed_out || f.id == "limit.pdf.time";
    EXPECT_TRUE(timed_out);
}

TEST(PdfAnalyzer, UnnamedEmbeddedFileIsAChildWithoutName) {
    auto b = document();
    b.stream(8, "/Type /EmbeddedFile", "data");
    b.trailer("/Size 9 /Root 1 0 R");
    auto r = run(b.bytes());
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_EQ(r.children[0].name, "");
    EXPECT_EQ(r.first("pdf.embedded_file"), "object 8 (4 bytes)");
}

// ---- real files ---------------------------------------------------------------------------

std::string unxor_clamav(std::string data) {
    // The key from SOURCE.txt (upstream unit_tests/input/xor_testfile.py).
    static constexpr std::string_view kKey =
        "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrh"
        "twxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = char(data[i] ^ kKey[i % kKey.size()]);
    return data;
}

TEST(PdfAnalyzerCorpus, ClamavPdfYieldsClamExe) {
    auto path = test::corpora_dir() / "clamav_unit_test_inputs/clamav_hdb_scanfiles/clam.pdf.xor";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus absent: " << path;
    std::string pdf = unxor_clamav(test::read_file(path));
    ASSERT_TRUE(PdfAnalyzer().sniff(pdf));
    auto r = run(pdf);
    ASSERT_EQ(r.children.size(), 1u) << r.dump();
    EXPECT_EQ(r.children[0].name, "clam.exe");
    EXPECT_EQ(core::sha256_hex(r.children[0].bytes),
              "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
    EXPECT_EQ(r.first("pdf.version"), "1.4");
    EXPECT_EQ(r.first("pdf.pages"), "1");
    EXPECT_EQ(r.first("pdf.embedded_file"), "clam.exe (544 bytes)");
    EXPECT_NE(r.finding("pdf.embedded_file"), nullptr);
    EXPECT_EQ(r.finding("pdf.malformed"), nullptr) << r.dump();
}

TEST(PdfAnalyzerCorpus, ClamavStatsTestShowsEveryFeature) {
    auto path =
        test::corpora_dir() / "clamav_unit_test_inputs/other_scanfiles/pdf/pdf-stats-test.pdf";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus absent: " << path;
    auto r = run(test::read_file(path));
    EXPECT_EQ(r.first("pdf.javascript"), "alert(\"Hello from JS\")");
    EXPECT_EQ(r.first("pdf.launch"), "dummy.exe");
    EXPECT_EQ(r.first("pdf.pages"), "2");
    EXPECT_EQ(r.first("pdf.acroform"), "present");
    EXPECT_EQ(r.first("pdf.richmedia"), "present");
    EXPECT_EQ(r.first("pdf.xfa"), "present");
    EXPECT_NE(r.finding("pdf.javascript_on_open"), nullptr) << r.dump();
    EXPECT_NE(r.finding("pdf.launch"), nullptr);
    ASSERT_EQ(r.children.size(), 1u) << r.dump();
    EXPECT_EQ(r.children[0].name, "");
    EXPECT_EQ(r.children[0].bytes, "HelloWorld\n");  // /Length 11 counts the EOL
}

TEST(PdfAnalyzerCorpus, ClamavUriFilesFollowIndirectStrings) {
    for (const char* name : {"uri-and-ref.pdf", "out-of-order.pdf"}) {
        auto path = test::corpora_dir() / "clamav_unit_test_inputs/other_scanfiles/pdf" / name;
        if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus absent: " << path;
        auto r = run(test::read_file(path));
        auto uris = r.all("pdf.uri");
        std::sort(uris.begin(), uris.end());
        EXPECT_EQ(uris,
                  (std::vector<std::string>{"https://docs.clamav.net/",
                                            "https://docs.clamav.net/manual/Development.html"}))
            << name << r.dump();
        EXPECT_TRUE(r.findings.empty()) << name << r.dump();
    }
}

TEST(PdfAnalyzerCorpus, OrdinaryMailAttachmentsStayQuiet) {
    struct Case {
        const char* path;
        const char* pages;
    };
    for (auto c :
         {Case{"ruby_mail_fixtures/fixtures/attachments/test.pdf", "1"},
          Case{"mimekit_testdata/TestData/tnef/MAPI_ATTACH_DATA_OBJ/VIA_Nytt_1402.pdf", "2"}}) {
        auto path = test::corpora_dir() / c.path;
        if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus absent: " << path;
        auto r = run(test::read_file(path));
        EXPECT_EQ(r.first("pdf.pages"), c.pages) << c.path;
        EXPECT_TRUE(r.findings.empty()) << c.path << "\n" << r.dump();
    }
}

}  // namespace
}  // namespace kagami::analyzers
