// A message as a tree of decoded parts. Built by parse_message() from raw bytes;
// GMime is used behind this folder only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kagami/finding.h"
#include "kagami/limits.h"
#include "mime/header_decode.h"
#include "mime/html.h"

namespace kagami::mime {

struct Header {
    std::string name;  ///< as written
    std::string raw;   ///< value as written (folded, undecoded)
};

struct Message;

struct Part {
    std::string path;               ///< "1", "1.2", ... (root is "1")
    std::string content_type;       ///< lower-case "type/subtype"
    std::string charset;            ///< declared charset parameter, lower-case, may be empty
    std::string transfer_encoding;  ///< lower-case Content-Transfer-Encoding, may be empty
    std::string disposition;        ///< "inline", "attachment" or ""
    std::string filename;  ///< decoded UTF-8 (Content-Disposition filename or Content-Type name)
    std::string content_id;
    std::string body;                   ///< transfer-decoded bytes (leaf parts only)
    std::string text;                   ///< UTF-8 text for text/* leaves (HTML: the visible text)
    std::string text_charset;           ///< charset actually used for `text`
    bool charset_detected = false;      ///< declared charset missing or wrong, detected instead
    std::size_t raw_size = 0;           ///< size of the encoded content
    std::vector<Part> children;         ///< parts of a multipart
    std::unique_ptr<Message> embedded;  ///< a message/rfc822 part, parsed

    bool is_multipart() const { return content_type.rfind("multipart/", 0) == 0; }
    bool is_attachment() const;
};

struct Link {
    std::string url;
    std::string text;     ///< visible text of the anchor (HTML), empty for plain-text URLs
    std::string where;    ///< part path
    bool hidden = false;  ///< inside an element the reader cannot see
};

struct Message {
    std::vector<Header> headers;
    std::string subject;  ///< decoded
    std::vector<MailAddress> from, reply_to, to, cc, sender;
    std::string return_path;  ///< address only
    std::string date_raw;
    std::string header_message_id;
    Part root;
    std::vector<Link> links;
    std::vector<Finding> findings;  ///< parse-level findings: limits, malformed structure
    std::size_t part_count = 0;
    /// The message as a lenient mail client reads it, when that finds parts the strict
    /// reading misses (see lenient.h); its links are in `links` too.
    std::unique_ptr<Message> lenient;

    /// First header named `name` (case-insensitive), raw value; nullptr if none.
    const Header* header(std::string_view name) const;
    /// Every header named `name`, in order.
    std::vector<const Header*> headers_named(std::string_view name) const;
};

/// Parses `raw` into a Message. Never fails: broken structure and limit hits become
/// findings on the message and the result is as complete as the bytes allow.
Message parse_message(std::string_view raw, const Limits& limits);

/// Calls `fn(part)` for every part in the tree, depth first, including the parts of
/// embedded messages (message/rfc822).
template <typename Fn>
void for_each_part(const Part& part, Fn&& fn) {
    fn(part);
    for (const auto& child : part.children) for_each_part(child, fn);
    if (part.embedded) for_each_part(part.embedded->root, fn);
}

/// Every part of the message, the lenient reading's included: what later stages analyse.
template <typename Fn>
void for_each_part(const Message& msg, Fn&& fn) {
    for_each_part(msg.root, fn);
    if (msg.lenient) for_each_part(msg.lenient->root, fn);
}

}  // namespace kagami::mime
