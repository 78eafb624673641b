#include "support/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

namespace kagami::test {
namespace {

std::atomic<unsigned> counter{0};
std::string error_text;

std::string unique_name() {
    return "kagami_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

struct ConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

ConnPtr connect_admin(const std::string& server) {
    ConnPtr conn(PQconnectdb(server.c_str()));
    if (conn)
        PQsetNoticeProcessor(
            conn.get(), [](void*, const char*) {}, nullptr);
    return conn;
}

// Runs one statement; the error message, or empty on success.
std::string admin(PGconn* conn, const std::string& sql) {
    PGresult* r = PQexec(conn, sql.c_str());
    std::string what;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) what = PQerrorMessage(conn);
    PQclear(r);
    return what;
}

// `server` with its database replaced by `name`: the path of a URI, or a dbname keyword
// appended to a keyword string (the last one wins).
std::string with_database(const std::string& server, const std::string& name) {
    auto scheme = server.find("://");
    if (scheme == std::string::npos) return server + " dbname=" + name;
    std::size_t authority = scheme + 3;
    std::size_t path = server.find_first_of("/?", authority);
    if (path == std::string::npos) return server + "/" + name;
    std::size_t query = server.find('?', path);
    std::string rest = query == std::string::npos ? "" : server.substr(query);
    return server.substr(0, path) + "/" + name + rest;
}

}  // namespace

bool postgres_required() {
    const char* v = std::getenv("KAGAMI_REQUIRE_POSTGRES");
    return v && std::string(v) == "1";
}

bool postgres_configured() {
    const char* v = std::getenv("KAGAMI_TEST_POSTGRES");
    return v && *v;
}

const std::string& TestDatabase::last_error() {
    return error_text;
}

std::optional<TestDatabase> TestDatabase::postgres() {
    const char* server = std::getenv("KAGAMI_TEST_POSTGRES");
    if (!server || !*server) {
        error_text = "KAGAMI_TEST_POSTGRES is not set";
        return std::nullopt;
    }
    ConnPtr conn = connect_admin(server);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        error_text = std::string("cannot connect to KAGAMI_TEST_POSTGRES: ") +
                     (conn ? PQerrorMessage(conn.get()) : "out of memory");
        return std::nullopt;
    }
    TestDatabase db;
    db.name_ = unique_name();
    if (auto what = admin(conn.get(), "CREATE DATABASE " + db.name_); !what.empty()) {
        error_text = "CREATE DATABASE " + db.name_ + ": " + what;
        db.name_.clear();
        return std::nullopt;
    }
    db.server_ = server;
    db.target_ = with_database(db.server_, db.name_);
    return db;
}

TestDatabase TestDatabase::sqlite() {
    TestDatabase db;
    std::error_code ec;
    auto path = std::filesystem::temp_directory_path(ec) / (unique_name() + ".db");
    db.target_ = path.string();
    db.release();  // a leftover of an earlier run with the same pid
    return db;
}

TestDatabase::TestDatabase(TestDatabase&& other) noexcept
    : target_(std::move(other.target_)),
      server_(std::move(other.server_)),
      name_(std::move(other.name_)) {
    other.target_.clear();
    other.server_.clear();
    other.name_.clear();
}

TestDatabase& TestDatabase::operator=(TestDatabase&& other) noexcept {
    if (this != &other) {
        release();
        target_ = std::move(other.target_);
        server_ = std::move(other.server_);
        name_ = std::move(other.name_);
        other.target_.clear();
        other.server_.clear();
        other.name_.clear();
    }
    return *this;
}

TestDatabase::~TestDatabase() {
    release();
}

void TestDatabase::release() {
    if (!name_.empty()) {
        // FORCE ends the test's own connections that are still open.
        if (ConnPtr conn = connect_admin(server_); conn && PQstatus(conn.get()) == CONNECTION_OK)
            (void)admin(conn.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } else if (!target_.empty()) {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(target_ + suffix, ec);
    }
}

}  // namespace kagami::test
