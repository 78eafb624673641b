#include "store/hunt.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include "core/hash.h"
#include "core/text.h"
#include "core/time.h"
#include "score/score.h"

namespace kagami::store {
namespace {

// A queue between pipeline threads; push blocks while full, so memory stays bounded
// however large the archive.
template <typename T>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

    bool push(T&& item) {
        std::unique_lock lock(mu_);
        not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
        if (closed_) return false;
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }

    /// Waits up to `timeout`; nullopt when nothing came (or the queue is closed and empty).
    std::optional<T> pop(std::chrono::milliseconds timeout = std::chrono::hours(24)) {
        std::unique_lock lock(mu_);
        not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    /// No more pushes; pops drain what is left.
    void close() {
        std::lock_guard lock(mu_);
        closed_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

    bool drained() {
        std::lock_guard lock(mu_);
        return closed_ && items_.empty();
    }

private:
    std::size_t capacity_;
    std::mutex mu_;
    std::condition_variable not_full_, not_empty_;
    std::deque<T> items_;
    bool closed_ = false;
};

struct StopReading {};

// The first 128 bits of a message id: enough to tell messages apart (a collision among
// billions is less likely than a flipped bit on disk), half the memory of the whole id.
struct IdKey {
    std::uint64_t hi = 0, lo = 0;
    bool operator==(const IdKey&) const = default;
};
struct IdKeyHash {
    std::size_t operator()(const IdKey& k) const { return std::size_t(k.hi ^ (k.lo * 31)); }
};

IdKey id_key(std::string_view hex) {
    IdKey k;
    for (std::size_t i = 0; i < 32 && i < hex.size(); ++i) {
        std::uint64_t& half = i < 16 ? k.hi : k.lo;
        half = (half << 4) | std::uint64_t(core::hex_value(hex[i]) & 0xf);
    }
    return k;
}

Error store_failure(const Error& e, Connection& db) {
    switch (db.last_failure()) {
        case Failure::disk_full:
            return Error{Errc::store, "the disk holding the store is full (" + e.message + ")"};
        case Failure::connection_lost:
            return Error{Errc::store, "lost the connection to the store (" + e.message + ")"};
        default:
            return e;
    }
}

}  // namespace

std::uint64_t archive_bytes(const std::vector<std::string>& paths) {
    namespace fs = std::filesystem;
    std::uint64_t total = 0;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            total += fs::file_size(p, ec);
            continue;
        }
        if (!fs::is_directory(p, ec)) continue;
        for (fs::recursive_directory_iterator
                 it(p, fs::directory_options::skip_permission_denied, ec),
             end;
             !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

HuntSummary hunt(Store& store, const Engine& engine, std::int64_t config, const HuntOptions& o) {
    HuntSummary summary;
    const auto start = std::chrono::steady_clock::now();
    summary.progress.total_bytes = archive_bytes(o.paths);

    // What is stored already, and what this run has taken: a message met again is
    // skipped, so the copy met first is the one stored, however the threads run.
    std::unordered_set<IdKey, IdKeyHash> known;
    if (auto s = store.for_each_sha256([&](std::string_view h) { known.insert(id_key(h)); }); !s) {
        summary.failure = store_failure(s.error(), store.db());
        return summary;
    }

    const unsigned threads =
        o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    BoundedQueue<ingest::RawMessage> to_scan(threads * 4);
    BoundedQueue<MessageRecord> to_store(std::max<std::size_t>(o.batch_messages, 64));
    std::atomic<bool> failed{false};
    std::atomic<std::uint64_t> read{0}, bytes{0}, skipped{0}, errors{0};
    std::mutex failure_mu;
    const std::size_t max_passwords = engine.options().limits.max_password_candidates;

    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i)
        workers.emplace_back([&] {
            while (auto raw = to_scan.pop()) {
                if (failed) continue;  // drain
                ScanResult r = engine.scan(*raw);
                if (!to_store.push(make_record(r, *raw, max_passwords))) failed = true;
            }
        });

    std::thread writer([&] {
        Store& db = store;
        std::size_t in_batch = 0;
        auto batch_start = std::chrono::steady_clock::now();
        auto report = [&] {
            if (!o.on_progress) return;
            HuntProgress p = summary.progress;
            p.read = read;
            p.bytes = bytes;
            p.known = skipped;
            p.errors = errors;
            p.elapsed = std::chrono::steady_clock::now() - start;
            o.on_progress(p);
        };
        auto fail = [&](const Error& e) {
            std::lock_guard lock(failure_mu);
            if (!summary.failure) summary.failure = store_failure(e, db.db());
            failed = true;
            to_scan.close();
            to_store.close();
        };
        auto commit = [&] {
            if (in_batch == 0) return true;
            if (auto s = db.db().commit(); !s) {
                (void)db.db().rollback();
                fail(s.error());
                return false;
            }
            in_batch = 0;
            report();
            return true;
        };
        for (;;) {
            auto rec = to_store.pop(o.batch_time);
            if (failed) break;
            if (!rec) {
                if (!commit()) break;
                if (to_store.drained()) break;
                continue;
            }
            if (in_batch == 0) {
                if (auto s = db.db().begin(); !s) {
                    fail(s.error());
                    break;
                }
                batch_start = std::chrono::steady_clock::now();
            }
            ++in_batch;
            auto added = db.insert(*rec, config);
            if (!added) {
                (void)db.db().rollback();
                fail(added.error());
                break;
            }
            if (*added)
                ++summary.progress.stored;
            else
                ++skipped;  // the same message twice in this hunt
            if (in_batch >= o.batch_messages ||
                std::chrono::steady_clock::now() - batch_start >= o.batch_time)
                if (!commit()) break;
        }
        if (!failed) (void)commit();
        // Whatever is still queued after a failure is dropped: it was not committed, and
        // the next run scans it again.
        while (to_store.pop(std::chrono::milliseconds(0))) {
        }
    });

    ingest::ReadOptions read_options = o.read;
    try {
        for (const auto& path : o.paths) {
            ingest::read_path(
                path, read_options,
                [&](ingest::RawMessage&& msg) {
                    if (failed || (o.stop && o.stop->load())) throw StopReading{};
                    ++read;
                    bytes += msg.bytes.size();
                    if (!known.insert(id_key(core::sha256_hex(msg.bytes))).second) {
                        ++skipped;
                        return;
                    }
                    if (!to_scan.push(std::move(msg))) throw StopReading{};
                },
                [&](const Error& e) {
                    ++errors;
                    if (o.on_error) o.on_error(e);
                });
        }
    } catch (const StopReading&) {
        summary.interrupted = o.stop && o.stop->load() && !failed;
    }
    to_scan.close();
    for (auto& t : workers) t.join();
    to_store.close();
    writer.join();

    summary.progress.read = read;
    summary.progress.bytes = bytes;
    summary.progress.known = skipped;
    summary.progress.errors = errors;
    summary.progress.elapsed = std::chrono::steady_clock::now() - start;
    if (o.on_progress) o.on_progress(summary.progress);
    return summary;
}

// ---- hunting stored indicators --------------------------------------------------------

Result<std::vector<HuntHit>> hunt_stored(Store& store, const detect::intel::IndicatorSet& feed) {
    using detect::intel::IndicatorType;
    static constexpr IndicatorType kTypes[] = {
        IndicatorType::domain, IndicatorType::url,    IndicatorType::ipv4,
        IndicatorType::ipv6,   IndicatorType::email,  IndicatorType::md5,
        IndicatorType::sha1,   IndicatorType::sha256, IndicatorType::file_name};
    struct Matched {
        std::int64_t id;
        std::string type, value, indicator;
        const detect::intel::Context* context;
    };
    std::vector<Matched> matched;
    for (auto t : kTypes) {
        std::size_t in_feed = feed.count(t);
        if (in_feed == 0) continue;
        std::string_view type = detect::intel::type_name(t);
        const Param p[] = {type};
        // Values compared whole (not domains, which match their subdomains, nor IPs,
        // which match networks) can be looked up one by one in the store's index; that
        // is cheaper than reading every stored value when the feed has far fewer.
        bool whole =
            t != IndicatorType::domain && t != IndicatorType::ipv4 && t != IndicatorType::ipv6;
        std::int64_t stored = 0;
        if (whole) {
            auto s = store.db().run("SELECT count(*) FROM indicator WHERE type = $1", p,
                                    [&](const Row& r) {
                                        stored = r.integer(0);
                                        return false;
                                    });
            if (!s) return s.error();
        }
        if (whole && std::int64_t(in_feed) * 8 < stored) {
            std::vector<std::pair<std::string, const detect::intel::Context*>> values;
            feed.for_each(t, [&](std::string_view v, const detect::intel::Context& c) {
                values.emplace_back(v, &c);
            });
            for (const auto& entry : values) {  // not a structured binding: lambdas capture it
                const Param key[] = {type, std::string_view(entry.first)};
                auto s =
                    store.db().run("SELECT id FROM indicator WHERE type = $1 AND value = $2", key,
                                   [&](const Row& r) {
                                       matched.push_back({r.integer(0), std::string(type),
                                                          entry.first, entry.first, entry.second});
                                       return false;
                                   });
                if (!s) return s.error();
            }
            continue;
        }
        // Otherwise one pass over the stored values of the type, each looked up in the feed.
        auto s =
            store.db().run("SELECT id, value FROM indicator WHERE type = $1", p, [&](const Row& r) {
                std::string indicator;
                std::string_view value = r.text(1);
                if (const auto* c = feed.find_normalised(t, value, &indicator))
                    matched.push_back({r.integer(0), std::string(type), std::string(value),
                                       std::move(indicator), c});
                return true;
            });
        if (!s) return s.error();
    }
    Status s;

    std::vector<HuntHit> hits;
    for (const auto& m : matched) {
        s = store.observed_in(m.id, [&](const MessageSummary& message, std::string_view where) {
            HuntHit h;
            h.message = message;
            h.indicator = m.indicator;
            h.observed = m.value;
            h.type = m.type;
            h.where = where;
            h.feed = m.context->feed;
            h.actors = m.context->actors;
            h.malware = m.context->malware;
            h.campaigns = m.context->campaigns;
            hits.push_back(std::move(h));
        });
        if (!s) return s.error();
    }
    auto time = [](const MessageSummary& m) {
        return m.date ? *m.date : m.received ? *m.received : std::int64_t(0);
    };
    std::stable_sort(hits.begin(), hits.end(), [&](const HuntHit& a, const HuntHit& b) {
        auto ta = time(a.message), tb = time(b.message);
        return std::tie(ta, a.message.id, a.type, a.observed, a.where) <
               std::tie(tb, b.message.id, b.type, b.observed, b.where);
    });
    return hits;
}

// ---- passwords sent separately ---------------------------------------------------------

namespace {

constexpr FindingKind kPasswordInOtherMessage{
    "archive.password_in_other_message",
    "The encrypted archive opens with a password sent in a separate mail by the same sender "
    "to the same recipients: split delivery keeps gateways from reading the archive",
    "T1027.013,T1566.001"};

// A password mail may be written a little before the archive mail's Date (clocks, or
// the sender's client stamping the time the draft was started).
constexpr std::int64_t kClockSlack = 300;

std::vector<std::string> recipients_of(Store& store, std::int64_t id, Status& status) {
    std::vector<std::string> out;
    const Param p[] = {id};
    status =
        store.db().run("SELECT address FROM recipient WHERE message = $1", p, [&](const Row& r) {
            out.emplace_back(r.text(0));
            return true;
        });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

Result<std::vector<Unlocked>> unlock_split_passwords(Store& store, const Engine& engine,
                                                     std::int64_t config,
                                                     std::chrono::seconds window) {
    struct Locked {
        std::int64_t id, time;
        std::string sender, raw, source;
        long index;
    };
    std::vector<Locked> locked;
    auto s = store.db().run(
        "SELECT id, coalesce(date_utc, received_utc), sender, raw, source, source_index FROM "
        "message WHERE locked = 1 AND sender <> '' AND raw IS NOT NULL AND "
        "coalesce(date_utc, received_utc) IS NOT NULL ORDER BY id",
        {}, [&](const Row& r) {
            locked.push_back({r.integer(0), r.integer(1), std::string(r.text(2)),
                              std::string(r.text(3)), std::string(r.text(4)), long(r.integer(5))});
            return true;
        });
    if (!s) return s.error();

    std::vector<Unlocked> out;
    for (const auto& a : locked) {
        Status st;
        auto a_recipients = recipients_of(store, a.id, st);
        if (!st) return st.error();
        struct Candidate {
            std::int64_t id, time;
            std::string sha256, subject;
        };
        std::vector<Candidate> candidates;
        const Param p[] = {std::string_view(a.sender), a.id, a.time - kClockSlack,
                           a.time + std::int64_t(window.count())};
        s = store.db().run(
            "SELECT id, coalesce(date_utc, received_utc), sha256, subject FROM message m WHERE "
            "sender = $1 AND id <> $2 AND coalesce(date_utc, received_utc) BETWEEN $3 AND $4 "
            "AND EXISTS (SELECT 1 FROM password p WHERE p.message = m.id) "
            "ORDER BY coalesce(date_utc, received_utc), id",
            p, [&](const Row& r) {
                candidates.push_back(
                    {r.integer(0), r.integer(1), std::string(r.text(2)), std::string(r.text(3))});
                return true;
            });
        if (!s) return s.error();
        std::int64_t locked_before = 0;
        const Param ap[] = {a.id};
        s = store.db().run(
            "SELECT count(*) FROM finding WHERE message = $1 AND id = 'archive.encrypted'", ap,
            [&](const Row& r) {
                locked_before = r.integer(0);
                return false;
            });
        if (!s) return s.error();
        for (const auto& b : candidates) {
            if (recipients_of(store, b.id, st) != a_recipients) continue;
            if (!st) return st.error();
            std::vector<std::string> passwords;
            const Param bp[] = {b.id};
            s = store.db().run("SELECT password FROM password WHERE message = $1", bp,
                               [&](const Row& r) {
                                   passwords.emplace_back(r.text(0));
                                   return true;
                               });
            if (!s) return s.error();
            ingest::RawMessage raw;
            raw.bytes = a.raw;
            raw.path = a.source;
            raw.index = a.index;
            ScanResult r = engine.scan(raw, passwords);
            auto encrypted = [](const std::vector<Finding>& fs) {
                return std::count_if(fs.begin(), fs.end(),
                                     [](const Finding& f) { return f.id == "archive.encrypted"; });
            };
            // Opened: fewer archives stay locked than with the message's own passwords.
            if (encrypted(r.findings) >= locked_before) continue;
            std::string when = core::iso8601_utc(b.time);
            r.findings.push_back(make_finding(kPasswordInOtherMessage,
                                              "the password came in message " + b.sha256 + " (" +
                                                  when + ", \"" + b.subject.substr(0, 120) + "\")",
                                              ""));
            auto scored = score::score(std::move(r.findings), *engine.options().policy);
            r.verdict = scored.verdict;
            r.score = scored.score;
            r.findings = std::move(scored.findings);
            MessageRecord rec =
                make_record(r, raw, engine.options().limits.max_password_candidates);
            if (auto b1 = store.db().begin(); !b1) return b1.error();
            if (auto up = store.replace_analysis(a.id, rec, config, b.id); !up) {
                (void)store.db().rollback();
                return up.error();
            }
            if (auto c = store.db().commit(); !c) return c.error();
            out.push_back({a.id, b.id, rec.verdict});
            break;
        }
    }
    return out;
}

}  // namespace kagami::store
