// A tolerant, linear scanner over XML tags for the OOXML analyzer. It is not an
// XML parser: it walks `<...>` tags, honours quotes, skips comments, CDATA and
// processing instructions, and gives each tag's local name, attributes and the
// text up to the next tag. Namespace prefixes are ignored (w:, r:, or none), so a
// document that renames its prefixes reads the same.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kagami::analyzers::ooxml_detail {

/// One tag as found in the text.
struct Tag {
    std::string_view local;  ///< name without its prefix ("instrText")
    std::string_view attrs;  ///< raw attribute text between the name and '>'
    std::string_view text;   ///< raw character data after the tag, up to the next '<'
    bool closing = false;    ///< </name>
    bool empty = false;      ///< <name/>
};

/// Walks the tags of `xml` in order. Every call to next() consumes input.
class XmlScanner {
public:
    explicit XmlScanner(std::string_view xml) : xml_(xml) {}

    /// The next tag, or nullopt at the end (an unterminated tag ends the scan).
    std::optional<Tag> next();

private:
    std::string_view xml_;
    std::size_t pos_ = 0;
};

/// The value of the attribute whose local name is `name` (prefix ignored), with
/// entities decoded; nullopt when absent.
std::optional<std::string> attribute(std::string_view attrs, std::string_view name);

/// Decodes the five XML entities and numeric references (&#65; &#x41;) to UTF-8;
/// anything unrecognised is kept as written.
std::string decode_entities(std::string_view s);

}  // namespace kagami::analyzers::ooxml_detail
