// The sender's signature block and the organisations it gives as the sender's
// affiliation ("外務省 アジア大洋州局", "Ministry of Foreign Affairs of Japan" on a line of
// its own), as opposed to a body that merely mentions them or a quoted or forwarded
// message's signature.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "detect/sender/directory_impl.h"

namespace kagami::detect::sender {

struct Affiliation {
    std::size_t org = 0;
    std::string line;  ///< the signature line, as written
};

/// The sender's own signature: the text before the first quoted or forwarded message,
/// after its last "--" or decoration line (━━━, ―――, ＝＝＝), or else its last 15
/// non-empty lines.
std::vector<std::string_view> signature_lines(std::string_view text);

/// Organisations the signature gives as affiliation, in order. Thread-safe.
std::vector<Affiliation> signature_affiliations(const Directory::Impl& dir, std::string_view text);

}  // namespace kagami::detect::sender
