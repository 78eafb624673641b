// The header facts an analyst looks at first: who claims to send, where replies go,
// what the receiving side concluded, and the route and clocks the message passed.
#pragma once

#include <optional>
#include <vector>

#include "detect/header/auth_results.h"
#include "detect/header/received.h"
#include "kagami/finding.h"
#include "mime/message.h"

namespace kagami::detect {

struct HeaderAnalysis {
    std::vector<ReceivedHop> hops;    ///< oldest first (the order the message travelled)
    std::optional<AuthResults> auth;  ///< the topmost Authentication-Results (the receiver's own)
    std::optional<MailDate> date;     ///< the Date header
    std::optional<int>
        sender_offset_minutes;  ///< UTC offset shown by the first hop that has a date
    std::vector<Finding> findings;
};

/// Runs every header analysis over `msg`. Pure: reads the message, never fails.
HeaderAnalysis analyze_headers(const mime::Message& msg);

/// "+0900" for 540.
std::string format_utc_offset(int minutes);

}  // namespace kagami::detect
