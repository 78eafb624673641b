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
    for (const auto& [list, kind] : {std::pair{&m.to, "to"}, std::pair{&m.cc, "cc"}})
        for (const auto& a : *list) {
            const Param p[] = {*id, std::string_view(a), std::string_view(kind)};
            if (auto st = db_->run("INSERT INTO recipient (message, address, kind) VALUES ($1, "
                                   "$2, $3) ON CONFLICT DO NOTHING",
                                   p);
                !st)
                return st.error();
        }
    if (auto st = insert_rows(*id, m); !st) return st.error();
    return true;
}

Status Store::insert_rows(std::int64_t id, const MessageRecord& m) {
    for (std::size_t i = 0; i < m.artifacts.size(); ++i) {
        const auto& a = m.artifacts[i];
        const Param p[] = {id,
                           std::int64_t(i),
                           std::string_view(a.path),
                           std::string_view(a.name),
                           std::string_view(a.type),
                           std::int64_t(a.depth),
                           std::int64_t(a.size),
                           std::string_view(a.md5),
                           std::string_view(a.sha1),
                           std::string_view(a.sha256),
                           std::string_view(a.ssdeep),
                           std::string_view(a.tlsh)};
        if (auto s = db_->run("INSERT INTO artifact (message, ordinal, path, name, type, depth, "
                              "size, md5, sha1, sha256, ssdeep, tlsh) VALUES ($1, $2, $3, $4, "
                              "$5, $6, $7, $8, $9, $10, $11, $12)",
                              p);
            !s)
            return s;
    }
    for (std::size_t i = 0; i < m.findings.size(); ++i) {
        const auto& f = m.findings[i];
        std::string attack;
        for (const auto& t : f.attack) attack += (attack.empty() ? "" : ",") + t;
        const Param p[] = {id,
                           std::int64_t(i),
                           std::string_view(f.id),
                           std::string_view(f.title),
                           f.weight,
                           std::string_view(attack),
                           std::string_view(f.evidence),
                           std::string_view(f.where)};
        if (auto s = db_->run("INSERT INTO finding (message, ordinal, id, title, weight, attack, "
                              "evidence, location) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                              p);
            !s)
            return s;
    }
    for (const auto& pw : m.passwords) {
        const Param p[] = {id, std::string_view(pw)};
        if (auto s = db_->run("INSERT INTO password (message, password) VALUES ($1, $2) ON "
                              "CONFLICT DO NOTHING",
                              p);
            !s)
            return s;
    }
    for (const auto& ind : m.indicators) {
        const Param key[] = {std::string_view(ind.type), std::string_view(ind.value)};
        std::optional<std::int64_t> indicator;
        auto get = [&](const Row& r) {
            indicator = r.integer(0);
            return false;
        };
        // Most values are already there (the same domains in every mail): look first, so
        // that PostgreSQL does not spend a sequence number or write a row version.
        static constexpr std::string_view kSelect =
            "SELECT id FROM indicator WHERE type = $1 AND value = $2";
        if (auto s = db_->run(kSelect, key, get); !s) return s;
        if (!indicator) {
            if (auto s = db_->run("INSERT INTO indicator (type, value) VALUES ($1, $2) ON "
                                  "CONFLICT DO NOTHING RETURNING id",
                                  key, get);
                !s)
                return s;
            if (!indicator)  // another writer added it between the two statements
                if (auto s = db_->run(kSelect, key, get); !s) return s;
            if (!indicator) return Error{Errc::store, "indicator was not stored"};
        }
        const Param p[] = {id, *indicator, std::string_view(ind.where)};
        if (auto s = db_->run("INSERT INTO observation (message, indicator, location) VALUES "
                              "($1, $2, $3) ON CONFLICT DO NOTHING",
                              p);
            !s)
            return s;
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

namespace {

// The columns a MessageSummary is read from, prefixed "m.".
constexpr std::string_view kSummaryColumns =
    "m.id, m.sha256, m.source, m.source_index, m.date_utc, m.received_utc, m.sender, "
    "m.subject, m.verdict, m.score, m.key_from";

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

}  // namespace

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
