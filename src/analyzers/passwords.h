// Passwords written in the mail: spear-phishing sends an encrypted archive and its
// password in the body ("パスワード：xxxx", "PW: xxxx", "the password is xxxx") so
// that gateways cannot open the archive. The archive analyzer tries these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kagami::analyzers {

/// Password candidates stated in `text` (UTF-8 mail text), in order of appearance,
/// without duplicates, at most `max` of them.
std::vector<std::string> find_passwords(std::string_view text, std::size_t max);

}  // namespace kagami::analyzers
