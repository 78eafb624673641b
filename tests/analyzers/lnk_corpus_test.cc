// SPDX-License-Identifier: Apache-2.0
// LnkAnalyzer on LnkParse3's sample shortcuts, compared field by field with LnkParse3's
// JSON output (shared/corpora/lnkparse3_samples/expected). The samples are stored
// base64-encoded upstream. Fields not compared, and why:
//  - header reserved0-2, header_size, guid: fixed by the format, checked by sniff();
//  - link_info offsets and sizes (*_offset, link_info_size, volume_id_size): layout, not
//    facts; the strings they locate are compared instead;
//  - network_provider_type names: we report the raw number (lnk.network_provider);
//  - METADATA_PROPERTIES_BLOCK: the property store is skipped, not decoded;
//  - DARWIN_BLOCK product_code_id/component_id/feature_name: LnkParse3 decodes MSI's
//    packed descriptor; we report the descriptor itself (lnk.darwin_id);
//  - CONSOLE_PROPERTIES_BLOCK fields other than face_name: window geometry and colours;
//  - target item details (FAT times, attributes, sort index, "Control panel CPL file"
//    internals): we compare the item count, root GUIDs, volume and short file names.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzers/lnk/lnk.h"
#include "core/hash.h"
#include "support/lnk_builder.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path corpus() {
    return kagami::test::corpora_dir() / "lnkparse3_samples";
}

std::string base64_decode(const std::string& in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+'             ? 62
                : c == '/'             ? 63
                                       : -1;
        if (v < 0) continue;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xFF);
        }
    }
    return out;
}

struct Scan {
    Limits limits;
    Context ctx{limits, {}};
    LnkAnalyzer a;
    Output out{a.name(), "x.lnk", ctx};
    explicit Scan(const std::string& bytes) { a.analyze({bytes, "x.lnk", "x.lnk", 0}, out); }
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
};

std::set<std::string> split_bar(const std::string& s) {
    std::set<std::string> out;
    std::size_t p = 0;
    while (p <= s.size()) {
        auto e = s.find('|', p);
        if (e == std::string::npos) e = s.size();
        if (e > p) out.insert(s.substr(p, e - p));
        p = e + 1;
    }
    return out;
}

// "2008-09-12T20:27:17+00:00" -> "2008-09-12T20:27:17Z"; null -> "<none>".
std::string expected_time(const json& v) {
    if (v.is_null()) return "<none>";
    std::string s = v.get<std::string>();
    if (s.ends_with("+00:00")) s = s.substr(0, s.size() - 6) + "Z";
    return s;
}

std::string str_or_none(const json& obj, const char* key) {
    if (!obj.contains(key) || obj[key].is_null()) return "<none>";
    return obj[key].get<std::string>();
}

// Our value of an optional string fact: LnkParse3 prints empty strings, we leave them out.
std::string nonempty_or_none(const json& obj, const char* key) {
    std::string s = str_or_none(obj, key);
    return s.empty() ? "<none>" : s;
}

// Compares one shortcut with one LnkParse3 record.
void compare(Scan& s, const json& e, const std::string& name) {
    SCOPED_TRACE(name);
    const json& h = e["header"];
    EXPECT_EQ(s.fact("lnk.creation_time"), expected_time(h["creation_time"]));
    EXPECT_EQ(s.fact("lnk.access_time"), expected_time(h["accessed_time"]));
    EXPECT_EQ(s.fact("lnk.write_time"), expected_time(h["modified_time"]));
    EXPECT_EQ(s.fact("lnk.file_size"), std::to_string(h["file_size"].get<long long>()));
    EXPECT_EQ(s.fact("lnk.icon_index"), std::to_string(h["icon_index"].get<long long>()));
    EXPECT_EQ(s.fact("lnk.show_command"), h["windowstyle"].get<std::string>());
    EXPECT_EQ(s.facts("lnk.hotkey").empty(), h["r_hotkey"].get<int>() == 0);

    std::set<std::string> flags;
    for (const auto& f : h["link_flags"]) {
        std::string n = f.get<std::string>();
        flags.insert(n == "HasTargetIDList" ? "HasLinkTargetIDList" : n);
    }
    EXPECT_EQ(split_bar(s.fact("lnk.flags")), flags);
    std::set<std::string> attrs;
    for (const auto& f : h["file_flags"]) attrs.insert(f.get<std::string>());
    EXPECT_EQ(attrs.empty() ? std::set<std::string>{} : split_bar(s.fact("lnk.file_attributes")),
              attrs);

    const json& d = e["data"];
    EXPECT_EQ(s.fact("lnk.name"), str_or_none(d, "description"));
    EXPECT_EQ(s.fact("lnk.relative_path"), str_or_none(d, "relative_path"));
    EXPECT_EQ(s.fact("lnk.working_dir"), str_or_none(d, "working_directory"));
    EXPECT_EQ(s.fact("lnk.arguments"), str_or_none(d, "command_line_arguments"));
    EXPECT_EQ(s.fact("lnk.icon_location"), str_or_none(d, "icon_location"));

    const json li = e.value("link_info", json::object());
    EXPECT_EQ(s.fact("lnk.local_base_path"), nonempty_or_none(li, "local_base_path"));
    EXPECT_EQ(s.fact("lnk.common_path_suffix"), nonempty_or_none(li, "common_path_suffix"));
    const json loc = li.value("location_info", json::object());
    if (loc.contains("drive_serial_number")) {
        EXPECT_EQ(std::stoul(s.fact("lnk.drive_serial"), nullptr, 16),
                  std::stoul(loc["drive_serial_number"].get<std::string>(), nullptr, 16));
        EXPECT_EQ(s.fact("lnk.drive_type"), loc["drive_type"].get<std::string>());
        EXPECT_EQ(s.fact("lnk.volume_label"), nonempty_or_none(loc, "volume_label"));
    } else {
        EXPECT_EQ(s.fact("lnk.drive_serial"), "<none>");
    }
    // With both VolumeIDAndLocalBasePath and CommonNetworkRelativeLink set (sample16,
    // sample17), LnkParse3 shows only the local part; we report the share as well.
    if (li.value("link_info_flags", 0) != 3) {
        EXPECT_EQ(s.fact("lnk.network_share"), nonempty_or_none(loc, "net_name"));
        EXPECT_EQ(s.fact("lnk.network_device"), nonempty_or_none(loc, "device_name"));
    }

    const json x = e.value("extra", json::object());
    if (x.contains("DISTRIBUTED_LINK_TRACKER_BLOCK")) {
        const json& t = x["DISTRIBUTED_LINK_TRACKER_BLOCK"];
        EXPECT_EQ(s.fact("lnk.machine_id"), t["machine_identifier"].get<std::string>());
        EXPECT_EQ(s.fact("lnk.droid_volume_id"), t["droid_volume_identifier"].get<std::string>());
        EXPECT_EQ(s.fact("lnk.droid_file_id"), t["droid_file_identifier"].get<std::string>());
        EXPECT_EQ(s.fact("lnk.birth_droid_volume_id"),
                  t["birth_droid_volume_identifier"].get<std::string>());
        EXPECT_EQ(s.fact("lnk.birth_droid_file_id"),
                  t["birth_droid_file_identifier"].get<std::string>());
    } else {
        EXPECT_EQ(s.fact("lnk.machine_id"), "<none>");
    }
    auto block = [&](const char* key) { return x.value(key, json::object()); };
    EXPECT_EQ(s.fact("lnk.environment_target"),
              str_or_none(block("ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK"), "target_unicode"));
    EXPECT_EQ(s.fact("lnk.icon_environment"),
              str_or_none(block("ICON_LOCATION_BLOCK"), "target_unicode"));
    EXPECT_EQ(s.fact("lnk.darwin_id"), str_or_none(block("DARWIN_BLOCK"), "darwin_data_unicode"));
    EXPECT_EQ(s.fact("lnk.console_face_name"),
              str_or_none(block("CONSOLE_PROPERTIES_BLOCK"), "face_name"));
    std::string kf = str_or_none(block("KNOWN_FOLDER_LOCATION_BLOCK"), "known_folder_id");
    EXPECT_EQ(s.fact("lnk.known_folder").substr(0, kf.size()), kf);
    if (x.contains("SPECIAL_FOLDER_LOCATION_BLOCK"))
        EXPECT_EQ(s.fact("lnk.special_folder"),
                  std::to_string(
                      x["SPECIAL_FOLDER_LOCATION_BLOCK"]["special_folder_id"].get<long long>()));
    else
        EXPECT_EQ(s.fact("lnk.special_folder"), "<none>");
    if (x.contains("TERMINAL_BLOCK")) {
        ASSERT_EQ(s.out.children().size(), 1u);
        EXPECT_EQ(core::sha256_hex(s.out.children()[0].bytes),
                  x["TERMINAL_BLOCK"]["appended_data_sha256"].get<std::string>());
    }

    const json items = e.value("target", json::object()).value("items", json::array());
    auto ours = s.facts("lnk.idlist_item");
    ASSERT_EQ(ours.size(), items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const json& it = items[i];
        std::string cls = it.value("class", "");
        SCOPED_TRACE(ours[i]);
        if (cls == "Root Folder") {
            std::string want = "root {" + it["guid"].get<std::string>() + "}";
            EXPECT_EQ(ours[i].substr(0, want.size()), want);
        } else if (cls == "Volume Item" && it.contains("volume_name")) {
            EXPECT_EQ(ours[i], "volume " + it["volume_name"].get<std::string>());
        } else if (cls == "File entry") {
            std::string kind = it.value("flags", "") == "Is directory" ? "directory " : "file ";
            std::string want = kind + it["primary_name"].get<std::string>();
            EXPECT_EQ(ours[i].substr(0, want.size()), want);
        } else if (cls == "Users files folder") {
            EXPECT_EQ(ours[i].substr(0, 9), "delegate ");
        }
    }
}

class LnkParse3Sample : public ::testing::TestWithParam<std::string> {};

TEST_P(LnkParse3Sample, MatchesLnkParse3FieldByField) {
    if (!fs::exists(corpus())) GTEST_SKIP() << "no corpus at " << corpus();
    std::string name = GetParam();
    std::string bytes = base64_decode(kagami::test::read_file(corpus() / "samples" / name));
    ASSERT_FALSE(bytes.empty());
    LnkAnalyzer a;
    ASSERT_TRUE(a.sniff(bytes));
    json e = json::parse(kagami::test::read_file(corpus() / "expected" / (name + ".json")));
    Scan s(bytes);
    compare(s, e, name);
    // None of these benign shortcuts is a lure. Expected exceptions: the PowerShell
    // Start-menu shortcut names a script host; unknown_target carries 66 KB after its end;
    // extra_data is cut inside its last ExtraData block (LnkParse3 ignores that block).
    std::multiset<std::string> want;
    if (name == "console_properties_block") want.insert("lnk.target.script_host");
    if (name == "unknown_target") want.insert("lnk.appended_data");
    if (name == "extra_data") want.insert("lnk.malformed");
    std::multiset<std::string> got;
    for (const auto& f : s.out.findings()) got.insert(f.id);
    EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Corpus, LnkParse3Sample,
                         ::testing::Values("broken_link_info", "console_properties_block",
                                           "darwin_block", "darwin_block_modified",
                                           "decoding_error", "extra_data", "invalid_date",
                                           "invalid_date3", "microsoft_example", "network_info",
                                           "sample", "sample10", "sample16", "sample17", "sample2",
                                           "sample3", "sample4", "unknown_target"));

TEST(LnkAnalyzer, ResolvesTheMicrosoftExampleTarget) {
    if (!fs::exists(corpus())) GTEST_SKIP();
    Scan s(base64_decode(kagami::test::read_file(corpus() / "samples" / "microsoft_example")));
    EXPECT_EQ(s.fact("lnk.target"), "C:\\test\\a.txt");
    EXPECT_EQ(s.fact("lnk.target_idlist"), "C:\\test\\a.txt");
    EXPECT_EQ(s.fact("lnk.machine_id"), "chris-xps");
    EXPECT_EQ(s.fact("lnk.mac"), "00:13:72:16:87:4a");
    EXPECT_TRUE(s.out.findings().empty());
}

TEST(LnkAnalyzer, ResolvesLongNamesAndNetworkTargets) {
    if (!fs::exists(corpus())) GTEST_SKIP();
    Scan s(base64_decode(kagami::test::read_file(corpus() / "samples" / "network_info")));
    // The item list has 8.3 names; the BEEF0004 blocks give the long ones.
    EXPECT_EQ(s.fact("lnk.target_idlist"), "Z:\\" + s.fact("lnk.common_path_suffix"));
    EXPECT_EQ(s.fact("lnk.target"), "\\\\10.0.0.150\\LMmetal\\" + s.fact("lnk.common_path_suffix"));
    // A mapped drive (Z:) is the user's own share, not a lure's WebDAV path.
    EXPECT_EQ(s.fact("lnk.network_device"), "Z:");
}

TEST(LnkAnalyzer, ReadsEveryShortcutInAJumpList) {
    if (!fs::exists(corpus())) GTEST_SKIP();
    std::string jl = base64_decode(
        kagami::test::read_file(corpus() / "raw" / "5afe4de1b92fc382.customDestinations-ms"));
    json e = json::parse(kagami::test::read_file(corpus() / "expected" /
                                                 "5afe4de1b92fc382.customDestinations-ms.json"));
    // A custom destinations list is shortcuts back to back: cut at each header.
    const std::string magic("\x4C\x00\x00\x00\x01\x14\x02\x00", 8);
    std::vector<std::size_t> starts;
    for (auto p = jl.find(magic); p != std::string::npos; p = jl.find(magic, p + 1))
        starts.push_back(p);
    ASSERT_EQ(starts.size(), e.size());
    for (std::size_t i = 0; i < starts.size(); ++i) {
        std::size_t end = i + 1 < starts.size() ? starts[i + 1] : jl.size();
        Scan s(jl.substr(starts[i], end - starts[i]));
        compare(s, e[i], "jump list entry " + std::to_string(i));
        EXPECT_EQ(s.fact("lnk.target"), "C:\\Windows\\System32\\GettingStarted.exe");
        for (const auto& f : s.out.findings())
            EXPECT_EQ(f.id, "lnk.malformed") << f.evidence;  // none but a cut-off tail
    }
}

TEST(LnkAnalyzer, ReadsANetworkLocationShellItem) {
    if (!fs::exists(corpus())) GTEST_SKIP();
    std::string item = base64_decode(kagami::test::read_file(corpus() / "raw" / "NetworkLocation"));
    json e = json::parse(kagami::test::read_file(corpus() / "expected" / "NetworkLocation.json"));
    auto size = std::uint16_t(std::uint8_t(item[0]) | (std::uint8_t(item[1]) << 8));
    ASSERT_LE(size, item.size());
    test::lnk::Options o;
    o.raw_idlist = item.substr(0, size) + std::string(2, '\0');
    o.link_info = false;
    Scan s(test::lnk::build(o));
    EXPECT_EQ(s.fact("lnk.idlist_item"), "network " + e["location"].get<std::string>());
    EXPECT_EQ(s.fact("lnk.target_idlist"), e["location"].get<std::string>());
    EXPECT_EQ(s.fact("lnk.target"), "\\\\10.0.0.3\\Share");
}

TEST(LnkAnalyzer, SkipsAPropertyStoreBlock) {
    if (!fs::exists(corpus())) GTEST_SKIP();
    std::string store =
        base64_decode(kagami::test::read_file(corpus() / "raw" / "SerializedPropertyStorage"));
    test::lnk::Options o;
    o.target = "C:\\Users\\Public\\report.txt";
    o.extra_blocks.push_back(test::lnk::extra_block(0xA0000009, store + std::string(4, '\0')));
    o.extra_blocks.push_back(test::lnk::tracker_block("after-store", std::string(6, '\x11')));
    Scan s(test::lnk::build(o));
    EXPECT_EQ(s.fact("lnk.machine_id"), "after-store");
    EXPECT_TRUE(s.out.findings().empty());
}

}  // namespace
}  // namespace kagami::analyzers
