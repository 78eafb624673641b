// kagami query's filters against a store built from hand-made records: each filter alone,
// near misses (a look-alike domain, a suffix that is not a subdomain), combinations, and
// values that would break a statement built by concatenation.
#include "store/query.h"

#include <gtest/gtest.h>

#include <map>

#include "support/test_database.h"

namespace kagami::store {
namespace {

// 2024-05-01T00:00:00Z
constexpr std::int64_t kMay1 = 1714521600;
constexpr std::int64_t kDay = 86400;

std::string hex(char c, std::size_t n) {
    return std::string(n, c);
}

Finding finding(std::string id, double weight, std::vector<std::string> attack = {}) {
    Finding f;
    f.id = std::move(id);
    f.title = "title of " + f.id;
    f.weight = weight;
    f.attack = std::move(attack);
    f.evidence = "evidence of " + f.id;
    f.where = "report.zip";
    return f;
}

analyzers::Artifact artifact(std::string path, std::string type, char md5, char sha1, char sha256) {
    analyzers::Artifact a;
    a.path = path;
    a.name = path.substr(path.rfind(' ') == std::string::npos ? 0 : path.rfind(' ') + 1);
    a.type = std::move(type);
    a.depth = path.find("»") == std::string::npos ? 0 : 1;
    a.size = 1234;
    a.md5 = hex(md5, 32);
    a.sha1 = hex(sha1, 40);
    a.sha256 = hex(sha256, 64);
    return a;
}

// The messages every test searches (times in brackets):
//   lure     taro@mofa.go.jp -> analyst@example.jp, cc boss@  [May 1 00:00]  malicious
//   key      taro@mofa.go.jp -> analyst@example.jp            [May 1 00:05]  suspicious
//   spoof    spoof@mofa.go.jp.evil.example -> analyst@        [Jun 10]       suspicious
//   internal hanako@sub.mofa.go.jp -> someone@other.example   [received Apr 1] clean
//   news     news@example.com -> list@news.example            [no time]      clean
std::vector<MessageRecord> records() {
    std::vector<MessageRecord> out;
    MessageRecord lure;
    lure.sha256 = hex('1', 64);
    lure.source = "archive.mbox";
    lure.index = 3;
    lure.size = 4096;
    lure.date = kMay1;
    lure.received = kMay1 + 60;
    lure.sender = "taro@mofa.go.jp";
    lure.sender_name = "外務省 太郎";
    lure.to = {"analyst@example.jp"};
    lure.cc = {"boss@example.jp"};
    lure.subject = "【重要】日米同盟に関する Meeting のご案内";
    lure.verdict = "malicious";
    lure.score = 9.5;
    lure.findings = {finding("archive.encrypted", 1.0, {"T1027"}),
                     finding("archive.password_in_body", 2.0, {"T1566.001", "T1027"}),
                     finding("lnk.powershell", 4.0, {"T1204.002", "T1059.001"}),
                     finding("yara.MirrorFace_LNK", 3.0)};
    lure.artifacts = {artifact("report.zip", "zip", 'a', 'b', 'c'),
                      artifact("report.zip » 報告書.docx.lnk", "lnk", 'd', 'e', 'f')};
    lure.indicators = {
        {"domain", "c2.evil.example", "report.zip » 報告書.docx.lnk"},
        {"url", "https://c2.evil.example/a", "report.zip » 報告書.docx.lnk"},
        {"ipv4", "203.0.113.5", "Received"},
        {"email", "taro@mofa.go.jp", "From"},
        {"domain", "mofa.go.jp", "From"},
        {"lnk_machine_id", "desktop-abc123", "report.zip » 報告書.docx.lnk"},
        {"file_name", "報告書.docx.lnk", "report.zip » 報告書.docx.lnk"},
        {"sha256", hex('c', 64), "report.zip"},
        {"sha256", hex('f', 64), "report.zip » 報告書.docx.lnk"},
    };
    out.push_back(lure);

    MessageRecord key;
    key.sha256 = hex('2', 64);
    key.source = "archive.mbox";
    key.index = 4;
    key.date = kMay1 + 300;
    key.sender = "taro@mofa.go.jp";
    key.to = {"analyst@example.jp"};
    key.subject = "パスワードのお知らせ";
    key.verdict = "suspicious";
    key.score = 3;
    key.findings = {finding("archive.password_sent_separately", 3.0)};
    // An artifact whose hash is not an indicator row (a store written before they were).
    key.artifacts = {artifact("notes.txt", "text", '7', '8', '9')};
    out.push_back(key);

    MessageRecord spoof;
    spoof.sha256 = hex('3', 64);
    spoof.source = "spoof.eml";
    spoof.date = kMay1 + 40 * kDay;
    spoof.sender = "spoof@mofa.go.jp.evil.example";
    spoof.to = {"analyst@example.jp"};
    spoof.subject = "file_1 update";
    spoof.verdict = "suspicious";
    spoof.score = 4.5;
    spoof.findings = {finding("sender.lookalike_domain", 4.5, {"T1566"})};
    spoof.indicators = {{"domain", "notevil.example", "body"},
                        {"domain", "mofa.go.jp.evil.example", "From"},
                        {"email", "spoof@mofa.go.jp.evil.example", "From"}};
    out.push_back(spoof);

    MessageRecord internal;
    internal.sha256 = hex('4', 64);
    internal.source = "internal.eml";
    internal.received = kMay1 - 30 * kDay;
    internal.sender = "hanako@sub.mofa.go.jp";
    internal.to = {"someone@other.example"};
    internal.subject = "Weekly report";
    internal.verdict = "clean";
    internal.indicators = {{"domain", "evil.example", "body"}};
    out.push_back(internal);

    MessageRecord news;
    news.sha256 = hex('5', 64);
    news.source = "news.eml";
    news.sender = "news@example.com";
    news.to = {"list@news.example"};
    news.subject = "Discount 100% off";
    news.verdict = "clean";
    out.push_back(news);
    return out;
}

class QueryTest : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        if (GetParam() == Dialect::sqlite) {
            db_ = test::TestDatabase::sqlite();
        } else {
            db_ = test::TestDatabase::postgres();
            KAGAMI_REQUIRE_POSTGRES(db_);
        }
        auto opened = Store::open(db_->target());
        ASSERT_TRUE(opened) << opened.error().message;
        store_.emplace(std::move(*opened));
        auto config = store_->config_id({"test", "rules", "intel", "policy"});
        ASSERT_TRUE(config) << config.error().message;
        ASSERT_TRUE(store_->db().begin());
        for (const auto& r : records()) {
            auto added = store_->insert(r, *config);
            ASSERT_TRUE(added) << added.error().message;
            ASSERT_TRUE(*added);
        }
        ASSERT_TRUE(store_->db().commit());
        for (const auto& r : records()) {
            auto id = store_->find(r.sha256);
            ASSERT_TRUE(id && *id);
            ids_[r.sha256.substr(0, 1)] = **id;
        }
        // The key mail opened the lure's archive.
        auto lure = records().front();
        ASSERT_TRUE(store_->replace_analysis(ids_["1"], lure, *config, ids_["2"]));
    }

    // Names ("lure", "key", ...) of the messages found, in order.
    std::vector<std::string> find(const MessageFilter& f) {
        static const std::map<char, std::string> names = {
            {'1', "lure"}, {'2', "key"}, {'3', "spoof"}, {'4', "internal"}, {'5', "news"}};
        auto found = find_messages(*store_, f);
        EXPECT_TRUE(found) << found.error().message;
        std::vector<std::string> out;
        if (found)
            for (const auto& m : *found) out.push_back(names.at(m.sha256[0]));
        return out;
    }

    std::optional<test::TestDatabase> db_;
    std::optional<Store> store_;
    std::map<std::string, std::int64_t> ids_;
};

using Names = std::vector<std::string>;

TEST_P(QueryTest, NoFilterListsEveryMessageByTimeWithUndatedLast) {
    EXPECT_EQ(find({}), (Names{"internal", "lure", "key", "spoof", "news"}));
}

TEST_P(QueryTest, SummaryCarriesTheStoredFieldsAndRecipientsToThenCc) {
    MessageFilter f;
    f.verdicts = {"malicious"};
    auto found = find_messages(*store_, f);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    const auto& m = found->front();
    EXPECT_EQ(m.sha256, hex('1', 64));
    EXPECT_EQ(m.source, "archive.mbox");
    EXPECT_EQ(m.index, 3);
    EXPECT_EQ(m.date, kMay1);
    EXPECT_EQ(m.received, kMay1 + 60);
    EXPECT_EQ(m.sender, "taro@mofa.go.jp");
    EXPECT_EQ(m.subject, "【重要】日米同盟に関する Meeting のご案内");
    EXPECT_EQ(m.recipients, (Names{"analyst@example.jp", "boss@example.jp"}));
    EXPECT_EQ(m.verdict, "malicious");
    EXPECT_DOUBLE_EQ(m.score, 9.5);
    EXPECT_EQ(m.key_from, ids_["2"]);
}

TEST_P(QueryTest, Verdicts) {
    MessageFilter f;
    f.verdicts = {"malicious"};
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.verdicts = {"Suspicious", "malicious"};
    EXPECT_EQ(find(f), (Names{"lure", "key", "spoof"}));
    f.verdicts = {"clean"};
    EXPECT_EQ(find(f), (Names{"internal", "news"}));
}

TEST_P(QueryTest, DateBoundsAreInclusiveAndFallBackToTheReceivingTime) {
    MessageFilter f;
    f.since = kMay1;
    EXPECT_EQ(find(f), (Names{"lure", "key", "spoof"}));
    f.since = kMay1 + 1;
    EXPECT_EQ(find(f), (Names{"key", "spoof"}));
    f = {};
    f.until = kMay1;
    EXPECT_EQ(find(f), (Names{"internal", "lure"}));
    f.until = kMay1 - 1;
    EXPECT_EQ(find(f), (Names{"internal"}));
    // The internal mail has no Date header: its receiving stamp places it.
    f.since = kMay1 - 31 * kDay;
    f.until = kMay1 - 29 * kDay;
    EXPECT_EQ(find(f), (Names{"internal"}));
    f.since = kMay1 + kDay;
    f.until = kMay1 + 2 * kDay;
    EXPECT_EQ(find(f), Names{});
}

TEST_P(QueryTest, SenderAddressIsExactAndCaseInsensitive) {
    MessageFilter f;
    f.sender = "Taro@MOFA.go.jp";
    EXPECT_EQ(find(f), (Names{"lure", "key"}));
    f.sender = "<taro@mofa.go.jp>";
    EXPECT_EQ(find(f), (Names{"lure", "key"}));
    f.sender = "aro@mofa.go.jp";
    EXPECT_EQ(find(f), Names{});
}

TEST_P(QueryTest, SenderDomainMatchesSubdomainsButNotALookAlike) {
    MessageFilter f;
    f.sender = "@mofa.go.jp";
    // Not spoof@mofa.go.jp.evil.example.
    EXPECT_EQ(find(f), (Names{"internal", "lure", "key"}));
    f.sender = "MOFA.go.jp";
    EXPECT_EQ(find(f), (Names{"internal", "lure", "key"}));
    f.sender = "@sub.mofa.go.jp";
    EXPECT_EQ(find(f), (Names{"internal"}));
    f.sender = "@ofa.go.jp";  // a suffix, not a parent domain
    EXPECT_EQ(find(f), Names{});
    f.sender = "@evil.example";
    EXPECT_EQ(find(f), (Names{"spoof"}));
    f.sender = "@";
    EXPECT_FALSE(find_messages(*store_, f));
}

TEST_P(QueryTest, Recipients) {
    MessageFilter f;
    f.recipient = "analyst@example.jp";
    EXPECT_EQ(find(f), (Names{"lure", "key", "spoof"}));
    f.recipient = "boss@example.jp";  // a Cc
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.recipient = "@example.jp";
    EXPECT_EQ(find(f), (Names{"lure", "key", "spoof"}));
    f.recipient = "@xample.jp";  // a suffix, not a parent domain
    EXPECT_EQ(find(f), Names{});
    f.recipient = "@example";  // every subdomain of the top-level domain
    EXPECT_EQ(find(f), (Names{"internal", "news"}));
    f.recipient = "@news.example";
    EXPECT_EQ(find(f), (Names{"news"}));
}

TEST_P(QueryTest, DomainIndicatorMatchesItsSubdomainsButNotALongerName) {
    MessageFilter f;
    f.indicator = "Evil.Example";
    // c2.evil.example and mofa.go.jp.evil.example are subdomains; notevil.example is not.
    EXPECT_EQ(find(f), (Names{"internal", "lure", "spoof"}));
    f.indicator = "evil[.]example";  // defanged as advisories write it
    EXPECT_EQ(find(f), (Names{"internal", "lure", "spoof"}));
    f.indicator = "c2.evil.example";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = "notevil.example";
    EXPECT_EQ(find(f), (Names{"spoof"}));
    f.indicator = "vil.example";
    EXPECT_EQ(find(f), Names{});
}

TEST_P(QueryTest, IndicatorsOfEveryType) {
    MessageFilter f;
    f.indicator = "hxxps://C2.evil[.]example:443/a";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = "https://c2.evil.example/b";
    EXPECT_EQ(find(f), Names{});
    f.indicator = "203.0.113.5";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = "203.0.113.50";
    EXPECT_EQ(find(f), Names{});
    f.indicator = "Spoof@MOFA.go.jp.evil.example";
    EXPECT_EQ(find(f), (Names{"spoof"}));
    f.indicator = "  desktop-abc123 ";  // an analyzer value, as stored
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = "報告書.DOCX.lnk";  // file names fold case
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = hex('C', 64);  // an artifact's SHA-256 indicator, upper-case
    EXPECT_EQ(find(f), (Names{"lure"}));
    // A hash found only among artifacts (no indicator row), and an MD5.
    f.indicator = hex('9', 64);
    EXPECT_EQ(find(f), (Names{"key"}));
    f.indicator = hex('a', 32);
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.indicator = "   ";
    EXPECT_FALSE(find_messages(*store_, f));
}

TEST_P(QueryTest, ArtifactHashesOfAnyKindAndDepth) {
    MessageFilter f;
    for (auto h :
         {hex('a', 32), hex('b', 40), hex('c', 64), hex('D', 32), hex('e', 40), hex('f', 64)}) {
        f.artifact_hash = h;
        EXPECT_EQ(find(f), (Names{"lure"})) << h;
    }
    f.artifact_hash = hex('8', 40);
    EXPECT_EQ(find(f), (Names{"key"}));
    f.artifact_hash = hex('0', 64);
    EXPECT_EQ(find(f), Names{});
    for (auto bad : {std::string("abc"), hex('g', 32), hex('a', 33)}) {
        f.artifact_hash = bad;
        auto found = find_messages(*store_, f);
        ASSERT_FALSE(found) << bad;
        EXPECT_EQ(found.error().code, Errc::config);
    }
}

TEST_P(QueryTest, FindingIdsExactOrByPrefix) {
    MessageFilter f;
    f.finding = "lnk.powershell";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.finding = "archive.*";
    EXPECT_EQ(find(f), (Names{"lure", "key"}));
    f.finding = "yara.MirrorFace_LNK";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.finding = "yara.mirrorface_lnk";  // ids are exact, case included
    EXPECT_EQ(find(f), Names{});
    f.finding = "yara.Mirror*";
    EXPECT_FALSE(find_messages(*store_, f));
    f.finding = "arch.*";  // a prefix of whole dotted parts
    EXPECT_EQ(find(f), Names{});
    f.finding = "archive";
    EXPECT_EQ(find(f), Names{});
    f.finding = "sender.*";
    EXPECT_EQ(find(f), (Names{"spoof"}));
}

TEST_P(QueryTest, SubjectSubstringIgnoresAsciiCaseAndTakesWildcardsLiterally) {
    MessageFilter f;
    f.subject = "meeting";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.subject = "日米同盟";
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.subject = "100%";
    EXPECT_EQ(find(f), (Names{"news"}));
    f.subject = "%";
    EXPECT_EQ(find(f), (Names{"news"}));
    f.subject = "e_1";
    EXPECT_EQ(find(f), (Names{"spoof"}));
    f.subject = "_";
    EXPECT_EQ(find(f), (Names{"spoof"}));
    f.subject = "o\\";
    EXPECT_EQ(find(f), Names{});
}

TEST_P(QueryTest, FiltersCombine) {
    MessageFilter f;
    f.verdicts = {"suspicious"};
    f.sender = "@mofa.go.jp";
    EXPECT_EQ(find(f), (Names{"key"}));
    f = {};
    f.indicator = "evil.example";
    f.since = kMay1 - kDay;
    EXPECT_EQ(find(f), (Names{"lure", "spoof"}));
    f.recipient = "boss@example.jp";
    f.finding = "archive.*";
    f.artifact_hash = hex('f', 64);
    f.subject = "MEETING";
    f.until = kMay1;
    f.verdicts = {"malicious", "clean"};
    EXPECT_EQ(find(f), (Names{"lure"}));
    f.verdicts = {"clean"};
    EXPECT_EQ(find(f), Names{});
}

TEST_P(QueryTest, LimitKeepsTheFirstInOrder) {
    MessageFilter f;
    f.limit = 2;
    EXPECT_EQ(find(f), (Names{"internal", "lure"}));
    f.verdicts = {"suspicious"};
    f.limit = 1;
    EXPECT_EQ(find(f), (Names{"key"}));
    // Recipients come with a limited result too.
    auto found = find_messages(*store_, f);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->front().recipients, (Names{"analyst@example.jp"}));
}

TEST_P(QueryTest, QuotesAndSqlInValuesAreOnlyValues) {
    MessageFilter f;
    for (std::string v :
         {"x' OR '1'='1", "'; DROP TABLE message; --", "\") OR 1=1 --", "$1", "?", "\\"}) {
        f = {};
        f.sender = v;
        EXPECT_EQ(find(f), Names{}) << v;
        f = {};
        f.recipient = v + "@example.jp";
        EXPECT_EQ(find(f), Names{}) << v;
        f = {};
        f.indicator = v;
        EXPECT_EQ(find(f), Names{}) << v;
        f = {};
        f.subject = v;
        EXPECT_EQ(find(f), Names{}) << v;
        f = {};
        f.finding = v;
        EXPECT_EQ(find(f), Names{}) << v;
        f = {};
        f.verdicts = {v};
        EXPECT_EQ(find(f), Names{}) << v;
    }
    auto count = store_->message_count();
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 5);
}

TEST_P(QueryTest, DetailHasFindingsArtifactsTheKeyMailAndMatchedIndicators) {
    MessageFilter f;
    f.indicator = "evil.example";
    auto found = find_messages(*store_, f);
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 3u);
    auto d = message_detail(*store_, (*found)[1], f);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->summary.sha256, hex('1', 64));
    EXPECT_EQ(d->key_from_sha256, hex('2', 64));
    ASSERT_EQ(d->findings.size(), 4u);
    EXPECT_EQ(d->findings[1].id, "archive.password_in_body");
    EXPECT_EQ(d->findings[1].title, "title of archive.password_in_body");
    EXPECT_DOUBLE_EQ(d->findings[1].weight, 2.0);
    EXPECT_EQ(d->findings[1].attack, (Names{"T1566.001", "T1027"}));
    EXPECT_EQ(d->findings[1].evidence, "evidence of archive.password_in_body");
    EXPECT_EQ(d->findings[1].where, "report.zip");
    EXPECT_TRUE(d->findings[3].attack.empty());
    ASSERT_EQ(d->artifacts.size(), 2u);
    EXPECT_EQ(d->artifacts[1].path, "report.zip » 報告書.docx.lnk");
    EXPECT_EQ(d->artifacts[1].type, "lnk");
    EXPECT_EQ(d->artifacts[1].depth, 1);
    EXPECT_EQ(d->artifacts[1].size, 1234);
    EXPECT_EQ(d->artifacts[1].md5, hex('d', 32));
    EXPECT_EQ(d->artifacts[1].sha256, hex('f', 64));
    ASSERT_EQ(d->matched.size(), 1u);
    EXPECT_EQ(d->matched[0].type, "domain");
    EXPECT_EQ(d->matched[0].value, "c2.evil.example");
    EXPECT_EQ(d->matched[0].where, "report.zip » 報告書.docx.lnk");

    // Without an indicator filter nothing is "matched"; a mail with no key has none.
    auto spoof = message_detail(*store_, (*found)[2], {});
    ASSERT_TRUE(spoof);
    EXPECT_TRUE(spoof->matched.empty());
    EXPECT_FALSE(spoof->key_from_sha256);
    EXPECT_EQ(spoof->findings.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryTest,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql),
                         [](const auto& param_info) {
                             return param_info.param == Dialect::sqlite ? "sqlite" : "postgresql";
                         });

TEST(ParseUtcTime, DatesTimesAndZones) {
    EXPECT_EQ(parse_utc_time("2024-05-01"), kMay1);
    EXPECT_EQ(parse_utc_time("2024-05-01", true), kMay1 + kDay - 1);
    EXPECT_EQ(parse_utc_time(" 2024-05-01T03:04:05Z "), kMay1 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_utc_time("2024-05-01T12:04:05+09:00"), kMay1 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_utc_time("2024-05-01T12:04:05+0900"), kMay1 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_utc_time("2024-04-30T22:04:05-05:00"), kMay1 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_utc_time("2024-05-01 03:04"), kMay1 + 3 * 3600 + 4 * 60);
    EXPECT_EQ(parse_utc_time("2024-05-01t03:04:05.250z"), kMay1 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_utc_time("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_utc_time("1969-12-31T23:59:59Z"), -1);
    EXPECT_EQ(parse_utc_time("2024-02-29"), 1709164800);
    EXPECT_EQ(parse_utc_time("2000-02-29"), 951782400);
}

TEST(ParseUtcTime, RejectsMalformed) {
    for (const char* bad : {"",
                            "2024",
                            "2024-5-1",
                            "2024-05-01T",
                            "2024-05-01T3:04",
                            "2024-13-01",
                            "2024-00-10",
                            "2024-02-30",
                            "2023-02-29",
                            "1900-02-29",
                            "2024-05-32",
                            "2024-05-01T24:00:00Z",
                            "2024-05-01T03:60:00Z",
                            "2024-05-01T03:04:61Z",
                            "2024-05-01T03:04:05+24:00",
                            "2024-05-01T03:04:05+09",
                            "2024-05-01T03:04:05Q",
                            "2024-05-01T03:04:05Z junk",
                            "yesterday",
                            "2024-05-01T03:04:05.Z",
                            "２０２４-05-01"})
        EXPECT_FALSE(parse_utc_time(bad)) << bad;
}

}  // namespace
}  // namespace kagami::store
