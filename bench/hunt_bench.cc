// Hunt throughput and re-hunt speed.
//
//   hunt_bench [--db TARGET] [--messages N] [--indicators N] CORPUS_DIR
//
// 1. Scans CORPUS_DIR into a fresh store on every core (kagami hunt's pipeline) and
//    prints messages/s and MB/s, next to the scan alone on the same cores.
// 2. Builds a store of N messages (default 100,000) from the corpus's own records, each
//    copy with its own id and fresh URLs and hosts, as years of mail would have.
// 3. Matches a feed of --indicators made-up indicators (default 100,000), with 100 values
//    taken from the store planted in it, against the stored indicators, and compares the
//    time with scanning the N messages again at the measured rate.
// TARGET defaults to a SQLite file in the temporary folder; a postgresql:// URL works.
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/hash.h"
#include "detect/detection.h"
#include "store/hunt.h"

namespace {

using namespace kagami;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string temp_db(const char* name) {
    auto p = std::filesystem::temp_directory_path() /
             (std::string("kagami_bench_") + name + "_" + std::to_string(::getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
    return p.string();
}

void remove_db(const std::string& target) {
    if (store::is_postgresql(target)) return;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(target + suffix);
}

// Clears a PostgreSQL store between phases (a SQLite store is a new file).
void empty_store(store::Store& s) {
    (void)s.db().exec(
        "DELETE FROM observation; DELETE FROM finding; DELETE FROM password; DELETE FROM "
        "recipient; DELETE FROM artifact; DELETE FROM message; DELETE FROM indicator");
}

}  // namespace

int main(int argc, char** argv) {
    std::string target, corpus;
    std::size_t messages = 100000, indicators = 100000;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--db") && i + 1 < argc)
            target = argv[++i];
        else if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
            messages = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--indicators") && i + 1 < argc)
            indicators = std::strtoull(argv[++i], nullptr, 10);
        else
            corpus = argv[i];
    }
    if (corpus.empty()) {
        std::fprintf(stderr,
                     "usage: hunt_bench [--db TARGET] [--messages N] [--indicators N] DIR\n");
        return 2;
    }
    const bool own_db = target.empty();
    auto load = detect::load_content({});
    EngineOptions options;
    options.detection = load.content;
    Engine engine(options);
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());

    // Read the corpus once into memory: the scan-only rate and the records to copy.
    std::vector<ingest::RawMessage> raws;
    std::size_t corpus_bytes = 0;
    ingest::read_path(
        corpus, {},
        [&](ingest::RawMessage&& m) {
            corpus_bytes += m.bytes.size();
            raws.push_back(std::move(m));
        },
        [](const Error&) {});
    if (raws.empty()) {
        std::fprintf(stderr, "hunt_bench: no messages in %s\n", corpus.c_str());
        return 2;
    }
    std::vector<store::MessageRecord> records(raws.size());
    auto t = Clock::now();
    {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (unsigned i = 0; i < threads; ++i)
            pool.emplace_back([&] {
                for (std::size_t k; (k = next++) < raws.size();)
                    records[k] = store::make_record(engine.scan(raws[k]), raws[k], 8);
            });
        for (auto& th : pool) th.join();
    }
    double scan_rate = double(raws.size()) / seconds_since(t);
    std::printf("scan       %zu messages, %.1f MB, %u threads: %.0f messages/s (no store)\n",
                raws.size(), double(corpus_bytes) / 1e6, threads, scan_rate);

    // 1. The hunt pipeline into a fresh store.
    double hunt_rate = 0;
    std::string hunt_target = own_db ? temp_db("hunt") : target;
    {
        auto s = store::Store::open(hunt_target);
        if (!s) {
            std::fprintf(stderr, "hunt_bench: %s\n", s.error().message.c_str());
            return 2;
        }
        if (!own_db) empty_store(*s);
        auto config = s->config_id({"bench", "bundled", "", "bundled"});
        store::HuntOptions o;
        o.paths = {corpus};
        t = Clock::now();
        auto summary = store::hunt(*s, engine, *config, o);
        double secs = seconds_since(t);
        if (summary.failure) {
            std::fprintf(stderr, "hunt_bench: %s\n", summary.failure->message.c_str());
            return 2;
        }
        hunt_rate = double(summary.progress.read) / secs;
        std::printf("hunt       %llu messages stored in %.2f s: %.0f messages/s, %.1f MB/s (%s)\n",
                    (unsigned long long)summary.progress.stored, secs,
                    double(summary.progress.read) / secs,
                    double(summary.progress.bytes) / 1e6 / secs,
                    store::is_postgresql(hunt_target) ? "postgresql" : "sqlite");
        if (own_db) remove_db(hunt_target);
    }

    // 2. A store of `messages` messages.
    std::string big_target = own_db ? temp_db("rehunt") : target;
    auto s = store::Store::open(big_target);
    if (!s) {
        std::fprintf(stderr, "hunt_bench: %s\n", s.error().message.c_str());
        return 2;
    }
    if (!own_db) empty_store(*s);
    auto config = s->config_id({"bench", "bundled", "", "bundled"});
    t = Clock::now();
    std::vector<std::string> rare, common;
    (void)s->db().begin();
    for (std::size_t k = 0; k < messages; ++k) {
        store::MessageRecord r = records[k % records.size()];
        std::size_t copy = k / records.size();
        r.sha256 = core::sha256_hex("bench message " + std::to_string(k));
        r.raw.clear();
        r.locked = false;
        for (auto& ind : r.indicators) {
            if (copy == 0) continue;
            if (ind.type == "url")
                ind.value +=
                    (ind.value.find('?') == std::string::npos ? "?m=" : "&m=") + std::to_string(k);
            else if (ind.type == "domain" && copy % 4 == 1)
                ind.value = "h" + std::to_string(k % 5000) + "." + ind.value;
        }
        // Values taken from the mail itself, planted in the feeds below: 100 links each
        // sent once (an advisory's usual hit), and 25 values of the types advisories list
        // as they come (some are in thousands of messages).
        if (k % (messages / 100 + 1) == 0) {
            static const char* kTypes[] = {"url", "domain", "ipv4", "sha256", "email"};
            std::string_view want = kTypes[common.size() % 5];
            bool rare_taken = false, common_taken = common.size() >= 25;
            for (const auto& ind : r.indicators) {
                if (!rare_taken && ind.type == "url" && copy > 0) {
                    rare.push_back(ind.value);
                    rare_taken = true;
                }
                if (!common_taken && ind.type == want) {
                    common.push_back(ind.value);
                    common_taken = true;
                }
            }
        }
        if (auto added = s->insert(r, *config); !added) {
            std::fprintf(stderr, "hunt_bench: %s\n", added.error().message.c_str());
            return 2;
        }
        if (k % 2000 == 1999) {
            (void)s->db().commit();
            (void)s->db().begin();
        }
    }
    (void)s->db().commit();
    std::int64_t distinct = 0;
    (void)s->db().run("SELECT count(*) FROM indicator", {}, [&](const store::Row& r) {
        distinct = r.integer(0);
        return false;
    });
    std::printf("store      %zu messages, %lld distinct indicators, written in %.1f s\n", messages,
                (long long)distinct, seconds_since(t));

    // 3. New feeds against the store: `indicators` made-up values of every type an
    // advisory lists, plus the planted ones.
    // Scanning again, at the rate of the scan alone (messages in memory, every core):
    // the fastest a rescan could be; a real one also reads the archive and writes.
    double rescan_secs = double(messages) / scan_rate;
    std::printf(
        "rescan     %zu messages would take %.1f s at the scan's %.0f messages/s, %.1f s "
        "at the hunt's %.0f\n",
        messages, rescan_secs, scan_rate, double(messages) / hunt_rate, hunt_rate);
    for (const auto* planted : {&rare, &common}) {
        t = Clock::now();
        detect::intel::IndicatorSet feed;
        detect::intel::Context context{"bench", {"Bench Actor"}, {}, {}, ""};
        char buf[128];
        for (std::size_t i = 0; i < indicators; ++i) {
            using detect::intel::IndicatorType;
            std::size_t h = i * 2654435761u;
            switch (i % 5) {
                case 0:
                    std::snprintf(buf, sizeof buf, "c2-%06zu-%08zx.bench.invalid", i, h);
                    feed.add(IndicatorType::domain, buf, context);
                    break;
                case 1:
                    std::snprintf(buf, sizeof buf, "http://dl-%08zx.bench.invalid/a/%zu", h, i);
                    feed.add(IndicatorType::url, buf, context);
                    break;
                case 2:
                    std::snprintf(buf, sizeof buf, "10.%zu.%zu.%zu", h & 255, (h >> 8) & 255,
                                  (h >> 16) & 255);
                    feed.add(IndicatorType::ipv4, buf, context);
                    break;
                case 3:
                    feed.add(IndicatorType::sha256, core::sha256_hex(std::to_string(i)), context);
                    break;
                default:
                    std::snprintf(buf, sizeof buf, "actor%zu@bench.invalid", i);
                    feed.add(IndicatorType::email, buf, context);
            }
        }
        for (const auto& v : *planted) feed.load_text(v, "bench");
        double load_secs = seconds_since(t);
        t = Clock::now();
        auto hits = store::hunt_stored(*s, feed);
        double hunt_secs = seconds_since(t);
        if (!hits) {
            std::fprintf(stderr, "hunt_bench: %s\n", hits.error().message.c_str());
            return 2;
        }
        std::printf(
            "re-hunt    %zu-indicator feed, %zu planted %s, %zu hits: %.3f s, %.0fx faster than "
            "the rescan (feed load %.2f s more)\n",
            feed.size(), planted->size(), planted == &rare ? "links sent once" : "common values",
            hits->size(), hunt_secs, rescan_secs / hunt_secs, load_secs);
    }
    if (own_db) remove_db(big_target);
    return 0;
}
