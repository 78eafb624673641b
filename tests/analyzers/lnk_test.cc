// SPDX-License-Identifier: Apache-2.0
// LnkAnalyzer on inert shortcuts from support/lnk_builder: facts, lure findings, benign
// shortcuts that must stay quiet, and hostile structures (lying sizes, truncation).
#include "analyzers/lnk/lnk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/lnk_builder.h"

namespace kagami::analyzers {
namespace {

namespace lb = kagami::test::lnk;

const std::string kPowerShell = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

struct Scan {
    Limits limits;
    Context ctx;
    LnkAnalyzer a;
    Output out{a.name(), "x.lnk", ctx};
    explicit Scan(const std::string& bytes, Limits l = Limits{}) : limits(l), ctx(limits, {}) {
        a.analyze({bytes, "x.lnk", "x.lnk", 0}, out);
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

lb::Options lure() {
    lb::Options o;
    o.target = kPowerShell;
    o.arguments = "-w hidden -c \"Write-Output test\"";
    o.icon_location = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
    o.machine_id = "desktop-test01";
    o.show_command = 7;
    o.creation_time = lb::kSampleTime;
    o.hotkey = 0x0646;  // CTRL+ALT+F
    return o;
}

TEST(LnkAnalyzer, SniffsTheHeaderAndClsid) {
    LnkAnalyzer a;
    EXPECT_TRUE(a.sniff(lb::build(lure())));
    std::string bad = lb::build(lure());
    bad[19] = 0x47;
    EXPECT_FALSE(a.sniff(bad));
    EXPECT_FALSE(a.sniff("L\0\0\0"));
    EXPECT_FALSE(a.sniff("MZ"));
}

TEST(LnkAnalyzer, ReportsHeaderFacts) {
    Scan s(lb::build(lure()));
    EXPECT_EQ(s.fact("lnk.creation_time"), "2020-01-02T03:04:05Z");
    EXPECT_EQ(s.fact("lnk.access_time"), "<none>");  // zero times are left out
    EXPECT_EQ(s.fact("lnk.show_command"), "SW_SHOWMINNOACTIVE");
    EXPECT_EQ(s.fact("lnk.hotkey"), "CTRL+ALT+F");
    EXPECT_EQ(s.fact("lnk.file_attributes"), "FILE_ATTRIBUTE_ARCHIVE");
    EXPECT_EQ(s.fact("lnk.flags"),
              "HasLinkTargetIDList|HasLinkInfo|HasArguments|HasIconLocation|IsUnicode");
}

TEST(LnkAnalyzer, ResolvesTheItemListWithLongNames) {
    Scan s(lb::build(lure()));
    EXPECT_EQ(s.fact("lnk.target_idlist"), kPowerShell);
    EXPECT_EQ(s.fact("lnk.target"), kPowerShell);
    EXPECT_EQ(s.fact("lnk.local_base_path"), kPowerShell);
    auto items = s.facts("lnk.idlist_item");
    ASSERT_EQ(items.size(), 7u);
    EXPECT_EQ(items[0], "root {20D04FE0-3AEA-1069-A2D8-08002B30309D} My Computer");
    EXPECT_EQ(items[1], "volume C:\\");
    EXPECT_EQ(items[4], "directory WINDOW~1 (WindowsPowerShell)");
    EXPECT_EQ(items[6], "file POWERS~1.EXE (powershell.exe)");
}

TEST(LnkAnalyzer, ReportsTrackerMachineAndMac) {
    Scan s(lb::build(lure()));
    EXPECT_EQ(s.fact("lnk.machine_id"), "desktop-test01");
    EXPECT_EQ(s.fact("lnk.droid_file_id"), "43633D26-86A9-11EA-9C2D-000C29112233");
    EXPECT_EQ(s.fact("lnk.mac"), "00:0c:29:11:22:33");
    EXPECT_EQ(s.fact("lnk.droid_volume_id"), "F12D3570-03C2-43E3-86FC-C75D680751B6");
}

TEST(LnkAnalyzer, ReportsScriptHostTarget) {
    Scan s(lb::build(lure()));
    const Finding* f = s.finding("lnk.target.script_host");
    ASSERT_NE(f, nullptr) << s.ids();
    EXPECT_NE(f->evidence.find("Write-Output test"), std::string::npos);
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1204.002", "T1059"}));
    EXPECT_NE(s.finding("lnk.icon.document"), nullptr) << s.ids();
    EXPECT_NE(s.finding("lnk.hidden_window"), nullptr) << s.ids();
    EXPECT_EQ(s.finding("lnk.arguments.padded"), nullptr);
    EXPECT_EQ(s.fact("lnk.arguments"), "-w hidden -c \"Write-Output test\"");
}

TEST(LnkAnalyzer, ReportsAScriptHostNamedOnlyInTheArguments) {
    lb::Options o;
    o.target = "C:\\Windows\\explorer.exe";
    o.arguments = "/c cmd.exe /c echo test";
    Scan s(lb::build(o));
    EXPECT_NE(s.finding("lnk.target.script_host"), nullptr) << s.ids();
}

TEST(LnkAnalyzer, ReportsAnEnvironmentTargetScriptHost) {
    lb::Options o;
    o.idlist = false;
    o.link_info = false;
    o.environment_target = "%windir%\\System32\\mshta.exe";
    o.arguments = "https://example.invalid/a.hta";
    o.icon_location = "C:\\Users\\Public\\report.pdf";
    Scan s(lb::build(o));
    EXPECT_EQ(s.fact("lnk.environment_target"), "%windir%\\System32\\mshta.exe");
    EXPECT_EQ(s.fact("lnk.target"), "%windir%\\System32\\mshta.exe");
    EXPECT_NE(s.finding("lnk.target.script_host"), nullptr) << s.ids();
    EXPECT_NE(s.finding("lnk.icon.document"), nullptr) << s.ids();
}

TEST(LnkAnalyzer, ReportsPaddedArguments) {
    lb::Options o = lure();
    o.arguments = std::string(300, ' ') + "-c \"Write-Output test\"";
    Scan s(lb::build(o));
    EXPECT_NE(s.finding("lnk.arguments.padded"), nullptr) << s.ids();
    lb::Options n = lure();
    n.arguments = std::string(60, '\n') + "-c x";
    Scan t(lb::build(n));
    EXPECT_NE(t.finding("lnk.arguments.padded"), nullptr) << t.ids();
    EXPECT_EQ(t.fact("lnk.arguments").substr(0, 4), "\\n\\n");  // control characters escaped
}

TEST(LnkAnalyzer, ReportsNetworkTargets) {
    lb::Options o;
    o.network_share = "\\\\files.example.invalid@SSL\\DavWWWRoot";
    o.target = "share\\report.pdf.exe";
    o.idlist = false;
    Scan s(lb::build(o));
    EXPECT_EQ(s.fact("lnk.network_share"), "\\\\files.example.invalid@SSL\\DavWWWRoot");
    EXPECT_EQ(s.fact("lnk.target"),
              "\\\\files.example.invalid@SSL\\DavWWWRoot\\share\\report.pdf.exe");
    const Finding* f = s.finding("lnk.network_target");
    ASSERT_NE(f, nullptr) << s.ids();
}

TEST(LnkAnalyzer, StaysQuietOnOrdinaryShortcuts) {
    for (std::string target :
         {"C:\\Windows\\notepad.exe", "C:\\Users\\Public\\Documents\\report.docx",
          "C:\\Program Files\\App\\app.exe"}) {
        lb::Options o;
        o.target = target;
        o.working_dir = "C:\\Windows";
        o.icon_location = "C:\\Windows\\System32\\imageres.dll";
        o.name = "Notes";
        o.machine_id = "desktop-test01";
        o.link_info_unicode = true;
        Scan s(lb::build(o));
        EXPECT_TRUE(s.out.findings().empty()) << target << ": " << s.ids();
        EXPECT_EQ(s.fact("lnk.target"), target);
        EXPECT_EQ(s.fact("lnk.local_base_path_unicode"), target);
    }
    // Arguments that are ordinary words do not count as a program.
    lb::Options o;
    o.target = "C:\\Program Files\\App\\app.exe";
    o.arguments = "--open cmd history and curl notes";
    Scan s(lb::build(o));
    EXPECT_TRUE(s.out.findings().empty()) << s.ids();
}

TEST(LnkAnalyzer, ReadsAnsiStrings) {
    lb::Options o;
    o.target = "C:\\Windows\\notepad.exe";
    o.unicode = false;
    o.name = "caf\xE9 \x80";  // Windows-1252
    o.working_dir = "C:\\Windows";
    Scan s(lb::build(o));
    EXPECT_EQ(s.fact("lnk.name"), "caf\xC3\xA9 \xE2\x82\xAC");
    EXPECT_EQ(s.fact("lnk.working_dir"), "C:\\Windows");
}

TEST(LnkAnalyzer, KeepsWhatItReadWhenLinkInfoSizeLies) {
    for (std::uint32_t lie : {0u, 8u, 0x7FFFFFFFu}) {
        lb::Options o = lure();
        o.link_info_size = lie;
        Scan s(lb::build(o));
        EXPECT_NE(s.finding("lnk.malformed"), nullptr) << lie;
        EXPECT_EQ(s.fact("lnk.target_idlist"), kPowerShell) << lie;
        // The item list already names the script host.
        EXPECT_NE(s.finding("lnk.target.script_host"), nullptr) << lie << s.ids();
    }
}

TEST(LnkAnalyzer, KeepsWhatItReadWhenAStringRunsPastTheEnd) {
    lb::Options o = lure();
    o.machine_id.clear();
    o.terminal_block = false;
    o.last_string_count = 0xFFFF;
    Scan s(lb::build(o));
    EXPECT_NE(s.finding("lnk.malformed"), nullptr);
    EXPECT_EQ(s.fact("lnk.arguments"), "-w hidden -c \"Write-Output test\"");
    EXPECT_NE(s.fact("lnk.icon_location"), "<none>");  // the partial string is kept
}

TEST(LnkAnalyzer, StopsOnBadExtraDataBlocks) {
    for (std::string block :
         {std::string("\x05\x00\x00\x00", 4), std::string("\xFF\xFF\xFF\x7F\x03\x00\x00\xA0", 8),
          std::string("\x10\x00\x00\x00\x03\x00\x00\xA0", 8)}) {
        lb::Options o = lure();
        o.machine_id.clear();
        o.extra_blocks = {block, lb::tracker_block("never-read", std::string(6, '\1'))};
        Scan s(lb::build(o));
        EXPECT_NE(s.finding("lnk.malformed"), nullptr) << s.ids();
        EXPECT_EQ(s.fact("lnk.machine_id"), "<none>");
    }
    // BlockSize 0 is the TerminalBlock: what follows is appended data.
    lb::Options o = lure();
    o.machine_id.clear();
    o.extra_blocks = {std::string(4, '\0') + std::string(2000, 'A')};
    Scan s(lb::build(o));
    EXPECT_EQ(s.fact("lnk.appended_bytes"), "2004");
    EXPECT_NE(s.finding("lnk.appended_data"), nullptr) << s.ids();
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].bytes.size(), 2004u);
}

TEST(LnkAnalyzer, ProgressesOverItemsOfSizeZeroAndOne) {
    // Size 1 cannot hold its own size field: a violation, and the list stops.
    lb::Options o;
    o.raw_idlist = std::string("\x01\x00\x01\x00\x01\x00\x00\x00", 8);
    o.link_info = false;
    o.name = "x";
    Scan s(lb::build(o));
    EXPECT_NE(s.finding("lnk.malformed"), nullptr);
    EXPECT_EQ(s.fact("lnk.name"), "x");  // the rest of the file is still read
    // Size 0 ends the list early; the items after it are skipped with the list.
    o.raw_idlist = std::string("\x00\x00\x14\x00", 4) + std::string(18, 'x');
    Scan t(lb::build(o));
    EXPECT_TRUE(t.facts("lnk.idlist_item").empty());
    EXPECT_EQ(t.fact("lnk.name"), "x");
    // Many 2-byte items hit the item limit.
    std::string many;
    for (int i = 0; i < 1000; ++i) many += std::string("\x02\x00", 2);
    o.raw_idlist = many + std::string(2, '\0');
    Scan u(lb::build(o));
    EXPECT_NE(u.finding("limit.lnk.idlist_items"), nullptr) << u.ids();
    EXPECT_EQ(u.fact("lnk.name"), "x");
}

TEST(LnkAnalyzer, SurvivesEveryTruncation) {
    lb::Options o = lure();
    o.environment_target = "%windir%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    o.icon_environment = "%ProgramFiles%\\doc.pdf";
    o.link_info_unicode = true;
    o.name = "Invoice";
    o.working_dir = "C:\\Windows";
    std::string full = lb::build(o);
    Scan whole(full);
    EXPECT_EQ(whole.finding("lnk.malformed"), nullptr) << whole.ids();
    for (std::size_t n = 0; n < full.size(); ++n) {
        Scan s(full.substr(0, n));
        // Every cut but one exactly before the TerminalBlock is malformed.
        if (n != full.size() - 4) {
            EXPECT_NE(s.finding("lnk.malformed"), nullptr) << n;
        }
        EXPECT_LT(s.out.facts().size(), 64u);
    }
}

}  // namespace
}  // namespace kagami::analyzers
