// One small interface over the two databases the store runs on: SQLite (embedded, one
// file) and PostgreSQL (shared server). The store's SQL is written once, with $1..$n
// placeholders, and runs on both; each backend wraps its C library in its own folder
// (sqlite/, postgres/), the only files that include sqlite3.h or libpq-fe.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "kagami/result.h"

namespace kagami::store {

/// Success, or the error that stopped an operation.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return !error_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *error_; }

private:
    std::optional<Error> error_;
};

/// Bytes that are not text (a raw message): a BLOB in SQLite, a BYTEA in PostgreSQL.
struct Blob {
    std::string_view bytes;
};

/// One bound parameter: $1 is params[0].
using Param = std::variant<std::nullptr_t, std::int64_t, double, std::string_view, Blob>;

/// One result row; valid only inside the row callback.
class Row {
public:
    virtual ~Row() = default;
    virtual bool null(int column) const = 0;
    virtual std::int64_t integer(int column) const = 0;
    virtual double real(int column) const = 0;
    /// Text, or a blob's bytes (PostgreSQL BYTEA is decoded).
    virtual std::string_view text(int column) const = 0;
};

/// Called once per row; returning false stops the query early.
using RowSink = std::function<bool(const Row&)>;

enum class Dialect { sqlite, postgresql };

/// Failures the caller treats differently: a full disk or a lost server stops a hunt
/// (resumable); a constraint is a bug or a race.
enum class Failure { other, disk_full, connection_lost, busy };

/// One connection. Not thread-safe: one per thread.
class Connection {
public:
    virtual ~Connection() = default;

    virtual Dialect dialect() const = 0;

    /// Runs one or more statements without parameters (schema changes, PRAGMAs).
    virtual Status exec(std::string_view sql) = 0;

    /// Runs one statement with parameters; rows go to `rows`. Statements are prepared
    /// once per connection and reused (keyed by the SQL text).
    /// Portable SQL uses every $k given: PostgreSQL infers each parameter's type from
    /// where it is used and rejects one it cannot place (SQLite ignores it). On
    /// PostgreSQL, text must be valid UTF-8 without NUL (else an error; use Blob), and
    /// `rows` must not run another statement on this connection (an error).
    /// Rows stream one at a time; after `rows` returns false the rest is discarded
    /// (a plain SELECT outside a transaction is cancelled on the server).
    virtual Status run(std::string_view sql, std::span<const Param> params = {},
                       const RowSink& rows = {}) = 0;

    /// What kind of failure the last error was.
    virtual Failure last_failure() const = 0;

    Status begin() { return exec("BEGIN"); }
    Status commit() { return exec("COMMIT"); }
    Status rollback() { return exec("ROLLBACK"); }
};

/// Opens a store target: "postgresql://..." or "postgres://..." (libpq URI, also
/// "host=... dbname=..." keyword strings starting with "postgresql:") is PostgreSQL;
/// anything else is a SQLite file path (created when missing, WAL journal).
Result<std::unique_ptr<Connection>> connect(const std::string& target);

/// True when `target` names a PostgreSQL server.
bool is_postgresql(std::string_view target);

namespace detail {
Result<std::unique_ptr<Connection>> connect_sqlite(const std::string& path);
Result<std::unique_ptr<Connection>> connect_postgresql(const std::string& uri);
}  // namespace detail

}  // namespace kagami::store
