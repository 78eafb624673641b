// SPDX-License-Identifier: Apache-2.0
// Ole2Analyzer on real files written by others: the oletools test data (expectations
// in its EXPECTED.md) and ClamAV's OLE containers of clam.exe.
#include <gtest/gtest.h>

#include <filesystem>

#include "analyzers/ole2/ole2.h"
#include "core/hash.h"
#include "support/ole2_support.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

using test::Ole2Run;
namespace fs = std::filesystem;

fs::path oletools(std::string_view rel) {
    return test::corpora_dir() / "oletools_test_data" / "test-data" / rel;
}

#define SKIP_WITHOUT(path) \
    if (!fs::exists(path)) GTEST_SKIP() << "corpus missing: " << (path)

// Runs the analyzer on a file and on the children it yields, to `depth` levels (as the
// dispatcher would for compound files inside compound files).
struct Tree {
    std::vector<std::unique_ptr<Ole2Run>> runs;
    std::vector<Child> leaves;  // children that are not compound files
};

void expand(Tree& t, std::string bytes, int depth) {
    auto run = std::make_unique<Ole2Run>(std::move(bytes));
    for (const auto& c : run->out.children()) {
        if (depth > 0 && Ole2Analyzer().sniff(c.bytes))
            expand(t, c.bytes, depth - 1);
        else
            t.leaves.push_back(c);
    }
    t.runs.push_back(std::move(run));
}

struct EmbeddedCase {
    const char* file;
    const char* name;
    const char* md5;
};

class Ole2EmbeddedObject : public ::testing::TestWithParam<EmbeddedCase> {};

TEST_P(Ole2EmbeddedObject, YieldsTheEmbeddedFileOfExpectedMd) {
    auto path = oletools(GetParam().file);
    SKIP_WITHOUT(path);
    Tree t;
    expand(t, test::read_file(path), 2);
    bool found = false;
    for (const auto& c : t.leaves) {
        if (core::md5_hex(c.bytes) != GetParam().md5) continue;
        found = true;
        if (std::string_view(GetParam().name) != "") {
            EXPECT_EQ(c.name, GetParam().name);
        }
    }
    EXPECT_TRUE(found) << GetParam().file;
    for (const auto& r : t.runs)
        for (const auto& f : r->out.findings()) EXPECT_NE(f.id, "ole2.malformed") << f.evidence;
}

constexpr const char* kSimpleTxtDoc = "bd5c063a5a43f67b3c50dc7b0f1195af";
constexpr const char* kSimpleTxtOther = "ab8c65e4c0fc51739aa66ca5888265b4";
constexpr const char* kCalcLnk = "6aedb1a876d4ad5236f1fbbbeb7274f3";

INSTANTIATE_TEST_SUITE_P(
    Oletools, Ole2EmbeddedObject,
    ::testing::Values(
        EmbeddedCase{"oleobj/sample_with_calc_embedded.doc", "calc.exe",
                     "40e85286357723f326980a3b30f84e4f"},
        EmbeddedCase{"oleobj/sample_with_lnk_file.doc", "calc.lnk", kCalcLnk},
        EmbeddedCase{"oleobj/sample_with_lnk_file.pps", "calc.lnk", kCalcLnk},
        EmbeddedCase{"oleobj/sample_with_lnk_file.ppt", "calc.lnk", kCalcLnk},
        EmbeddedCase{"oleobj/embedded-unicode.doc", "", "264397735b6f09039ba0adf0dc9fb942"},
        EmbeddedCase{"oleobj/embedded-simple-2007.doc", "simple-text-file.txt", kSimpleTxtDoc},
        EmbeddedCase{"oleobj/embedded-simple-2007.dot", "simple-text-file.txt", kSimpleTxtDoc},
        EmbeddedCase{"oleobj/embedded-simple-2007.xls", "simple-text-file.txt", kSimpleTxtOther},
        EmbeddedCase{"oleobj/embedded-simple-2007.xla", "simple-text-file.txt", kSimpleTxtOther},
        EmbeddedCase{"oleobj/embedded-simple-2007.xlt", "simple-text-file.txt", kSimpleTxtOther},
        EmbeddedCase{"oleobj/embedded-simple-2007.ppt", "simple-text-file.txt", kSimpleTxtOther},
        EmbeddedCase{"oleobj/embedded-simple-2007.pps", "simple-text-file.txt", kSimpleTxtOther},
        EmbeddedCase{"oleobj/embedded-simple-2007.pot", "simple-text-file.txt", kSimpleTxtOther}));

TEST(Ole2Corpus, CalcPackageFactsAndFinding) {
    auto path = oletools("oleobj/sample_with_calc_embedded.doc");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    EXPECT_EQ(run.out.type(), "doc");
    EXPECT_TRUE(run.has_fact("ole2.package.name", "calc.exe"));
    EXPECT_TRUE(run.has_fact("ole2.package.source_path", "C:\\Windows\\System32\\calc.exe"));
    // The UTF-16 copy after the data wins: its temp path was not redacted ("xxxxx") like
    // the ANSI one.
    EXPECT_TRUE(run.has_fact("ole2.package.temp_path",
                             "C:\\Users\\samir\\AppData\\Local\\Temp\\calc (2).exe"));
    EXPECT_TRUE(run.has_finding("ole2.package.executable"));
}

TEST(Ole2Corpus, PackageNamesComeFromTheUnicodeCopies) {
    auto path = oletools("oleobj/embedded-unicode.doc");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    auto name = run.fact("ole2.package.name");
    EXPECT_TRUE(
        name.starts_with("\xc3\xbcnic\xc3\xb6"
                         "de-"))
        << name;
    EXPECT_TRUE(name.ends_with(".txt")) << name;
    EXPECT_EQ(name.find('?'), std::string::npos) << name;
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_EQ(run.out.children()[0].name, name);
}

TEST(Ole2Corpus, HarmlessDocumentIsQuiet) {
    auto path = oletools("msodde/harmless-clean.doc");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    EXPECT_EQ(run.out.type(), "doc");
    EXPECT_TRUE(run.out.findings().empty())
        << run.out.findings().front().id << " " << run.out.findings().front().evidence;
    EXPECT_TRUE(run.out.children().empty());
}

TEST(Ole2Corpus, BasicFilesAreRejectedBySniff) {
    auto empty = oletools("basic/empty");
    SKIP_WITHOUT(empty);
    Ole2Analyzer a;
    EXPECT_FALSE(a.sniff(test::read_file(empty)));
    EXPECT_FALSE(a.sniff(test::read_file(oletools("basic/text"))));
    // Called anyway, they give a violation and nothing else.
    Ole2Run run(test::read_file(oletools("basic/text")));
    EXPECT_TRUE(run.has_finding("ole2.malformed"));
    EXPECT_TRUE(run.out.facts().empty());
}

TEST(Ole2Corpus, Excel4MacroSheetsAreFlagged) {
    for (const char* rel :
         {"excel4-macros/excel4_sample_macro.xls", "excel4-macros/excel4_sample_macro.xlt",
          "excel4-macros/excel4_sample_macro_excel5_format.xls"}) {
        auto path = oletools(rel);
        SKIP_WITHOUT(path);
        Ole2Run run(test::read_file(path));
        EXPECT_EQ(run.out.type(), "xls") << rel;
        EXPECT_TRUE(run.has_finding("ole2.xls.xlm_macro")) << rel;
        EXPECT_TRUE(run.has_finding("ole2.xls.auto_open")) << rel;
        EXPECT_FALSE(run.has_finding("ole2.malformed")) << rel;
    }
}

TEST(Ole2Corpus, EncryptedFilesAreReportedEncrypted) {
    struct Case {
        const char* file;
        const char* type;
    };
    for (auto c : {Case{"encrypted/encrypted.doc", "doc"}, Case{"encrypted/encrypted.xls", "xls"},
                   Case{"encrypted/encrypted.ppt", "ppt"},
                   Case{"encrypted/encrypted.docx", "office-encrypted"},
                   Case{"encrypted/encrypted.xlsb", "office-encrypted"},
                   Case{"encrypted/encrypted.pptm", "office-encrypted"},
                   Case{"basic/encrypted.docx", "office-encrypted"},
                   Case{"encrypted/autostart-encrypt-standardpassword.xls", "xls"},
                   Case{"encrypted/autostart-encrypt-standardpassword.xlsm", "office-encrypted"},
                   Case{"encrypted/dde-test-encrypt-standardpassword.xls", "xls"},
                   Case{"encrypted/dde-test-encrypt-standardpassword.xlsx", "office-encrypted"}}) {
        auto path = oletools(c.file);
        SKIP_WITHOUT(path);
        Ole2Run run(test::read_file(path));
        EXPECT_EQ(run.out.type(), c.type) << c.file;
        EXPECT_EQ(run.count_findings("ole2.encrypted"), 1u) << c.file;
        EXPECT_FALSE(run.fact("ole2.encryption").empty()) << c.file;
        EXPECT_FALSE(run.has_finding("ole2.malformed")) << c.file;
    }
}

TEST(Ole2Corpus, StandardEncryptionVersionIsNamed) {
    auto path = oletools("encrypted/encrypted.docx");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    auto scheme = run.fact("ole2.encryption");
    EXPECT_TRUE(scheme.starts_with("agile") || scheme.starts_with("standard")) << scheme;
}

// Needs vba.cc (the vba helper's MS-OVBA reader): until it lands, read_project returns
// nothing and only the ole2.vba fact is there.
TEST(Ole2Corpus, PowerPointVbaProjectIsRead) {
    auto path = oletools("olevba/sample_with_vba.ppt");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    EXPECT_EQ(run.out.type(), "ppt");
    EXPECT_TRUE(run.has_fact("ole2.vba", "PowerPoint Document/ExOleObjStg 1/VBA"));
    bool source = false;
    for (const auto& f : run.out.facts())
        if (f.name == "vba.source" &&
            f.value.find("The action button clicked!") != std::string::npos)
            source = true;
    EXPECT_TRUE(source) << "needs src/analyzers/ole2/vba.cc";
}

TEST(Ole2Corpus, ExcelVbaProjectIsFound) {
    auto path = oletools("encrypted/autostart-encrypt-standardpassword.xls");
    SKIP_WITHOUT(path);
    Ole2Run run(test::read_file(path));
    EXPECT_TRUE(run.has_fact("ole2.vba", "_VBA_PROJECT_CUR/VBA"));
}

std::string unxor_clamav(std::string data) {
    constexpr std::string_view kKey =
        "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrh"
        "twxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = char(data[i] ^ kKey[i % kKey.size()]);
    return data;
}

TEST(Ole2Corpus, ClamavContainersYieldClamExe) {
    constexpr std::string_view kClamSha256 =
        "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
    for (const char* name : {"clam.ole.doc.xor", "clam.ppt.xor"}) {
        auto path = test::corpora_dir() / "clamav_unit_test_inputs" / "clamav_hdb_scanfiles" / name;
        SKIP_WITHOUT(path);
        Tree t;
        expand(t, unxor_clamav(test::read_file(path)), 2);
        bool found = false;
        for (const auto& c : t.leaves)
            if (core::sha256_hex(c.bytes) == kClamSha256) found = true;
        EXPECT_TRUE(found) << name;
    }
}

TEST(Ole2Corpus, ClamavEncryptedOfficeFiles) {
    auto dir =
        test::corpora_dir() / "clamav_unit_test_inputs" / "other_scanfiles" / "ole2_encryption";
    SKIP_WITHOUT(dir);
    for (const auto& entry : fs::directory_iterator(dir)) {
        Ole2Run run(test::read_file(entry.path()));
        EXPECT_EQ(run.count_findings("ole2.encrypted"), 1u) << entry.path();
        EXPECT_FALSE(run.has_finding("ole2.malformed")) << entry.path();
    }
}

// Every compound file of both corpora: no crash, no hang, and no malformed finding
// on files Office wrote.
TEST(Ole2Corpus, EveryCompoundFileParsesCleanly) {
    auto root = test::corpora_dir() / "oletools_test_data" / "test-data";
    SKIP_WITHOUT(root);
    Ole2Analyzer a;
    std::size_t seen = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::string bytes = test::read_file(entry.path());
        if (!a.sniff(bytes)) continue;
        ++seen;
        Ole2Run run(bytes);
        EXPECT_FALSE(run.has_finding("ole2.malformed")) << entry.path();
    }
    EXPECT_GE(seen, 37u);  // the CFB files of test-data/
}

}  // namespace
}  // namespace kagami::analyzers
