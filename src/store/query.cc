#include "store/query.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "detect/intel/indicators.h"

namespace kagami::store {
namespace {

using detect::intel::IndicatorType;

// A statement under construction: fixed SQL text, and every value the user gave bound
// as a parameter. Placeholders are numbered as values are bound, so PostgreSQL sees each
// $k it is given used exactly where it was added.
class Statement {
public:
    Statement() = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Binds `value` and returns its placeholder ("$3").
    std::string bind(std::string value) {
        owned_.push_back(std::move(value));  // a deque never moves its elements
        params_.emplace_back(std::string_view(owned_.back()));
        return placeholder();
    }
    std::string bind(std::int64_t value) {
        params_.emplace_back(value);
        return placeholder();
    }

    std::span<const Param> params() const { return params_; }

private:
    std::string placeholder() const { return "$" + std::to_string(params_.size()); }

    std::deque<std::string> owned_;
    std::vector<Param> params_;
};

// LIKE treats % and _ as wildcards; every backslash-escaped character is literal.
std::string like_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

constexpr std::string_view kEscape = " ESCAPE '\\'";

std::string like(Statement& st, std::string_view column, std::string pattern) {
    return std::string(column) + " LIKE " + st.bind(std::move(pattern)) + std::string(kEscape);
}

// "user@example.jp" exactly, or "@example.jp" / "example.jp": that domain and its
// subdomains. `column` holds lower-case addresses (make_record lower-cases them).
Result<std::string> address_condition(Statement& st, std::string_view column,
                                      std::string_view value, std::string_view what) {
    std::string v = core::to_lower(core::trim(value));
    if (core::istarts_with(v, "mailto:")) v.erase(0, 7);
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    std::size_t at = v.find('@');
    if (at != std::string::npos && at > 0) {
        if (at + 1 == v.size())
            return Error{Errc::config, std::string(what) + ": no domain in \"" + v + "\""};
        return std::string(column) + " = " + st.bind(v);
    }
    std::string domain = at == 0 ? v.substr(1) : v;
    while (!domain.empty() && domain.front() == '.') domain.erase(0, 1);
    if (domain.empty() || domain.find('@') != std::string::npos)
        return Error{Errc::config, std::string(what) + ": expected an address or @domain, got \"" +
                                       std::string(value) + "\""};
    // "%@mofa.go.jp" and "%@%.mofa.go.jp": never "x@mofa.go.jp.evil.example" nor
    // "x@notmofa.go.jp".
    return "(" + like(st, column, "%@" + like_escape(domain)) + " OR " +
           like(st, column, "%@%." + like_escape(domain)) + ")";
}

// What the indicator filter becomes: stored (type, value) pairs, domains whose
// subdomains match too, and a hash to look for among artifacts.
struct IndicatorForms {
    std::string raw;  ///< as given (analyzer values: lnk_machine_id, pe_imphash, ...)
    std::vector<std::pair<std::string, std::string>> exact;
    std::vector<std::string> domains;
    std::optional<std::pair<std::string_view, std::string>> artifact_hash;  ///< column, hex
};

IndicatorForms indicator_forms(std::string_view value) {
    IndicatorForms f;
    f.raw = std::string(core::trim(value));
    std::string refanged = detect::intel::refang(f.raw);
    static constexpr IndicatorType kTypes[] = {
        IndicatorType::domain, IndicatorType::url,    IndicatorType::ipv4,
        IndicatorType::ipv6,   IndicatorType::email,  IndicatorType::md5,
        IndicatorType::sha1,   IndicatorType::sha256, IndicatorType::file_name};
    for (IndicatorType t : kTypes) {
        auto n = detect::intel::normalise(t, refanged);
        if (!n) continue;
        if (t == IndicatorType::domain) f.domains.push_back(*n);
        if (t == IndicatorType::md5) f.artifact_hash = {{"md5", *n}};
        if (t == IndicatorType::sha1) f.artifact_hash = {{"sha1", *n}};
        if (t == IndicatorType::sha256) f.artifact_hash = {{"sha256", *n}};
        std::pair<std::string, std::string> p{std::string(detect::intel::type_name(t)),
                                              std::move(*n)};
        if (std::find(f.exact.begin(), f.exact.end(), p) == f.exact.end())
            f.exact.push_back(std::move(p));
    }
    return f;
}

// A condition on indicator `i` (joined to observation `o`) for the stored rows the
// filter names.
std::string indicator_row_condition(Statement& st, const IndicatorForms& f) {
    std::string sql = "(i.value = " + st.bind(f.raw);
    for (const auto& [type, value] : f.exact)
        sql += " OR (i.type = " + st.bind(type) + " AND i.value = " + st.bind(value) + ")";
    for (const auto& d : f.domains)
        sql += " OR (i.type = " + st.bind(std::string("domain")) + " AND " +
               like(st, "i.value", "%." + like_escape(d)) + ")";
    return sql + ")";
}

Result<std::pair<std::string_view, std::string>> artifact_hash(std::string_view value) {
    std::string v(core::trim(value));
    for (auto [type, column] : {std::pair{IndicatorType::md5, std::string_view("md5")},
                                std::pair{IndicatorType::sha1, std::string_view("sha1")},
                                std::pair{IndicatorType::sha256, std::string_view("sha256")}})
        if (auto n = detect::intel::normalise(type, v)) return std::pair{column, std::move(*n)};
    return Error{Errc::config, "artifact hash: not an MD5, SHA-1 or SHA-256 (hex): \"" + v + "\""};
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

// The WHERE clause (on message `m`), ORDER BY and LIMIT of a filter.
Result<std::string> filter_sql(Statement& st, const MessageFilter& f, Dialect dialect) {
    std::vector<std::string> where;
    if (!f.verdicts.empty()) {
        std::string in;
        for (const auto& v : f.verdicts)
            in += (in.empty() ? "" : ", ") + st.bind(core::to_lower(core::trim(v)));
        where.push_back("m.verdict IN (" + in + ")");
    }
    static constexpr std::string_view kTime = "coalesce(m.date_utc, m.received_utc)";
    if (f.since) where.push_back(std::string(kTime) + " >= " + st.bind(*f.since));
    if (f.until) where.push_back(std::string(kTime) + " <= " + st.bind(*f.until));
    if (!f.sender.empty()) {
        auto c = address_condition(st, "m.sender", f.sender, "sender");
        if (!c) return c.error();
        where.push_back(std::move(*c));
    }
    if (!f.recipient.empty()) {
        auto c = address_condition(st, "r.address", f.recipient, "recipient");
        if (!c) return c.error();
        where.push_back("EXISTS (SELECT 1 FROM recipient r WHERE r.message = m.id AND " + *c + ")");
    }
    if (!f.indicator.empty()) {
        IndicatorForms forms = indicator_forms(f.indicator);
        if (forms.raw.empty()) return Error{Errc::config, "indicator: empty value"};
        // Uncorrelated: the indicator table is read once (its index for exact values),
        // not every message's observations.
        std::string c =
            "(m.id IN (SELECT o.message FROM indicator i JOIN observation o ON o.indicator = "
            "i.id WHERE " +
            indicator_row_condition(st, forms) + ")";
        // Stores written by hand or before artifact hashes became indicators.
        if (forms.artifact_hash)
            c += " OR EXISTS (SELECT 1 FROM artifact a WHERE a.message = m.id AND a." +
                 std::string(forms.artifact_hash->first) + " = " +
                 st.bind(forms.artifact_hash->second) + ")";
        where.push_back(c + ")");
    }
    if (!f.artifact_hash.empty()) {
        auto h = artifact_hash(f.artifact_hash);
        if (!h) return h.error();
        where.push_back("EXISTS (SELECT 1 FROM artifact a WHERE a.message = m.id AND a." +
                        std::string(h->first) + " = " + st.bind(std::move(h->second)) + ")");
    }
    if (!f.finding.empty()) {
        std::string id(core::trim(f.finding));
        std::string c = "EXISTS (SELECT 1 FROM finding f WHERE f.message = m.id AND ";
        if (id.size() > 2 && id.ends_with(".*")) {
            // substr, not LIKE: SQLite's LIKE ignores case and YARA rule names have it.
            id.pop_back();
            c += "substr(f.id, 1, " + st.bind(std::int64_t(utf8_length(id))) +
                 ") = " + st.bind(id) + ")";
        } else {
            if (id.empty() || id.find('*') != std::string::npos)
                return Error{Errc::config,
                             "finding: expected an id or a prefix like "
                             "\"archive.*\", got \"" +
                                 f.finding + "\""};
            c += "f.id = " + st.bind(id) + ")";
        }
        where.push_back(std::move(c));
    }
    if (!f.subject.empty()) {
        // Both ignore ASCII case: SQLite's LIKE does, PostgreSQL's ILIKE does.
        std::string op = dialect == Dialect::postgresql ? " ILIKE " : " LIKE ";
        where.push_back("m.subject" + op + st.bind("%" + like_escape(f.subject) + "%") +
                        std::string(kEscape));
    }

    std::string sql;
    for (const auto& w : where) sql += (sql.empty() ? " WHERE " : " AND ") + w;
    // Undated messages last on both backends (NULLs sort first in SQLite, last in PG).
    sql += " ORDER BY " + std::string(kTime) + " IS NULL, " + std::string(kTime) + ", m.id";
    if (f.limit > 0) {
        auto n = std::min<std::size_t>(f.limit, std::numeric_limits<std::int64_t>::max());
        sql += " LIMIT " + st.bind(std::int64_t(n));
    }
    return sql;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int days_in_month(std::int64_t y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `s[at]`.
std::optional<int> digits(std::string_view s, std::size_t& at, std::size_t n) {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    at += n;
    return v;
}

bool take(std::string_view s, std::size_t& at, char c) {
    if (at < s.size() && s[at] == c) {
        ++at;
        return true;
    }
    return false;
}

}  // namespace

std::optional<std::int64_t> parse_utc_time(std::string_view text, bool end_of_day) {
    std::string_view s = core::trim(text);
    std::size_t at = 0;
    auto year = digits(s, at, 4);
    if (!year || !take(s, at, '-')) return std::nullopt;
    auto month = digits(s, at, 2);
    if (!month || *month < 1 || *month > 12 || !take(s, at, '-')) return std::nullopt;
    auto day = digits(s, at, 2);
    if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
    std::int64_t days = days_from_civil(*year, *month, *day);
    if (at == s.size()) return days * 86400 + (end_of_day ? 86399 : 0);

    if (!take(s, at, 'T') && !take(s, at, 't') && !take(s, at, ' ')) return std::nullopt;
    auto hour = digits(s, at, 2);
    if (!hour || *hour > 23 || !take(s, at, ':')) return std::nullopt;
    auto minute = digits(s, at, 2);
    if (!minute || *minute > 59) return std::nullopt;
    int second = 0;
    if (take(s, at, ':')) {
        auto sec = digits(s, at, 2);
        if (!sec || *sec > 60) return std::nullopt;  // 60: a leap second
        second = *sec;
        if (take(s, at, '.') || take(s, at, ',')) {
            std::size_t start = at;
            while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
            if (at == start) return std::nullopt;
        }
    }
    std::int64_t offset = 0;
    bool zulu = take(s, at, 'Z') || take(s, at, 'z');
    if (!zulu && at < s.size() && (s[at] == '+' || s[at] == '-')) {
        int sign = s[at] == '-' ? -1 : 1;
        ++at;
        auto oh = digits(s, at, 2);
        if (!oh || *oh > 23) return std::nullopt;
        take(s, at, ':');
        auto om = digits(s, at, 2);
        if (!om || *om > 59) return std::nullopt;
        offset = sign * (*oh * 3600 + *om * 60);
    }
    if (at != s.size()) return std::nullopt;
    return days * 86400 + *hour * 3600 + *minute * 60 + second - offset;
}

Result<std::vector<MessageSummary>> find_messages(Store& store, const MessageFilter& filter) {
    Connection& db = store.db();
    Statement st;
    auto tail = filter_sql(st, filter, db.dialect());
    if (!tail) return tail.error();

    std::vector<MessageSummary> out;
    std::unordered_map<std::int64_t, std::size_t> position;
    auto s = db.run("SELECT " + std::string(kSummaryColumns) + " FROM message m" + *tail,
                    st.params(), [&](const Row& r) {
                        MessageSummary m = summary_of(r);
                        position.emplace(m.id, out.size());
                        out.push_back(std::move(m));
                        return true;
                    });
    if (!s) return s.error();
    if (out.empty()) return out;

    // The recipients of the same messages in one more statement (not one per message:
    // a round trip each to a PostgreSQL server). Rows of messages stored in between
    // are skipped.
    s = db.run(
        "SELECT r.message, r.address FROM recipient r WHERE r.message IN (SELECT m.id FROM "
        "message m" +
            *tail + ") ORDER BY r.message, r.kind DESC, r.address",
        st.params(), [&](const Row& r) {
            if (auto it = position.find(r.integer(0)); it != position.end())
                out[it->second].recipients.emplace_back(r.text(1));
            return true;
        });
    if (!s) return s.error();
    return out;
}

Result<MessageDetail> message_detail(Store& store, const MessageSummary& summary,
                                     const MessageFilter& filter) {
    Connection& db = store.db();
    MessageDetail d;
    d.summary = summary;
    const Param id[] = {summary.id};
    if (summary.key_from) {
        const Param key[] = {*summary.key_from};
        auto s = db.run("SELECT sha256 FROM message WHERE id = $1", key, [&](const Row& r) {
            d.key_from_sha256 = std::string(r.text(0));
            return false;
        });
        if (!s) return s.error();
    }
    auto s = db.run(
        "SELECT id, title, weight, attack, evidence, location FROM finding WHERE message = $1 "
        "ORDER BY ordinal",
        id, [&](const Row& r) {
            Finding f;
            f.id = r.text(0);
            f.title = r.text(1);
            f.weight = r.real(2);
            f.attack = split_attack(r.text(3));
            f.evidence = r.text(4);
            f.where = r.text(5);
            d.findings.push_back(std::move(f));
            return true;
        });
    if (!s) return s.error();
    s = db.run(
        "SELECT path, name, type, depth, size, md5, sha1, sha256 FROM artifact WHERE message = "
        "$1 ORDER BY ordinal",
        id, [&](const Row& r) {
            StoredArtifact a;
            a.path = r.text(0);
            a.name = r.text(1);
            a.type = r.text(2);
            a.depth = r.integer(3);
            a.size = r.integer(4);
            a.md5 = r.text(5);
            a.sha1 = r.text(6);
            a.sha256 = r.text(7);
            d.artifacts.push_back(std::move(a));
            return true;
        });
    if (!s) return s.error();
    if (!filter.indicator.empty()) {
        IndicatorForms forms = indicator_forms(filter.indicator);
        if (!forms.raw.empty()) {
            Statement st;
            std::string sql =
                "SELECT i.type, i.value, o.location FROM observation o JOIN indicator i ON "
                "i.id = o.indicator WHERE o.message = " +
                st.bind(summary.id) + " AND " + indicator_row_condition(st, forms) +
                " ORDER BY i.type, i.value, o.location";
            s = db.run(sql, st.params(), [&](const Row& r) {
                d.matched.push_back(
                    {std::string(r.text(0)), std::string(r.text(1)), std::string(r.text(2))});
                return true;
            });
            if (!s) return s.error();
        }
    }
    return d;
}

}  // namespace kagami::store
