// SQLite backend: one file, WAL journal so that readers (kagami query) run beside a
// hunt, and synchronous=NORMAL: a power cut may lose the last transactions, never
// corrupt the file, and a resumed hunt scans those messages again.
#include <sqlite3.h>

#include <string>
#include <unordered_map>

#include "store/connection.h"

namespace kagami::store::detail {
namespace {

class SqliteRow final : public Row {
public:
    explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
    bool null(int c) const override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
    std::int64_t integer(int c) const override { return sqlite3_column_int64(stmt_, c); }
    double real(int c) const override { return sqlite3_column_double(stmt_, c); }
    std::string_view text(int c) const override {
        const void* p = sqlite3_column_blob(stmt_, c);
        int n = sqlite3_column_bytes(stmt_, c);
        return p ? std::string_view(static_cast<const char*>(p), std::size_t(n))
                 : std::string_view();
    }

private:
    sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sqlite3* db) : db_(db) {}
    ~SqliteConnection() override {
        for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    Dialect dialect() const override { return Dialect::sqlite; }

    Status exec(std::string_view sql) override {
        std::string text(sql);
        char* message = nullptr;
        int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
        if (rc == SQLITE_OK) return {};
        std::string what = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return fail(rc, what);
    }

    Status run(std::string_view sql, std::span<const Param> params, const RowSink& rows) override {
        sqlite3_stmt* stmt = nullptr;
        auto it = statements_.find(sql);
        if (it != statements_.end()) {
            stmt = it->second;
        } else {
            int rc = sqlite3_prepare_v3(db_, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                        &stmt, nullptr);
            if (rc != SQLITE_OK) return fail(rc, sqlite3_errmsg(db_));
            statements_.emplace(std::string(sql), stmt);
        }
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{stmt};
        for (std::size_t i = 0; i < params.size(); ++i) {
            std::string name = "$" + std::to_string(i + 1);
            int index = sqlite3_bind_parameter_index(stmt, name.c_str());
            if (index == 0) continue;  // a parameter the statement does not use
            int rc = std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::nullptr_t>)
                        return sqlite3_bind_null(stmt, index);
                    else if constexpr (std::is_same_v<T, std::int64_t>)
                        return sqlite3_bind_int64(stmt, index, v);
                    else if constexpr (std::is_same_v<T, double>)
                        return sqlite3_bind_double(stmt, index, v);
                    else if constexpr (std::is_same_v<T, std::string_view>)
                        return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_STATIC,
                                                   SQLITE_UTF8);
                    else
                        return sqlite3_bind_blob64(stmt, index, v.bytes.data(), v.bytes.size(),
                                                   SQLITE_STATIC);
                },
                params[i]);
            if (rc != SQLITE_OK) return fail(rc, sqlite3_errmsg(db_));
        }
        SqliteRow row(stmt);
        for (;;) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) return {};
            if (rc != SQLITE_ROW) return fail(rc, sqlite3_errmsg(db_));
            if (rows && !rows(row)) return {};
        }
    }

    Failure last_failure() const override { return failure_; }

private:
    Status fail(int rc, std::string what) {
        switch (rc & 0xff) {
            case SQLITE_FULL:
                failure_ = Failure::disk_full;
                break;
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                failure_ = Failure::busy;
                break;
            case SQLITE_IOERR:
            case SQLITE_CANTOPEN:
                failure_ = Failure::connection_lost;
                break;
            default:
                failure_ = Failure::other;
        }
        return Error{Errc::store, "sqlite: " + what};
    }

    // Transparent lookup: run() is called with string_views of constant SQL.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
    Failure failure_ = Failure::other;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect_sqlite(const std::string& path) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string what = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return Error{Errc::store, path + ": " + what};
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 30000);
    auto conn = std::make_unique<SqliteConnection>(db);
    // journal_mode answers with a row; exec() ignores it.
    // A 64 MB page cache and reads through a memory map of up to 2 GB (SQLite's default
    // ceiling): hunts read large indicator ranges.
    if (auto s = conn->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                            "PRAGMA cache_size=-65536; PRAGMA mmap_size=2147418112;");
        !s)
        return Error{Errc::store, path + ": " + s.error().message};
    // A file that is not a database fails here, not at the first query.
    if (auto s = conn->run("SELECT count(*) FROM sqlite_schema", {}, {}); !s)
        return Error{Errc::store, path + ": " + s.error().message};
    return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace kagami::store::detail
