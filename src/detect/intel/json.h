// What the STIX and MISP readers share: simdjson, for feeds of millions of objects.
// Internal to detect/intel.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace kagami::detect::intel {

/// The string member `key` of a JSON object; empty when missing or not a string.
inline std::string_view str(simdjson::dom::element e, const char* key) {
    std::string_view v;
    if (e[key].get_string().get(v) != simdjson::SUCCESS) return {};
    return v;
}

}  // namespace kagami::detect::intel
