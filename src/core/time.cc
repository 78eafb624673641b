#include "core/time.h"

#include <cstdio>

namespace kagami::core {
namespace {

struct Civil {
    std::int64_t year;
    int month;
    int day;
};

Civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

std::string iso8601_utc(std::int64_t utc) {
    // Floor division so that times before 1970 land on the right day.
    std::int64_t days = utc / 86400;
    std::int64_t secs = utc % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    const Civil c = civil_from_days(days);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                  static_cast<long long>(c.year), c.month, c.day, int(secs / 3600),
                  int(secs / 60 % 60), int(secs % 60));
    return buf;
}

}  // namespace kagami::core
