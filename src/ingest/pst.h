// Outlook archives (.pst and .ost, ANSI and Unicode) read through libpff and turned back into
// RFC 5322 messages, so that everything downstream sees mail as it arrived.
//
// Walk. Folders are read depth-first from the root folder: a folder's messages in the order
// libpff lists them, then its subfolders in order. RawMessage.index is the message's ordinal in
// that walk (counting items that failed to read), so the same file always yields the same
// (path, index) pairs and the same bytes.
//
// What a message becomes.
//  * Header: the transport headers (PR_TRANSPORT_MESSAGE_HEADERS) when the item has them, less
//    their Content-Type, Content-Transfer-Encoding and MIME-Version (they described the
//    original body, not the one rebuilt here); otherwise From/To/Cc/Subject/Date/Message-ID
//    from the MAPI properties (sender name and address, display To/Cc, client submit time or
//    else delivery time, subject without its prefix marker, internet message id). Non-ASCII
//    values are RFC 2047 encoded words. What the reader had to leave out is said in an
//    "X-Kagami-PST-Note" field.
//  * Body: MIME rebuilt from the plain-text body (UTF-8) and the HTML body (charset from
//    PR_INTERNET_CPID); both make a multipart/alternative. An RTF-only body is left out (noted).
//    Data attachments follow as base64 parts with their long file name (RFC 2231 when not
//    ASCII); an attached message becomes a message/rfc822 part built the same way, to
//    kMaxEmbedDepth. Boundaries are fixed strings with the nesting depth: output is a pure
//    function of the file.
//  * Limits: messages over max_message_bytes are cut and flagged truncated (large attachments
//    are read only as far as the limit); at most kMaxAttachments attachments per message and
//    kMaxFolderDepth folder levels. Property sizes from the file are checked against those
//    limits before anything is allocated for them.
// Errors: a file libpff cannot open is one Errc::format error "PATH: not a readable PST/OST:
// reason"; an item that cannot be read is "PATH: message N: reason" and the walk goes on.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ingest/source.h"

namespace kagami::ingest::detail {

/// Attached messages inside attached messages are followed this deep.
inline constexpr int kMaxEmbedDepth = 4;
/// Attachments written per message; the rest are counted in a note.
inline constexpr int kMaxAttachments = 256;
/// Folder levels walked below the root folder.
inline constexpr int kMaxFolderDepth = 64;

/// Whether `head` starts like a PST/OST file (the "!BDN" magic, ANSI or Unicode).
bool looks_like_pst(std::string_view head);

/// Reads every message of the PST/OST file at `path` (read through its path: libpff opens it
/// itself), in walk order. Sink exceptions propagate.
void read_pst(const std::string& path, std::size_t max_message_bytes, const MessageSink& emit,
              const ErrorSink& on_error);

}  // namespace kagami::ingest::detail
