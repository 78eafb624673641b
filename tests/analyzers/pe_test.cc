// SPDX-License-Identifier: Apache-2.0
// PeAnalyzer on inert images from support/pe_builder (headers and data, no code): every
// fact, the imphash against a hand-computed value, findings, and hostile structures.
#include "analyzers/pe/pe.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hash.h"
#include "support/pe_builder.h"

namespace kagami::analyzers {
namespace {

namespace pb = kagami::test::pe;

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

pb::Options full(bool pe64) {
    pb::Options o;
    o.pe64 = pe64;
    o.dll = true;
    o.imports = {{"KERNEL32.dll", {"CreateFileW", "CloseHandle"}, {}},
                 {"WS2_32.dll", {}, {23, 115}},
                 {"USER32.dll", {}, {5}}};
    o.exports = {"ExportedOne", "ExportedTwo"};
    o.dll_name = "inert.dll";
    o.pdb = "C:\\build\\inert\\Release\\inert.pdb";
    o.version_strings = {{"CompanyName", "Example Corp"},
                         {"FileDescription", "Inert test file"},
                         {"OriginalFilename", "inert.dll"},
                         {"ProductName", "Inert"}};
    o.overlay = std::string(1504, 'O');
    o.certificate = std::string(64, 'C');
    return o;
}

// md5("kernel32.createfilew,kernel32.closehandle,ws2_32.socket,ws2_32.wsastartup,user32.ord5"):
// pefile lower-cases, strips .dll, resolves ws2_32 ordinals 23 and 115 by its table and
// names the others "ordN".
constexpr const char* kImphash = "06da014f41a72e07af3ff43420db1fed";
// md5 of "DanS", 12 zero bytes and the two (comp.id, count) pairs, unmasked.
constexpr const char* kRichHash = "2ef64b415291e31c4cd58d6b68dd2a22";

TEST(PeAnalyzer, SniffsMzAndPeSignature) {
    PeAnalyzer a;
    EXPECT_TRUE(a.sniff(pb::build(pb::Options{})));
    pb::Options o;
    o.e_lfanew = 0x7FFFFFF0;
    EXPECT_FALSE(a.sniff(pb::build(o)));
    EXPECT_FALSE(a.sniff("MZ"));
    EXPECT_FALSE(a.sniff(std::string(0x40, 'M')));
}

class PeBothWidths : public ::testing::TestWithParam<bool> {};

TEST_P(PeBothWidths, ReportsEveryFact) {
    bool pe64 = GetParam();
    std::string img = pb::build(full(pe64));
    Scan s(img);
    EXPECT_EQ(s.fact("pe.machine"), pe64 ? "amd64" : "i386");
    EXPECT_EQ(s.fact("pe.kind"), "dll");
    EXPECT_EQ(s.out.type(), "dll");
    EXPECT_EQ(s.fact("pe.timestamp"), "2020-01-02T03:04:05Z");
    EXPECT_EQ(s.fact("pe.subsystem"), "windows_gui");
    auto sections = s.facts("pe.section");
    ASSERT_EQ(sections.size(), 3u);
    EXPECT_EQ(sections[0].substr(0, 13), ".text 19 512 ");
    EXPECT_EQ(sections[0].substr(sections[0].size() - 3), "r-x");
    EXPECT_EQ(sections[2].substr(0, 6), ".rsrc ");
    EXPECT_EQ(
        s.facts("pe.import"),
        (std::vector<std::string>{"KERNEL32.dll!CreateFileW", "KERNEL32.dll!CloseHandle",
                                  "WS2_32.dll!ord_23", "WS2_32.dll!ord_115", "USER32.dll!ord_5"}));
    EXPECT_EQ(s.fact("pe.imphash"), kImphash);
    EXPECT_EQ(s.fact("pe.imphash"),
              core::md5_hex("kernel32.createfilew,kernel32.closehandle,ws2_32.socket,"
                            "ws2_32.wsastartup,user32.ord5"));
    EXPECT_EQ(s.facts("pe.export"), (std::vector<std::string>{"ExportedOne", "ExportedTwo"}));
    EXPECT_EQ(s.fact("pe.dll_name"), "inert.dll");
    EXPECT_EQ(s.facts("pe.rich"), (std::vector<std::string>{"259 30729 5", "147 30729 2"}));
    EXPECT_EQ(s.fact("pe.rich_hash"), kRichHash);
    EXPECT_EQ(s.fact("pe.pdb"), "C:\\build\\inert\\Release\\inert.pdb");
    EXPECT_EQ(
        s.facts("pe.version_info"),
        (std::vector<std::string>{"CompanyName=Example Corp", "FileDescription=Inert test file",
                                  "OriginalFilename=inert.dll", "ProductName=Inert"}));
    EXPECT_EQ(s.fact("pe.signed"), "pkcs7 72 bytes");
    // The overlay is what follows the last section, without the trailing certificate.
    std::size_t overlay_at = img.size() - 72 - 1504;
    EXPECT_EQ(s.fact("pe.overlay"), std::to_string(overlay_at) + " 1504 0.00");
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "overlay");
    EXPECT_EQ(s.out.children()[0].bytes, std::string(1504, 'O'));

    const Finding* f = s.finding("pe.executable");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1204.002"});
    EXPECT_EQ(s.out.findings().size(), 1u) << s.ids();  // not packed, no future time
}

INSTANTIATE_TEST_SUITE_P(Widths, PeBothWidths, ::testing::Values(false, true));

TEST(PeAnalyzer, ReportsKindsAndMachines) {
    pb::Options o;
    o.subsystem = 1;
    Scan drv(pb::build(o));
    EXPECT_EQ(drv.fact("pe.kind"), "driver");
    EXPECT_EQ(drv.fact("pe.subsystem"), "native");
    pb::Options n;
    n.clr = true;
    n.subsystem = 3;
    n.machine = 0xAA64;
    n.pe64 = true;
    Scan net(pb::build(n));
    EXPECT_EQ(net.fact("pe.kind"), ".NET exe");
    EXPECT_EQ(net.fact("pe.machine"), "arm64");
    EXPECT_EQ(net.fact("pe.subsystem"), "windows_cui");
    EXPECT_EQ(net.fact("pe.rich_hash"), kRichHash);
    pb::Options plain;
    plain.rich = false;
    Scan p(pb::build(plain));
    EXPECT_EQ(p.fact("pe.kind"), "exe");
    EXPECT_EQ(p.fact("pe.rich_hash"), "<none>");
    EXPECT_EQ(p.fact("pe.imphash"), "<none>");
    EXPECT_EQ(p.fact("pe.overlay"), "<none>");
    EXPECT_EQ(p.fact("pe.signed"), "<none>");
    EXPECT_TRUE(p.out.children().empty());
}

TEST(PeAnalyzer, ReportsPackerSectionsAndHighEntropyCode) {
    pb::Options o;
    o.sections = {{"UPX0", "", 0xE0000080, 0x5000}, {"UPX1", std::string(600, 'x'), 0xE0000040, 0}};
    Scan s(pb::build(o));
    const Finding* f = s.finding("pe.packed");
    ASSERT_NE(f, nullptr) << s.ids();
    EXPECT_EQ(f->evidence, "section UPX0");

    std::string noise;
    std::uint32_t x = 12345;
    for (int i = 0; i < 8192; ++i) {
        x = x * 1103515245u + 12345u;
        noise += char(x >> 24);
    }
    pb::Options e;
    e.sections = {{".code", noise, 0x60000020, 0}};
    Scan t(pb::build(e));
    ASSERT_NE(t.finding("pe.packed"), nullptr) << t.ids();
    // The same bytes in a data section are a compressed resource, not packed code.
    e.sections = {{".data", noise, 0xC0000040, 0}};
    Scan u(pb::build(e));
    EXPECT_EQ(u.finding("pe.packed"), nullptr) << u.ids();
}

TEST(PeAnalyzer, ReportsAFutureTimestamp) {
    pb::Options o;
    o.timestamp = 0xF4865700;  // 2100-01-01
    Scan s(pb::build(o));
    EXPECT_EQ(s.fact("pe.timestamp"), "2100-01-01T00:00:00Z");
    EXPECT_NE(s.finding("pe.timestamp_future"), nullptr) << s.ids();
}

TEST(PeAnalyzer, RejectsELfanewPastTheEnd) {
    pb::Options o;
    o.e_lfanew = 0x7FFFFFF0;
    Scan s(pb::build(o));
    EXPECT_NE(s.finding("pe.malformed"), nullptr);
    EXPECT_EQ(s.finding("pe.executable"), nullptr);
}

TEST(PeAnalyzer, BoundsAHugeSectionCount) {
    pb::Options o = full(false);
    o.number_of_sections = 65535;
    Scan s(pb::build(o));
    EXPECT_NE(s.finding("limit.pe.sections"), nullptr) << s.ids();
    EXPECT_NE(s.finding("pe.malformed"), nullptr) << s.ids();
    EXPECT_LE(s.facts("pe.section").size(), 256u);
    EXPECT_NE(s.finding("pe.executable"), nullptr);
}

TEST(PeAnalyzer, SurvivesARawPointerPastTheEnd) {
    pb::Options o = full(false);
    o.rdata_raw_pointer = 0x7FFFFE00;
    Scan s(pb::build(o));
    EXPECT_NE(s.finding("pe.malformed"), nullptr) << s.ids();
    EXPECT_TRUE(s.facts("pe.import").empty());  // the import table lived in .rdata
    EXPECT_EQ(s.facts("pe.section").size(), 3u);
}

TEST(PeAnalyzer, StopsAnImportTableWithoutTerminator) {
    pb::Options o;
    o.imports = {{"KERNEL32.dll", {"CreateFileW"}, {}}};
    o.import_terminator = false;
    Scan s(pb::build(o));
    auto imports = s.facts("pe.import");
    EXPECT_GT(imports.size(), 10u);  // the repeated descriptor, read until the section ends
    EXPECT_LT(imports.size(), 100u);
    EXPECT_NE(s.finding("pe.malformed"), nullptr) << s.ids();
}

TEST(PeAnalyzer, CapsImports) {
    pb::Options o;
    std::vector<std::string> names;
    for (int i = 0; i < 10'050; ++i) names.push_back("F" + std::to_string(i));
    o.imports = {{"KERNEL32.dll", names, {}}};
    Scan s(pb::build(o));
    EXPECT_EQ(s.facts("pe.import").size(), 10'000u);
    EXPECT_NE(s.finding("limit.pe.imports"), nullptr) << s.ids();
}

TEST(PeAnalyzer, StopsAResourceTreeThatPointsBackAtItsRoot) {
    pb::Options o;
    o.version_cycle = true;
    Scan s(pb::build(o));
    EXPECT_TRUE(s.facts("pe.version_info").empty());
    EXPECT_NE(s.finding("pe.malformed"), nullptr) << s.ids();
}

TEST(PeAnalyzer, SurvivesEveryTruncation) {
    std::string img = pb::build(full(true));
    std::size_t coff_end = std::uint8_t(img[0x3C]) + 24u;
    for (std::size_t n = 0; n <= img.size(); ++n) {
        Scan s(img.substr(0, n));
        EXPECT_LT(s.out.facts().size(), 64u) << n;
        // Until the COFF header is whole, nothing is claimed.
        EXPECT_EQ(s.finding("pe.executable") != nullptr, n >= coff_end) << n;
        if (n < img.size()) {
            EXPECT_NE(s.finding("pe.malformed"), nullptr) << n;
        }
    }
}

}  // namespace
}  // namespace kagami::analyzers
