// The store: scanned messages with their indicators, artifacts, findings and verdicts,
// in SQLite (default, one file) or PostgreSQL (shared). One message is stored once
// (keyed by the SHA-256 of its bytes) and written in one transaction with all its rows,
// so an interrupted writer leaves whole messages or none.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/connection.h"
#include "store/record.h"

namespace kagami::store {

/// What a verdict was made with: kagami's version and digests of the rules, feeds and
/// policy, so that an analyst knows which verdicts predate a rule or a feed.
struct ScanConfig {
    std::string kagami_version;
    std::string rules;   ///< "bundled sha256:..., user.yar sha256:..."
    std::string intel;   ///< "NAME sha256:..." per feed
    std::string policy;  ///< "bundled" or "FILE sha256:..."
};

/// A stored message as lists and hunts show it.
struct MessageSummary {
    std::int64_t id = 0;
    std::string sha256;
    std::string source;
    long index = -1;
    std::optional<std::int64_t> date;
    std::optional<std::int64_t> received;
    std::string sender;
    std::string subject;
    std::vector<std::string> recipients;  ///< To then Cc
    std::string verdict;
    double score = 0;
    std::optional<std::int64_t> key_from;  ///< message that gave an archive's password
};

/// The columns of a message (aliased `m`) a MessageSummary is read from.
inline constexpr std::string_view kSummaryColumns =
    "m.id, m.sha256, m.source, m.source_index, m.date_utc, m.received_utc, m.sender, "
    "m.subject, m.verdict, m.score, m.key_from";

/// The summary in a row that starts with kSummaryColumns (recipients are not read).
MessageSummary summary_of(const Row& row);

class Store {
public:
    /// Connects and brings the schema up to date.
    static Result<Store> open(const std::string& target);

    Connection& db() { return *db_; }
    /// The schema version found when opened (0: the store was new).
    int found_version() const { return found_version_; }

    /// The id of a scan configuration, added when new.
    Result<std::int64_t> config_id(const ScanConfig& config);

    /// Calls `fn` with the SHA-256 of every stored message.
    Status for_each_sha256(const std::function<void(std::string_view)>& fn);
    /// The id of the message with this SHA-256, if stored.
    Result<std::optional<std::int64_t>> find(std::string_view sha256);

    /// Adds a message with all its rows; false when it was already stored (then nothing
    /// changes). Runs inside the caller's transaction when there is one.
    Result<bool> insert(const MessageRecord& record, std::int64_t config);

    /// Replaces what the analysis of stored message `id` gave (verdict, findings,
    /// artifacts, indicators, lock), keeping its identity; `key_from` names the message
    /// whose password opened its archive.
    Status replace_analysis(std::int64_t id, const MessageRecord& record, std::int64_t config,
                            std::optional<std::int64_t> key_from);

    /// Summaries of the given message ids (in the order given; unknown ids are skipped).
    Result<std::vector<MessageSummary>> summaries(const std::vector<std::int64_t>& ids);

    /// Every message in which stored indicator `indicator` was observed, with where, by
    /// message id (two queries, however many messages).
    Status observed_in(
        std::int64_t indicator,
        const std::function<void(const MessageSummary&, std::string_view where)>& fn);

    /// Number of stored messages.
    Result<std::int64_t> message_count();

private:
    explicit Store(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

    Status insert_rows(std::int64_t id, const MessageRecord& record);
    Status delete_rows(std::int64_t id);

    std::unique_ptr<Connection> db_;
    int found_version_ = 0;
};

}  // namespace kagami::store
