// Where raw messages come from. Every source yields the same thing: the raw bytes
// plus the envelope facts it knows. The format is recognised from content, never
// from the name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kagami/result.h"

namespace kagami::ingest {

struct RawMessage {
    std::string bytes;          ///< the message as it was stored (mbox quoting undone)
    std::string path;           ///< file it came from; "-" for standard input
    long index = -1;            ///< 0-based position inside a mailbox; -1 for a one-message file
    std::string envelope_from;  ///< mbox "From " line sender, when known
    std::optional<std::int64_t> received_time;  ///< UTC seconds from the mbox "From " line
    bool truncated = false;  ///< the message was longer than max_message_bytes and was cut
};

enum class Format { eml, mbox, maildir, directory, pst, not_mail };

struct ReadOptions {
    std::size_t max_message_bytes = 64u << 20;  ///< longer messages are cut and flagged
};

/// What a path holds, from its content: a directory with cur/ or new/ is a Maildir, any
/// other directory is walked; a file starting with "!BDN" is an Outlook PST/OST; a file
/// starting with an mbox "From " line is an mbox; a file starting with header fields is one
/// message; anything else is not_mail.
Result<Format> detect_format(const std::string& path);

using MessageSink = std::function<void(RawMessage&&)>;
using ErrorSink = std::function<void(const Error&)>;

/// Calls `on_message` for every message under `path` ("-" reads standard input), in a
/// stable order (directories sorted by name; Maildir cur/ then new/; mailboxes in file
/// order; PST/OST folders depth-first). mboxo and mboxrd are both read: ">From " lines are
/// unquoted one level. PST/OST messages are rebuilt as RFC 5322 (ingest/pst.h), with
/// `index` their ordinal in the file.
/// Mailboxes are streamed, never loaded whole. A file that is not mail or cannot be read
/// is reported through `on_error` naming the file, and the walk goes on.
///
/// Details (ingest/mbox.h has the mbox rules):
///  * Standard input is one message, or a mailbox when it starts with a From_ line. A PST
///    on standard input is reported (libpff reads files by path).
///  * Directory symlinks are followed; a directory reached twice (a loop) is read once and
///    the second visit reported. FIFOs and devices are reported, never opened.
///  * A Maildir is cur/ then new/ (tmp/ is skipped), then its other entries by name:
///    Maildir++ folders (".Sent"), plain nested folders, stray messages. Files in cur/ and
///    new/ are messages whatever they hold; server files beside them (dovecot-uidlist,
///    maildirfolder) are passed over without a report.
///  * Errors: Errc::io for what cannot be read, Errc::format for files that are not mail;
///    messages start "PATH: ". Exceptions thrown by the sinks propagate; none of ours do.
void read_path(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
               const ErrorSink& on_error);

}  // namespace kagami::ingest
