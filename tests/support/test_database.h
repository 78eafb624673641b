// A fresh, empty database per test, on either store backend, removed afterwards.
//
//   auto db = TestDatabase::postgres();
//   KAGAMI_REQUIRE_POSTGRES(db);          // skips (or fails, under `make test`)
//   auto conn = store::connect(db->target());
//
// PostgreSQL tests need a server: scripts/with-postgres.sh starts a private one and sets
// KAGAMI_TEST_POSTGRES; `make test` also sets KAGAMI_REQUIRE_POSTGRES=1 so that a missing
// server fails the suite instead of skipping it.
#pragma once

#include <optional>
#include <string>

namespace kagami::test {

/// True when KAGAMI_REQUIRE_POSTGRES=1: PostgreSQL tests fail rather than skip without
/// a server.
bool postgres_required();

/// True when KAGAMI_TEST_POSTGRES is set: a server was meant to be there, so a failure to
/// reach it fails the PostgreSQL tests.
bool postgres_configured();

/// Owns one empty database and drops it (PostgreSQL) or deletes its files (SQLite).
class TestDatabase {
public:
    /// A new database kagami_t_<pid>_<n> on the KAGAMI_TEST_POSTGRES server; nullopt
    /// when that variable is unset or the server cannot be reached (see last_error()).
    static std::optional<TestDatabase> postgres();

    /// A new SQLite file path in the temporary folder (the file is not created).
    static TestDatabase sqlite();

    /// Why the last postgres() returned nullopt.
    static const std::string& last_error();

    TestDatabase(TestDatabase&& other) noexcept;
    TestDatabase& operator=(TestDatabase&& other) noexcept;
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    ~TestDatabase();

    /// What to give store::connect(): a postgresql:// URI or a file path.
    const std::string& target() const { return target_; }

    /// The server URI of a PostgreSQL database (the maintenance database "kagami" on
    /// it), for a second administrative connection. Empty for SQLite.
    const std::string& server() const { return server_; }

private:
    TestDatabase() = default;
    void release();

    std::string target_;
    std::string server_;
    std::string name_;  // PostgreSQL database name; empty for SQLite
};

}  // namespace kagami::test

/// In a test body or SetUp(): skips the test when `db` (an optional<TestDatabase>) is
/// empty, or fails it under KAGAMI_REQUIRE_POSTGRES=1 or when KAGAMI_TEST_POSTGRES names
/// a server that did not answer.
#define KAGAMI_REQUIRE_POSTGRES(db)                                                              \
    do {                                                                                         \
        if (!(db)) {                                                                             \
            if (::kagami::test::postgres_required() || ::kagami::test::postgres_configured())    \
                FAIL() << "PostgreSQL required: " << ::kagami::test::TestDatabase::last_error(); \
            GTEST_SKIP() << "no PostgreSQL (run under scripts/with-postgres.sh): "               \
                         << ::kagami::test::TestDatabase::last_error();                          \
        }                                                                                        \
    } while (0)
