// The questions analysts ask of the store: which messages had this verdict, came in this
// window, from this sender or domain, to this recipient, carried this indicator, this
// attachment hash or this finding. Every filter is a bound parameter of one statement
// that runs on SQLite and PostgreSQL alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kagami/finding.h"
#include "store/record.h"
#include "store/store.h"

namespace kagami::store {

/// What to look for; empty fields do not filter. All filters must hold (AND).
struct MessageFilter {
    /// Any of these verdicts ("clean", "suspicious", "malicious").
    std::vector<std::string> verdicts;
    /// Inclusive bounds in UTC seconds on the message time (Date header, else the
    /// receiving stamp). Messages with neither never match a bound.
    std::optional<std::int64_t> since, until;
    /// "user@example.jp" (exact, case-insensitive), or "@mofa.go.jp" / "mofa.go.jp" for
    /// that domain and its subdomains.
    std::string sender;
    /// Same forms as `sender`, against the To and Cc addresses.
    std::string recipient;
    /// A value of any type, refanged and normalised for each type it could be: a domain
    /// (also matching its subdomains), a URL, an IP address, an email address, an MD5,
    /// SHA-1 or SHA-256 (also against artifact hashes), a file name; analyzer values
    /// (lnk_machine_id, pe_imphash, ...) match as given.
    std::string indicator;
    /// MD5, SHA-1 or SHA-256 of any artifact (attachment or anything inside one).
    std::string artifact_hash;
    /// A finding id ("archive.password_in_body"), or a prefix ending in ".*" ("archive.*").
    std::string finding;
    /// A substring of the subject (ASCII case-insensitive).
    std::string subject;
    /// Most messages returned; 0: all.
    std::size_t limit = 0;
};

/// Messages matching `filter`, by message time (undated ones last), then by id.
/// Errors: a malformed filter value (Errc::config), or the database (Errc::store).
Result<std::vector<MessageSummary>> find_messages(Store& store, const MessageFilter& filter);

/// An artifact as the store keeps it (facts are not stored).
struct StoredArtifact {
    std::string path;
    std::string name;
    std::string type;
    std::int64_t depth = 0;
    std::int64_t size = 0;
    std::string md5, sha1, sha256;
};

/// A message with what explains it: findings, artifacts, and the stored indicators the
/// filter's `indicator` matched.
struct MessageDetail {
    MessageSummary summary;
    /// message_id (SHA-256) of the mail that gave an archive's password, if any.
    std::optional<std::string> key_from_sha256;
    std::vector<Finding> findings;  ///< in the order the scan reported them
    std::vector<StoredArtifact> artifacts;
    std::vector<IndicatorRecord> matched;  ///< empty unless filter.indicator is set
};

/// Loads the detail of a message found by find_messages with the same `filter`.
Result<MessageDetail> message_detail(Store& store, const MessageSummary& summary,
                                     const MessageFilter& filter);

/// Parses a time given on a command line: "2024-05-01", "2024-05-01T03:04:05Z",
/// "2024-05-01T12:04:05+09:00" (also "+0900", a space for "T", fractions of a second;
/// no zone is UTC). A bare date is its first second, or with `end_of_day` its last, so
/// that "--until 2024-05-01" includes that day. nullopt when malformed.
std::optional<std::int64_t> parse_utc_time(std::string_view text, bool end_of_day = false);

}  // namespace kagami::store
