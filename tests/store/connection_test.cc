// The store's connection interface, run the same way on both backends: SQLite (a temp
// file) and PostgreSQL (a fresh database on the scripts/with-postgres.sh server).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "store/connection.h"
#include "support/test_database.h"

namespace kagami::store {

// Test names and ctest show "sqlite"/"postgresql", not the enum's bytes.
inline void PrintTo(Dialect d, std::ostream* out) {
    *out << (d == Dialect::sqlite ? "sqlite" : "postgresql");
}

namespace {

using test::TestDatabase;

std::string name_of(Dialect d) {
    return d == Dialect::sqlite ? "sqlite" : "postgresql";
}

class ConnectionTest : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        if (GetParam() == Dialect::sqlite) {
            db_ = TestDatabase::sqlite();
        } else {
            db_ = TestDatabase::postgres();
            KAGAMI_REQUIRE_POSTGRES(db_);
        }
        auto conn = connect(db_->target());
        ASSERT_TRUE(conn) << conn.error().message;
        conn_ = std::move(*conn);
        ASSERT_EQ(conn_->dialect(), GetParam());
    }

    bool postgres() const { return GetParam() == Dialect::postgresql; }
    std::string blob_type() const { return postgres() ? "BYTEA" : "BLOB"; }
    std::string id_column() const {
        return postgres() ? "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
                          : "id INTEGER PRIMARY KEY";
    }

    // The one integer a query returns (INT64_MIN when it returns no row or fails).
    std::int64_t scalar(std::string_view sql, std::span<const Param> params = {}) {
        std::int64_t out = std::numeric_limits<std::int64_t>::min();
        Status s = conn_->run(sql, params, [&](const Row& r) {
            out = r.integer(0);
            return true;
        });
        EXPECT_TRUE(s) << s.error().message;
        return out;
    }

    void make_table() {
        Status s = conn_->exec(
            "CREATE TABLE t (k TEXT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, "
            "s TEXT, b " +
            blob_type() + ")");
        ASSERT_TRUE(s) << s.error().message;
    }

    std::optional<TestDatabase> db_;
    std::unique_ptr<Connection> conn_;
};

// ---- values --------------------------------------------------------------------------

TEST_P(ConnectionTest, EveryParamTypeRoundTrips) {
    make_table();
    std::string all_bytes;
    for (int c = 0; c < 256; ++c) all_bytes += char(c);
    std::string blob = std::string("a\0b\xff\xfe\0", 6) + all_bytes;
    const std::string japanese = "内閣府 情報セキュリティ 至急ご確認ください 📎";
    const char* insert = "INSERT INTO t (k, i, r, s, b) VALUES ($1, $2, $3, $4, $5)";

    struct Case {
        std::string key;
        Param i, r, s, b;
    };
    const std::int64_t min = std::numeric_limits<std::int64_t>::min();
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    std::vector<Case> cases = {
        {"nulls", nullptr, nullptr, nullptr, nullptr},
        {"min", min, -1.5e-300, std::string_view(japanese), Blob{blob}},
        {"max", max, 3.141592653589793, std::string_view("plain"), Blob{std::string_view()}},
        {"zero", std::int64_t{0}, 0.1, std::string_view(""), Blob{std::string_view("\0", 1)}},
    };
    for (const auto& c : cases) {
        Param params[] = {std::string_view(c.key), c.i, c.r, c.s, c.b};
        Status s = conn_->run(insert, params);
        ASSERT_TRUE(s) << c.key << ": " << s.error().message;
    }

    struct Read {
        bool null_i, null_r, null_s, null_b;
        std::int64_t i;
        double r;
        std::string s, b;
    };
    auto read = [&](std::string_view key) {
        Read out{};
        int n = 0;
        Param params[] = {key};
        Status s = conn_->run("SELECT i, r, s, b FROM t WHERE k = $1", params, [&](const Row& row) {
            ++n;
            out = {row.null(0),
                   row.null(1),
                   row.null(2),
                   row.null(3),
                   row.integer(0),
                   row.real(1),
                   std::string(row.text(2)),
                   std::string(row.text(3))};
            return true;
        });
        EXPECT_TRUE(s) << s.error().message;
        EXPECT_EQ(n, 1) << key;
        return out;
    };

    Read nulls = read("nulls");
    EXPECT_TRUE(nulls.null_i && nulls.null_r && nulls.null_s && nulls.null_b);

    Read lo = read("min");
    EXPECT_FALSE(lo.null_i || lo.null_r || lo.null_s || lo.null_b);
    EXPECT_EQ(lo.i, min);
    EXPECT_EQ(lo.r, -1.5e-300);
    EXPECT_EQ(lo.s, japanese);
    EXPECT_EQ(lo.b, blob);  // NUL and 0xff bytes exactly, BYTEA decoded

    Read hi = read("max");
    EXPECT_EQ(hi.i, max);
    EXPECT_EQ(hi.r, 3.141592653589793);
    EXPECT_EQ(hi.s, "plain");
    EXPECT_EQ(hi.b, "");

    Read zero = read("zero");
    EXPECT_EQ(zero.i, 0);
    EXPECT_EQ(zero.r, 0.1);
    EXPECT_FALSE(zero.null_s);
    EXPECT_EQ(zero.s, "");
    EXPECT_EQ(zero.b, std::string("\0", 1));
}

TEST_P(ConnectionTest, UpsertReturnsTheExistingId) {
    ASSERT_TRUE(conn_->exec("CREATE TABLE u (" + id_column() + ", k TEXT NOT NULL UNIQUE)"));
    const char* upsert =
        "INSERT INTO u (k) VALUES ($1) ON CONFLICT (k) DO UPDATE SET k = excluded.k "
        "RETURNING id";
    auto id_of = [&](std::string_view k) {
        Param p[] = {k};
        return scalar(upsert, p);
    };
    std::int64_t a = id_of("a@example.jp");
    std::int64_t b = id_of("b@example.jp");
    EXPECT_NE(a, b);
    EXPECT_EQ(id_of("a@example.jp"), a);
    EXPECT_EQ(id_of("b@example.jp"), b);
    EXPECT_EQ(scalar("SELECT count(*) FROM u"), 2);
}

TEST_P(ConnectionTest, PreparedStatementIsReused) {
    make_table();
    ASSERT_TRUE(conn_->begin());
    for (std::int64_t n = 0; n < 500; ++n) {
        std::string key = "k" + std::to_string(n);
        Param p[] = {std::string_view(key), n};
        Status s = conn_->run("INSERT INTO t (k, i) VALUES ($1, $2)", p);
        ASSERT_TRUE(s) << s.error().message;
    }
    ASSERT_TRUE(conn_->commit());
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 500);
    EXPECT_EQ(scalar("SELECT sum(i) FROM t"), 499 * 500 / 2);
    Param p[] = {std::string_view("k77")};
    EXPECT_EQ(scalar("SELECT i FROM t WHERE k = $1", p), 77);
}

TEST_P(ConnectionTest, RunWithoutSinkAndEmptyResult) {
    make_table();
    EXPECT_TRUE(conn_->run("SELECT k FROM t"));
    int rows = 0;
    EXPECT_TRUE(conn_->run("SELECT k FROM t", {}, [&](const Row&) { return ++rows, true; }));
    EXPECT_EQ(rows, 0);
}

// ---- streaming -------------------------------------------------------------------------

constexpr const char* kCount =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) "
    "SELECT x FROM c";

TEST_P(ConnectionTest, StreamsManyRows) {
    Param p[] = {std::int64_t{200000}};
    std::int64_t rows = 0, sum = 0;
    Status s = conn_->run(kCount, p, [&](const Row& r) {
        ++rows;
        sum += r.integer(0);
        return true;
    });
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(rows, 200000);
    EXPECT_EQ(sum, std::int64_t{200000} * 200001 / 2);
}

TEST_P(ConnectionTest, SinkStopsEarlyAndConnectionStaysUsable) {
    Param p[] = {std::int64_t{200000}};
    std::vector<std::int64_t> seen;
    Status s = conn_->run(kCount, p, [&](const Row& r) {
        seen.push_back(r.integer(0));
        return seen.size() < 3;
    });
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(scalar("SELECT 42"), 42);
    // The same statement again, run to its end.
    std::int64_t rows = 0;
    ASSERT_TRUE(conn_->run(kCount, p, [&](const Row&) { return ++rows, true; }));
    EXPECT_EQ(rows, 200000);
}

TEST_P(ConnectionTest, StoppingEarlyInsideATransactionKeepsIt) {
    make_table();
    ASSERT_TRUE(conn_->begin());
    ASSERT_TRUE(conn_->run("INSERT INTO t (k) VALUES ('inside')"));
    Param p[] = {std::int64_t{50000}};
    int rows = 0;
    ASSERT_TRUE(conn_->run(kCount, p, [&](const Row&) { return ++rows < 2; }));
    Status s = conn_->commit();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 1);
}

TEST_P(ConnectionTest, StoppingEarlyKeepsEveryInsertedRow) {
    make_table();
    int rows = 0;
    Status s = conn_->run(
        "INSERT INTO t (k, i) SELECT 'r' || x, x FROM (WITH RECURSIVE c(x) AS (SELECT 1 "
        "UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c) AS n RETURNING k",
        {}, [&](const Row&) { return ++rows < 1; });
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(rows, 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 1000);
}

// ---- errors ------------------------------------------------------------------------------

TEST_P(ConnectionTest, SyntaxErrorIsAnError) {
    Status s = conn_->run("SELEC 1");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::store);
    EXPECT_TRUE(s.error().message.starts_with(name_of(GetParam()) + ": ")) << s.error().message;
    EXPECT_NE(s.error().message.find("syntax"), std::string::npos) << s.error().message;
    EXPECT_EQ(conn_->last_failure(), Failure::other);

    Status e = conn_->exec("CREATE TABL x (a INT)");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::store);
    EXPECT_EQ(scalar("SELECT 7"), 7);  // still usable
}

TEST_P(ConnectionTest, UniqueViolationIsAnError) {
    make_table();
    Param p[] = {std::string_view("same")};
    ASSERT_TRUE(conn_->run("INSERT INTO t (k) VALUES ($1)", p));
    Status s = conn_->run("INSERT INTO t (k) VALUES ($1)", p);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::store);
    EXPECT_FALSE(s.error().message.empty());
    EXPECT_EQ(conn_->last_failure(), Failure::other);
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 1);
}

TEST_P(ConnectionTest, ExecRunsSeveralStatements) {
    Status s = conn_->exec(
        "CREATE TABLE a (x BIGINT); CREATE TABLE b (y BIGINT); INSERT INTO a VALUES (1);");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(scalar("SELECT x FROM a"), 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM b"), 0);
}

// ---- transactions --------------------------------------------------------------------------

TEST_P(ConnectionTest, RollbackLeavesNothingCommitKeeps) {
    make_table();
    ASSERT_TRUE(conn_->begin());
    ASSERT_TRUE(conn_->run("INSERT INTO t (k) VALUES ('gone')"));
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 1);
    ASSERT_TRUE(conn_->rollback());
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 0);

    ASSERT_TRUE(conn_->begin());
    ASSERT_TRUE(conn_->run("INSERT INTO t (k) VALUES ('kept')"));
    ASSERT_TRUE(conn_->commit());
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 1);

    // A second connection sees the committed row.
    auto other = connect(db_->target());
    ASSERT_TRUE(other) << other.error().message;
    std::string k;
    ASSERT_TRUE((*other)->run("SELECT k FROM t", {}, [&](const Row& r) {
        k = r.text(0);
        return true;
    }));
    EXPECT_EQ(k, "kept");
}

TEST_P(ConnectionTest, ErrorInsideTransactionThenRollback) {
    make_table();
    ASSERT_TRUE(conn_->begin());
    ASSERT_TRUE(conn_->run("INSERT INTO t (k) VALUES ('x')"));
    EXPECT_FALSE(conn_->run("INSERT INTO t (k) VALUES ('x')"));
    ASSERT_TRUE(conn_->rollback());
    EXPECT_EQ(scalar("SELECT count(*) FROM t"), 0);
}

// ---- failures the caller handles ---------------------------------------------------------

TEST_P(ConnectionTest, LostConnectionFailsCleanly) {
    if (!postgres()) GTEST_SKIP() << "PostgreSQL only: an SQLite file has no server";
    std::int64_t pid = scalar("SELECT pg_backend_pid()");
    auto admin = connect(db_->target());
    ASSERT_TRUE(admin) << admin.error().message;
    Param p[] = {pid};
    bool terminated = false;
    // The timeout form waits until the backend has exited (PostgreSQL 14+).
    Status s =
        (*admin)->run("SELECT pg_terminate_backend($1::integer, 10000)", p, [&](const Row& r) {
            terminated = r.text(0) == "t";
            return true;
        });
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(terminated);

    Status first = conn_->run("SELECT 1");
    ASSERT_FALSE(first);
    EXPECT_EQ(conn_->last_failure(), Failure::connection_lost) << first.error().message;
    EXPECT_TRUE(first.error().message.starts_with("postgresql: ")) << first.error().message;
    // No reconnection: every later statement fails the same way, without hanging.
    Status second = conn_->run("SELECT 1");
    ASSERT_FALSE(second);
    EXPECT_EQ(conn_->last_failure(), Failure::connection_lost);
    EXPECT_FALSE(conn_->exec("SELECT 1"));
    EXPECT_EQ(conn_->last_failure(), Failure::connection_lost);
    EXPECT_FALSE(conn_->begin());
}

TEST_P(ConnectionTest, DiskFullIsReported) {
    if (postgres()) GTEST_SKIP() << "a full disk cannot be simulated on a shared server";
    make_table();
    std::int64_t pages = scalar("PRAGMA page_count");
    ASSERT_TRUE(conn_->exec("PRAGMA max_page_count = " + std::to_string(pages + 2)));
    std::string big(256 * 1024, 'x');
    Status s;
    for (int n = 0; n < 8 && s; ++n) {
        std::string key = "big" + std::to_string(n);
        Param p[] = {std::string_view(key), Blob{big}};
        s = conn_->run("INSERT INTO t (k, b) VALUES ($1, $2)", p);
    }
    ASSERT_FALSE(s);
    EXPECT_EQ(conn_->last_failure(), Failure::disk_full) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, ConnectionTest,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql),
                         [](const auto& param_info) { return name_of(param_info.param); });

// ---- PostgreSQL specifics ------------------------------------------------------------------

class ConnectionPostgresTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = TestDatabase::postgres();
        KAGAMI_REQUIRE_POSTGRES(db_);
        auto conn = connect(db_->target());
        ASSERT_TRUE(conn) << conn.error().message;
        conn_ = std::move(*conn);
    }
    std::optional<TestDatabase> db_;
    std::unique_ptr<Connection> conn_;
};

TEST_F(ConnectionPostgresTest, TextWithNulIsRefusedNotCut) {
    Param p[] = {std::string_view("a\0b", 3)};
    Status s = conn_->run("SELECT $1::text", p);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("NUL"), std::string::npos) << s.error().message;
    EXPECT_TRUE(conn_->run("SELECT 1"));
}

TEST_F(ConnectionPostgresTest, UnusedParameterIsAnError) {
    // PostgreSQL must infer a type for every $k given: an unused one cannot be.
    Param p[] = {std::int64_t{1}, std::int64_t{2}};
    EXPECT_FALSE(conn_->run("SELECT $1::bigint", p));
    EXPECT_TRUE(conn_->run("SELECT 1"));
}

TEST_F(ConnectionPostgresTest, StatementFromInsideARowCallbackIsRefused) {
    Status inner;
    Status outer = conn_->run("SELECT 1", {}, [&](const Row&) {
        inner = conn_->run("SELECT 2");
        return true;
    });
    EXPECT_TRUE(outer);
    EXPECT_FALSE(inner);
    EXPECT_TRUE(conn_->run("SELECT 3"));
}

TEST_F(ConnectionPostgresTest, LockHeldElsewhereIsBusy) {
    ASSERT_TRUE(conn_->exec("CREATE TABLE l (x BIGINT)"));
    auto other = connect(db_->target());
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_TRUE((*other)->begin());
    ASSERT_TRUE((*other)->exec("LOCK TABLE l IN ACCESS EXCLUSIVE MODE"));
    ASSERT_TRUE(conn_->begin());
    Status s = conn_->run("LOCK TABLE l NOWAIT");  // 55P03 lock_not_available
    ASSERT_FALSE(s);
    EXPECT_EQ(conn_->last_failure(), Failure::busy) << s.error().message;
    ASSERT_TRUE(conn_->rollback());
    ASSERT_TRUE((*other)->rollback());
}

TEST_F(ConnectionPostgresTest, ByteaFromSqlIsDecoded) {
    std::string got;
    ASSERT_TRUE(conn_->run("SELECT '\\x00ff41'::bytea, 'x'::text", {}, [&](const Row& r) {
        got = r.text(0);
        EXPECT_EQ(r.text(1), "x");
        EXPECT_EQ(r.text(0), got);  // the same bytes again
        return true;
    }));
    EXPECT_EQ(got, std::string("\0\xff"
                               "A",
                               3));
}

// ---- opening -------------------------------------------------------------------------------

TEST(ConnectionOpen, NotADatabaseFileIsAClearError) {
    auto db = TestDatabase::sqlite();
    {
        std::ofstream out(db.target(), std::ios::binary);
        for (int n = 0; n < 200; ++n) out << "This is a mail, not an SQLite database.\n";
    }
    auto conn = connect(db.target());
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error().code, Errc::store);
    EXPECT_NE(conn.error().message.find(db.target()), std::string::npos) << conn.error().message;
    EXPECT_NE(conn.error().message.find("not a database"), std::string::npos)
        << conn.error().message;
}

TEST(ConnectionOpen, UnreachableServerIsAClearError) {
    auto conn = connect("postgresql://kagami@127.0.0.1:1/kagami");
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error().code, Errc::store);
    EXPECT_NE(conn.error().message.find("could not connect"), std::string::npos)
        << conn.error().message;
    EXPECT_TRUE(conn.error().message.starts_with("postgresql://kagami@127.0.0.1:1/kagami: "))
        << conn.error().message;
}

TEST(ConnectionOpen, PasswordNeverInTheMessage) {
    for (std::string target : {"postgresql://kagami:Sup3rSecret@127.0.0.1:1/kagami",
                               "postgres://kagami:Sup3rSecret@127.0.0.1:1/kagami?sslmode=disable",
                               "postgresql://kagami@127.0.0.1:1/kagami?password=Sup3rSecret",
                               "postgresql:host=127.0.0.1 port=1 password=Sup3rSecret dbname=k",
                               "postgresql:host=127.0.0.1 port=1 password = 'Sup3rSecret'"}) {
        auto conn = connect(target);
        ASSERT_FALSE(conn) << target;
        EXPECT_EQ(conn.error().message.find("Sup3rSecret"), std::string::npos)
            << conn.error().message;
        EXPECT_NE(conn.error().message.find("127.0.0.1"), std::string::npos)
            << conn.error().message;
    }
}

TEST(ConnectionOpen, MalformedTargetIsAnError) {
    auto conn = connect("postgresql://[::1");
    ASSERT_FALSE(conn);
    EXPECT_FALSE(conn.error().message.empty());
}

}  // namespace
}  // namespace kagami::store
