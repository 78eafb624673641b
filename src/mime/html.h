// HTML bodies: what the reader sees, and where each link really goes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::mime {

struct HtmlLink {
    std::string href;     ///< the real target (entities decoded, trimmed), as written otherwise
    std::string text;     ///< the visible text of the anchor (or alt text of an image inside it)
    std::string tag;      ///< "a", "area", "form", "img", "iframe", "meta-refresh", ...
    bool hidden = false;  ///< inside an element the reader cannot see (display:none, ...)
};

struct HtmlView {
    std::string text;  ///< visible text, whitespace collapsed, block elements as line breaks
    std::vector<HtmlLink> links;  ///< in document order
    bool truncated = false;       ///< a limit was hit (text or link count)
};

/// Extracts the visible text and links of an HTML document (UTF-8). Skips script,
/// style, head, comments and elements hidden by inline style (display:none,
/// visibility:hidden, font-size:0), decodes character references. Linear time; never
/// allocates more than about `max_text` bytes of text and `max_links` links.
HtmlView html_view(std::string_view html, std::size_t max_text, std::size_t max_links);

/// URLs written in plain text (http, https, ftp, www. hosts, hxxp defanged forms).
/// Returned in their usable form: hxxp/h**p/ttp -> http, "[.]"/"(.)"/"[dot]" -> ".",
/// "[:]//" -> "://"; "www." hosts are kept without a scheme. A URL ends at whitespace,
/// quotes, <>, an unbalanced ) or ], and any non-ASCII character (so Japanese text
/// around a URL, 「https://example.jp/」 or https://example.jp/です, is left out; Unicode
/// host names are missed). Trailing . , ; : ! ? are dropped.
std::vector<std::string> text_urls(std::string_view text, std::size_t max_links);

}  // namespace kagami::mime
