// SPDX-License-Identifier: Apache-2.0
// Names of ordinal-only imports, for the imphash.
#pragma once

#include <cstdint>
#include <string_view>

namespace kagami::analyzers::detail {

/// The export name of `ordinal` in `dll_lower` ("ws2_32.dll", "wsock32.dll",
/// "oleaut32.dll"), or "" when unknown (the imphash then uses "ordN", as pefile does).
std::string_view ordinal_name(std::string_view dll_lower, std::uint64_t ordinal);

}  // namespace kagami::analyzers::detail
