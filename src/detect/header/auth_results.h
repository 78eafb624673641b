// Authentication-Results (RFC 8601): what the receiving side concluded about SPF,
// DKIM, DMARC and ARC.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kagami::detect {

struct AuthResult {
    std::string method;  ///< "spf", "dkim", "dmarc", "arc", ... lower-case
    std::string
        result;  ///< "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", ...
    std::string reason;  ///< the reason="" text, if any
    std::vector<std::pair<std::string, std::string>>
        properties;  ///< e.g. {"header.from", "example.com"}
};

struct AuthResults {
    std::string authserv_id;  ///< the host that wrote the header
    std::vector<AuthResult> results;
};

/// Parses one Authentication-Results value (comments, quoted strings, missing semicolons
/// and "none" tolerated). ARC-Authentication-Results values work too after "i=N;" is stripped.
AuthResults parse_auth_results(std::string_view value);

}  // namespace kagami::detect
