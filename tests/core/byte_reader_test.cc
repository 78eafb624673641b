#include "core/byte_reader.h"

#include <gtest/gtest.h>

#include <limits>

namespace kagami::core {
namespace {

TEST(ByteReader, ReadsLittleAndBigEndian) {
    ByteReader r(std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9));
    EXPECT_EQ(r.u16(), 0x0201u);
    EXPECT_EQ(r.be<std::uint16_t>(), 0x0304u);
    EXPECT_EQ(r.u32(), 0x08070605u);
    EXPECT_EQ(r.remaining(), 1u);
    EXPECT_EQ(r.u16(), std::nullopt);  // one byte short: nothing consumed
    EXPECT_EQ(r.pos(), 8u);
    EXPECT_EQ(r.u8(), 9u);
    EXPECT_TRUE(r.empty());
}

TEST(ByteReader, OffsetsFromTheFileCannotWalkOffTheBuffer) {
    ByteReader r("abcdef");
    EXPECT_FALSE(r.seek(7));
    EXPECT_TRUE(r.seek(6));
    EXPECT_TRUE(r.seek(2));
    EXPECT_FALSE(r.skip(5));
    EXPECT_EQ(r.pos(), 2u);
    EXPECT_EQ(r.bytes(4), "cdef");
    EXPECT_EQ(r.bytes_at(1, 2), "bc");
    EXPECT_EQ(r.bytes_at(5, 2), std::nullopt);
    // Sizes that would wrap a 64-bit sum are refused, not wrapped.
    constexpr auto huge = std::numeric_limits<std::uint64_t>::max();
    EXPECT_EQ(r.bytes_at(huge, 1), std::nullopt);
    EXPECT_EQ(r.bytes_at(1, huge), std::nullopt);
    EXPECT_FALSE(r.seek(huge));
    EXPECT_EQ(le_at<std::uint32_t>(std::string_view("\x10\x00\x00\x00xyz", 7), 0), 16u);
    EXPECT_EQ(le_at<std::uint32_t>(std::string_view("\x10\x00\x00", 3), 0), std::nullopt);
}

}  // namespace
}  // namespace kagami::core
