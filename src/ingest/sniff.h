// Recognising mail from the first bytes of a file.
#pragma once

#include <string_view>

#include "ingest/source.h"

namespace kagami::ingest::detail {

/// Bytes looked at to recognise a file: a whole header block in nearly all mail.
inline constexpr std::size_t kSniffBytes = 64u << 10;

/// eml, mbox, pst or not_mail from the leading bytes of a file (at most kSniffBytes of them).
///  * "!BDN" at offset 0: an Outlook PST/OST (ANSI or Unicode).
/// A UTF-8 BOM and leading blank lines are skipped; LF, CRLF and CR line ends are read.
///  * "From " + a From_ line, or + any line followed by a header field: mbox.
///  * A header field ("Name: value", name of printable ASCII without spaces): eml when the
///    name is a common one (Received, Return-Path, From, X-...) or the next line continues
///    the header block (another field, a folded line or the blank line ending it).
///  * ">From ..." (a quoted envelope line left by some tools) followed by a header field: eml.
///  * Anything else, an empty file included: not_mail.
Format sniff_format(std::string_view head);

/// Whether `line` (no terminator) starts like an RFC 5322 header field "Name:".
bool is_header_field(std::string_view line);

}  // namespace kagami::ingest::detail
