// mbox splitting (mboxo and mboxrd) and the "From " envelope line.
//
// Where a message starts. A line beginning with "From " is a From_ line when
//  * it is the first line of the mailbox (after a BOM and blank lines), always;
//  * it follows an empty line and reads "From SENDER" + a date with a time of day
//    ("From MAILER-DAEMON Thu Sep 18 17:54:04 2008"), or "From -" (Netscape/Mozilla), or
//    "From SENDER" alone when SENDER holds an '@' (Gmail export: "From 1844...@xxx");
//  * it follows a non-empty line and reads "From -" or "From SENDER" + a date with both a
//    time of day and a four-digit year. MimeKit and Thunderbird split there too (MimeKit's
//    content-length.mbox.txt has such a line), and a real From_ line is hard to mistake.
// "From Russia with love" in a body is therefore never a split, blank line or not, and
// neither is the "From <commit> Mon Sep 17 00:00:00 2001" line of an attached git patch.
// An unquoted From_ line that is real in form (a forwarded bounce pasted into a body) still
// splits: mboxo cannot tell it apart, and mutt, MimeKit and sisimai split there too.
//
// What a message is. Its bytes run from just after its From_ line (terminator included)
// to just before the line terminator that precedes the next From_ line, or to the end of
// the file: the same [beginOffset, endOffset) spans MimeKit records. Lines of the form
// ">From ", ">>From ", ... lose one '>' (mboxrd; in mboxo files the quoting is lost either
// way). Line endings are kept as stored: LF, CRLF, or a lone CR when the first line of the
// file ends in a lone CR (old Mac mailboxes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/input.h"
#include "ingest/source.h"

namespace kagami::ingest::detail {

/// Where one message sits in the mailbox file, as byte offsets.
struct MboxSpan {
    std::uint64_t marker_offset = 0;  ///< first byte of its From_ line
    std::uint64_t begin_offset = 0;   ///< first byte after the From_ line
    std::uint64_t end_offset = 0;     ///< one past its last byte (separator excluded)
};

/// Whether `line` (without its terminator) is a From_ line by the rules above.
/// `after_blank` says the previous line was empty.
bool looks_like_from_line(std::string_view line, bool after_blank);

struct Envelope {
    std::string sender;
    std::optional<std::int64_t> time;  ///< UTC seconds
};

/// Sender and date of a From_ line ("From sender Sat Jan  3 01:05:34 1996").
Envelope parse_from_line(std::string_view line);

/// The date of a From_ line as UTC seconds. Reads asctime ("Sat Jan  3 01:05:34 1996"),
/// with a zone before or after the year ("... 01:05:34 PST 1996", "... 1996 +0900"),
/// day-first ("Mon 1 Jan 2015 00:00:00 +0900") and ISO ("2019-10-02 05:04:34 +0000").
/// Without a zone the time is taken as UTC: the zone of the delivering host is unknown.
std::optional<std::int64_t> parse_from_date(std::string_view text);

using SpanSink = std::function<void(RawMessage&&, const MboxSpan&)>;

/// Splits the mailbox read from `in` into messages, calling `emit` for each in file order.
/// Messages longer than `max_message_bytes` are cut and flagged; the rest of such a message
/// is read and dropped. Memory stays within the input buffer plus one message.
void split_mbox(Input& in, const std::string& path, std::size_t max_message_bytes,
                const SpanSink& emit);

}  // namespace kagami::ingest::detail
