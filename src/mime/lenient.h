// The message as a lenient mail client reads it. Filters and clients disagree on some
// broken structures, and attackers build mail on exactly those: an attachment that the
// strict reading misses is one the user may still open. kagami reads such mail twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kagami::mime {

/// The bytes rewritten the way lenient clients read them, or nullopt when nothing in the
/// message is read differently. Rewrites: a comment in a Content-* header name
/// ("Content-Type(x): ...") is dropped; of several boundary parameters the last one is
/// kept. Only header-like lines are touched; the rewrite never grows the message.
std::optional<std::string> lenient_rewrite(std::string_view raw);

}  // namespace kagami::mime
