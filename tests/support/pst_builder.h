// Hand-written Outlook PST files (MS-PST, Unicode format) for the PST reader's tests: the
// smallest store libpff opens. Layout: header with both CRCs, one AMap and one PMap page,
// the node and block B-trees (leaf pages plus one intermediate level when they overflow),
// data blocks (XBLOCKs for data over one block) and subnode SLBLOCKs. The store holds the
// message store, the root folder, "Top of Personal Folders" and an "Inbox" (each folder
// with hierarchy, contents and associated-contents tables), and the messages as property
// contexts with their attachment table and attachment objects as subnodes. Inert: it
// writes data that the caller gives, nothing else. Files stay under one AMap (~248 KB).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kagami::test::pst {

/// A by-value attachment (PidTagAttachMethod 1).
struct Attachment {
    std::string long_filename;  ///< UTF-8; PidTagAttachLongFilename
    std::string data;           ///< PidTagAttachDataBinary
};

/// One message (IPM.Note). Empty strings are left out of the property context.
struct Message {
    std::string subject;            ///< UTF-8
    std::string sender_name;        ///< UTF-8
    std::string sender_email;       ///< SMTP address
    std::string display_to;         ///< UTF-8
    std::string display_cc;         ///< UTF-8
    std::string transport_headers;  ///< PidTagTransportMessageHeaders, as received
    std::string body;               ///< PidTagBody (plain text, UTF-8)
    std::string html;               ///< PidTagHtml (binary, bytes as given)
    std::uint64_t submit_time = 0;  ///< FILETIME of PidTagClientSubmitTime; 0 leaves it out
    std::vector<Attachment> attachments;
};

/// A Unicode PST with the messages in Top of Personal Folders/Inbox, in the given order.
std::string build(const std::vector<Message>& messages);

/// FILETIME (100 ns since 1601-01-01) of a Unix time.
std::uint64_t filetime(std::int64_t unix_seconds);

}  // namespace kagami::test::pst
