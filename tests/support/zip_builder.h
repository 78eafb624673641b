// Hand-written ZIP files for the archive analyzer's tests, including the hostile ones a
// real zip tool will not write: a central directory past the end, sizes that differ
// between the local header and the directory, several directory records pointing at
// one local header (the overlapping-entry bomb), names with ../ or in Shift_JIS.
// Entries are stored (method 0) unless the caller brings already compressed bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagami::test::zip {

/// One entry as build() writes it.
struct Item {
    std::string name;          ///< raw bytes of the name (UTF-8 or a code page)
    std::string data;          ///< the unpacked content (its CRC is written)
    std::uint16_t method = 0;  ///< 0 stored; 8 deflate (then `packed` holds the raw deflate)
    std::string packed;        ///< compressed bytes when method != 0
    bool utf8_flag = false;    ///< general-purpose bit 11 (names in UTF-8)
    /// Sizes the central directory states instead of the real ones (a liar).
    std::optional<std::uint32_t> cd_size, cd_packed;
};

class Builder {
public:
    /// A stored entry.
    Builder& add(std::string name, std::string data);
    Builder& add(Item item);
    /// The archive comment in the end record.
    Builder& comment(std::string text);
    /// One more central directory record called `name` for the local header of item
    /// `target` (an overlapping entry).
    Builder& alias(std::string name, std::size_t target);
    /// Adds `delta` to the central directory offset in the end record (past the end).
    Builder& shift_directory(std::uint32_t delta);
    /// Bytes before the first local header (a self-extractor stub, a decoy).
    Builder& prefix(std::string bytes);

    std::string build() const;

private:
    std::vector<Item> items_;
    std::vector<std::pair<std::string, std::size_t>> aliases_;
    std::string comment_;
    std::string prefix_;
    std::uint32_t shift_ = 0;
};

/// CRC-32 (ISO-HDLC), as ZIP stores it.
std::uint32_t crc32(std::string_view data);

}  // namespace kagami::test::zip
