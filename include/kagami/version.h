#pragma once

namespace kagami {
inline constexpr const char* kVersion = "0.1.0";
}
