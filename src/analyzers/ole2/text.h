// SPDX-License-Identifier: Apache-2.0
// Text helpers of the OLE2 analyzer: the 8-bit strings of compound files turned into
// UTF-8 (UTF-16LE ones go through core::utf16_to_utf8), and values made safe to show as
// facts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kagami::analyzers::ole2 {

/// 8-bit text read as Windows-1252 (the code page of most Western Office files; a
/// best effort for others) to UTF-8. Stops at the first NUL.
std::string cp1252_to_utf8(std::string_view bytes);

/// A value fit for a fact: valid UTF-8, control characters as \xNN (tab and newline
/// kept when `multiline`), cut to `max_bytes` on a character boundary.
std::string fact_value(std::string_view utf8, std::size_t max_bytes = 1024, bool multiline = false);

/// http:// and https:// URLs in `text`, in order, each once, at most `max`.
std::vector<std::string> find_urls(std::string_view text, std::size_t max);

}  // namespace kagami::analyzers::ole2
