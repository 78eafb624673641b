// Buffered reading of a file or of standard input in fixed chunks, with enough look-ahead to
// sniff a format or to see the start of a line. Memory is the buffer, whatever the input size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace kagami::ingest::detail {

/// Chunk size for mailboxes: large enough that a line rarely straddles two reads.
inline constexpr std::size_t kChunkBytes = 1u << 20;

class Input {
public:
    /// Reads from `file` (not owned) through `buffer`, which is resized to `capacity` once and
    /// may be reused by the next Input: a directory walk allocates one buffer, not one per file.
    Input(std::FILE* file, std::vector<char>& buffer, std::size_t capacity = kChunkBytes);

    /// Everything buffered from the current position, at least `n` bytes unless the input ends
    /// first (`n` is clamped to the buffer capacity). Empty means end of input.
    std::string_view peek(std::size_t n);

    /// Drops the first `n` bytes of what peek() returned.
    void consume(std::size_t n) { pos_ += n; }

    /// Offset in the input of the current position.
    std::uint64_t offset() const { return base_ + pos_; }

    /// True once a read failed (as opposed to reaching the end).
    bool failed() const { return failed_; }

private:
    std::FILE* file_;
    std::vector<char>& buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::uint64_t base_ = 0;
    bool eof_ = false;
    bool failed_ = false;
};

}  // namespace kagami::ingest::detail
