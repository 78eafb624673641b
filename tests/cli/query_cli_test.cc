// `kagami query` as analysts run it, on a store built with the Store API: the table, the
// JSON lines, and the exit status (0 found, 1 nothing, 2 error) with a clear message.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/store.h"
#include "support/cli_run.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

using Outcome = test::CliRun;

// `env`: "NAME=value " assignments for the program.
Outcome kagami(const std::string& args, const std::string& env = "") {
    return test::run_kagami(args, "", env);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

constexpr std::int64_t kMay1 = 1714521600;  // 2024-05-01T00:00:00Z

Finding finding(std::string id, double weight, std::vector<std::string> attack) {
    Finding f;
    f.id = std::move(id);
    f.title = "title of " + f.id;
    f.weight = weight;
    f.attack = std::move(attack);
    f.evidence = "evidence of " + f.id;
    f.where = "report.zip";
    return f;
}

// Three messages: a lure whose archive password came in a second mail, that mail, and
// a clean newsletter whose subject carries a terminal escape sequence.
void fill(const std::string& target) {
    auto opened = store::Store::open(target);
    ASSERT_TRUE(opened) << opened.error().message;
    store::Store& s = *opened;
    auto config = s.config_id({"test", "rules", "intel", "policy"});
    ASSERT_TRUE(config);

    store::MessageRecord lure;
    lure.sha256 = std::string(64, 'a');
    lure.source = "archive.mbox";
    lure.index = 0;
    lure.date = kMay1;
    lure.sender = "taro@mofa.go.jp";
    lure.to = {"analyst@example.jp", "second@example.jp"};
    lure.cc = {"boss@example.jp"};
    lure.subject = "【重要】日米同盟に関する会議のご案内";
    lure.verdict = "malicious";
    lure.score = 9.5;
    lure.findings = {finding("archive.password_in_body", 2, {"T1566.001"}),
                     finding("lnk.powershell", 4, {"T1204.002", "T1059.001"})};
    analyzers::Artifact zip;
    zip.path = zip.name = "report.zip";
    zip.type = "zip";
    zip.size = 300;
    zip.md5 = std::string(32, '1');
    zip.sha1 = std::string(40, '2');
    zip.sha256 = std::string(64, '3');
    lure.artifacts = {zip};
    lure.indicators = {{"domain", "c2.evil.example", "report.zip » a.lnk"},
                       {"sha256", zip.sha256, "report.zip"}};

    store::MessageRecord key;
    key.sha256 = std::string(64, 'b');
    key.source = "archive.mbox";
    key.index = 1;
    key.date = kMay1 + 600;
    key.sender = "taro@mofa.go.jp";
    key.to = {"analyst@example.jp"};
    key.subject = "Password";
    key.verdict = "suspicious";
    key.score = 3;
    key.findings = {finding("archive.password_sent_separately", 3, {})};

    store::MessageRecord news;
    news.sha256 = std::string(64, 'c');
    news.source = "news.eml";
    news.received = kMay1 - 86400;
    news.sender = "news@example.com";
    news.subject = "\x1b[31mred\x1b[0m news " + std::string(200, 'x');
    news.verdict = "clean";

    ASSERT_TRUE(s.db().begin());
    for (const auto* r : {&lure, &key, &news}) {
        auto added = s.insert(*r, *config);
        ASSERT_TRUE(added && *added);
    }
    ASSERT_TRUE(s.db().commit());
    auto lure_id = s.find(lure.sha256);
    auto key_id = s.find(key.sha256);
    ASSERT_TRUE(lure_id && *lure_id && key_id && *key_id);
    ASSERT_TRUE(s.replace_analysis(**lure_id, lure, *config, **key_id));
}

class QueryCli : public ::testing::Test {
protected:
    void SetUp() override {
        fill(db_.target());
        ASSERT_FALSE(HasFatalFailure());
    }
    std::string db() const { return "query --db '" + db_.target() + "' "; }

    test::TestDatabase db_ = test::TestDatabase::sqlite();
};

TEST_F(QueryCli, TableHasAlignedColumnsShortIdsAndNoControlCharacters) {
    Outcome r = kagami(db(), "COLUMNS=120 ");
    ASSERT_EQ(r.status, 0) << r.err;
    auto rows = lines(r.out);
    ASSERT_EQ(rows.size(), 4u) << r.out;
    EXPECT_EQ(rows[0].rfind("DATE", 0), 0u);
    // By time: the newsletter (received the day before), the lure, the key mail; the
    // score right-aligned.
    EXPECT_NE(rows[1].find("2024-04-30T00:00:00Z  clean"), std::string::npos) << rows[1];
    EXPECT_NE(rows[2].find("2024-05-01T00:00:00Z  malicious     9.5  taro@mofa.go.jp"),
              std::string::npos)
        << rows[2];
    EXPECT_NE(rows[2].find("taro@mofa.go.jp"), std::string::npos);
    EXPECT_NE(rows[2].find("analyst@example.jp +2"), std::string::npos);
    EXPECT_NE(rows[2].find("日米同盟"), std::string::npos);
    EXPECT_NE(rows[3].find("2024-05-01T00:10:00Z  suspicious"), std::string::npos);
    // Columns line up: the sender column starts at the same place on every row (all
    // before it is ASCII).
    std::size_t at = rows[0].find("SENDER");
    EXPECT_EQ(rows[1].find("news@example.com"), at);
    EXPECT_EQ(rows[2].find("taro@mofa.go.jp"), at);
    // The first 12 hex digits of the message id, not all 64.
    EXPECT_TRUE(rows[2].ends_with(" aaaaaaaaaaaa")) << rows[2];
    EXPECT_EQ(r.out.find(std::string(13, 'a')), std::string::npos);
    // The escape sequence is gone and the long subject is cut to fill the 120 columns.
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
    EXPECT_NE(rows[1].find(" [31mred [0m news xxx"), std::string::npos) << rows[1];
    EXPECT_NE(rows[1].find("...  cccccccccccc"), std::string::npos) << rows[1];
    EXPECT_EQ(rows[1].size(), 120u) << rows[1];
    // The message_id column lines up on ASCII rows too.
    EXPECT_EQ(rows[1].find("cccccccccccc"), rows[0].find("MESSAGE_ID"));
    EXPECT_EQ(rows[3].find("bbbbbbbbbbbb"), rows[0].find("MESSAGE_ID"));
}

TEST_F(QueryCli, JsonLinesCarryTheScanKeysFindingsAndTheKeyMail) {
    Outcome r = kagami(db() + "--format json --verdict malicious --verdict suspicious");
    ASSERT_EQ(r.status, 0) << r.err;
    auto rows = lines(r.out);
    ASSERT_EQ(rows.size(), 2u) << r.out;
    auto lure = nlohmann::json::parse(rows[0]);
    EXPECT_EQ(lure["message_id"], std::string(64, 'a'));
    EXPECT_EQ(lure["source"]["path"], "archive.mbox");
    EXPECT_EQ(lure["source"]["index"], 0);
    EXPECT_EQ(lure["date"], "2024-05-01T00:00:00Z");
    EXPECT_TRUE(lure["received"].is_null());
    EXPECT_EQ(lure["sender"], "taro@mofa.go.jp");
    EXPECT_EQ(lure["recipients"],
              nlohmann::json({"analyst@example.jp", "second@example.jp", "boss@example.jp"}));
    EXPECT_EQ(lure["subject"], "【重要】日米同盟に関する会議のご案内");
    EXPECT_EQ(lure["verdict"], "malicious");
    EXPECT_EQ(lure["score"], 9.5);
    EXPECT_EQ(lure["key_from"], std::string(64, 'b'));
    ASSERT_EQ(lure["findings"].size(), 2u);
    const auto& f = lure["findings"][1];
    EXPECT_EQ(f["id"], "lnk.powershell");
    EXPECT_EQ(f["title"], "title of lnk.powershell");
    EXPECT_EQ(f["weight"], 4.0);
    EXPECT_EQ(f["attack"], nlohmann::json({"T1204.002", "T1059.001"}));
    EXPECT_EQ(f["evidence"], "evidence of lnk.powershell");
    EXPECT_EQ(f["where"], "report.zip");
    ASSERT_EQ(lure["artifacts"].size(), 1u);
    EXPECT_EQ(lure["artifacts"][0]["sha256"], std::string(64, '3'));
    EXPECT_FALSE(lure.contains("matched_indicators"));

    auto key = nlohmann::json::parse(rows[1]);
    EXPECT_EQ(key["message_id"], std::string(64, 'b'));
    EXPECT_TRUE(key["key_from"].is_null());
    EXPECT_TRUE(key["findings"][0]["attack"].empty());
}

TEST_F(QueryCli, FiltersFromTheCommandLine) {
    Outcome r = kagami(db() + "--format json --indicator 'hxxp://evil[.]example'");
    // A URL is not a domain: nothing stored is this URL.
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    r = kagami(db() + "--format json --indicator 'evil[.]example'");
    ASSERT_EQ(r.status, 0) << r.err;
    auto rows = lines(r.out);
    ASSERT_EQ(rows.size(), 1u);
    auto j = nlohmann::json::parse(rows[0]);
    EXPECT_EQ(j["message_id"], std::string(64, 'a'));
    ASSERT_EQ(j["matched_indicators"].size(), 1u);
    EXPECT_EQ(j["matched_indicators"][0]["value"], "c2.evil.example");

    auto ids = [](const Outcome& run) {
        std::vector<std::string> out;
        for (const auto& l : lines(run.out))
            out.push_back(nlohmann::json::parse(l)["message_id"].get<std::string>().substr(0, 1));
        return out;
    };
    using Ids = std::vector<std::string>;
    EXPECT_EQ(ids(kagami(db() + "--format json --finding 'archive.*'")), (Ids{"a", "b"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --hash " + std::string(40, '2'))), (Ids{"a"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --sender @MOFA.go.jp --limit 1")), (Ids{"a"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --recipient boss@example.jp")), (Ids{"a"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --subject PASSWORD")), (Ids{"b"}));
    // 09:05 in Tokyo is 00:05 UTC: after the lure, before the key mail.
    EXPECT_EQ(ids(kagami(db() + "--format json --since 2024-05-01T09:05:00+09:00")), (Ids{"b"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --until 2024-04-30")), (Ids{"c"}));
    EXPECT_EQ(ids(kagami(db() + "--format json --since 2024-05-01 --until 2024-05-01")),
              (Ids{"a", "b"}));
}

TEST_F(QueryCli, NothingMatchedIsExitOne) {
    Outcome r = kagami(db() + "--sender nobody@example.jp");
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.out.empty()) << r.out;
    r = kagami(db() + "--format json --since 2030-01-01");
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(QueryCli, ErrorsAreExitTwoWithAMessage) {
    Outcome r = kagami(db() + "--since 2024-13-01");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--since"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2024-13-01"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());

    r = kagami(db() + "--until yesterday");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--until"), std::string::npos) << r.err;

    r = kagami(db() + "--since 2024-06-01 --until 2024-05-01");
    EXPECT_EQ(r.status, 2);

    r = kagami(db() + "--hash nothex");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("nothex"), std::string::npos) << r.err;

    r = kagami(db() + "--finding 'lnk*'");
    EXPECT_EQ(r.status, 2);

    r = kagami(db() + "--verdict bad");
    EXPECT_EQ(r.status, 2);

    r = kagami(db() + "--format xml");
    EXPECT_EQ(r.status, 2);
}

TEST(QueryCliStore, AStoreThatCannotBeOpenedIsExitTwo) {
    fs::path dir = fs::temp_directory_path() / ("kagami_query_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    Outcome r = kagami("query --db '" + (dir / "missing.db").string() + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("missing.db"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "missing.db"));  // a typo creates nothing

    std::ofstream(dir / "text.db") << "this is not a database\n";
    r = kagami("query --db '" + (dir / "text.db").string() + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cannot open the store"), std::string::npos) << r.err;

    r = kagami("query --db '" + dir.string() + "'");
    EXPECT_EQ(r.status, 2);

    r = kagami("query --db 'postgresql://nobody@127.0.0.1:1/none'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cannot open the store"), std::string::npos) << r.err;

    r = kagami("query");  // --db is required
    EXPECT_EQ(r.status, 2);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kagami
