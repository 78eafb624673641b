// What the store keeps of one scanned message: the facts analysts search by, every
// indicator found in it (typed, normalised, with where it was found), its artifacts and
// findings, the verdict, and, while an archive in it stays locked, the raw bytes to open
// it with a password that arrives later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/dispatch.h"
#include "engine.h"
#include "ingest/source.h"
#include "kagami/finding.h"

namespace kagami::store {

struct IndicatorRecord {
    std::string type;   ///< detect::intel type names ("domain", "sha256", ...) or analyzer
                        ///< ones ("lnk_machine_id", "pe_imphash", "pe_timestamp", ...)
    std::string value;  ///< normalised as the intel matcher compares
    std::string where;  ///< header, part or artifact path
};

struct MessageRecord {
    std::string sha256;  ///< message_id of `kagami scan`
    std::string source;
    long index = -1;
    std::size_t size = 0;
    std::optional<std::int64_t> date;      ///< the Date header, UTC seconds
    std::optional<std::int64_t> received;  ///< when the receiving server stamped it
    std::string sender;                    ///< From address, lower-case
    std::string sender_name;
    std::vector<std::string> to, cc;  ///< lower-case addresses
    std::string subject;
    std::string header_message_id;
    std::string verdict;
    double score = 0;
    std::vector<Finding> findings;
    std::vector<analyzers::Artifact> artifacts;  ///< facts are not stored
    std::vector<IndicatorRecord> indicators;     ///< distinct (type, value, where)
    std::vector<std::string> passwords;          ///< candidates written in the text
    bool locked = false;  ///< an archive could not be opened (archive.encrypted)
    std::string raw;      ///< the message bytes, kept only while locked
};

/// Most indicators kept per message (a text with thousands of links keeps the first).
inline constexpr std::size_t kMaxIndicatorsPerMessage = 20000;

/// The record of one scan. Text fields are made valid UTF-8 without NUL bytes.
MessageRecord make_record(const ScanResult& result, const ingest::RawMessage& raw,
                          std::size_t max_passwords);

/// The time a message is placed at: the Date header, else the receiving stamp.
std::optional<std::int64_t> message_time(const MessageRecord& r);

}  // namespace kagami::store
