#include "store/store.h"

#include <map>

#include "store/schema.h"

namespace kagami::store {
namespace {

std::optional<std::int64_t> opt_integer(const Row& r, int c) {
    if (r.null(c)) return std::nullopt;
    return r.integer(c);
}

Param opt_param(const std::optional<std::int64_t>& v) {
    if (v) return *v;
    return nullptr;
}

// Rows of one table written with multi-row statements ("INSERT ... VALUES (..), (..)"),
// up to kRowsPerStatement at a time: one round trip to a PostgreSQL server per chunk
// instead of one per row. Each chunk size is its own prepared statement.
constexpr std::size_t kRowsPerStatement = 128;

class RowWriter {
public:
    /// `head`: "INSERT INTO t (a, b)"; `tail`: "ON CONFLICT DO NOTHING" or "".
    RowWriter(Connection& db, std::string_view head, std::size_t columns, std::string_view tail)
        : db_(db), head_(head), tail_(tail), columns_(columns) {}

    /// Adds one row of `columns` values (views must outlive flush()).
    Status row(std::initializer_list<Param> values) {
        params_.insert(params_.end(), values.begin(), values.end());
        if (params_.size() >= kRowsPerStatement * columns_) return flush();
        return {};
    }

    Status flush(const RowSink& rows = {}) {
        if (params_.empty()) return {};
        std::string sql = head_ + " VALUES ";
        std::size_t n = params_.size() / columns_;
        for (std::size_t r = 0, k = 1; r < n; ++r) {
            sql += r ? ", (" : "(";
            for (std::size_t c = 0; c < columns_; ++c, ++k)
                sql += (c ? ", $" : "$") + std::to_string(k);
            sql += ')';
        }
        if (!tail_.empty()) sql += " " + tail_;
        auto s = db_.run(sql, params_, rows);
        params_.clear();
        return s;
    }

private:
    Connection& db_;
    std::string head_, tail_;
    std::size_t columns_;
    std::vector<Param> params_;
};

}  // namespace

Result<Store> Store::open(const std::string& target) {
    auto db = connect(target);
    if (!db) return db.error();
    Store store(std::move(*db));
    auto version = migrate(store.db());
    if (!version) return version.error();
    store.found_version_ = *version;
    return store;
}

Result<std::int64_t> Store::config_id(const ScanConfig& c) {
    const Param params[] = {std::string_view(c.kagami_version), std::string_view(c.rules),
                            std::string_view(c.intel), std::string_view(c.policy)};
    std::optional<std::int64_t> id;
    auto get = [&](const Row& r) {
        id = r.integer(0);
        return false;
    };
    static constexpr std::string_view kSelect =
        "SELECT id FROM scan_config WHERE kagami_version = $1 AND rules = $2 AND intel = $3 "
        "AND policy = $4";
    if (auto s = db_->run(kSelect, params, get); !s) return s.error();
    if (id) return *id;
    if (auto s = db_->run("INSERT INTO scan_config (kagami_version, rules, intel, policy) "
                          "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                          params);
        !s)
        return s.error();
    if (auto s = db_->run(kSelect, params, get); !s) return s.error();
    if (!id) return Error{Errc::store, "scan configuration was not stored"};
    return *id;
}

Status Store::for_each_sha256(const std::function<void(std::string_view)>& fn) {
    return db_->run("SELECT sha256 FROM message", {}, [&](const Row& r) {
        fn(r.text(0));
        return true;
    });
}

Result<std::optional<std::int64_t>> Store::find(std::string_view sha256) {
    std::optional<std::int64_t> id;
    const Param p[] = {sha256};
    auto s = db_->run("SELECT id FROM message WHERE sha256 = $1", p, [&](const Row& r) {
        id = r.integer(0);
        return false;
    });
    if (!s) return s.error();
    return id;
}

Result<std::int64_t> Store::message_count() {
    std::int64_t n = 0;
    auto s = db_->run("SELECT count(*) FROM message", {}, [&](const Row& r) {
        n = r.integer(0);
        return false;
    });
    if (!s) return s.error();
    return n;
}

Result<bool> Store::insert(const MessageRecord& m, std::int64_t config) {
    const Param params[] = {std::string_view(m.sha256),
                            std::string_view(m.source),
                            std::int64_t(m.index),
                            std::int64_t(m.size),
                            opt_param(m.date),
                            opt_param(m.received),
                            std::string_view(m.sender),
                            std::string_view(m.sender_name),
                            std::string_view(m.subject),
                            std::string_view(m.header_message_id),
                            std::string_view(m.verdict),
                            m.score,
                            config,
                            std::int64_t(m.locked),
                            m.locked ? Param(Blob{m.raw}) : Param(nullptr)};
    std::optional<std::int64_t> id;
    auto s = db_->run(
        "INSERT INTO message (sha256, source, source_index, size, date_utc, received_utc, "
        "sender, sender_name, subject, header_message_id, verdict, score, config, locked, raw) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
        "ON CONFLICT (sha256) DO NOTHING RETURNING id",
        params, [&](const Row& r) {
            id = r.integer(0);
            return true;
        });
    if (!s) return s.error();
    if (!id) return false;
    RowWriter recipients(*db_, "INSERT INTO recipient (message, address, kind)", 3,
                         "ON CONFLICT DO NOTHING");
    for (const auto& [list, kind] : {std::pair{&m.to, "to"}, std::pair{&m.cc, "cc"}})
        for (const auto& a : *list)
            if (auto st = recipients.row({*id, std::string_view(a), std::string_view(kind)}); !st)
                return st.error();
    if (auto st = recipients.flush(); !st) return st.error();
    if (auto st = insert_rows(*id, m); !st) return st.error();
    return true;
}

Status Store::insert_rows(std::int64_t id, const MessageRecord& m) {
    RowWriter artifacts(*db_,
                        "INSERT INTO artifact (message, ordinal, path, name, type, depth, size, "
                        "md5, sha1, sha256, ssdeep, tlsh)",
                        12, "");
    for (std::size_t i = 0; i < m.artifacts.size(); ++i) {
        const auto& a = m.artifacts[i];
        if (auto s = artifacts.row(
                {id, std::int64_t(i), std::string_view(a.path), std::string_view(a.name),
                 std::string_view(a.type), std::int64_t(a.depth), std::int64_t(a.size),
                 std::string_view(a.md5), std::string_view(a.sha1), std::string_view(a.sha256),
                 std::string_view(a.ssdeep), std::string_view(a.tlsh)});
            !s)
            return s;
    }
    if (auto s = artifacts.flush(); !s) return s;

    std::vector<std::string> attacks;
    attacks.reserve(m.findings.size());
    for (const auto& f : m.findings) {
        std::string attack;
        for (const auto& t : f.attack) attack += (attack.empty() ? "" : ",") + t;
        attacks.push_back(std::move(attack));
    }
    RowWriter findings(
        *db_,
        "INSERT INTO finding (message, ordinal, id, title, weight, attack, evidence, location)", 8,
        "");
    for (std::size_t i = 0; i < m.findings.size(); ++i) {
        const auto& f = m.findings[i];
        if (auto s =
                findings.row({id, std::int64_t(i), std::string_view(f.id),
                              std::string_view(f.title), f.weight, std::string_view(attacks[i]),
                              std::string_view(f.evidence), std::string_view(f.where)});
            !s)
            return s;
    }
    if (auto s = findings.flush(); !s) return s;

    RowWriter passwords(*db_, "INSERT INTO password (message, password)", 2,
                        "ON CONFLICT DO NOTHING");
    for (const auto& pw : m.passwords)
        if (auto s = passwords.row({id, std::string_view(pw)}); !s) return s;
    if (auto s = passwords.flush(); !s) return s;

    // Indicators: add the values not stored yet, then read the ids of all of them, then
    // tie them to the message; three statements per chunk of values.
    for (std::size_t from = 0; from < m.indicators.size(); from += kRowsPerStatement) {
        std::size_t to = std::min(m.indicators.size(), from + kRowsPerStatement);
        RowWriter values(*db_, "INSERT INTO indicator (type, value)", 2, "ON CONFLICT DO NOTHING");
        // A join with the values rather than "(type, value) IN (...)", which SQLite runs
        // as a scan of the whole table.
        std::string in = "WITH v (t, x) AS (VALUES ";
        std::vector<Param> keys;
        for (std::size_t i = from; i < to; ++i) {
            const auto& ind = m.indicators[i];
            if (auto s = values.row({std::string_view(ind.type), std::string_view(ind.value)}); !s)
                return s;
            in += (i > from ? ", ($" : "($") + std::to_string(keys.size() + 1) + ", $" +
                  std::to_string(keys.size() + 2) + ")";
            keys.emplace_back(std::string_view(ind.type));
            keys.emplace_back(std::string_view(ind.value));
        }
        if (auto s = values.flush(); !s) return s;
        in +=
            ") SELECT i.id, i.type, i.value FROM v JOIN indicator i ON i.type = v.t AND "
            "i.value = v.x";
        std::map<std::pair<std::string, std::string>, std::int64_t> ids;
        if (auto s =
                db_->run(in, keys,
                         [&](const Row& r) {
                             ids[{std::string(r.text(1)), std::string(r.text(2))}] = r.integer(0);
                             return true;
                         });
            !s)
            return s;
        RowWriter observations(*db_, "INSERT INTO observation (message, indicator, location)", 3,
                               "ON CONFLICT DO NOTHING");
        for (std::size_t i = from; i < to; ++i) {
            const auto& ind = m.indicators[i];
            auto it = ids.find({ind.type, ind.value});
            if (it == ids.end()) return Error{Errc::store, "indicator was not stored"};
            if (auto s = observations.row({id, it->second, std::string_view(ind.where)}); !s)
                return s;
        }
        if (auto s = observations.flush(); !s) return s;
    }
    return {};
}

Status Store::delete_rows(std::int64_t id) {
    const Param p[] = {id};
    for (std::string_view sql :
         {"DELETE FROM artifact WHERE message = $1", "DELETE FROM finding WHERE message = $1",
          "DELETE FROM observation WHERE message = $1", "DELETE FROM password WHERE message = $1"})
        if (auto s = db_->run(sql, p); !s) return s;
    return {};
}

Status Store::replace_analysis(std::int64_t id, const MessageRecord& m, std::int64_t config,
                               std::optional<std::int64_t> key_from) {
    if (auto s = delete_rows(id); !s) return s;
    const Param p[] = {id,
                       std::string_view(m.verdict),
                       m.score,
                       config,
                       std::int64_t(m.locked),
                       m.locked ? Param(Blob{m.raw}) : Param(nullptr),
                       opt_param(key_from)};
    if (auto s = db_->run("UPDATE message SET verdict = $2, score = $3, config = $4, locked = $5, "
                          "raw = $6, key_from = $7 WHERE id = $1",
                          p);
        !s)
        return s;
    return insert_rows(id, m);
}

namespace {}  // namespace

MessageSummary summary_of(const Row& r) {
    MessageSummary m;
    m.id = r.integer(0);
    m.sha256 = r.text(1);
    m.source = r.text(2);
    m.index = long(r.integer(3));
    m.date = opt_integer(r, 4);
    m.received = opt_integer(r, 5);
    m.sender = r.text(6);
    m.subject = r.text(7);
    m.verdict = r.text(8);
    m.score = r.real(9);
    m.key_from = opt_integer(r, 10);
    return m;
}

Result<std::vector<MessageSummary>> Store::summaries(const std::vector<std::int64_t>& ids) {
    static const std::string kSelect =
        "SELECT " + std::string(kSummaryColumns) + " FROM message m WHERE m.id = $1";
    std::vector<MessageSummary> out;
    for (std::int64_t id : ids) {
        const Param p[] = {id};
        std::optional<MessageSummary> m;
        auto s = db_->run(kSelect, p, [&](const Row& r) {
            m = summary_of(r);
            return false;
        });
        if (!s) return s.error();
        if (!m) continue;
        s = db_->run("SELECT address FROM recipient WHERE message = $1 ORDER BY kind DESC, address",
                     p, [&](const Row& r) {
                         m->recipients.emplace_back(r.text(0));
                         return true;
                     });
        if (!s) return s.error();
        out.push_back(std::move(*m));
    }
    return out;
}

Status Store::observed_in(
    std::int64_t indicator,
    const std::function<void(const MessageSummary&, std::string_view where)>& fn) {
    const Param p[] = {indicator};
    std::map<std::int64_t, std::vector<std::string>> recipients;
    auto s = db_->run(
        "SELECT r.message, r.address FROM observation o JOIN recipient r ON r.message = "
        "o.message WHERE o.indicator = $1 GROUP BY r.message, r.kind, r.address "
        "ORDER BY r.message, r.kind DESC, r.address",
        p, [&](const Row& r) {
            recipients[r.integer(0)].emplace_back(r.text(1));
            return true;
        });
    if (!s) return s;
    static const std::string kSelect = "SELECT " + std::string(kSummaryColumns) +
                                       ", o.location FROM observation o JOIN message m ON m.id "
                                       "= o.message WHERE o.indicator = $1 ORDER BY m.id, "
                                       "o.location";
    return db_->run(kSelect, p, [&](const Row& r) {
        MessageSummary m = summary_of(r);
        if (auto it = recipients.find(m.id); it != recipients.end()) m.recipients = it->second;
        fn(m, r.text(11));
        return true;
    });
}

}  // namespace kagami::store
