// Trace and authentication headers: Received, Date, Authentication-Results.
#include <cstdint>
#include <string_view>

#include "detect/header/auth_results.h"
#include "detect/header/received.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto hop = kagami::detect::parse_received(in);
    if (hop.date) (void)kagami::detect::iso8601_utc(hop.date->utc);
    if (auto d = kagami::detect::parse_mail_date(in)) (void)kagami::detect::iso8601_utc(d->utc);
    (void)kagami::detect::parse_auth_results(in);
    return 0;
}
