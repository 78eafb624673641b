// The Received chain: where a message really travelled, and when.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace kagami::detect {

/// A date-time as written in a header: UTC seconds and the writer's own UTC offset.
struct MailDate {
    std::int64_t utc = 0;    ///< seconds since 1970-01-01 UTC
    int offset_minutes = 0;  ///< the offset written in the header (+0900 -> 540)
    bool offset_known =
        true;  ///< false for "-0000" and obsolete zones like "UT" with no offset meaning
};

/// Parses an RFC 5322 date-time (and the usual broken variants: missing weekday, two-digit
/// years, obsolete zone names like JST/EST/GMT, extra comments, single-digit fields).
std::optional<MailDate> parse_mail_date(std::string_view s);

/// "2024-05-01T03:04:05Z" (core/time.h; every stage writes times the same way).
using core::iso8601_utc;

struct ReceivedHop {
    std::string from_host;         ///< name the client gave (HELO/EHLO), lower-case
    std::string from_rdns;         ///< reverse DNS name the server found, lower-case
    std::string from_ip;           ///< IPv4 or IPv6 literal of the connecting client
    std::string by_host;           ///< server that added the header, lower-case
    std::string with;              ///< protocol (SMTP, ESMTPS, ...)
    std::optional<MailDate> date;  ///< the timestamp after the last ';'
    std::string raw;               ///< the header value, unfolded
};

/// Parses one Received header value. Never fails: unknown parts stay empty.
ReceivedHop parse_received(std::string_view value);

}  // namespace kagami::detect
