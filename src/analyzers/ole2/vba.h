// VBA projects per MS-OVBA: the dir stream's records, each module's source at its
// offset in its stream, decompressed (2.4.1), and what olevba reports about the code.
// Used by the OLE2 analyzer on any storage that holds a VBA project.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"

namespace kagami::analyzers::vba {

/// MS-OVBA 2.4.1 decompression of a CompressedContainer. nullopt when it does not
/// start with the signature byte 0x01; a damaged chunk ends the output early.
/// Output stops at `max_out` bytes.
std::optional<std::string> decompress(std::string_view container, std::size_t max_out);

struct Module {
    std::string name;       ///< MODULENAME (UTF-8)
    std::string stream;     ///< MODULESTREAMNAME
    std::string code;       ///< decompressed source, converted to UTF-8 from the project code page
    bool document = false;  ///< a document or class module (ThisDocument, Sheet1) vs procedural
};

struct Project {
    std::vector<Module> modules;
    unsigned code_page = 0;               ///< PROJECTCODEPAGE
    std::string name;                     ///< PROJECTNAME (UTF-8)
    std::vector<std::string> references;  ///< libids of the REFERENCE records (UTF-8)
    std::vector<std::string> errors;      ///< what was malformed (dir stream, module offsets)
    bool truncated = false;               ///< decompression stopped at `max_bytes`
};

/// Reads the project from the streams of a VBA storage: `read_stream("dir")`,
/// `read_stream("Module1")`, ... return the bytes of that stream, nullopt when absent.
/// At most `max_bytes` are decompressed in all (dir and modules); never throws.
Project read_project(const std::function<std::optional<std::string>(std::string_view)>& read_stream,
                     std::size_t max_bytes);

/// Text in `code_page` (PROJECTCODEPAGE) as UTF-8: Windows-1252 and Latin-1 by table,
/// UTF-8 as is, other code pages (932 Shift_JIS, 936, 949, ...) through iconv;
/// bytes that do not convert become "\xNN".
std::string to_utf8(std::string_view text, unsigned code_page);

/// True when `code` holds more than Attribute VB_* and Option lines and blanks:
/// an empty ThisDocument module is not a macro.
bool has_code(std::string_view code);

/// Reports the project on `out`: facts (vba.project, vba.module, vba.source,
/// vba.auto_exec, vba.suspicious, vba.decoded, vba.ioc), the findings an analyst acts on,
/// and the project's errors as violations.
void report(const Project& project, Output& out);

}  // namespace kagami::analyzers::vba
