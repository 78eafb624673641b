// `kagami scan` as users run it: exit codes, formats, ordering, stdin, and the
// JSON output of the bundled examples compared with the golden file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

using Run = test::CliRun;

// From the source folder, so that paths in the output are stable.
Run kagami(const std::string& args, const std::string& stdin_file = "") {
    return test::run_kagami(args, stdin_file);
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
        if (nl > start) lines.push_back(nlohmann::json::parse(out.substr(start, nl - start)));
    return lines;
}

TEST(CliScan, CleanMessageExitsZeroWithAReadableReport) {
    auto run = kagami("scan examples/01-ordinary-ja-meeting.eml");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("verdict  clean"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("subject  打ち合わせ日程の件"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("text/plain; iso-2022-jp"), std::string::npos) << run.out;
}

TEST(CliScan, SuspiciousMessageExitsOne) {
    auto run = kagami("scan examples/03-lure-ja-alliance.eml");
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.out.find("header.display_name_org_freemail"), std::string::npos) << run.out;
}

TEST(CliScan, NotMailIsAnErrorNamingTheFileAndTheRestGoesOn) {
    fs::path junk = fs::temp_directory_path() / "kagami_cli_not_mail.bin";
    std::ofstream(junk, std::ios::binary) << std::string(
                                                 "\x7f"
                                                 "ELF\x02\x01\x01\x00\x00\x00",
                                                 10)
                                          << std::string(100, '\0');
    auto run =
        kagami("scan --format json '" + junk.string() + "' examples/01-ordinary-ja-meeting.eml");
    fs::remove(junk);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("kagami_cli_not_mail.bin"), std::string::npos) << run.err;
    EXPECT_EQ(json_lines(run.out).size(), 1u) << run.out;
}

TEST(CliScan, MissingFileIsAnError) {
    auto run = kagami("scan no/such/file.eml");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("no/such/file.eml"), std::string::npos) << run.err;
}

TEST(CliScan, JsonHasThePublicFields) {
    auto run = kagami("scan --format json examples/");
    EXPECT_EQ(run.status, 1) << run.err;
    auto lines = json_lines(run.out);
    ASSERT_EQ(lines.size(), 11u) << "8 .eml files and an mbox of 3";
    for (const auto& j : lines) {
        for (const char* key :
             {"source", "message_id", "header_message_id", "date", "from", "reply_to", "to",
              "subject", "verdict", "score", "parts", "urls", "artifacts", "findings"})
            EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
        for (const auto& f : j["findings"])
            for (const char* key : {"id", "title", "weight", "attack", "evidence", "where"})
                EXPECT_TRUE(f.contains(key)) << key;
    }
    // Directory order is by name, and mailbox messages carry their index.
    EXPECT_EQ(lines[0]["source"]["path"], "examples/01-ordinary-ja-meeting.eml");
    EXPECT_EQ(lines[10]["source"]["path"], "examples/archive.mbox");
    EXPECT_EQ(lines[10]["source"]["index"], 2);
    EXPECT_EQ(lines[10]["subject"], "Invitation: HTV-X briefing");
}

TEST(CliScan, OutputOrderDoesNotDependOnThreads) {
    auto one = kagami("scan --format json -j 1 examples/ examples/");
    auto four = kagami("scan --format json -j 4 examples/ examples/");
    EXPECT_EQ(one.out, four.out);
    EXPECT_EQ(json_lines(one.out).size(), 22u);
}

TEST(CliScan, ReadsStandardInput) {
    auto run = kagami("scan --format json -",
                      (test::source_dir() / "examples/05-unlabelled-shift-jis.eml").string());
    auto lines = json_lines(run.out);
    ASSERT_EQ(lines.size(), 1u) << run.err;
    EXPECT_EQ(lines[0]["source"]["path"], "-");
    EXPECT_EQ(lines[0]["subject"], "年末年始の営業時間");
}

TEST(CliScan, ExtractWritesArtifactsByHashOnly) {
    fs::path dir = fs::temp_directory_path() / ("kagami_extract_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto run = kagami("scan --format json --extract '" + dir.string() + "' examples/");
    std::vector<std::string> expected;
    for (const auto& j : json_lines(run.out))
        for (const auto& a : j["artifacts"]) expected.push_back(a["sha256"]);
    ASSERT_FALSE(expected.empty()) << run.err;
    std::vector<std::string> written;
    for (const auto& e : fs::directory_iterator(dir)) {
        written.push_back(e.path().filename().string());
        EXPECT_EQ(test::sha256_file(e.path()), written.back());
    }
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, expected);
    fs::remove_all(dir);
}

TEST(CliScan, BadUsageExitsTwo) {
    EXPECT_EQ(kagami("scan --format yaml examples/").status, 2);
    EXPECT_EQ(kagami("").status, 2);
}

// The JSON of every example, compared whole with tests/golden/examples.jsonl.
// KAGAMI_UPDATE_GOLDEN=1 rewrites the golden file; review the diff before committing.
TEST(CliGolden, ExamplesJsonMatchesGoldenFile) {
    auto run = kagami("scan --format json -j 2 examples/");
    fs::path golden = test::source_dir() / "tests/golden/examples.jsonl";
    if (std::getenv("KAGAMI_UPDATE_GOLDEN")) {
        std::ofstream(golden, std::ios::binary) << run.out;
        GTEST_SKIP() << "golden file rewritten";
    }
    auto expected = json_lines(test::read_file(golden));
    auto actual = json_lines(run.out);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        EXPECT_EQ(actual[i], expected[i]) << "message " << i << " differs:\n"
                                          << nlohmann::json::diff(expected[i], actual[i]).dump(1);
}

}  // namespace
}  // namespace kagami
