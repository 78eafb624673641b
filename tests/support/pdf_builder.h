// Builds inert PDF files for tests: the shapes malicious documents use (scripts run on
// open, Launch actions that name a program, attached files, object streams, #-escaped
// names, incremental updates) and hostile structure (lying lengths, deep nesting, a
// decompression bomb). Scripts and commands are text only; nothing here runs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kagami::test {

class PdfBuilder {
public:
    /// Starts a file with `prefix` (junk Acrobat skips) then "%PDF-<version>".
    explicit PdfBuilder(std::string_view version = "1.7", std::string_view prefix = "");

    /// "num 0 obj\n<body>\nendobj\n".
    PdfBuilder& object(unsigned num, std::string_view body);
    /// A stream object: << entries /Length n >> stream ... endstream.
    PdfBuilder& stream(unsigned num, std::string_view entries, std::string_view data);
    /// A stream object whose /Length is `length` as written (it may lie or be a reference).
    PdfBuilder& stream_with_length(unsigned num, std::string_view entries, std::string_view data,
                                   std::string_view length);
    /// Bytes as they are.
    PdfBuilder& raw(std::string_view bytes);
    /// An xref table for the objects written since the last trailer, then
    /// "trailer << entries >>", startxref and %%EOF. Call again for an incremental update.
    PdfBuilder& trailer(std::string_view entries);

    const std::string& bytes() const { return out_; }

private:
    std::string out_;
    std::vector<std::pair<unsigned, std::size_t>> offsets_;
};

/// The data of an object stream holding `objects` (number, text) and its /First.
struct PdfObjectStream {
    std::string data;
    std::size_t first = 0;
};
PdfObjectStream pdf_object_stream(const std::vector<std::pair<unsigned, std::string>>& objects);

/// zlib-compressed `data` (for /FlateDecode).
std::string pdf_flate(std::string_view data);
/// `n` zero bytes zlib-compressed, produced without holding them: a decompression bomb.
std::string pdf_flate_zeros(std::size_t n);
/// A hex string "<...>" of `bytes`.
std::string pdf_hex(std::string_view bytes);
/// A text string of UTF-8 `text` as PDF writes non-Latin names: FE FF + UTF-16BE.
std::string pdf_utf16(std::string_view text);
/// A literal string "(...)" with ( ) \ escaped.
std::string pdf_literal(std::string_view bytes);

}  // namespace kagami::test
