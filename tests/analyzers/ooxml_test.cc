// OoxmlAnalyzer on the oletools test documents (external links, DDE, embedded
// objects, macros) and on inert packages built by support/docx_builder.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analyzers/ooxml/ooxml.h"
#include "support/docx_builder.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

namespace fs = std::filesystem;
namespace docx = kagami::test::docx;

Limits untimed(Limits l) {
    l.max_analysis_ms = 0;  // deterministic under sanitizers
    return l;
}

struct Scan {
    Limits limits;
    Context ctx{limits, {}};
    Output out{"ooxml", "x", ctx};

    explicit Scan(const std::string& bytes, Limits l = Limits{})
        : limits(untimed(l)), ctx(limits, {}) {
        OoxmlAnalyzer a;
        a.analyze({bytes, "x", "x", 0}, out);
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
    const Child* child(const std::string& name) {
        for (const auto& c : out.children())
            if (c.name == name) return &c;
        return nullptr;
    }
    std::string finding_ids() {
        std::string s;
        for (const auto& f : out.findings()) s += f.id + "(" + f.evidence + ") ";
        return s;
    }
};

fs::path oletools() {
    return kagami::test::corpora_dir() / "oletools_test_data" / "test-data";
}

#define NEED_CORPUS() \
    if (!fs::exists(oletools())) GTEST_SKIP() << "oletools_test_data corpus not present"

TEST(OoxmlAnalyzer, ReportsEveryExternalLinkSample) {
    NEED_CORPUS();
    for (const char* e : {"docx", "docm", "dotx", "dotm", "pptx", "pptm", "potx", "potm", "ppsx",
                          "ppsm", "xlsx", "xlsm", "xlsb"}) {
        std::string name = std::string("sample_with_external_link_to_doc.") + e;
        std::string bytes = kagami::test::read_file(oletools() / "oleobj/external_link" / name);
        ASSERT_FALSE(bytes.empty()) << name;
        EXPECT_TRUE(OoxmlAnalyzer().sniff(bytes)) << name;
        Scan r(bytes);
        EXPECT_EQ(r.out.type(), e) << name;
        auto ext = r.facts("ooxml.external");
        ASSERT_EQ(ext.size(), 1u) << name;
        EXPECT_TRUE(ext[0].starts_with("oleObject -> https://raw.githubusercontent.com/decalage2/"))
            << ext[0];
        EXPECT_EQ(r.findings("ooxml.external_ole"), 1) << name << ": " << r.finding_ids();
    }
}

TEST(OoxmlAnalyzer, FindsTheOneDdeLinkOfEachWorkbook) {
    NEED_CORPUS();
    for (const char* e : {"xlsx", "xlsm", "xlsb"}) {
        Scan r(kagami::test::read_file(oletools() / "msodde" / (std::string("dde-test.") + e)));
        EXPECT_EQ(r.out.type(), e);
        EXPECT_EQ(r.facts("ooxml.dde"), std::vector<std::string>{"cmd /c calc.exe"}) << e;
        EXPECT_EQ(r.findings("ooxml.dde"), 1) << e;
    }
}

TEST(OoxmlAnalyzer, FindsDdeFieldsInWordDocuments) {
    NEED_CORPUS();
    for (const char* e : {"docx", "docm"}) {
        Scan r(kagami::test::read_file(oletools() / "msodde" / (std::string("dde-test.") + e)));
        auto dde = r.facts("ooxml.dde");
        // A complex DDEAUTO field, a simple DDE field and a lower-case ddeauto one.
        ASSERT_EQ(dde.size(), 3u) << e;
        EXPECT_TRUE(dde[0].starts_with("DDEAUTO c:")) << dde[0];
        EXPECT_NE(dde[0].find("calc.exe"), std::string::npos);
        EXPECT_TRUE(dde[1].starts_with("DDE c:")) << dde[1];
        EXPECT_EQ(dde[2], "ddeauto ünicöde-test");
        EXPECT_EQ(r.findings("ooxml.dde"), 1);  // one finding, counting the others
        EXPECT_EQ(r.findings("ooxml.malformed"), 0);
    }
}

TEST(OoxmlAnalyzer, KeepsHarmlessDocumentsQuiet) {
    NEED_CORPUS();
    for (const char* f :
         {"msodde/harmless-clean.docx", "msodde/harmless-clean.docm", "msodde/harmless-clean.xml",
          "msodde/harmless-clean-2003.xml", "ooxml/harmless-clean.xml",
          "ooxml/harmless-clean-2003.xml", "other/presentation.xps"}) {
        std::string bytes = kagami::test::read_file(oletools() / f);
        EXPECT_TRUE(OoxmlAnalyzer().sniff(bytes)) << f;
        Scan r(bytes);
        EXPECT_TRUE(r.out.findings().empty()) << f << ": " << r.finding_ids();
        EXPECT_TRUE(r.facts("ooxml.dde").empty()) << f;
    }
    Scan xps(kagami::test::read_file(oletools() / "other/presentation.xps"));
    EXPECT_EQ(xps.out.type(), "xps");
    Scan flat(kagami::test::read_file(oletools() / "msodde/harmless-clean.xml"));
    EXPECT_EQ(flat.out.type(), "flat-opc");
    EXPECT_EQ(flat.facts("ooxml.content_type").size(), 1u);
}

TEST(OoxmlAnalyzer, FindsDdeInExcel2003Xml) {
    NEED_CORPUS();
    for (const char* f : {"msodde/dde-in-excel2003.xml", "ooxml/dde-in-excel2003.xml"}) {
        std::string bytes = kagami::test::read_file(oletools() / f);
        ASSERT_TRUE(OoxmlAnalyzer().sniff(bytes)) << f;
        Scan r(bytes);
        EXPECT_EQ(r.out.type(), "excel2003-xml");
        auto dde = r.facts("ooxml.dde");
        ASSERT_EQ(dde.size(), 1u) << f;
        EXPECT_NE(dde[0].find("cmd"), std::string::npos) << dde[0];
        EXPECT_NE(dde[0].find("calc"), std::string::npos) << dde[0];
        EXPECT_EQ(r.findings("ooxml.dde"), 1);
    }
}

TEST(OoxmlAnalyzer, HandsOutEmbeddedOleObjects) {
    NEED_CORPUS();
    for (const char* e : {"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xlsb", "xltx", "xltm",
                          "xlam", "pptx", "pptm", "ppsx", "ppsm", "potx", "potm"}) {
        Scan r(kagami::test::read_file(oletools() / "oleobj" /
                                       (std::string("embedded-simple-2007.") + e)));
        EXPECT_EQ(r.out.type(), e);
        std::string dir = e[0] == 'd' ? "word" : e[0] == 'x' ? "xl" : "ppt";
        std::string name = dir + "/embeddings/oleObject1.bin";
        const Child* c = r.child(name);
        ASSERT_NE(c, nullptr) << e;
        EXPECT_TRUE(c->bytes.starts_with("\xD0\xCF\x11\xE0")) << e;  // a CFB for the ole2 analyzer
        EXPECT_EQ(r.facts("ooxml.embedding"), std::vector<std::string>{name});
        EXPECT_TRUE(r.out.findings().empty()) << e << ": " << r.finding_ids();
    }
    Scan u(kagami::test::read_file(oletools() / "oleobj/embedded-unicode-2007.docx"));
    ASSERT_NE(u.child("word/embeddings/oleObject1.bin"), nullptr);
}

TEST(OoxmlAnalyzer, HandsOutTheVbaProject) {
    NEED_CORPUS();
    Scan r(kagami::test::read_file(oletools() / "oleform/oleform-PR314.docm"));
    EXPECT_EQ(r.out.type(), "docm");
    const Child* c = r.child("word/vbaProject.bin");
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->bytes.starts_with("\xD0\xCF\x11\xE0"));
    EXPECT_EQ(r.facts("ooxml.macros"), std::vector<std::string>{"word/vbaProject.bin"});
}

TEST(OoxmlAnalyzer, ReportsExcel4MacroSheets) {
    NEED_CORPUS();
    for (const char* e : {"xlsm", "xltm", "xlsb"}) {
        Scan r(kagami::test::read_file(oletools() / "excel4-macros" /
                                       (std::string("excel4_sample_macro.") + e)));
        EXPECT_EQ(r.findings("ooxml.xlm_macro"), 1) << e;
        EXPECT_EQ(r.facts("ooxml.xlm_macro").size(), 1u) << e;
    }
}

TEST(OoxmlAnalyzer, LeavesOtherFilesToOtherAnalyzers) {
    NEED_CORPUS();
    for (const char* f : {"basic/encrypted.docx", "basic/empty", "basic/text",
                          "oleobj/embedded-simple-2007.doc", "rtfobj/issue_251.rtf"}) {
        std::string bytes = kagami::test::read_file(oletools() / f);
        EXPECT_FALSE(OoxmlAnalyzer().sniff(bytes)) << f;
        Scan r(bytes);  // called anyway: must not crash
    }
    EXPECT_FALSE(OoxmlAnalyzer().sniff(docx::zip({{"a.txt", "plain zip"}})));
}

}  // namespace
}  // namespace kagami::analyzers
