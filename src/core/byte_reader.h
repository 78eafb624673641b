// A checked cursor over untrusted bytes. Every read returns std::optional and
// every check compares sizes, never pointers, so no offset taken from a file can
// walk off the buffer (rspamd's archives.c history shows what happens otherwise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace kagami::core {

class ByteReader {
public:
    ByteReader() = default;
    explicit ByteReader(std::string_view data) : data_(data) {}

    std::size_t size() const { return data_.size(); }
    std::size_t pos() const { return pos_; }
    std::size_t remaining() const { return data_.size() - pos_; }
    bool empty() const { return pos_ == data_.size(); }
    std::string_view data() const { return data_; }

    /// Moves to `offset` (64-bit, as read from a file); false and no move if past the end.
    bool seek(std::uint64_t offset) {
        if (offset > data_.size()) return false;
        pos_ = static_cast<std::size_t>(offset);
        return true;
    }
    bool skip(std::uint64_t n) {
        if (n > remaining()) return false;
        pos_ += static_cast<std::size_t>(n);
        return true;
    }

    /// The next `n` bytes, consumed; nullopt (nothing consumed) if fewer remain.
    std::optional<std::string_view> bytes(std::uint64_t n) {
        if (n > remaining()) return std::nullopt;
        auto out = data_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }

    /// `n` bytes at absolute `offset`, without moving the cursor.
    std::optional<std::string_view> bytes_at(std::uint64_t offset, std::uint64_t n) const {
        if (offset > data_.size() || n > data_.size() - offset) return std::nullopt;
        return data_.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(n));
    }

    /// Little-endian unsigned integer of sizeof(T) bytes.
    template <typename T>
    std::optional<T> le() {
        static_assert(std::is_unsigned_v<T>);
        auto b = bytes(sizeof(T));
        if (!b) return std::nullopt;
        T v = 0;
        for (std::size_t i = sizeof(T); i-- > 0;)
            v = static_cast<T>((v << 8) | static_cast<unsigned char>((*b)[i]));
        return v;
    }

    /// Big-endian unsigned integer of sizeof(T) bytes.
    template <typename T>
    std::optional<T> be() {
        static_assert(std::is_unsigned_v<T>);
        auto b = bytes(sizeof(T));
        if (!b) return std::nullopt;
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v = static_cast<T>((v << 8) | static_cast<unsigned char>((*b)[i]));
        return v;
    }

    std::optional<std::uint8_t> u8() { return le<std::uint8_t>(); }
    std::optional<std::uint16_t> u16() { return le<std::uint16_t>(); }
    std::optional<std::uint32_t> u32() { return le<std::uint32_t>(); }
    std::optional<std::uint64_t> u64() { return le<std::uint64_t>(); }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

/// Little-endian value at `offset` of `data`, or nullopt when it does not fit.
template <typename T>
std::optional<T> le_at(std::string_view data, std::uint64_t offset) {
    ByteReader r(data);
    if (!r.seek(offset)) return std::nullopt;
    return r.le<T>();
}

}  // namespace kagami::core
