// SPDX-License-Identifier: Apache-2.0
// The compound-file reader on files built by CfbBuilder: well-formed v3 and v4 files,
// then hostile variants (cycles, sectors past the end, lying sizes, truncation), each
// of which must give an error and terminate.
#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/ole2/cfb.h"
#include "support/cfb_builder.h"

namespace kagami::analyzers::cfb {
namespace {

using test::CfbBuilder;

std::string pattern(std::size_t n, char seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 7) % 61);
    return s;
}

bool has_error(const CompoundFile& f, std::string_view needle) {
    return std::any_of(f.errors().begin(), f.errors().end(),
                       [&](const std::string& e) { return e.find(needle) != std::string::npos; });
}

// A small tree: a big FAT stream, a mini stream and a nested storage.
CfbBuilder sample(unsigned major = 3) {
    CfbBuilder b(major);
    b.add_stream(0, "WordDocument", pattern(9000, 'a'));
    int macros = b.add_storage(0, "Macros");
    int vba = b.add_storage(macros, "VBA");
    b.add_stream(vba, "dir", pattern(300, 'd'));
    b.add_stream(vba, "Module1", pattern(5000, 'm'));
    b.add_stream(0,
                 "\x01"
                 "CompObj",
                 pattern(100, 'c'));
    return b;
}

TEST(CompoundFile, ReadsStreamsThroughFatAndMiniStream) {
    auto b = sample();
    std::string bytes = b.build();
    CompoundFile f(bytes);
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(f.errors().empty()) << f.errors().front();
    EXPECT_EQ(f.major_version(), 3u);
    EXPECT_EQ(f.read("WordDocument", 1 << 20), pattern(9000, 'a'));
    EXPECT_EQ(f.read("Macros/VBA/dir", 1 << 20), pattern(300, 'd'));
    EXPECT_EQ(f.read("macros/vba/MODULE1", 1 << 20), pattern(5000, 'm'));
    EXPECT_EQ(f.read("\x01"
                     "CompObj",
                     1 << 20),
              pattern(100, 'c'));
    EXPECT_FALSE(f.read("Macros/VBA", 100).has_value());  // a storage
    EXPECT_FALSE(f.read("Nope", 100).has_value());
    int dir = f.find("Macros/VBA/dir");
    ASSERT_GE(dir, 0);
    EXPECT_EQ(f.entries()[static_cast<std::size_t>(dir)].path, "Macros/VBA/dir");
}

TEST(CompoundFile, ReadsVersion4Files) {
    auto b = sample(4);
    std::string bytes = b.build();
    CompoundFile f(bytes);
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(f.errors().empty());
    EXPECT_EQ(f.major_version(), 4u);
    EXPECT_EQ(f.read("Macros/VBA/Module1", 1 << 20), pattern(5000, 'm'));
    EXPECT_EQ(f.read("Macros/VBA/dir", 1 << 20), pattern(300, 'd'));
}

TEST(CompoundFile, FollowsDifatSectors) {
    CfbBuilder b;
    b.use_difat_sector();
    b.add_stream(0, "Data", pattern(20000, 'x'));
    std::string bytes = b.build();
    ASSERT_FALSE(b.layout().difat_sectors.empty());
    CompoundFile f(bytes);
    EXPECT_TRUE(f.errors().empty());
    EXPECT_EQ(f.read("Data", 1 << 20), pattern(20000, 'x'));
}

TEST(CompoundFile, ManyFatSectorsNeedTheDifatChain) {
    // 128 FAT sectors of 512 bytes address 16384 sectors: more than the header's 109 slots.
    CfbBuilder b;
    b.add_stream(0, "Big", pattern(7'500'000, 'b'));
    std::string bytes = b.build();
    ASSERT_GT(b.layout().fat_sectors.size(), 109u);
    CompoundFile f(bytes);
    EXPECT_TRUE(f.errors().empty());
    auto big = f.read("Big", 1 << 30);
    ASSERT_TRUE(big.has_value());
    EXPECT_EQ(big->size(), 7'500'000u);
    EXPECT_EQ(*big, pattern(7'500'000, 'b'));
}

TEST(CompoundFile, CutsReadsAtMaxBytes) {
    auto b = sample();
    std::string bytes = b.build();
    CompoundFile f(bytes);
    EXPECT_EQ(f.read("WordDocument", 1000)->size(), 1000u);
    EXPECT_TRUE(f.errors().empty());
}

TEST(CompoundFile, RejectsWrongSignatureAndShortHeader) {
    EXPECT_FALSE(CompoundFile("").ok());
    EXPECT_FALSE(CompoundFile("text").ok());
    std::string header = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    CompoundFile short_file(header + std::string(100, '\0'));
    EXPECT_FALSE(short_file.ok());
    EXPECT_FALSE(short_file.errors().empty());
}

TEST(CompoundFile, RejectsAbsurdSectorShift) {
    std::string bytes = sample().build();
    bytes[30] = 40;
    CompoundFile f(bytes);
    EXPECT_FALSE(f.ok());
    EXPECT_TRUE(has_error(f, "sector shift"));
}

TEST(CompoundFile, DetectsFatCycle) {
    auto b = sample();
    std::string bytes = b.build();
    const auto& l = b.layout();
    std::uint32_t first = l.first_sector[1];  // WordDocument, 18 sectors
    // Its third sector links back to the first.
    CfbBuilder::put32(bytes, l.offset_of_fat_entry(first + 2), first);
    CompoundFile f(bytes);
    auto data = f.read("WordDocument", 1 << 20);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->size(), 3u * 512);
    EXPECT_TRUE(has_error(f, "loops"));
}

TEST(CompoundFile, DetectsSelfLoopInDirectoryChain) {
    auto b = sample();
    std::string bytes = b.build();
    const auto& l = b.layout();
    CfbBuilder::put32(bytes, l.offset_of_fat_entry(l.directory_start), l.directory_start);
    CompoundFile f(bytes);
    EXPECT_TRUE(has_error(f, "directory chain loops"));
}

TEST(CompoundFile, DetectsDifatCycle) {
    CfbBuilder b;
    b.use_difat_sector();
    b.add_stream(0, "Data", pattern(20000, 'x'));
    std::string bytes = b.build();
    const auto& l = b.layout();
    std::uint32_t d = l.difat_sectors[0];
    CfbBuilder::put32(bytes, l.offset_of_sector(d) + 508, d);  // next DIFAT sector: itself
    CompoundFile f(bytes);
    EXPECT_TRUE(has_error(f, "DIFAT chain loops"));
    EXPECT_EQ(f.read("Data", 1 << 20), pattern(20000, 'x'));  // the FAT was still read
}

TEST(CompoundFile, DetectsDirectorySiblingCycle) {
    auto b = sample();
    std::string bytes = b.build();
    const auto& l = b.layout();
    // The root's children: make every one point right at the root's child (a cycle).
    for (std::uint32_t id = 1; id < 7; ++id) {
        CfbBuilder::put32(bytes, l.offset_of_entry(id) + CfbBuilder::kRight, 1);
        CfbBuilder::put32(bytes, l.offset_of_entry(id) + CfbBuilder::kLeft, 2);
    }
    CompoundFile f(bytes);
    EXPECT_TRUE(has_error(f, "twice"));
    EXPECT_LE(f.entries().size(), 7u);
}

TEST(CompoundFile, DetectsStorageThatContainsItself) {
    auto b = sample();
    std::string bytes = b.build();
    const auto& l = b.layout();
    // Macros (entry 2) names the root's first child as its own child.
    CfbBuilder::put32(bytes, l.offset_of_entry(2) + CfbBuilder::kChild, 2);
    CompoundFile f(bytes);
    EXPECT_TRUE(has_error(f, "twice"));
}

TEST(CompoundFile, DetectsSiblingIndexPastDirectory) {
    auto b = sample();
    std::string bytes = b.build();
    CfbBuilder::put32(bytes, b.layout().offset_of_entry(0) + CfbBuilder::kChild, 5000);
    CompoundFile f(bytes);
    EXPECT_TRUE(has_error(f, "past the end of the directory"));
    EXPECT_EQ(f.entries().size(), 1u);
}

TEST(CompoundFile, DetectsSectorPastEnd) {
    auto b = sample();
    std::string bytes = b.build();
    CfbBuilder::put32(bytes, b.layout().offset_of_entry(1) + CfbBuilder::kStart, 0x00FFFF00);
    CompoundFile f(bytes);
    auto data = f.read("WordDocument", 1 << 20);
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(data->empty());
    EXPECT_TRUE(has_error(f, "past the end"));
}

TEST(CompoundFile, DetectsStreamLargerThanItsChain) {
    auto b = sample();
    std::string bytes = b.build();
    CfbBuilder::put64(bytes, b.layout().offset_of_entry(1) + CfbBuilder::kSize, 90000);
    CompoundFile f(bytes);
    auto data = f.read("WordDocument", 1 << 20);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->size(), 9216u);  // 18 whole sectors
    EXPECT_TRUE(has_error(f, "chain ends"));
}

TEST(CompoundFile, MasksHighSizeBitsOfVersion3) {
    auto b = sample();
    std::string bytes = b.build();
    CfbBuilder::put32(bytes, b.layout().offset_of_entry(1) + CfbBuilder::kSize + 4, 0x7);
    CompoundFile f(bytes);
    EXPECT_EQ(f.read("WordDocument", 1 << 20), pattern(9000, 'a'));
    EXPECT_TRUE(has_error(f, "high 32 bits"));
}

TEST(CompoundFile, SurvivesTruncation) {
    auto b = sample();
    std::string full = b.build();
    // Every cut must terminate; cuts inside the data give errors when those streams are read.
    for (std::size_t cut = 0; cut < full.size(); cut += 97) {
        CompoundFile f(std::string_view(full).substr(0, cut));
        for (std::size_t i = 0; i < f.entries().size(); ++i) f.read(static_cast<int>(i), 1 << 20);
        if (cut >= 512 && cut < full.size() - 512) {
            EXPECT_FALSE(f.errors().empty()) << cut;
        }
    }
}

TEST(CompoundFile, DetectsMiniStreamPointingOutside) {
    auto b = sample();
    std::string bytes = b.build();
    const auto& l = b.layout();
    // dir is in the mini stream; send its chain to mini sector 9999.
    ASSERT_TRUE(l.in_mini[4]);
    CfbBuilder::put32(bytes, l.offset_of_entry(4) + CfbBuilder::kStart, 9999);
    CompoundFile f(bytes);
    auto data = f.read("Macros/VBA/dir", 1 << 20);
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(data->empty());
    EXPECT_TRUE(has_error(f, "mini FAT"));
}

TEST(CompoundFile, DetectsMiniStreamRootOutsideFile) {
    auto b = sample();
    std::string bytes = b.build();
    CfbBuilder::put32(bytes, b.layout().offset_of_entry(0) + CfbBuilder::kStart, 0x10000000);
    CompoundFile f(bytes);
    auto data = f.read("Macros/VBA/dir", 1 << 20);
    ASSERT_TRUE(data.has_value());
    EXPECT_TRUE(data->empty());
    EXPECT_TRUE(has_error(f, "mini stream"));
}

TEST(CompoundFile, BoundsEntries) {
    CfbBuilder b;
    for (int i = 0; i < 50; ++i) b.add_stream(0, "s" + std::to_string(i), "x");
    std::string bytes = b.build();
    CompoundFile f(bytes, 10);
    EXPECT_TRUE(f.entries_cut());
    EXPECT_EQ(f.entries().size(), 10u);
}

TEST(CompoundFile, FormatsClsid) {
    EXPECT_EQ(clsid_string(std::string(
                  "\x06\x09\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16)),
              "{00020906-0000-0000-C000-000000000046}");
    EXPECT_EQ(clsid_string(std::string(16, '\0')), "");
    EXPECT_EQ(clsid_string("short"), "");
}

}  // namespace
}  // namespace kagami::analyzers::cfb
