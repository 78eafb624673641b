// RuleSet: compile errors isolated per file, externals, the on-disk cache, scan limits,
// thread-safety and the findings a match becomes.
#include "detect/yara/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace kagami::detect::yara {
namespace {
namespace fs = std::filesystem;

std::shared_ptr<const RuleSet> compile(const std::vector<RuleFile>& files, CompileReport* report,
                                       const fs::path& cache = {}) {
    auto set = RuleSet::compile(files, report, cache);
    EXPECT_NE(set, nullptr);
    return set;
}

std::vector<std::string> rule_names(const std::vector<RuleMatch>& matches) {
    std::vector<std::string> out;
    for (const auto& m : matches) out.push_back(m.rule);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> scan_names(const RuleSet& set, std::string_view bytes,
                                    std::string_view name = "a.bin", std::string_view type = "data",
                                    bool decoded = false) {
    ScanTarget t{bytes, type, name, name, decoded};
    return rule_names(set.scan(t, 5000));
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device rd;
        path = fs::temp_directory_path() /
               ("kagami-yara-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

const std::vector<RuleFile> kMixed = {
    {"good1.yar", "rule alpha { strings: $a = \"needle\" condition: $a }"},
    {"broken.yar", "rule beta {\n strings: $a = \"x\"\n condition: $a and\n}"},
    {"good2.yar",
     "rule gamma : tag1 tag2 { meta: description = \"Gamma thing\" n = 7 b = true\n"
     " strings: $g = \"haystack\" condition: $g }"},
    {"undefined.yar", "rule delta { condition: no_such_identifier }"},
    {"good3.yar", "rule alpha { condition: filesize > 1000000000 }"},  // same name, own namespace
};

TEST(YaraCompile, BrokenFilesAreReportedAndTheOthersLoad) {
    CompileReport report;
    auto set = compile(kMixed, &report);
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(report.files, 5u);
    EXPECT_EQ(report.compiled, 3u);
    EXPECT_EQ(report.rules, 3u);
    EXPECT_EQ(set->rule_count(), 3u);
    EXPECT_FALSE(report.from_cache);
    std::vector<std::string> failed;
    for (const auto& e : report.errors) {
        failed.push_back(e.file);
        EXPECT_FALSE(e.message.empty());
    }
    std::sort(failed.begin(), failed.end());
    failed.erase(std::unique(failed.begin(), failed.end()), failed.end());
    EXPECT_EQ(failed, (std::vector<std::string>{"broken.yar", "undefined.yar"}));
    auto broken = std::find_if(report.errors.begin(), report.errors.end(),
                               [](const auto& e) { return e.file == "broken.yar"; });
    EXPECT_EQ(broken->line, 4);
    auto undefined = std::find_if(report.errors.begin(), report.errors.end(),
                                  [](const auto& e) { return e.file == "undefined.yar"; });
    EXPECT_NE(undefined->message.find("no_such_identifier"), std::string::npos);

    EXPECT_EQ(scan_names(*set, "a needle in a haystack"),
              (std::vector<std::string>{"alpha", "gamma"}));
    EXPECT_TRUE(scan_names(*set, "nothing here").empty());
}

TEST(YaraCompile, NamespaceIsTheFileNameAndStaysUnique) {
    CompileReport report;
    auto set = compile({{"/etc/kagami/rules/apt x.yar", "rule same { condition: true }"},
                        {"/other/dir/apt x.yar", "rule same { condition: true }"}},
                       &report);
    ASSERT_EQ(report.compiled, 2u);
    auto matches = set->scan({"x", "data", "", "", false}, 1000);
    ASSERT_EQ(matches.size(), 2u);
    EXPECT_EQ(matches[0].ns, "apt_x.yar");
    EXPECT_EQ(matches[1].ns, "apt_x.yar#2");
}

TEST(YaraCompile, FirstFileBrokenStillLoadsTheRest) {
    CompileReport report;
    auto set =
        compile({{"bad.yar", "rule { }"}, {"ok.yar", "rule ok { condition: true }"}}, &report);
    EXPECT_EQ(report.compiled, 1u);
    EXPECT_EQ(scan_names(*set, "x"), std::vector<std::string>{"ok"});
}

TEST(YaraCompile, NulByteAndEmptySetAreHandled) {
    CompileReport report;
    auto set = compile({{"nul.yar", std::string("rule a { condition: true }\0junk", 31)}}, &report);
    EXPECT_EQ(report.compiled, 0u);
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_EQ(set->rule_count(), 0u);
    EXPECT_TRUE(scan_names(*set, "x").empty());
}

TEST(YaraCompile, WarningsAreCollected) {
    CompileReport report;
    // A string that makes scanning slow is a warning, not an error.
    auto set =
        compile({{"slow.yar", "rule slow { strings: $a = { 00 ?? } condition: $a }"}}, &report);
    EXPECT_EQ(report.compiled, 1u);
    EXPECT_TRUE(report.errors.empty());
    ASSERT_FALSE(report.warnings.empty());
    EXPECT_EQ(report.warnings.front().file, "slow.yar");
}

TEST(YaraExternals, RulesSeeNameTypePathAndDecodedFlag) {
    CompileReport report;
    auto set = compile({{"ext.yar", R"(
rule by_name { condition: filename == "Invoice.PDF.exe" }
rule by_extension { condition: extension == ".exe" }
rule by_filetype { condition: filetype == "EXE" }
rule by_type { condition: kagami_type == "lnk" }
rule by_path { condition: kagami_path contains "mail.zip" and filepath contains "mail.zip" }
rule by_decoded { condition: kagami_decoded }
rule by_owner { condition: owner == "" }
rule by_kagami_name { condition: kagami_name matches /\.exe$/ }
)"}},
                       &report);
    ASSERT_EQ(report.compiled, 1u);
    ScanTarget exe{"MZ", "exe", "Invoice.PDF.exe", "mail.zip \xC2\xBB Invoice.PDF.exe", false};
    EXPECT_EQ(rule_names(set->scan(exe, 1000)),
              (std::vector<std::string>{"by_extension", "by_filetype", "by_kagami_name", "by_name",
                                        "by_owner", "by_path"}));
    ScanTarget lnk{"lnk.target: C:\\x", "lnk", "a.lnk", "a.lnk", true};
    EXPECT_EQ(rule_names(set->scan(lnk, 1000)),
              (std::vector<std::string>{"by_decoded", "by_owner", "by_type"}));
}

TEST(YaraScan, MatchCarriesNamespaceTagsMetaAndStrings) {
    CompileReport report;
    auto set = compile(kMixed, &report);
    auto matches = set->scan({"xx haystack\x01\xff", "text", "b.txt", "part 1", false}, 1000);
    ASSERT_EQ(matches.size(), 1u);
    const auto& m = matches[0];
    EXPECT_EQ(m.rule, "gamma");
    EXPECT_EQ(m.ns, "good2.yar");
    EXPECT_EQ(m.tags, (std::vector<std::string>{"tag1", "tag2"}));
    EXPECT_EQ(m.meta, (std::vector<std::pair<std::string, std::string>>{
                          {"description", "Gamma thing"}, {"n", "7"}, {"b", "true"}}));
    ASSERT_EQ(m.strings.size(), 1u);
    EXPECT_EQ(m.strings[0], "$g at 0x3: haystack");
}

TEST(YaraScan, ExcerptsEscapeBytesAndShowWideText) {
    CompileReport report;
    auto set = compile(
        {{"w.yar",
          "rule w { strings: $w = \"cmd\" wide $b = { 01 02 FF } condition: any of them }"}},
        &report);
    auto matches =
        set->scan({std::string_view("c\0m\0d\0\x01\x02\xff", 9), "data", "", "p", false}, 1000);
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].strings,
              (std::vector<std::string>{"$w at 0x0: cmd", "$b at 0x6: \\x01\\x02\\xff"}));
}

TEST(YaraScan, MatchesPerScanAndStringsPerRuleAreBounded) {
    std::string text;
    for (int i = 0; i < 200; ++i)
        text += "rule r" + std::to_string(i) +
                " { strings: $a = \"a\" $b = \"b\" $c = \"c\" $d = \"d\" $e = \"e\" $f = \"f\" "
                "condition: any of them }\n";
    CompileReport report;
    auto set = compile({{"many.yar", text}}, &report);
    ASSERT_EQ(set->rule_count(), 200u);
    std::string data(2000, 'a');
    data += "bcdef";
    auto matches = set->scan({data, "data", "", "", false}, 1000);
    EXPECT_EQ(matches.size(), 64u);
    for (const auto& m : matches) EXPECT_LE(m.strings.size(), 4u);
    // Millions of string matches: libyara gives up on the scan; nothing unbounded comes back.
    std::string flood(200000, 'a');
    EXPECT_LE(set->scan({flood, "data", "", "", false}, 1000).size(), 64u);
}

TEST(YaraScan, HostileBytesAndEmptyInputAreSafe) {
    CompileReport report;
    auto set = compile({{"h.yar",
                         "import \"pe\"\nrule p { condition: pe.number_of_sections > 0 }\n"
                         "rule z { strings: $a = /a.{0,30}b/ condition: #a > 3 }"}},
                       &report);
    ASSERT_EQ(report.compiled, 1u);
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        std::string junk(rng() % 5000, '\0');
        for (auto& c : junk) c = static_cast<char>(rng());
        if (round % 2) junk.replace(0, std::min<std::size_t>(2, junk.size()), "MZ");
        (void)set->scan({junk, "exe", "x.exe", "x", false}, 1000);
    }
    EXPECT_TRUE(set->scan({"", "data", "", "", false}, 0).empty());
}

TEST(YaraScan, TwoThreadsScanOneSet) {
    CompileReport report;
    auto set = compile(kMixed, &report);
    std::atomic<int> wrong{0};
    auto work = [&](int seed) {
        for (int i = 0; i < 300; ++i) {
            bool hit = (i + seed) % 2 == 0;
            std::string path = std::to_string(i);
            ScanTarget t{hit ? "a needle" : "a thread", "text", "t.txt", path, false};
            auto names = rule_names(set->scan(t, 1000));
            if (names != (hit ? std::vector<std::string>{"alpha"} : std::vector<std::string>{}))
                ++wrong;
        }
    };
    std::thread a(work, 0), b(work, 1);
    a.join();
    b.join();
    EXPECT_EQ(wrong.load(), 0);
}

TEST(YaraCache, SecondCompileLoadsFromCacheWithTheSameReportAndMatches) {
    TempDir dir;
    CompileReport first, second;
    auto a = compile(kMixed, &first, dir.path);
    auto b = compile(kMixed, &second, dir.path);
    EXPECT_FALSE(first.from_cache);
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(second.compiled, first.compiled);
    EXPECT_EQ(second.rules, first.rules);
    ASSERT_EQ(second.errors.size(), first.errors.size());
    for (std::size_t i = 0; i < first.errors.size(); ++i) {
        EXPECT_EQ(second.errors[i].file, first.errors[i].file);
        EXPECT_EQ(second.errors[i].line, first.errors[i].line);
        EXPECT_EQ(second.errors[i].message, first.errors[i].message);
    }
    EXPECT_EQ(scan_names(*b, "needle haystack"), scan_names(*a, "needle haystack"));
    auto m = b->scan({"haystack", "text", "", "", false}, 1000);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].ns, "good2.yar");
    // Externals survive the cache.
    CompileReport r3, r4;
    std::vector<RuleFile> ext = {{"e.yar", "rule e { condition: kagami_type == \"lnk\" }"}};
    compile(ext, &r3, dir.path);
    auto e = compile(ext, &r4, dir.path);
    EXPECT_TRUE(r4.from_cache);
    EXPECT_EQ(scan_names(*e, "x", "a.lnk", "lnk"), std::vector<std::string>{"e"});
}

TEST(YaraCache, ChangedSourceIsCompiledAgain) {
    TempDir dir;
    CompileReport r1, r2;
    compile({{"a.yar", "rule a { condition: true }"}}, &r1, dir.path);
    auto set = compile({{"a.yar", "rule b { condition: true }"}}, &r2, dir.path);
    EXPECT_FALSE(r2.from_cache);
    EXPECT_EQ(scan_names(*set, "x"), std::vector<std::string>{"b"});
}

TEST(YaraCache, CorruptOrForeignCacheFilesAreRecompiled) {
    TempDir dir;
    std::vector<RuleFile> files = {{"a.yar", "rule a { strings: $a = \"abc\" condition: $a }"}};
    CompileReport r;
    compile(files, &r, dir.path);
    std::vector<fs::path> written;
    for (const auto& e : fs::directory_iterator(dir.path)) written.push_back(e.path());
    ASSERT_EQ(written.size(), 2u);  // rules and report, no temporary left
    for (const auto& p : written) {
        bool is_rules = p.extension() == ".yarc";
        // Flip a byte in the middle, then truncate, then garbage.
        std::string original;
        {
            std::ifstream in(p, std::ios::binary);
            original.assign(std::istreambuf_iterator<char>(in), {});
        }
        for (int variant = 0; variant < 3; ++variant) {
            std::string bad = original;
            if (variant == 0) bad[bad.size() / 2] ^= 0x5A;
            if (variant == 1) bad.resize(bad.size() / 3);
            if (variant == 2) bad = "YARA\x01\x02garbage";
            {
                std::ofstream out(p, std::ios::binary | std::ios::trunc);
                out << bad;
            }
            CompileReport again;
            auto set = compile(files, &again, dir.path);
            ASSERT_NE(set, nullptr);
            EXPECT_FALSE(again.from_cache)
                << p << " variant " << variant << (is_rules ? " rules" : " report");
            EXPECT_EQ(scan_names(*set, "xabcx"), std::vector<std::string>{"a"});
            {
                // The recompile rewrote a good cache: restore our copy for the next variant.
                std::ofstream out(p, std::ios::binary | std::ios::trunc);
                out << original;
            }
        }
    }
    CompileReport last;
    compile(files, &last, dir.path);
    EXPECT_TRUE(last.from_cache);
}

TEST(YaraReadDir, ReadsRuleFilesRecursivelyInPathOrder) {
    TempDir dir;
    fs::create_directories(dir.path / "sub");
    std::ofstream(dir.path / "b.yar") << "rule b { condition: true }";
    std::ofstream(dir.path / "sub" / "a.YARA") << "rule a { condition: true }";
    std::ofstream(dir.path / "notes.txt") << "not a rule";
    std::vector<CompileProblem> problems;
    auto files = RuleSet::read_dir(dir.path, &problems);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].name, (dir.path / "b.yar").string());
    EXPECT_EQ(files[1].name, (dir.path / "sub" / "a.YARA").string());
    EXPECT_TRUE(problems.empty());
    auto missing = RuleSet::read_dir(dir.path / "nope", &problems);
    EXPECT_TRUE(missing.empty());
    EXPECT_EQ(problems.size(), 1u);
}

TEST(YaraFindings, IdTitleAttackEvidenceAndWhere) {
    RuleMatch m{"kagami_x",
                "rules/lnk.yar",
                {},
                {{"description", "Bad shortcut"}, {"attack", "T1204.002, t1059 junk"}},
                {"$a at 0x10: powershell"}};
    RuleMatch plain{"Other_Rule", "user.yar", {}, {{"mitre_att", "none"}}, {}};
    ScanTarget t{"", "lnk", "a.lnk", "mail.zip \xC2\xBB a.lnk", true};
    auto f = findings_for({m, plain}, t);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].id, "yara.kagami_x");
    EXPECT_EQ(f[0].title, "Bad shortcut");
    EXPECT_EQ(f[0].attack, (std::vector<std::string>{"T1204.002", "T1059"}));
    EXPECT_EQ(
        f[0].evidence,
        "rules/lnk.yar:kagami_x on mail.zip \xC2\xBB a.lnk (decoded view): $a at 0x10: powershell");
    EXPECT_EQ(f[0].where, "mail.zip \xC2\xBB a.lnk");
    EXPECT_EQ(f[1].id, "yara.Other_Rule");
    EXPECT_EQ(f[1].title, "Matches YARA rule Other_Rule");
    EXPECT_EQ(f[1].attack, std::vector<std::string>{"T1566.001"});
}

}  // namespace
}  // namespace kagami::detect::yara
