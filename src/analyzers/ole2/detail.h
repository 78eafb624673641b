// SPDX-License-Identifier: Apache-2.0
// Internals of the OLE2 analyzer shared between its files: one function per kind of
// document (Word, Excel, PowerPoint, Outlook) over an opened compound file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "analyzers/analyzer.h"
#include "analyzers/ole2/cfb.h"

namespace kagami::analyzers::ole2::detail {

/// Finding kinds emitted from more than one file.
extern const FindingKind kEncrypted;
extern const FindingKind kEntriesLimit;
extern const FindingKind kBytesLimit;

/// Hands `bytes` back as a child unless the entry limit or byte budget is spent.
/// Returns false once no more children may be produced (the caller stops).
bool give_child(Output& out, std::string name, std::string bytes);

/// What the stream reads of one artifact may take: the message's bytes_left().
std::size_t read_cap(Output& out);

/// True when a stream of `size` bytes can be extracted whole; else records
/// limit.ole2.bytes (once) with `what` and returns false (no cut children).
bool fits_budget(Output& out, std::uint64_t size, std::string_view what);

/// Word binary: FIB flags (encryption), the attached template (SttbfAssoc).
void analyze_word(cfb::CompoundFile& file, Output& out);

/// True when a Word template path points off the machine: UNC, WebDAV or a URL.
bool is_remote_template(std::string_view path);

/// Excel BIFF5/BIFF8 workbook globals: FILEPASS, BOUNDSHEET, built-in NAMEs.
void analyze_excel(cfb::CompoundFile& file, int workbook, Output& out);

/// PowerPoint: encryption, and the compound files stored in ExOleObjStg records
/// (embedded objects and the VBA project), given to `embedded` one at a time.
void analyze_ppt(cfb::CompoundFile& file, Output& out,
                 void (*embedded)(std::string_view cfb_bytes, std::string_view label, Output& out));

/// Outlook .msg: MAPI properties of the message and its attachments (children).
void analyze_msg(cfb::CompoundFile& file, Output& out);

/// Bounded zlib inflate of `in`; nullopt when it is no zlib stream at all. A damaged
/// or cut stream yields what was inflated before the damage.
std::optional<std::string> inflate_zlib(std::string_view in, std::size_t max_out);

}  // namespace kagami::analyzers::ole2::detail
