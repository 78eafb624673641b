// RtfAnalyzer on the oletools and ClamAV RTF samples and on inert documents from
// support/rtf_builder: OLE1 objects, packages, obfuscated hex, fields, hostile input.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analyzers/rtf/rtf.h"
#include "core/hash.h"
#include "support/rtf_builder.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

namespace fs = std::filesystem;
namespace rtf = kagami::test::rtf;

Limits untimed(Limits l) {
    l.max_analysis_ms = 0;
    return l;
}

struct Scan {
    Limits limits;
    Context ctx;
    Output out{"rtf", "x.rtf", ctx};

    explicit Scan(const std::string& bytes, Limits l = Limits{})
        : limits(untimed(l)), ctx(limits, {}) {
        RtfAnalyzer a;
        a.analyze({bytes, "x.rtf", "x.rtf", 0}, out);
    }
    std::vector<std::string> facts(const std::string& name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    std::string fact(const std::string& name) {
        auto v = facts(name);
        return v.empty() ? "<none>" : v.front();
    }
    int findings(const std::string& id) {
        return int(std::count_if(out.findings().begin(), out.findings().end(),
                                 [&](const Finding& f) { return f.id == id; }));
    }
    const Finding* finding(const std::string& id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
    std::string ids() {
        std::string s;
        for (const auto& f : out.findings()) s += f.id + "(" + f.evidence + ") ";
        return s;
    }
};

fs::path oletools() {
    return kagami::test::corpora_dir() / "oletools_test_data" / "test-data";
}

constexpr std::string_view kXorKey =
    "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrhtwxhz"
    "pjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";

TEST(RtfAnalyzer, ParsesTheIssue251EquationObject) {
    if (!fs::exists(oletools())) GTEST_SKIP() << "oletools_test_data corpus not present";
    std::string bytes = kagami::test::read_file(oletools() / "rtfobj/issue_251.rtf");
    ASSERT_TRUE(RtfAnalyzer().sniff(bytes));  // "{\rtf2": Word only checks "{\rt"
    Scan s(bytes);
    // One \object group; the \object words scattered in its {\*\footerr} junk are noise.
    EXPECT_EQ(s.fact("rtf.objects"), "1");
    // \objclass names Equation.3, and so does the OLE1 header of the hex split by
    // {\proptype\staticval ...} and \fnil (the class there is lower-case: equation.3).
    auto classes = s.facts("rtf.object.class");
    EXPECT_EQ(classes, (std::vector<std::string>{"Equation.3", "equation.3"}));
    EXPECT_EQ(s.findings("rtf.equation_editor"), 1) << s.ids();
    EXPECT_EQ(s.findings("rtf.objupdate"), 1) << s.ids();
    // The native data is a cut compound file: its declared size (3072) overruns it.
    EXPECT_EQ(s.findings("rtf.malformed"), 1) << s.ids();
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "object-1.bin");
    EXPECT_TRUE(s.out.children()[0].bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    const Finding* eq = s.finding("rtf.equation_editor");
    ASSERT_NE(eq, nullptr);
    EXPECT_EQ(eq->attack, std::vector<std::string>{"T1203"});
}

TEST(RtfAnalyzer, KeepsTheRtfSpecificationQuiet) {
    if (!fs::exists(oletools())) GTEST_SKIP() << "oletools_test_data corpus not present";
    std::string bytes = kagami::test::read_file(oletools() / "msodde/RTF-Spec-1.7.rtf");
    ASSERT_TRUE(RtfAnalyzer().sniff(bytes));
    Scan s(bytes);
    EXPECT_EQ(s.fact("rtf.objects"), "0");
    EXPECT_TRUE(s.facts("rtf.dde").empty());
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
    EXPECT_TRUE(s.out.children().empty());
}

TEST(RtfAnalyzer, ExtractsClamExeFromTheClamavPackageObject) {
    fs::path file = kagami::test::corpora_dir() /
                    "clamav_unit_test_inputs/clamav_hdb_scanfiles/clam.exe.rtf.xor";
    if (!fs::exists(file)) GTEST_SKIP() << "clamav_unit_test_inputs corpus not present";
    std::string bytes = kagami::test::read_file(file);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= kXorKey[i % kXorKey.size()];
    ASSERT_TRUE(RtfAnalyzer().sniff(bytes));
    Scan s(bytes);
    EXPECT_EQ(s.fact("rtf.objects"), "1");
    EXPECT_EQ(s.facts("rtf.object.class"), std::vector<std::string>{"Package"});
    EXPECT_EQ(s.fact("rtf.package.name"), "Clam.exe");
    EXPECT_EQ(s.fact("rtf.package.source"), "C:\\DOCUME~1\\edwin\\Desktop\\clam.exe");
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "Clam.exe");
    EXPECT_EQ(core::sha256_hex(s.out.children()[0].bytes),
              "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
}

TEST(RtfAnalyzer, SniffsOnlyRtf) {
    EXPECT_TRUE(RtfAnalyzer().sniff("{\\rtf1\\ansi}"));
    EXPECT_TRUE(RtfAnalyzer().sniff("{\\rtvpn x}"));
    EXPECT_FALSE(RtfAnalyzer().sniff("{\\r"));
    EXPECT_FALSE(RtfAnalyzer().sniff(" {\\rtf1}"));
    EXPECT_FALSE(RtfAnalyzer().sniff(""));
}

TEST(RtfAnalyzer, FlagsEquationEditorObjects) {
    std::string native = "\x1c\x00\x00\x00inert equation bytes";
    std::string doc = rtf::document(rtf::object(
        "Equation.3", rtf::hex(rtf::ole1("Equation.3", native)), "\\objemb\\objupdate"));
    Scan s(doc);
    EXPECT_EQ(s.fact("rtf.objects"), "1");
    EXPECT_EQ(s.facts("rtf.object.class"), std::vector<std::string>{"Equation.3"});
    EXPECT_EQ(s.fact("rtf.object.size"), std::to_string(native.size()));
    EXPECT_EQ(s.findings("rtf.equation_editor"), 1) << s.ids();
    EXPECT_EQ(s.findings("rtf.objupdate"), 1) << s.ids();
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "object-1.bin");
    EXPECT_EQ(s.out.children()[0].bytes, native);
}

TEST(RtfAnalyzer, FlagsEquationClassWithoutData) {
    Scan s(rtf::document("{\\object\\objemb{\\*\\objclass Equation.DSMT4}}"));
    EXPECT_EQ(s.findings("rtf.equation_editor"), 1) << s.ids();
    EXPECT_EQ(s.findings("rtf.objupdate"), 0);
}

TEST(RtfAnalyzer, HandsOutThePackagedFileUnderItsName) {
    std::string doc = rtf::document(rtf::object(
        "Package", rtf::hex(rtf::ole1("Package", rtf::package("readme.txt", "inert text")))));
    Scan s(doc);
    EXPECT_EQ(s.fact("rtf.package.name"), "readme.txt");
    EXPECT_EQ(s.fact("rtf.package.temp"), "C:\\Users\\user\\AppData\\Local\\Temp\\readme.txt");
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "readme.txt");
    EXPECT_EQ(s.out.children()[0].bytes, "inert text");
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
}

TEST(RtfAnalyzer, HandsOutCompoundFilesAsObjects) {
    std::string cfb = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(56, '\0');
    Scan s(
        rtf::document(rtf::object("Word.Document.8", rtf::hex(rtf::ole1("Word.Document.8", cfb)))));
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "object-1.bin");
    EXPECT_EQ(s.out.children()[0].bytes, cfb);
}

TEST(RtfAnalyzer, DecodesObfuscatedObjectData) {
    std::string h = rtf::hex(rtf::ole1("Package", rtf::package("a.txt", "ABCDEFGH")));
    // Split the hex with whitespace, control words, an ignorable destination full of
    // hex-looking junk, a \'xx symbol (Word keeps its second digit) and raw \bin bytes.
    std::string part1 = h.substr(0, 20), part2 = h.substr(20, 20), part3 = h.substr(40);
    std::string mid = part2.substr(0, part2.size() - 1);
    char last = part2.back();
    std::string objdata = part1.substr(0, 10) + " \r\n\t" + part1.substr(10) +
                          "\\par\\fs24 {\\*\\junk 0badc0de}" + mid + "\\'0" + last;
    // \bin2 carries two raw bytes; the hex must then resume where it left off.
    std::string rest_bytes;
    for (std::size_t i = 0; i + 1 < part3.size(); i += 2)
        rest_bytes += char(std::stoi(part3.substr(i, 2), nullptr, 16));
    std::string bin_part = "\\bin2 " + rest_bytes.substr(0, 2);
    std::string after = rtf::hex(rest_bytes.substr(2));
    objdata += bin_part + "{\\*\\objw 99}" + after + "7";  // a dangling odd digit
    Scan s(rtf::document(rtf::object("Package", objdata)));
    ASSERT_EQ(s.out.children().size(), 1u) << s.ids();
    EXPECT_EQ(s.out.children()[0].name, "a.txt");
    EXPECT_EQ(s.out.children()[0].bytes, "ABCDEFGH");
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
}

TEST(RtfAnalyzer, FlagsOle2LinkUrlMonikers) {
    std::string url = "http://198.51.100.9/inert.hta";
    std::string moniker("\xE0\xC9\xEA\x79\xF9\xBA\xCE\x11\x8C\x82\x00\xAA\x00\x4B\xA9\x0B", 16);
    std::string wide;
    for (char c : url) {
        wide += c;
        wide += '\0';
    }
    wide += std::string(2, '\0');
    std::string len;
    for (int i = 0; i < 4; ++i) len += char((wide.size() >> (8 * i)) & 0xFF);
    std::string native = std::string(8, '\x01') + moniker + len + wide;
    Scan s(rtf::document(rtf::object("Word.Document.8", rtf::hex(rtf::ole1("OLE2Link", native)),
                                     "\\objautlink\\objupdate")));
    EXPECT_EQ(s.findings("rtf.ole2link"), 1) << s.ids();
    EXPECT_EQ(s.fact("rtf.object.url"), url);
    EXPECT_EQ(s.fact("rtf.object.link_kind"), "autlink");
    auto classes = s.facts("rtf.object.class");
    EXPECT_NE(std::find(classes.begin(), classes.end(), "OLE2Link"), classes.end());
}

TEST(RtfAnalyzer, FindsDdeFields) {
    std::string doc = rtf::document(
        "{\\field{\\*\\fldinst {\\rtlch\\fcs1 DDE}{AUTO c:\\\\windows\\\\system32\\\\cmd.exe "
        "\"/c calc.exe\"}}{\\fldrslt {x}}}"
        "{\\field{\\*\\fldinst { HYPERLINK \"https://example.test/\" }}{\\fldrslt {link}}}");
    Scan s(doc);
    EXPECT_EQ(s.facts("rtf.dde"),
              std::vector<std::string>{"DDEAUTO c:\\windows\\system32\\cmd.exe \"/c calc.exe\""});
    EXPECT_EQ(s.findings("rtf.dde"), 1) << s.ids();
    EXPECT_EQ(s.finding("rtf.dde")->attack, std::vector<std::string>{"T1559.002"});
}

TEST(RtfAnalyzer, SurvivesTenThousandNestedGroups) {
    std::string deep(10000, '{');
    deep += rtf::object("Equation.3", rtf::hex(rtf::ole1("Equation.3", "inert")));
    deep += std::string(10000, '}');
    Scan s(rtf::document(deep));
    EXPECT_EQ(s.fact("rtf.objects"), "1");
    EXPECT_EQ(s.findings("rtf.equation_editor"), 1);
    EXPECT_EQ(s.findings("rtf.malformed"), 1) << s.ids();  // the nesting itself
}

TEST(RtfAnalyzer, KeepsWhatItReadOfTruncatedDocuments) {
    std::string doc = rtf::document(rtf::object(
        "Package", rtf::hex(rtf::ole1("Package", rtf::package("b.txt", "0123456789")))));
    for (std::size_t cut = 1; cut < doc.size(); cut += 7) {
        Scan s(doc.substr(0, cut));  // must not crash; partial objects are reported
        EXPECT_GE(s.findings("rtf.malformed"), 1) << cut;
    }
    // Cut inside the object data: the OLE1 header survives, the file data does not.
    auto at = doc.find("62 2e 74 78 74") != std::string::npos ? 0 : doc.find("622e747874");
    ASSERT_NE(at, std::string::npos);
    Scan s(doc.substr(0, at + 20));
    EXPECT_EQ(s.fact("rtf.object.class"), "Package");
    EXPECT_GE(s.findings("rtf.malformed"), 1);
}

TEST(RtfAnalyzer, ReportsGarbageObjectData) {
    std::string big_size = rtf::ole1("Package", "xy");
    big_size[big_size.size() - 6] = '\x7f';  // native size 0x7f000002 > what is there
    Scan s(rtf::document(rtf::object("Foo", "zz not hex at all") +
                         rtf::object("Package", rtf::hex(big_size)) +
                         "{\\object{\\*\\objdata \\bin999999999 0102}}}}}"));
    EXPECT_EQ(s.fact("rtf.objects"), "3");
    EXPECT_GE(s.findings("rtf.malformed"), 2) << s.ids();
}

TEST(RtfAnalyzer, StopsAtTheByteBudget) {
    std::string doc = rtf::document(rtf::object(
        "Package", rtf::hex(rtf::ole1("Package", rtf::package("c.txt", std::string(5000, 'C'))))));
    Limits l;
    l.max_total_unpacked_bytes = 1000;
    Scan s(doc, l);
    EXPECT_EQ(s.findings("limit.rtf.bytes"), 1) << s.ids();
    EXPECT_LE(s.ctx.unpacked_bytes(), 1000u);
}

TEST(RtfAnalyzer, StopsAtTheObjectLimit) {
    std::string body;
    for (int i = 0; i < 30; ++i)
        body += rtf::object("Package", rtf::hex(rtf::ole1("Package", rtf::package("d.txt", "d"))));
    Limits l;
    l.max_archive_entries = 10;
    Scan s(rtf::document(body), l);
    EXPECT_EQ(s.fact("rtf.objects"), "30");
    EXPECT_EQ(s.out.children().size(), 10u);
    EXPECT_EQ(s.findings("limit.rtf.objects"), 1) << s.ids();
}

}  // namespace
}  // namespace kagami::analyzers
