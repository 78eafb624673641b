// The detection flags as users run them: their own YARA rules (a bad file is named and
// left out, the others still run), a threat-intel feed, a policy override, and
// `kagami rules`.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

using Run = test::CliRun;

Run kagami(const std::string& args) {
    return test::run_kagami(args);
}

// A scratch folder for one test, removed afterwards.
struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::temp_directory_path() /
              ("kagami_detect_cli_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        fs::path p = dir / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

nlohmann::json first_line(const std::string& out) {
    return nlohmann::json::parse(out.substr(0, out.find('\n')));
}

bool has_finding(const nlohmann::json& j, const std::string& id) {
    for (const auto& f : j["findings"])
        if (f["id"] == id) return true;
    return false;
}

TEST(CliRules, UserRulesRunAndABadFileIsNamedWithoutStoppingTheOthers) {
    Scratch s;
    s.write("rules/good.yar",
            // 日米同盟 in UTF-8: the mail carries it in ISO-2022-JP, so only the decoded
            // text has these bytes.
            "rule user_mentions_alliance { strings: $a = { E6 97 A5 E7 B1 B3 E5 90 8C E7 9B 9F } "
            "condition: $a }\n");
    s.write("rules/bad.yar", "rule broken-name { condition: true }\n");
    auto run = kagami("scan --format json --rules-cache none --rules '" +
                      (s.dir / "rules").string() + "' examples/03-lure-ja-alliance.eml");
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.err.find("bad.yar"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("left out"), std::string::npos) << run.err;
    // User rules also read the message's decoded text.
    auto j = first_line(run.out);
    EXPECT_TRUE(has_finding(j, "yara.user_mentions_alliance")) << run.out.substr(0, 2000);

    auto check = kagami("rules --rules '" + (s.dir / "rules").string() + "'");
    EXPECT_EQ(check.status, 1);
    EXPECT_NE(check.out.find("left out    "), std::string::npos) << check.out;
    EXPECT_NE(check.out.find("bad.yar"), std::string::npos) << check.out;
    EXPECT_EQ(kagami("rules").status, 0);  // the bundled rules all compile
}

TEST(CliRules, CompiledRulesAreCachedAndReused) {
    Scratch s;
    s.write("r/one.yar", "rule cached_rule { condition: filesize > 0 }\n");
    std::string args = "scan --format json --rules-cache '" + (s.dir / "cache").string() +
                       "' --rules '" + (s.dir / "r").string() +
                       "' examples/01-ordinary-ja-meeting.eml";
    auto first = kagami(args);
    auto second = kagami(args);
    EXPECT_TRUE(fs::exists(s.dir / "cache" / "yara"));
    EXPECT_EQ(first.out, second.out);
    EXPECT_TRUE(has_finding(first_line(second.out), "yara.cached_rule"));
}

TEST(CliIntel, AFeedMatchNamesTheFeedAndTheActor) {
    Scratch s;
    // A defanged plain list: the sender's domain of example 03 is on it.
    std::string feed =
        s.write("feed.txt", "# test feed\noutlook[.]com;made-up actor for the test\n");
    auto run = kagami("scan --format json --rules-cache none --intel demo=" + feed +
                      " examples/03-lure-ja-alliance.eml");
    auto j = first_line(run.out);
    ASSERT_TRUE(has_finding(j, "intel.domain")) << run.out.substr(0, 2000) << run.err;
    for (const auto& f : j["findings"])
        if (f["id"] == "intel.domain") {
            EXPECT_NE(f["title"].get<std::string>().find("demo"), std::string::npos) << f;
        }
    EXPECT_EQ(
        kagami("scan --intel /nonexistent/feed.json examples/01-ordinary-ja-meeting.eml").status,
        2);
}

TEST(CliPolicy, AUserPolicyChangesWeightsAndThresholds) {
    Scratch s;
    std::string strict = s.write("strict.toml", "[thresholds]\nsuspicious = 0.5\nmalicious = 1\n");
    auto run = kagami("scan --format json --rules-cache none --policy " + strict +
                      " examples/06-forwarded-report.eml");
    EXPECT_EQ(first_line(run.out)["verdict"], "malicious") << run.err;

    std::string bad = s.write("bad.toml", "[weights]\n\"x\" = \"heavy\"\n");
    auto broken = kagami("scan --policy " + bad + " examples/01-ordinary-ja-meeting.eml");
    EXPECT_EQ(broken.status, 2);
    EXPECT_NE(broken.err.find("must be a number"), std::string::npos) << broken.err;
}

TEST(CliExplain, TheReportExplainsTheVerdictStrongestFirst) {
    auto run = kagami("scan --rules-cache none examples/07-lure-ja-encrypted-lnk.eml");
    auto why = run.out.find("why      Malicious: the evidence weighs");
    ASSERT_NE(why, std::string::npos) << run.out;
    // The first reason is the heaviest: the shortcut or the targeted-attack combination.
    auto next = run.out.substr(why, run.out.find('\n', run.out.find('\n', why) + 1) - why);
    EXPECT_NE(next.find("+5.0"), std::string::npos) << next;
    EXPECT_NE(next.find("[T1"), std::string::npos) << next;
}

}  // namespace
}  // namespace kagami
