// OoxmlAnalyzer on inert packages from support/docx_builder: template injection,
// split DDE fields, entity-encoded targets, and hostile packages.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analyzers/ooxml/ooxml.h"
#include "support/docx_builder.h"

namespace kagami::analyzers {
namespace {

namespace docx = kagami::test::docx;

Limits untimed(Limits l) {
    l.max_analysis_ms = 0;
    return l;
}

struct Scan {
    Limits limits;
    Context ctx;
    Output out{"ooxml", "x.docx", ctx};

    explicit Scan(const std::string& bytes, Limits l = Limits{})
        : limits(untimed(l)), ctx(limits, {}) {
        OoxmlAnalyzer a;
        a.analyze({bytes, "x.docx", "x.docx", 0}, out);
    }
    std::vector<std::string> facts(const std::string& name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    int findings(const std::string& id) {
        return int(std::count_if(out.findings().begin(), out.findings().end(),
                                 [&](const Finding& f) { return f.id == id; }));
    }
    std::string ids() {
        std::string s;
        for (const auto& f : out.findings()) s += f.id + "(" + f.evidence + ") ";
        return s;
    }
};

TEST(OoxmlAnalyzer, FlagsRemoteTemplateInSettingsRelationships) {
    docx::Options o;
    o.settings_rels = {docx::relationship("rId1", "attachedTemplate",
                                          "http://198.51.100.7/templates/report.dotm", true)};
    std::string bytes = docx::build(o);
    ASSERT_TRUE(OoxmlAnalyzer().sniff(bytes));
    Scan s(bytes);
    EXPECT_EQ(s.out.type(), "docx");
    EXPECT_EQ(
        s.facts("ooxml.external"),
        std::vector<std::string>{"attachedTemplate -> http://198.51.100.7/templates/report.dotm"});
    EXPECT_EQ(s.findings("ooxml.remote_template"), 1) << s.ids();
    ASSERT_EQ(s.out.findings().size(), 1u) << s.ids();
    EXPECT_EQ(s.out.findings()[0].attack, std::vector<std::string>{"T1221"});
}

TEST(OoxmlAnalyzer, FlagsUncTemplate) {
    docx::Options o;
    o.settings_rels = {docx::relationship("rId1", "attachedTemplate",
                                          "\\\\files.example.test\\share\\t.dotm", true)};
    Scan s(docx::build(o));
    EXPECT_EQ(s.findings("ooxml.remote_template"), 1) << s.ids();
}

TEST(OoxmlAnalyzer, KeepsLocalTemplateQuiet) {
    docx::Options o;
    o.settings_rels = {docx::relationship(
        "rId1", "attachedTemplate",
        "file:///C:\\Users\\taro\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm", true)};
    o.document_rels = {
        docx::relationship("rId9", "hyperlink", "https://www.example.test/about", true)};
    Scan s(docx::build(o));
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
    EXPECT_EQ(s.facts("ooxml.external").size(), 2u);
}

TEST(OoxmlAnalyzer, JoinsDdeautoSplitAcrossRuns) {
    docx::Options o;
    o.body = docx::complex_field({" DD", "EAUTO c:\\\\windows\\\\system32\\\\cmd.exe ",
                                  "&quot;/c calc.exe&quot;"}) +
             // An ordinary field next to it stays out of the report.
             docx::complex_field({" PAGE \\* MERGEFORMAT "});
    Scan s(docx::build(o));
    auto dde = s.facts("ooxml.dde");
    ASSERT_EQ(dde.size(), 1u) << s.ids();
    EXPECT_EQ(dde[0], "DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/c calc.exe\"");
    EXPECT_EQ(s.findings("ooxml.dde"), 1);
    EXPECT_EQ(s.out.findings()[0].attack, std::vector<std::string>{"T1559.002"});
}

TEST(OoxmlAnalyzer, FindsQuotedDdeInSimpleFieldsWithoutPrefixes) {
    docx::Options o;
    o.body =
        "<p><fldSimple instr='  &quot;dde&quot; notepad x'/></p>"
        "<w:p><w:fldSimple w:instr=\" HYPERLINK &quot;https://example.test&quot; \"/></w:p>";
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.dde"), std::vector<std::string>{"\"dde\" notepad x"});
}

TEST(OoxmlAnalyzer, FindsDdeInHeaders) {
    docx::Options o;
    o.extra_parts = {{"word/header1.xml",
                      "<w:hdr xmlns:w=\"x\">" + docx::complex_field({"DDE a b"}) + "</w:hdr>"}};
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.dde"), std::vector<std::string>{"DDE a b"});
}

TEST(OoxmlAnalyzer, DecodesEntitiesInExternalOleTargets) {
    docx::Options o;
    o.document_rels = {docx::relationship(
        "rId5", "oleObject", "https://example.test/o.doc?a=1&amp;b=&#x32;&#51;", true)};
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.external"),
              std::vector<std::string>{"oleObject -> https://example.test/o.doc?a=1&b=23"});
    EXPECT_EQ(s.findings("ooxml.external_ole"), 1) << s.ids();
}

TEST(OoxmlAnalyzer, FlagsFramesUncImagesAndMhtml) {
    docx::Options o;
    o.document_rels = {docx::relationship("rId1", "frame", "https://example.test/f.html", true),
                       docx::relationship("rId2", "image", "\\\\192.0.2.1\\s\\p.png", true),
                       docx::relationship("rId3", "oleObject",
                                          "mhtml:http://example.test/x.html!x-usc:http://a", true),
                       docx::relationship("rId4", "image", "https://example.test/pixel.png", true)};
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.external").size(), 4u);
    EXPECT_EQ(s.findings("ooxml.external_frame"), 1) << s.ids();  // two, reported once
    EXPECT_NE(s.out.findings().front().evidence.find("(+1 more)"), std::string::npos) << s.ids();
    EXPECT_EQ(s.findings("ooxml.external_ole"), 1) << s.ids();
}

TEST(OoxmlAnalyzer, HandsOutVbaProjectAndActiveX) {
    docx::Options o;
    o.main_content_type = "application/vnd.ms-word.document.macroEnabled.main+xml";
    o.extra_parts = {{"word/vbaProject.bin", "inert stand-in for a VBA project"},
                     {"word/activeX/activeX1.bin", "inert control"},
                     {"word/media/image1.png", "not handed out"}};
    Scan s(docx::build(o));
    EXPECT_EQ(s.out.type(), "docm");
    ASSERT_EQ(s.out.children().size(), 2u);
    EXPECT_EQ(s.out.children()[0].name, "word/vbaProject.bin");
    EXPECT_EQ(s.out.children()[0].bytes, "inert stand-in for a VBA project");
    EXPECT_EQ(s.out.children()[1].name, "word/activeX/activeX1.bin");
    EXPECT_EQ(s.facts("ooxml.macros"), std::vector<std::string>{"word/vbaProject.bin"});
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
}

std::string wide(const std::string& ascii) {
    std::string w;
    std::uint32_t n = std::uint32_t(ascii.size());
    for (int i = 0; i < 4; ++i) w += char((n >> (8 * i)) & 0xFF);
    for (char c : ascii) {
        w += c;
        w += '\0';
    }
    return w;
}

TEST(OoxmlAnalyzer, ReadsDdeLinksFromBinaryWorkbooks) {
    // BrtBeginSupBook (type 360 -> 0xE8 0x02), sbt 1 (DDE), server and topic.
    std::string body = std::string("\x01\x00", 2) + wide("notepad") + wide("inert.txt");
    std::string rec = std::string("\xE8\x02", 2) + char(body.size()) + body;
    docx::Options o;
    o.extra_parts = {{"xl/externalLinks/externalLink1.bin", rec + "\x01"},  // + a cut record
                     {"xl/externalLinks/externalLink2.bin", rec.substr(0, rec.size() - 3)}};
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.dde"), std::vector<std::string>{"notepad inert.txt"});
}

TEST(OoxmlAnalyzer, ReportsMissingContentTypesAndGoesOn) {
    docx::Options o;
    o.content_types = false;
    o.settings_rels = {
        docx::relationship("rId1", "attachedTemplate", "https://example.test/t.dotm", true)};
    std::string bytes = docx::build(o);
    EXPECT_FALSE(OoxmlAnalyzer().sniff(bytes));  // not an OPC package by its look
    Scan s(bytes);
    EXPECT_EQ(s.out.type(), "ooxml");
    EXPECT_EQ(s.findings("ooxml.malformed"), 1) << s.ids();
    EXPECT_EQ(s.findings("ooxml.remote_template"), 1) << s.ids();
}

TEST(OoxmlAnalyzer, SurvivesTruncatedPackages) {
    docx::Options o;
    o.settings_rels = {
        docx::relationship("rId1", "attachedTemplate", "https://example.test/t.dotm", true)};
    std::string bytes = docx::build(o);
    for (std::size_t cut : {std::size_t(30), bytes.size() / 3, bytes.size() / 2, bytes.size() - 30,
                            bytes.size() - 1}) {
        Scan s(bytes.substr(0, cut));
        EXPECT_GE(s.findings("ooxml.malformed"), 1) << cut << ": " << s.ids();
    }
}

TEST(OoxmlAnalyzer, ReportsCorruptPartData) {
    docx::Options o;
    o.body = docx::complex_field({"DDE x y"});
    std::string bytes = docx::build(o);
    // Flip a byte inside word/document.xml: its CRC no longer matches.
    auto at = bytes.find("DDE x y");
    ASSERT_NE(at, std::string::npos);
    bytes[at + 4] = 'z';
    Scan s(bytes);
    EXPECT_GE(s.findings("ooxml.malformed"), 1) << s.ids();
}

TEST(OoxmlAnalyzer, BoundsHugeRelationshipParts) {
    std::vector<std::string> rels;
    for (int i = 0; i < 20000; ++i)
        rels.push_back(docx::relationship("r" + std::to_string(i), "oleObject",
                                          "https://example.test/" + std::to_string(i), true));
    docx::Options o;
    o.document_rels = std::move(rels);
    Scan s(docx::build(o));
    EXPECT_LE(s.facts("ooxml.external").size(), 200u);
    EXPECT_EQ(s.findings("ooxml.external_ole"), 1);
    EXPECT_NE(s.out.findings().front().evidence.find("(+19999 more)"), std::string::npos);
}

TEST(OoxmlAnalyzer, StopsAtThePartLimit) {
    docx::Options o;
    for (int i = 0; i < 50; ++i)
        o.extra_parts.push_back({"word/embeddings/oleObject" + std::to_string(i) + ".bin", "x"});
    Limits l;
    l.max_archive_entries = 20;
    Scan s(docx::build(o), l);
    EXPECT_GE(s.findings("limit.ooxml.parts"), 1) << s.ids();
    EXPECT_LE(s.out.children().size(), 20u);
}

TEST(OoxmlAnalyzer, StaysWithinTheByteBudget) {
    docx::Options o;
    o.extra_parts = {{"word/embeddings/oleObject1.bin", std::string(4000, 'A')},
                     {"word/embeddings/oleObject2.bin", std::string(4000, 'B')}};
    Limits l;
    l.max_total_unpacked_bytes = 6000;
    Scan s(docx::build(o), l);
    EXPECT_LE(s.ctx.unpacked_bytes(), 6000u);
    EXPECT_LE(s.out.children().size(), 1u);
    EXPECT_GE(s.findings("limit.ooxml.bytes") + s.findings("limit.artifact.total_bytes"), 1)
        << s.ids();
}

TEST(OoxmlAnalyzer, ToleratesBrokenXml) {
    docx::Options o;
    o.body =
        "<w:p><w:fldChar w:fldCharType=\"begin\"/><w:instrText>DDE a<!-- x --> b"
        "<w:fldChar w:fldCharType='end' <<<>></w:p><w:fldChar w:fldCharType=\"end\"/>"
        "<a b='unterminated";
    o.document_rels = {
        "<Relationship Target=\"http://example.test/x\" TargetMode=External "
        "Type=\"x/oleObject\"/><Relationship TargetMode=\"External\""};
    Scan s(docx::build(o));
    EXPECT_EQ(s.facts("ooxml.dde"), std::vector<std::string>{"DDE a"});
    EXPECT_EQ(s.findings("ooxml.external_ole"), 1) << s.ids();
}

}  // namespace
}  // namespace kagami::analyzers
