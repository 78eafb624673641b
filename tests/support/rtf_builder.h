// Builders of inert RTF documents for the RTF analyzer's tests: OLE1 objects
// (MS-OLEDS 2.2.4), Ole10Native packages, and the hex encodings exploit kits use.
#pragma once

#include <cstdint>
#include <string>

namespace kagami::test::rtf {

/// An OLE1 object: version 0x0501, `format` (2 embedded, 1 linked), the class name,
/// empty topic and item names, then the native data with its size.
std::string ole1(const std::string& klass, const std::string& native, std::uint32_t format = 2);

/// Ole10Native package data (as a Package object carries it) for a file.
std::string package(const std::string& file_name, const std::string& contents);

/// Lower-case hex of `bytes`.
std::string hex(const std::string& bytes);

/// {\object <flags>{\*\objclass <klass>}{\*\objdata <objdata>}}; `objdata` is RTF text.
std::string object(const std::string& klass, const std::string& objdata,
                   const std::string& flags = "\\objemb");

/// A whole document around `body`.
std::string document(const std::string& body);

}  // namespace kagami::test::rtf
