// `kagami hunt` as users run it: killed with SIGKILL at random points over a real
// corpus and run again, the store ends equal to one from an uninterrupted run; a feed
// given later reports its hits as text and as JSON lines.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/hash.h"
#include "support/cli_run.h"
#include "support/store_dump.h"
#include "support/test_database.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

// Starts `kagami hunt --db DB PATHS...` with its output thrown away; returns the pid.
pid_t start_hunt(const std::string& db, const std::vector<std::string>& paths) {
    std::vector<std::string> args = {"kagami", "hunt",          "--db", db,   "--progress",
                                     "none",   "--rules-cache", "none", "-j", "2"};
    args.insert(args.end(), paths.begin(), paths.end());
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(KAGAMI_BINARY, argv.data());
        ::_exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// A real corpus, in a stable order: part of phishing_pot plus the bundled mbox.
std::vector<std::string> corpus() {
    std::vector<std::string> files;
    fs::path dir = test::corpora_dir() / "phishing_pot/email";
    if (!fs::is_directory(dir)) return files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    files.resize(std::min<std::size_t>(files.size(), 300));
    files.push_back((test::source_dir() / "examples/archive.mbox").string());
    return files;
}

class HuntCli : public ::testing::TestWithParam<const char*> {
protected:
    std::optional<test::TestDatabase> fresh() {
        if (std::string(GetParam()) == "postgresql") return test::TestDatabase::postgres();
        return test::TestDatabase::sqlite();
    }
};

TEST_P(HuntCli, KilledAtRandomPointsAndResumedTheStoreEqualsAnUninterruptedRun) {
    auto paths = corpus();
    if (paths.size() < 100) GTEST_SKIP() << "phishing_pot corpus not found";
    auto reference = fresh();
    KAGAMI_REQUIRE_POSTGRES(reference);
    ASSERT_EQ(wait_exit(start_hunt(reference->target(), paths)), 0);
    auto ref = store::Store::open(reference->target());
    ASSERT_TRUE(ref);
    std::string expected = test::store_dump(*ref);
    auto total = *ref->message_count();
    ASSERT_GT(total, 250);

    auto db = fresh();
    ASSERT_TRUE(db);
    // Random points in the hunt: the number of stored messages at which it is killed,
    // watched through a second connection (timings would vary with the machine).
    std::random_device seed_source;
    unsigned seed = seed_source();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int64_t> step(1, 60);
    std::uniform_int_distribution<int> pause(0, 150);
    std::unique_ptr<store::Connection> watcher;
    auto stored = [&] {
        std::int64_t n = 0;
        if (!watcher)
            if (auto c = store::connect(db->target())) watcher = std::move(*c);
        if (watcher && !watcher->run("SELECT count(*) FROM message", {}, [&](const store::Row& r) {
                n = r.integer(0);
                return false;
            }))
            watcher.reset();  // the hunt has not made the tables yet
        return n;
    };
    int kills = 0, mid_run = 0;
    for (int round = 0; round < 4; ++round) {
        // Soon after the next commits, while there is more to do.
        std::int64_t target = std::min(stored() + step(rng), total - 60);
        pid_t pid = start_hunt(db->target(), paths);
        for (;;) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) break;  // it finished first
            if (stored() >= target) {
                // Then a little later: inside the next transaction, or between two.
                std::this_thread::sleep_for(std::chrono::milliseconds(pause(rng)));
                if (::kill(pid, SIGKILL) == 0) ++kills;
                wait_exit(pid);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        auto n = stored();
        if (n > 0 && n < total) ++mid_run;
        std::printf("round %d: killed at %lld, %lld of %lld messages stored\n", round,
                    (long long)target, (long long)n, (long long)total);
    }
    ASSERT_EQ(wait_exit(start_hunt(db->target(), paths)), 0);
    auto s = store::Store::open(db->target());
    ASSERT_TRUE(s);
    EXPECT_EQ(test::store_dump(*s), expected) << "seed " << seed;
    EXPECT_GT(kills, 0);
    EXPECT_GT(mid_run, 0) << "no kill landed mid-hunt (seed " << seed << ")";
}

INSTANTIATE_TEST_SUITE_P(Backends, HuntCli, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return std::string(param_info.param); });

using Run = test::CliRun;

Run kagami(const std::string& args) {
    return test::run_kagami(args);
}

TEST(HuntCliOutput, AFeedGivenLaterPrintsEachHitAsTextAndAsJsonLines) {
    auto db = test::TestDatabase::sqlite();
    auto ingest = kagami("hunt --db '" + db.target() + "' --rules-cache none examples/");
    ASSERT_EQ(ingest.status, 0) << ingest.err;
    EXPECT_NE(ingest.err.find("stored"), std::string::npos);
    EXPECT_NE(ingest.err.find("progress read="), std::string::npos);  // not a terminal

    // The remote-template host of examples/08 and the shortcut's machine id of 07 are
    // not intel types; the template's IP is.
    fs::path feed = fs::temp_directory_path() / ("kagami_hunt_feed_" + std::to_string(::getpid()));
    std::ofstream(feed) << "203.0.113.7\nnever-sent.example\n";
    auto text = kagami("hunt --db '" + db.target() +
                       "' --rules-cache none --intel advisory=" + feed.string());
    EXPECT_EQ(text.status, 1) << text.err;
    EXPECT_NE(text.out.find("ipv4 203.0.113.7"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("08-lure-en-remote-template.eml"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("[feed advisory]"), std::string::npos) << text.out;

    auto json = kagami("hunt --db '" + db.target() +
                       "' --rules-cache none --format json --intel advisory=" + feed.string());
    EXPECT_EQ(json.status, 1);
    auto line = nlohmann::json::parse(json.out.substr(0, json.out.find('\n')));
    auto scan =
        kagami("scan --format json --rules-cache none examples/08-lure-en-remote-template.eml");
    auto scanned = nlohmann::json::parse(scan.out.substr(0, scan.out.find('\n')));
    EXPECT_EQ(line["message_id"], scanned["message_id"]);
    EXPECT_EQ(line["source"], scanned["source"]);
    EXPECT_EQ(line["indicator"], "203.0.113.7");
    EXPECT_EQ(line["type"], "ipv4");
    EXPECT_EQ(line["feed"], "advisory");
    EXPECT_FALSE(line["where"].get<std::string>().empty());

    // A feed with nothing stored in it: exit 0, no output.
    std::ofstream(feed) << "never-sent.example\n";
    auto none =
        kagami("hunt --db '" + db.target() + "' --rules-cache none --intel " + feed.string());
    EXPECT_EQ(none.status, 0);
    EXPECT_TRUE(none.out.empty());
    fs::remove(feed);

    // Usage errors.
    EXPECT_EQ(kagami("hunt --db '" + db.target() + "'").status, 2);
    EXPECT_EQ(kagami("hunt --db /nonexistent/dir/x.db examples/").status, 2);
}

}  // namespace
}  // namespace kagami
