// Content types for the files no analyzer reads (images, media, other platforms'
// executables, plain text), so that every artifact has a type to compare its name with.
#pragma once

#include <string_view>

namespace kagami::analyzers {

/// A short type name from the content: "png", "jpeg", "elf", "text", ... or "data".
std::string_view identify_type(std::string_view bytes);

}  // namespace kagami::analyzers
