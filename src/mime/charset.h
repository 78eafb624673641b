// Bytes in some charset -> UTF-8. Japanese mail is often mislabelled or
// unlabelled, so the declared charset is a hint, checked against the bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kagami::mime {

struct Utf8Text {
    std::string text;     ///< always valid UTF-8
    std::string charset;  ///< canonical name of the charset actually used ("utf-8", "cp932", ...)
    bool detected =
        false;           ///< true when the declared charset was missing or wrong and was detected
    bool lossy = false;  ///< true when some bytes could not be converted (replaced by U+FFFD)
    bool truncated = false;  ///< true when the output hit `max_out`
};

/// Canonical lower-case name for a charset label ("Shift_JIS" and "x-sjis" -> "cp932",
/// "ISO-2022-JP" -> "iso-2022-jp", "latin1" -> "iso-8859-1"); "" for an unknown label.
/// Shift_JIS labels map to cp932 and EUC-JP to its Microsoft superset, because real
/// mail uses the vendor extensions (①, ㈱, NEC and IBM rows) under the plain names.
std::string canonical_charset(std::string_view label);

/// Guesses the charset of `bytes` (uchardet, then ICU); "" when no guess is credible.
std::string detect_charset(std::string_view bytes);

/// Converts `bytes` to UTF-8. `declared` may be empty, unknown or wrong: when the bytes
/// do not decode cleanly in it, the charset is detected instead. Never fails; output is
/// capped at `max_out` bytes.
Utf8Text to_utf8(std::string_view bytes, std::string_view declared, std::size_t max_out);

}  // namespace kagami::mime
