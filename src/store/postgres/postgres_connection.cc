// PostgreSQL backend (libpq): the shared server several hunters write to at once.
// Statements are prepared once per connection; each later run() is one round trip
// (Bind/Execute/Sync in one packet). Rows stream in single-row mode, so a query over
// millions of rows holds one row at a time. Results come back in text format: a
// BYTEA column arrives as "\x<hex>" and Row::text() decodes it.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/connection.h"

namespace kagami::store::detail {
namespace {

constexpr Oid kByteaOid = 17;  // pg_type.oid of bytea (catalog constant)
constexpr Oid kBoolOid = 16;

// ---- messages: a password given in the target never reaches a log -------------------

// `target` without its password: "postgresql://user:pw@host/db" -> "postgresql://user@
// host/db"; "password=..." (URI query or keyword string) -> "password=***".
std::string redact(std::string_view target) {
    std::string out(target);
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        std::size_t start = scheme + 3;
        std::size_t end = out.find_first_of("/?", start);
        if (end == std::string::npos) end = out.size();
        std::size_t at = out.rfind('@', end);
        if (at != std::string::npos && at >= start) {
            std::size_t colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
        }
    }
    for (std::size_t pos = 0; (pos = out.find("password", pos)) != std::string::npos;) {
        std::size_t eq = pos + 8;
        while (eq < out.size() && out[eq] == ' ') ++eq;
        if (eq >= out.size() || out[eq] != '=') {
            pos += 8;
            continue;
        }
        std::size_t value = eq + 1;
        while (value < out.size() && out[value] == ' ') ++value;
        std::size_t end = value;
        if (end < out.size() && out[end] == '\'') {  // quoted keyword value
            for (++end; end < out.size() && out[end] != '\''; ++end)
                if (out[end] == '\\') ++end;
            if (end < out.size()) ++end;
        } else {
            while (end < out.size() && out[end] != ' ' && out[end] != '&') ++end;
        }
        out.replace(value, std::min(end, out.size()) - value, "***");
        pos = value + 3;
    }
    return out;
}

// libpq's messages end in a newline and continue on tab-indented lines: one line.
std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\n' || c == '\t' || c == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// The password as libpq will use it (decoded), so it can be masked in libpq's messages.
std::string password_of(const char* conninfo) {
    std::string password;
    PQconninfoOption* options = PQconninfoParse(conninfo, nullptr);
    if (!options) return password;
    for (PQconninfoOption* o = options; o->keyword; ++o)
        if (std::strcmp(o->keyword, "password") == 0 && o->val) password = o->val;
    PQconninfoFree(options);
    return password;
}

std::string mask(std::string text, const std::string& secret) {
    if (secret.size() < 3) return text;  // too short to find without mangling the text
    for (std::size_t pos = 0; (pos = text.find(secret, pos)) != std::string::npos; pos += 3)
        text.replace(pos, secret.size(), "***");
    return text;
}

// ---- values ------------------------------------------------------------------------

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// BYTEA in text format: "\x0aff..." (bytea_output=hex, the default since 9.0), or the
// old escape format when a server is configured for it.
std::string decode_bytea(std::string_view text) {
    std::string out;
    if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
        out.reserve((text.size() - 2) / 2);
        for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
            int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
            if (hi < 0 || lo < 0) break;
            out += char(hi << 4 | lo);
        }
        return out;
    }
    std::string nul_terminated(text);
    std::size_t n = 0;
    unsigned char* bytes =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(nul_terminated.c_str()), &n);
    if (bytes) {
        out.assign(reinterpret_cast<const char*>(bytes), n);
        PQfreemem(bytes);
    }
    return out;
}

class PostgresRow final : public Row {
public:
    PostgresRow(const PGresult* result, int row)
        : result_(result), row_(row), columns_(PQnfields(result)) {}

    bool null(int c) const override { return !valid(c) || PQgetisnull(result_, row_, c); }

    std::int64_t integer(int c) const override {
        std::string_view t = raw(c);
        if (t.empty()) return 0;
        if (PQftype(result_, c) == kBoolOid) return t[0] == 't' ? 1 : 0;
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        // "12.5" (numeric) or "1e3" (float8): as SQLite does, the real value truncated.
        if (ec != std::errc() || end != t.data() + t.size()) {
            double d = real(c);
            if (d != d) return 0;
            if (d >= 9.2233720368547758e18) return INT64_MAX;
            if (d <= -9.2233720368547758e18) return INT64_MIN;
            return std::int64_t(d);
        }
        return v;
    }

    double real(int c) const override {
        std::string_view t = raw(c);
        double v = 0;
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    }

    std::string_view text(int c) const override {
        if (!valid(c) || PQftype(result_, c) != kByteaOid) return raw(c);
        for (const auto& [column, bytes] : decoded_)
            if (column == c) return bytes;
        return decoded_.emplace_back(c, decode_bytea(raw(c))).second;
    }

private:
    bool valid(int c) const { return c >= 0 && c < columns_; }
    std::string_view raw(int c) const {
        if (!valid(c) || PQgetisnull(result_, row_, c)) return {};
        return {PQgetvalue(result_, row_, c), std::size_t(PQgetlength(result_, row_, c))};
    }

    const PGresult* result_;
    int row_;
    int columns_;
    // Decoded BYTEA columns, valid as long as the row (the callback). A deque: a later
    // column must not move the bytes an earlier text() returned.
    mutable std::deque<std::pair<int, std::string>> decoded_;
};

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A plain SELECT outside a transaction block may be cancelled when the caller stops
// early; anything else (INSERT ... RETURNING, a SELECT inside BEGIN) is read to its end,
// since a cancel would undo the write or abort the transaction.
bool starts_with_select(std::string_view sql) {
    std::size_t i = sql.find_first_not_of(" \t\r\n(");
    if (i == std::string_view::npos || sql.size() - i < 6) return false;
    static constexpr char kSelect[] = "select";
    for (std::size_t k = 0; k < 6; ++k)
        if ((sql[i + k] | 0x20) != kSelect[k]) return false;
    return true;
}

// ---- the connection ----------------------------------------------------------------

class PostgresConnection final : public Connection {
public:
    PostgresConnection(PGconn* conn, std::string password)
        : conn_(conn), password_(std::move(password)) {}
    ~PostgresConnection() override {
        if (cancel_) PQfreeCancel(cancel_);
        PQfinish(conn_);
    }

    Dialect dialect() const override { return Dialect::postgresql; }

    Status exec(std::string_view sql) override {
        if (in_run_) return misuse();
        if (PQstatus(conn_) == CONNECTION_BAD) return lost();
        std::string text(sql);
        ResultPtr result(PQexec(conn_, text.c_str()));
        return check(result.get());
    }

    Status run(std::string_view sql, std::span<const Param> params, const RowSink& rows) override {
        if (in_run_) return misuse();
        if (PQstatus(conn_) == CONNECTION_BAD) return lost();
        if (params.size() > 65535) return fail_other("more than 65535 parameters");

        const std::string* name = nullptr;
        auto it = statements_.find(sql);
        if (it != statements_.end()) {
            name = &it->second;
        } else {
            std::string key(sql);
            std::string new_name = "k" + std::to_string(++prepared_);
            // Types left to the server: it infers each $k from where it is used.
            ResultPtr result(
                PQprepare(conn_, new_name.c_str(), key.c_str(), int(params.size()), nullptr));
            if (Status s = check(result.get()); !s) return s;
            name = &statements_.emplace(std::move(key), std::move(new_name)).first->second;
        }

        if (Status s = bind(params); !s) return s;
        bool may_cancel = PQtransactionStatus(conn_) == PQTRANS_IDLE && starts_with_select(sql);
        if (!PQsendQueryPrepared(conn_, name->c_str(), int(params.size()), values_.data(),
                                 lengths_.data(), formats_.data(), 0))
            return fail_connection();
        PQsetSingleRowMode(conn_);  // on failure rows still come, all in one result

        in_run_ = true;
        Status status;
        bool stopped = false;
        // Reads every result to the end whatever happens (even a throwing sink), so that
        // the connection is ready for the next statement.
        struct Drain {
            PostgresConnection& self;
            ~Drain() {
                while (PGresult* r = PQgetResult(self.conn_)) PQclear(r);
                self.in_run_ = false;
            }
        } drain{*this};
        while (PGresult* raw = PQgetResult(conn_)) {
            ResultPtr result(raw);
            ExecStatusType st = PQresultStatus(raw);
            if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
                int n = PQntuples(raw);
                // One row per result in single-row mode; all of them if the mode was refused.
                for (int i = 0; i < n && !stopped && rows; ++i) {
                    PostgresRow row(raw, i);
                    stopped = !rows(row);
                    if (stopped && may_cancel) cancel();
                }
            } else if (st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY && status.ok()) {
                // After a cancel we asked for, "canceling statement" is not an error.
                if (!(stopped && may_cancel && sqlstate(raw) == "57014")) status = check(raw);
            }
        }
        if (status.ok() && PQstatus(conn_) == CONNECTION_BAD) return lost();
        return status;
    }

    Failure last_failure() const override { return failure_; }

private:
    // Fills values_/lengths_/formats_ for params. Text format for numbers and text (the
    // server parses them as whatever type the statement needs); binary for blobs, whose
    // bytes are then sent as they are, NULs included.
    Status bind(std::span<const Param> params) {
        std::size_t n = params.size();
        values_.assign(n, nullptr);
        lengths_.assign(n, 0);
        formats_.assign(n, 0);
        // Text values need a NUL terminator: copies into one buffer, offsets first, as
        // the buffer may move while it grows.
        buffer_.clear();
        std::vector<std::size_t>& offsets = offsets_;
        offsets.assign(n, std::string::npos);
        for (std::size_t i = 0; i < n; ++i) {
            const Param& p = params[i];
            if (auto* v = std::get_if<std::int64_t>(&p)) {
                offsets[i] = buffer_.size();
                char tmp[24];
                auto end = std::to_chars(tmp, tmp + sizeof tmp, *v).ptr;
                buffer_.append(tmp, end);
                buffer_ += '\0';
            } else if (auto* d = std::get_if<double>(&p)) {
                offsets[i] = buffer_.size();
                char tmp[32];
                auto end = std::to_chars(tmp, tmp + sizeof tmp, *d).ptr;  // round-trips
                buffer_.append(tmp, end);
                buffer_ += '\0';
            } else if (auto* s = std::get_if<std::string_view>(&p)) {
                // PostgreSQL text cannot hold NUL: refuse rather than cut the value.
                if (s->find('\0') != std::string_view::npos)
                    return fail_other("text parameter $" + std::to_string(i + 1) +
                                      " contains a NUL byte (use a Blob)");
                offsets[i] = buffer_.size();
                buffer_.append(*s);
                buffer_ += '\0';
            } else if (auto* b = std::get_if<Blob>(&p)) {
                static const char empty = 0;
                values_[i] = b->bytes.data() ? b->bytes.data() : &empty;
                lengths_[i] = int(std::min<std::size_t>(b->bytes.size(), INT32_MAX));
                if (b->bytes.size() > std::size_t(INT32_MAX))
                    return fail_other("blob parameter $" + std::to_string(i + 1) +
                                      " is larger than 2 GiB");
                formats_[i] = 1;
            }
        }
        for (std::size_t i = 0; i < n; ++i)
            if (offsets[i] != std::string::npos) values_[i] = buffer_.data() + offsets[i];
        return {};
    }

    void cancel() {
        if (!cancel_) cancel_ = PQgetCancel(conn_);
        char ignored[256];
        if (cancel_) PQcancel(cancel_, ignored, sizeof ignored);
    }

    static std::string sqlstate(const PGresult* r) {
        const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        return s ? s : "";
    }

    // Ok for a successful result; otherwise the error, classified.
    Status check(const PGresult* r) {
        if (!r) return fail_connection();
        switch (PQresultStatus(r)) {
            case PGRES_COMMAND_OK:
            case PGRES_TUPLES_OK:
            case PGRES_SINGLE_TUPLE:
            case PGRES_EMPTY_QUERY:
                return {};
            default:
                break;
        }
        std::string state = sqlstate(r);
        const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        std::string what = primary ? primary : one_line(PQresultErrorMessage(r));
        if (what.empty()) what = one_line(PQerrorMessage(conn_));
        failure_ = classify(state);
        return error(what);
    }

    Failure classify(const std::string& state) const {
        if (PQstatus(conn_) == CONNECTION_BAD) return Failure::connection_lost;
        if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03")
            return Failure::connection_lost;
        // Class 53 is "insufficient resources": only 53100 means the disk is full.
        if (state == "53100") return Failure::disk_full;
        if (state == "40001" || state == "40P01" || state == "55P03") return Failure::busy;
        return Failure::other;
    }

    Status fail_connection() {
        failure_ = classify("");
        std::string what = one_line(PQerrorMessage(conn_));
        return error(what.empty() ? "the statement could not be sent" : what);
    }
    Status lost() {
        failure_ = Failure::connection_lost;
        return error("the connection to the server is lost");
    }
    Status misuse() {
        failure_ = Failure::other;
        return error("a statement ran from inside a row callback (not supported)");
    }
    Status fail_other(std::string what) {
        failure_ = Failure::other;
        return error(what);
    }
    Status error(const std::string& what) const {
        return Error{Errc::store, "postgresql: " + mask(what, password_)};
    }

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    PGconn* conn_;
    PGcancel* cancel_ = nullptr;
    std::string password_;
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> statements_;
    unsigned prepared_ = 0;
    Failure failure_ = Failure::other;
    bool in_run_ = false;
    // Reused between runs: no allocation per statement once warm.
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    std::vector<std::size_t> offsets_;
    std::string buffer_;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect_postgresql(const std::string& uri) {
    // "postgresql:host=... dbname=..." is a keyword string behind the scheme name.
    std::string conninfo = uri;
    for (std::string_view scheme : {"postgresql:", "postgres:"})
        if (uri.starts_with(scheme) && uri.compare(scheme.size(), 2, "//") != 0) {
            conninfo = uri.substr(scheme.size());
            break;
        }
    std::string shown = redact(uri);

    char* parse_error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
    if (!parsed) {
        std::string what = parse_error ? one_line(parse_error) : "cannot parse";
        PQfreemem(parse_error);
        return Error{Errc::config, shown + ": " + what};
    }
    PQconninfoFree(parsed);
    std::string password = password_of(conninfo.c_str());

    // Keywords before "dbname" are defaults the target may override; those after it
    // are imposed (the store reads and writes UTF-8).
    const char* keys[] = {
        "application_name", "connect_timeout", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "dbname",          "client_encoding", nullptr};
    const char* values[] = {"kagami", "10", "60", "10", "6", conninfo.c_str(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (!conn) return Error{Errc::store, shown + ": could not connect: out of memory"};
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string what = mask(one_line(PQerrorMessage(conn)), password);
        PQfinish(conn);
        return Error{Errc::store, shown + ": could not connect: " + what};
    }
    // Notices ("relation already exists, skipping") are not errors: not printed.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<Connection>(
        std::make_unique<PostgresConnection>(conn, std::move(password)));
}

}  // namespace kagami::store::detail
