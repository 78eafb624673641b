// Times as analysts read them: ISO 8601 in UTC, from the seconds every format
// converts to (mail dates, FILETIMEs, PE timestamps).
#pragma once

#include <cstdint>
#include <string>

namespace kagami::core {

/// Seconds since 1970-01-01 UTC as "2024-05-01T03:04:05Z" (proleptic Gregorian, any year).
std::string iso8601_utc(std::int64_t utc);

}  // namespace kagami::core
