// Header field values as real mailers write them -> UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kagami::mime {

/// Decodes an unstructured header value (Subject, a display name): unfolds, decodes
/// RFC 2047 encoded words, including the malformed forms real mailers produce
/// (no whitespace around words, words inside quoted strings, a multibyte character
/// split across two words, lower-case "?q?"/"?b?", missing padding, '_' in B words),
/// and converts raw 8-bit bytes with `fallback_charset` or detection. Always valid UTF-8.
std::string decode_header_text(std::string_view raw, std::string_view fallback_charset = "");

struct HeaderParam {
    std::string name;   ///< lower-case
    std::string value;  ///< decoded UTF-8
};

/// Parses the parameters of a Content-Type or Content-Disposition value
/// (everything after the first ';'), with RFC 2231 continuations (name*0*, name*1),
/// charset'lang'%XX values, and RFC 2047 words inside quoted values (what Outlook
/// and most Japanese mailers send for file names). Tolerates missing quotes,
/// stray semicolons and duplicate parameters (first wins).
std::vector<HeaderParam> parse_header_params(std::string_view raw_value,
                                             std::string_view fallback_charset = "");

/// Value of parameter `name` (lower-case) or "".
std::string find_param(const std::vector<HeaderParam>& params, std::string_view name);

struct MailAddress {
    std::string display_name;  ///< decoded UTF-8, may be empty
    std::string address;       ///< local@domain as written (domain lower-cased), may be empty
};

/// Parses an address-list header (From, To, Cc, Reply-To): groups, quoted and encoded
/// display names, comments, angle and bare addresses, and the broken forms spam uses
/// (unquoted commas in names, missing '>', several '<').
std::vector<MailAddress> parse_address_list(std::string_view raw,
                                            std::string_view fallback_charset = "");

/// Lower-case domain of an address, "" if none.
std::string address_domain(std::string_view address);

}  // namespace kagami::mime
