// kagami hunt over both store backends: archives scanned in once and resumed, a feed that
// arrives later matched against the stored indicators (and against a full rescan), the
// password sent in a second mail, and a store that fails mid-hunt.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/hash.h"
#include "detect/detection.h"
#include "store/hunt.h"
#include "support/store_dump.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

// ---- a generated mail history with planted indicators ----------------------------------

constexpr int kMessages = 90;

std::string base64(std::string_view in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = unsigned(std::uint8_t(in[i])) << 16;
        if (i + 1 < in.size()) v |= unsigned(std::uint8_t(in[i + 1])) << 8;
        if (i + 2 < in.size()) v |= unsigned(std::uint8_t(in[i + 2]));
        out += t[v >> 18 & 63];
        out += t[v >> 12 & 63];
        out += i + 1 < in.size() ? t[v >> 6 & 63] : '=';
        out += i + 2 < in.size() ? t[v & 63] : '=';
    }
    return out;
}

std::string sender_of(int i) {
    return "user" + std::to_string(i % 7) + "@sender" + std::to_string(i % 5) + ".example";
}
std::string link_of(int i) {
    return "https://host" + std::to_string(i % 11) + ".campaign" + std::to_string(i % 4) +
           ".example/path/" + std::to_string(i) + ".html";
}
std::string ip_of(int i) {
    return "198.51.100." + std::to_string(i % 50);
}
bool has_attachment(int i) {
    return i % 3 == 0;
}
std::string attachment_of(int i) {
    return "inert attachment " + std::to_string(i % 9) + "\n";
}

std::string message(int i) {
    char date[64];
    std::snprintf(date, sizeof date, "Mon, %d Jan 2024 %02d:00:00 +0900", 1 + i / 24, i % 24);
    std::string boundary = "b" + std::to_string(i);
    std::string m = "Received: from mx" + std::to_string(i) + ".relay.example ([" + ip_of(i) +
                    "]) by mx.agency.go.jp; " + date + "\r\n";
    m += "From: Sender " + std::to_string(i) + " <" + sender_of(i) + ">\r\n";
    m += "To: staff" + std::to_string(i % 3) + "@agency.go.jp\r\n";
    m += "Subject: Report " + std::to_string(i) + "\r\n";
    m += "Date: " + std::string(date) + "\r\n";
    m += "Message-ID: <" + std::to_string(i) + "@sender.example>\r\nMIME-Version: 1.0\r\n";
    std::string text = "Please see " + link_of(i) + " for the details.\r\n";
    if (!has_attachment(i)) return m + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + text;
    m += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
    m += "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\n" + text;
    m += "--" + boundary +
         "\r\nContent-Type: application/octet-stream\r\n"
         "Content-Disposition: attachment; filename=\"notes" +
         std::to_string(i % 6) + ".txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64(attachment_of(i)) + "\r\n--" + boundary + "--\r\n";
    return m;
}

struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::temp_directory_path() /
              ("kagami_hunt_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
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

// The history as an archive: one mbox of the first half, the rest as .eml files, and
// five messages delivered twice (a copy in a second folder).
fs::path write_history(const Scratch& s) {
    std::string mbox;
    for (int i = 0; i < kMessages / 2; ++i)
        mbox += "From sender@example Mon Jan  1 00:00:00 2024\n" + message(i) + "\n";
    s.write("archive/old.mbox", mbox);
    for (int i = kMessages / 2; i < kMessages; ++i)
        s.write("archive/recent/" + std::to_string(i) + ".eml", message(i));
    for (int i = 0; i < 5; ++i)
        s.write("archive/copies/" + std::to_string(i) + ".eml", message(i * 17));
    return s.dir / "archive";
}

Engine engine_with(const detect::ContentOptions& content) {
    auto load = detect::load_content(content);
    EXPECT_TRUE(load.errors.empty());
    EngineOptions o;
    o.detection = std::move(load.content);
    return Engine(std::move(o));
}

Engine plain_engine() {
    detect::ContentOptions c;
    c.rule_cache = "none";
    return engine_with(c);
}

class Hunt : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        if (std::string(GetParam()) == "postgresql") {
            auto pg = test::TestDatabase::postgres();
            KAGAMI_REQUIRE_POSTGRES(pg);
            db_.emplace(std::move(*pg));
        } else {
            db_.emplace(test::TestDatabase::sqlite());
        }
    }
    const std::string& target() const { return db_->target(); }

    store::Store open() {
        auto s = store::Store::open(target());
        EXPECT_TRUE(s) << s.error().message;
        return std::move(*s);
    }

    std::optional<test::TestDatabase> db_;
};

store::HuntSummary run_hunt(store::Store& s, const Engine& engine,
                            const std::vector<std::string>& paths, unsigned threads = 2) {
    auto config = s.config_id({"test", "r", "i", "p"});
    EXPECT_TRUE(config);
    store::HuntOptions o;
    o.paths = paths;
    o.threads = threads;
    o.batch_messages = 16;
    return store::hunt(s, engine, *config, o);
}

TEST_P(Hunt, StoresEachMessageOnceAndASecondRunScansNothing) {
    Scratch dir;
    auto archive = write_history(dir);
    auto engine = plain_engine();
    auto s = open();
    auto first = run_hunt(s, engine, {archive.string()});
    ASSERT_FALSE(first.failure) << first.failure->message;
    EXPECT_EQ(first.progress.read, std::uint64_t(kMessages + 5));
    EXPECT_EQ(first.progress.stored, std::uint64_t(kMessages));
    EXPECT_EQ(first.progress.known, 5u);  // the copies
    EXPECT_EQ(*s.message_count(), kMessages);
    std::string before = test::store_dump(s);

    auto second = run_hunt(s, engine, {archive.string()});
    ASSERT_FALSE(second.failure);
    EXPECT_EQ(second.progress.stored, 0u);
    EXPECT_EQ(second.progress.known, std::uint64_t(kMessages + 5));
    EXPECT_EQ(test::store_dump(s), before);

    // What the store keeps of one message: the facts and the typed indicators.
    auto id = s.find(core::sha256_hex(message(12)));
    ASSERT_TRUE(id && *id);
    auto sum = s.summaries({**id});
    ASSERT_TRUE(sum && sum->size() == 1);
    EXPECT_EQ((*sum)[0].sender, sender_of(12));
    EXPECT_EQ((*sum)[0].recipients, std::vector<std::string>{"staff0@agency.go.jp"});
    EXPECT_EQ((*sum)[0].subject, "Report 12");
    ASSERT_TRUE((*sum)[0].date);
    EXPECT_EQ(core::iso8601_utc(*(*sum)[0].date), "2024-01-01T03:00:00Z");
    EXPECT_NE(before.find("indicator " + core::sha256_hex(message(12)) + " url " + link_of(12)),
              std::string::npos);
    EXPECT_NE(before.find("indicator " + core::sha256_hex(message(12)) + " ipv4 " + ip_of(12) +
                          " Received"),
              std::string::npos);
    EXPECT_NE(before.find("indicator " + core::sha256_hex(message(12)) + " sha256 " +
                          core::sha256_hex(attachment_of(12)) + " notes0.txt"),
              std::string::npos);
}

TEST_P(Hunt, AFeedAddedLaterFindsExactlyTheMessagesHoldingItsIndicators) {
    Scratch dir;
    auto archive = write_history(dir);
    auto s = open();
    auto summary = run_hunt(s, plain_engine(), {archive.string()});
    ASSERT_FALSE(summary.failure);

    // Planted: a campaign domain (matched by its subdomains in links), a sending IP, a
    // sender address, an attachment hash. Near misses the store must not report: a
    // domain that only ends like the campaign's, an IP and a hash never sent.
    std::string feed = "campaign2.example\n" + ip_of(7) + "\n" + sender_of(10) + "\n" +
                       core::sha256_hex(attachment_of(4)) + "\nmpaign2.example\n" +
                       "198.51.100.77\n" + core::sha256_hex("never sent") + "\n";
    auto feed_file = dir.write("feed.txt", feed);
    std::set<std::string> expected;
    for (int i = 0; i < kMessages; ++i)
        if (i % 4 == 2 || i % 50 == 7 || sender_of(i) == sender_of(10) ||
            (has_attachment(i) && i % 9 == 4))
            expected.insert(core::sha256_hex(message(i)));
    ASSERT_GT(expected.size(), 20u);

    detect::intel::IndicatorSet set;
    auto report = set.load_file(feed_file, "advisory");
    ASSERT_EQ(report.indicators, 7u);
    auto hits = store::hunt_stored(s, set);
    ASSERT_TRUE(hits) << hits.error().message;
    std::set<std::string> found;
    for (const auto& h : *hits) {
        found.insert(h.message.sha256);
        EXPECT_EQ(h.feed, "advisory");
        EXPECT_NE(h.indicator, "mpaign2.example");
    }
    EXPECT_EQ(found, expected);

    // The same answer as scanning everything again with the feed.
    detect::ContentOptions content;
    content.rule_cache = "none";
    content.intel = {"advisory=" + feed_file};
    auto engine = engine_with(content);
    std::set<std::string> rescanned;
    for (int i = 0; i < kMessages; ++i) {
        ingest::RawMessage raw;
        raw.bytes = message(i);
        auto r = engine.scan(raw);
        for (const auto& f : r.findings)
            if (f.id.starts_with("intel.")) rescanned.insert(r.message_id);
    }
    EXPECT_EQ(rescanned, expected);
}

// The bundled lure (examples/07) with its password moved to a second mail.
struct SplitPassword {
    std::string archive_mail, password_mail;
};

SplitPassword split_password(const std::string& password_from, const std::string& password_date) {
    auto lure = test::read_file(test::source_dir() / "examples/07-lure-ja-encrypted-lnk.eml");
    const std::string sentence = "添付ファイルのパスワード：Quad2024!";
    auto at = lure.find(sentence);
    EXPECT_NE(at, std::string::npos);
    SplitPassword out;
    out.archive_mail = lure;
    out.archive_mail.replace(at, sentence.size(), "パスワードは別のメールでお送りします。");
    // The password mail: the lure's From and To, a later Date, and one line of text.
    std::string to;
    for (std::string_view name : {"\nTo: "}) {
        auto p = lure.find(name);
        to = lure.substr(p + 1, lure.find('\n', p + 1) - p - 1);
    }
    out.password_mail = "From: " + password_from + "\r\n" + to +
                        "\r\nSubject: パスワード\r\nDate: " + password_date +
                        "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n\r\n" +
                        sentence + "\r\n";
    return out;
}

std::string header_value(const std::string& mail, std::string_view name) {
    auto p = mail.find("\n" + std::string(name) + ": ");
    if (p == std::string::npos) return {};
    p += name.size() + 3;
    auto e = mail.find('\n', p);
    std::string v = mail.substr(p, e - p);
    if (!v.empty() && v.back() == '\r') v.pop_back();
    return v;
}

TEST_P(Hunt, APasswordSentInASecondMailOpensTheArchiveAndNamesThatMail) {
    auto lure = test::read_file(test::source_dir() / "examples/07-lure-ja-encrypted-lnk.eml");
    std::string from = header_value(lure, "From"), date = header_value(lure, "Date");
    ASSERT_FALSE(from.empty());
    ASSERT_FALSE(date.empty());
    auto when = detect::parse_mail_date(date);
    ASSERT_TRUE(when);
    auto later = [&](int seconds) {
        // RFC 5322 date in UTC, `seconds` after the lure's.
        std::time_t t = std::time_t(when->utc + seconds);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
        return std::string(buf);
    };
    auto engine = plain_engine();
    auto config = [&](store::Store& s) { return *s.config_id({"test", "r", "i", "p"}); };
    auto put = [&](store::Store& s, const std::string& bytes) {
        ingest::RawMessage raw;
        raw.bytes = bytes;
        raw.path = "inbox";
        auto r = engine.scan(raw);
        EXPECT_TRUE(s.db().begin());
        EXPECT_TRUE(*s.insert(store::make_record(r, raw, 8), config(s)));
        EXPECT_TRUE(s.db().commit());
        return r;
    };

    // Near misses first: the password from another sender, and one three days later.
    {
        auto s = open();
        auto other = split_password("someone@else.example", later(180));
        auto late = split_password(from, later(3 * 86400));
        put(s, other.archive_mail);
        put(s, other.password_mail);
        put(s, late.password_mail);
        auto unlocked = store::unlock_split_passwords(s, engine, config(s), std::chrono::hours(24));
        ASSERT_TRUE(unlocked);
        EXPECT_TRUE(unlocked->empty());
    }
    auto s = open();
    (void)s.db().exec(
        "DELETE FROM observation; DELETE FROM finding; DELETE FROM password; "
        "DELETE FROM recipient; DELETE FROM artifact; DELETE FROM message");
    auto mails = split_password(from, later(180));
    auto locked = put(s, mails.archive_mail);
    ASSERT_TRUE(test::find_finding(locked.findings, "archive.encrypted"));
    ASSERT_EQ(locked.artifacts.size(), 1u);  // the archive, nothing inside
    put(s, mails.password_mail);
    auto unlocked = store::unlock_split_passwords(s, engine, config(s), std::chrono::hours(24));
    ASSERT_TRUE(unlocked) << unlocked.error().message;
    ASSERT_EQ(unlocked->size(), 1u);
    EXPECT_EQ((*unlocked)[0].verdict, "malicious");
    auto sum = s.summaries({(*unlocked)[0].message, (*unlocked)[0].key_from});
    ASSERT_TRUE(sum && sum->size() == 2);
    EXPECT_EQ((*sum)[0].sha256, core::sha256_hex(mails.archive_mail));
    EXPECT_EQ((*sum)[0].verdict, "malicious");
    EXPECT_GT((*sum)[0].score, locked.score);
    ASSERT_TRUE((*sum)[0].key_from);
    EXPECT_EQ(*(*sum)[0].key_from, (*unlocked)[0].key_from);
    EXPECT_EQ((*sum)[1].sha256, core::sha256_hex(mails.password_mail));
    // The shortcut inside is stored now, and the finding names the key mail.
    std::string dump = test::store_dump(s);
    EXPECT_NE(dump.find("lnk_machine_id desktop-kagami1"), std::string::npos);
    EXPECT_NE(dump.find("archive.password_in_other_message the password came in message " +
                        core::sha256_hex(mails.password_mail)),
              std::string::npos);
    EXPECT_EQ(
        dump.find("finding " + core::sha256_hex(mails.archive_mail) + " 0 archive.encrypted "),
        std::string::npos);
    // Done once: a second pass finds nothing left to open.
    auto again = store::unlock_split_passwords(s, engine, config(s), std::chrono::hours(24));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty());
}

TEST_P(Hunt, AFileThatIsNotMailIsReportedAndTheRestStored) {
    Scratch dir;
    auto archive = write_history(dir);
    dir.write("archive/recent/zz-garbage.bin", std::string("\x7f"
                                                           "ELF\x02\x01\x01\0\0\0garbage",
                                                           18));
    auto s = open();
    auto engine = plain_engine();
    auto config = s.config_id({"test", "r", "i", "p"});
    store::HuntOptions o;
    o.paths = {archive.string()};
    o.threads = 2;
    std::vector<std::string> errors;
    o.on_error = [&](const Error& e) { errors.push_back(e.message); };
    auto summary = store::hunt(s, engine, *config, o);
    ASSERT_FALSE(summary.failure);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("zz-garbage.bin"), std::string::npos);
    EXPECT_EQ(summary.progress.errors, 1u);
    EXPECT_EQ(*s.message_count(), kMessages);
}

TEST_P(Hunt, AFullStoreStopsTheHuntAndTheNextRunCompletesIt) {
    if (std::string(GetParam()) != "sqlite") GTEST_SKIP() << "a page limit is SQLite's";
    Scratch dir;
    auto archive = write_history(dir);
    auto engine = plain_engine();
    std::string complete;
    {
        auto reference = test::TestDatabase::sqlite();
        auto r = store::Store::open(reference.target());
        ASSERT_TRUE(r);
        ASSERT_FALSE(run_hunt(*r, engine, {archive.string()}).failure);
        complete = test::store_dump(*r);
    }
    {
        auto s = open();
        // The file may not grow past a few pages more than the schema takes: as a full
        // disk does, SQLite answers SQLITE_FULL.
        std::int64_t pages = 0;
        ASSERT_TRUE(s.db().run("PRAGMA page_count", {}, [&](const store::Row& r) {
            pages = r.integer(0);
            return false;
        }));
        ASSERT_TRUE(s.db().exec("PRAGMA max_page_count = " + std::to_string(pages + 12)));
        auto summary = run_hunt(s, engine, {archive.string()});
        ASSERT_TRUE(summary.failure);
        EXPECT_NE(summary.failure->message.find("full"), std::string::npos)
            << summary.failure->message;
        EXPECT_LT(*s.message_count(), kMessages);
    }
    auto s = open();
    auto resumed = run_hunt(s, engine, {archive.string()});
    ASSERT_FALSE(resumed.failure);
    EXPECT_GT(resumed.progress.known, 0u);
    EXPECT_EQ(test::store_dump(s), complete);
}

TEST_P(Hunt, ALostServerStopsTheHuntAndTheNextRunCompletesIt) {
    if (std::string(GetParam()) != "postgresql") GTEST_SKIP() << "a server is PostgreSQL's";
    Scratch dir;
    auto archive = write_history(dir);
    auto engine = plain_engine();
    std::string complete;
    {
        auto reference = test::TestDatabase::postgres();
        ASSERT_TRUE(reference);
        auto r = store::Store::open(reference->target());
        ASSERT_TRUE(r);
        ASSERT_FALSE(run_hunt(*r, engine, {archive.string()}).failure);
        complete = test::store_dump(*r);
    }
    {
        auto s = open();
        auto admin = store::connect(target());
        ASSERT_TRUE(admin);
        auto config = s.config_id({"test", "r", "i", "p"});
        store::HuntOptions o;
        o.paths = {archive.string()};
        o.threads = 2;
        o.batch_messages = 8;
        bool terminated = false;
        // After the first commit, the server ends the hunt's session, as a restart or a
        // dropped network would.
        o.on_progress = [&](const store::HuntProgress& p) {
            if (terminated || p.stored == 0) return;
            terminated = true;
            (void)(*admin)->run(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid()");
        };
        auto summary = store::hunt(s, engine, *config, o);
        ASSERT_TRUE(terminated);
        ASSERT_TRUE(summary.failure);
        EXPECT_NE(summary.failure->message.find("lost the connection"), std::string::npos)
            << summary.failure->message;
    }
    auto s = open();
    auto stored = s.message_count();
    ASSERT_TRUE(stored);
    EXPECT_GT(*stored, 0);
    EXPECT_LT(*stored, kMessages);
    auto resumed = run_hunt(s, engine, {archive.string()});
    ASSERT_FALSE(resumed.failure);
    EXPECT_EQ(test::store_dump(s), complete);
}

INSTANTIATE_TEST_SUITE_P(Backends, Hunt, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace kagami
