#include "analyzers/file_type.h"

#include <algorithm>

namespace kagami::analyzers {
namespace {

using namespace std::string_view_literals;

struct Magic {
    std::size_t offset;
    std::string_view bytes;
    std::string_view type;
};

// clang-format off
constexpr Magic kMagic[] = {
    {0, "\x89PNG\r\n\x1a\n"sv, "png"},
    {0, "\xff\xd8\xff"sv, "jpeg"},
    {0, "GIF87a"sv, "gif"},
    {0, "GIF89a"sv, "gif"},
    {0, "BM"sv, "bmp"},
    {0, "II*\0"sv, "tiff"},
    {0, "MM\0*"sv, "tiff"},
    {0, "\0\0\1\0"sv, "ico"},
    {8, "WEBP"sv, "webp"},
    {4, "ftyp"sv, "mp4"},
    {0, "ID3"sv, "mp3"},
    {0, "OggS"sv, "ogg"},
    {0, "\x7f" "ELF"sv, "elf"},
    {0, "\xcf\xfa\xed\xfe"sv, "macho"},
    {0, "\xce\xfa\xed\xfe"sv, "macho"},
    {0, "\xca\xfe\xba\xbe"sv, "java-class"},  // also universal Mach-O; both are code
    {0, "dex\n"sv, "dex"},
    {0, "SQLite format 3"sv, "sqlite"},
    {0, "MSWIM\0\0\0"sv, "wim"},
    {0, "\0asm"sv, "wasm"},
    {0, "-----BEGIN PGP"sv, "pgp"},
    {0, "-----BEGIN "sv, "pem"},
    {0, "\x1f\x8b"sv, "gzip"},
    {0, "\x78\x9f\x3e\x22"sv, "tnef"},
    {0, "<?xml"sv, "xml"},
    {0, "%!PS"sv, "postscript"},
    {0, "{\\rt"sv, "rtf"},
    {0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"sv, "ole2"},
    {0, "MZ"sv, "dos-exe"},
};
// clang-format on

// Text when almost everything is printable: UTF-8 or ASCII, or UTF-16 with a BOM.
bool looks_like_text(std::string_view b) {
    if (b.size() >= 2 && ((b[0] == '\xff' && b[1] == '\xfe') || (b[0] == '\xfe' && b[1] == '\xff')))
        return true;
    std::size_t n = std::min<std::size_t>(b.size(), 4096), odd = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto c = static_cast<unsigned char>(b[i]);
        if (c == 0) return false;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) ++odd;
    }
    return odd * 100 <= n;  // a few stray control bytes still read as text
}

}  // namespace

std::string_view identify_type(std::string_view bytes) {
    for (const auto& m : kMagic) {
        if (bytes.size() >= m.offset + m.bytes.size() &&
            bytes.substr(m.offset, m.bytes.size()) == m.bytes)
            return m.type;
    }
    if (!bytes.empty() && looks_like_text(bytes)) return "text";
    return "data";
}

}  // namespace kagami::analyzers
