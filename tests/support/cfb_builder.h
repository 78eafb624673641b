// SPDX-License-Identifier: Apache-2.0
// Writes MS-CFB compound files for tests: header, DIFAT (optionally in DIFAT
// sectors), FAT, MiniFAT, mini stream and a directory whose sibling trees are
// balanced (all black). The layout it reports lets hostile tests patch chains,
// sizes and sibling links afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::test {

class CfbBuilder {
public:
    /// `major` 3 (512-byte sectors) or 4 (4096-byte sectors).
    explicit CfbBuilder(unsigned major = 3) : major_(major) {}

    /// Adds a storage below `parent` (0 is the root); returns its directory entry id.
    int add_storage(int parent, std::string_view name, std::string_view clsid = {});
    /// Adds a stream; `name` is ASCII or UTF-8 (control characters such as "\x01Ole10Native"
    /// kept). Streams under 4096 bytes go to the mini stream unless `force_fat`.
    int add_stream(int parent, std::string_view name, std::string data, bool force_fat = false);
    /// 16 raw bytes for the root's CLSID.
    void set_root_clsid(std::string_view clsid) { root_clsid_ = std::string(clsid); }
    /// Lists FAT sectors in a DIFAT sector even when the header's 109 slots would do.
    void use_difat_sector() { force_difat_ = true; }

    /// Where things landed in the last build(), for patching.
    struct Layout {
        std::uint32_t sector_size = 512;
        std::vector<std::uint32_t> fat_sectors;
        std::vector<std::uint32_t> difat_sectors;
        std::uint32_t directory_start = 0;
        std::uint32_t mini_fat_start = 0xFFFFFFFE;
        std::uint32_t mini_stream_start = 0xFFFFFFFE;
        std::vector<std::uint32_t> first_sector;  ///< per entry id: first (mini) sector
        std::vector<bool> in_mini;                ///< per entry id
        std::uint64_t offset_of_sector(std::uint32_t n) const {
            return (std::uint64_t{n} + 1) * sector_size;
        }
        std::uint64_t offset_of_entry(std::uint32_t id) const {
            return offset_of_sector(directory_start) + std::uint64_t{id} * 128;
        }
        /// Byte offset of FAT entry `n` (the FAT's sectors are contiguous here).
        std::uint64_t offset_of_fat_entry(std::uint32_t n) const {
            return offset_of_sector(fat_sectors[n / (sector_size / 4)]) +
                   (n % (sector_size / 4)) * 4;
        }
    };

    std::string build();
    const Layout& layout() const { return layout_; }

    /// Little-endian store into `bytes` at `offset` (for hostile patches).
    static void put32(std::string& bytes, std::uint64_t offset, std::uint32_t v);
    static void put64(std::string& bytes, std::uint64_t offset, std::uint64_t v);

    /// Directory entry field offsets within a 128-byte entry.
    static constexpr std::uint32_t kLeft = 68, kRight = 72, kChild = 76, kStart = 116, kSize = 120;

private:
    struct Node {
        std::string name;
        int type = 0;  // 1 storage, 2 stream, 5 root
        int parent = -1;
        std::string clsid;
        std::string data;
        bool force_fat = false;
        std::vector<int> children;
    };
    unsigned major_;
    bool force_difat_ = false;
    std::string root_clsid_;
    std::vector<Node> nodes_{Node{"Root Entry", 5, -1, {}, {}, false, {}}};
    Layout layout_;
};

}  // namespace kagami::test
