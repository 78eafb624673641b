// SPDX-License-Identifier: Apache-2.0
// PeAnalyzer on real binaries written by others: YARA's hand-made PE32 blob and ClamAV's
// harmless clam.exe test program, plain and packed (XOR-obfuscated upstream; the key is
// in SOURCE.txt and tests/corpus/clamav_mail_test.cc).
//
// The imphash and Rich hash values below were computed with pefile 2023.2.7 (Debian's
// python3-pefile) on the decoded files; the corpora themselves publish no imphash.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "analyzers/pe/pe.h"
#include "core/hash.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kXorKey =
    "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrhtwxhz"
    "pjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";

std::string clam(const std::string& name) {
    auto path =
        test::corpora_dir() / "clamav_unit_test_inputs" / "clamav_hdb_scanfiles" / (name + ".xor");
    std::string data = test::read_file(path);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = char(data[i] ^ kXorKey[i % kXorKey.size()]);
    return data;
}

struct Scan {
    Limits limits;
    Context ctx{limits, {}};
    PeAnalyzer a;
    Output out{a.name(), "x.exe", ctx};
    explicit Scan(const std::string& bytes) { a.analyze({bytes, "x.exe", "x.exe", 0}, out); }
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
    bool has(const std::string& id) {
        for (const auto& f : out.findings())
            if (f.id == id) return true;
        return false;
    }
    std::string ids() {
        std::string s;
        for (const auto& f : out.findings()) s += f.id + "(" + f.evidence + ") ";
        return s;
    }
};

TEST(PeAnalyzer, ReadsYarasPe32Blob) {
    auto path = test::corpora_dir() / "yara_test_suite" / "blobs" / "PE32_FILE.bin";
    if (!fs::exists(path)) GTEST_SKIP() << "no corpus";
    std::string blob = test::read_file(path);
    PeAnalyzer a;
    ASSERT_TRUE(a.sniff(blob));
    Scan s(blob);
    EXPECT_EQ(s.fact("pe.machine"), "i386");
    EXPECT_EQ(s.fact("pe.kind"), "exe");
    EXPECT_EQ(s.fact("pe.subsystem"), "windows_gui");
    EXPECT_EQ(s.fact("pe.timestamp"), "2006-10-30T08:57:01Z");
    // The section holds "6a 2a 58 c3" (4 distinct bytes: entropy 2).
    EXPECT_EQ(s.facts("pe.section"), std::vector<std::string>{".text 4 4 2.00 r-x"});
    EXPECT_TRUE(s.facts("pe.import").empty());
    EXPECT_EQ(s.fact("pe.overlay"), "<none>");
    EXPECT_EQ(s.ids(), "pe.executable(x.exe: i386 exe) ");
}

TEST(PeAnalyzer, ReadsClamExe) {
    if (!fs::exists(test::corpora_dir() / "clamav_unit_test_inputs")) GTEST_SKIP();
    std::string exe = clam("clam.exe");
    ASSERT_EQ(core::sha256_hex(exe),
              "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
    Scan s(exe);
    EXPECT_EQ(s.fact("pe.machine"), "i386");
    EXPECT_EQ(s.fact("pe.kind"), "exe");
    EXPECT_EQ(s.fact("pe.timestamp"), "2005-04-16T16:54:57Z");  // "aCaB"
    // One section whose raw pointer (1) the loader rounds down to 0: the imports live in
    // the headers' bytes.
    EXPECT_EQ(s.facts("pe.section"), std::vector<std::string>{"[CLAMAV] 4096 512 3.09 rw-"});
    EXPECT_EQ(s.facts("pe.import"),
              (std::vector<std::string>{"KERNEL32.DLL!ExitProcess", "USER32.DLL!MessageBoxA"}));
    EXPECT_EQ(s.fact("pe.imphash"), "98c88d882f01a3f6ac1e5f7dfd761624");
    EXPECT_EQ(s.fact("pe.imphash"), core::md5_hex("kernel32.exitprocess,user32.messageboxa"));
    // pefile reports 31 bytes of overlay at 513: the end of the section table, which we
    // do not count as overlay.
    EXPECT_EQ(s.fact("pe.overlay"), "<none>");
    EXPECT_TRUE(s.has("pe.executable"));
    EXPECT_FALSE(s.has("pe.packed"));
    EXPECT_FALSE(s.has("pe.malformed")) << s.ids();
}

struct Packed {
    const char* file;
    bool packed;          ///< pe.packed expected
    const char* imphash;  ///< pefile's, "" when it finds no imports
};

class ClamPacked : public ::testing::TestWithParam<Packed> {};

TEST_P(ClamPacked, ReportsPackingAndImphashLikePefile) {
    if (!fs::exists(test::corpora_dir() / "clamav_unit_test_inputs")) GTEST_SKIP();
    const Packed& p = GetParam();
    Scan s(clam(p.file));
    EXPECT_EQ(s.fact("pe.machine"), "i386");
    EXPECT_TRUE(s.has("pe.executable"));
    EXPECT_EQ(s.has("pe.packed"), p.packed) << s.ids();
    EXPECT_EQ(s.fact("pe.imphash"), *p.imphash ? p.imphash : "<none>");
}

// FSG and PESpin leave no packer section name and no high-entropy *executable* section
// (PESpin's compressed sections are not marked executable), so they are not reported.
INSTANTIATE_TEST_SUITE_P(
    Corpus, ClamPacked,
    ::testing::Values(Packed{"clam-upx.exe", true, "2b07ba9c1e54b04624dfdda69d875a1d"},
                      Packed{"clam-yc.exe", true, "87bed5a7cba00c7e1f4015f1bdae2183"},
                      Packed{"clam.ea05.exe", true, "fd50eeaa7137498c4740b429b41a482e"},
                      Packed{"clam-aspack.exe", true, "d5e0355f8764c235b38759b860077ceb"},
                      Packed{"clam-petite.exe", true, "1690583d092ec29683fec46045544e79"},
                      Packed{"clam-upack.exe", true, ""},
                      Packed{"clam-wwpack.exe", true, "5e8af302cd087465b4fd69483b7724d7"},
                      Packed{"clam-mew.exe", true, "87bed5a7cba00c7e1f4015f1bdae2183"},
                      Packed{"clam-fsg.exe", false, "5e8af302cd087465b4fd69483b7724d7"},
                      Packed{"clam-pespin.exe", false, "1c2d3c56017ffc9f272aae4a4d190dcc"},
                      Packed{"clam-nsis.exe", false, "7fa974366048f9c551ef45714595665e"}),
    [](const auto& param_info) {
        std::string n = param_info.param.file;
        for (auto& c : n)
            if (c == '-' || c == '.') c = '_';
        return n;
    });

TEST(PeAnalyzer, ReadsTheRichHeaderOfUpxClam) {
    if (!fs::exists(test::corpora_dir() / "clamav_unit_test_inputs")) GTEST_SKIP();
    Scan s(clam("clam-upx.exe"));
    // pefile: get_rich_header_hash() and the decoded (comp.id, count) values.
    EXPECT_EQ(s.fact("pe.rich_hash"), "053f6a7703fb490050eedce38f555b36");
    EXPECT_EQ(s.facts("pe.rich"),
              (std::vector<std::string>{"93 4035 5", "1 0 27", "110 50727 3", "120 50727 1"}));
    auto sections = s.facts("pe.section");
    ASSERT_EQ(sections.size(), 3u);
    EXPECT_EQ(sections[0], "UPX0 20480 0 0.00 rwx");
}

TEST(PeAnalyzer, HandsBackTheNsisOverlay) {
    if (!fs::exists(test::corpora_dir() / "clamav_unit_test_inputs")) GTEST_SKIP();
    std::string exe = clam("clam-nsis.exe");
    Scan s(exe);
    ASSERT_EQ(s.fact("pe.overlay").substr(0, 11), "46080 1357 ");
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].bytes, exe.substr(46080));
}

}  // namespace
}  // namespace kagami::analyzers
