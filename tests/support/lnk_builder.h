// SPDX-License-Identifier: Apache-2.0
// Builder of inert Windows shortcuts ([MS-SHLLINK]) for the LNK analyzer's tests: a
// header, a shell item list for a path, LinkInfo, StringData and ExtraData blocks, and
// the knobs that make them lie (sizes past the end, zero-sized items and blocks).
// The shortcuts only NAME programs; nothing here runs anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagami::test::lnk {

/// What build() writes. Empty strings leave their structure out.
struct Options {
    std::string target;  ///< "C:\dir\file.exe": the item list and LinkInfo's local path
    bool idlist = true;
    bool link_info = true;
    bool link_info_unicode = false;  ///< a 0x24 LinkInfo header with LocalBasePathUnicode
    std::string network_share;       ///< "\\host\share": LinkInfo names a share (target = suffix)
    std::string network_device;      ///< "Z:" with network_share
    std::string volume_label;
    std::uint32_t drive_serial = 0x1234ABCD;

    bool unicode = true;  ///< IsUnicode: StringData as UTF-16LE
    std::string name, relative_path, working_dir, arguments, icon_location;

    std::uint32_t attributes = 0x20;                                   ///< FILE_ATTRIBUTE_ARCHIVE
    std::uint64_t creation_time = 0, access_time = 0, write_time = 0;  ///< FILETIME
    std::uint32_t file_size = 0;
    std::int32_t icon_index = 0;
    std::uint32_t show_command = 1;
    std::uint16_t hotkey = 0;

    std::string machine_id;  ///< a TrackerDataBlock when set
    std::string environment_target;
    std::string icon_environment;
    std::vector<std::string> extra_blocks;  ///< raw blocks, after the ones above

    // Lies for hostile tests.
    std::optional<std::uint32_t> link_info_size;     ///< overrides LinkInfoSize
    std::optional<std::string> raw_idlist;           ///< item bytes instead of target's items
    std::optional<std::uint16_t> last_string_count;  ///< overrides the last string's count
    bool terminal_block = true;
};

/// The shortcut described by `o`.
std::string build(const Options& o);

/// The shell item list (items and the terminating 0x0000, without IDListSize) for a
/// "C:\dir\file" path: My Computer, the volume, then one file entry per component, each
/// with an 8.3 short name and a BEEF0004 extension block holding the long name.
std::string idlist_for(const std::string& path);

/// A raw ExtraData block: BlockSize, `signature`, `data`.
std::string extra_block(std::uint32_t signature, const std::string& data);

/// A TrackerDataBlock whose file droid is a version-1 UUID ending in `mac` (6 bytes).
std::string tracker_block(const std::string& machine_id, const std::string& mac);

/// 2020-01-02T03:04:05Z as a FILETIME.
constexpr std::uint64_t kSampleTime = 132224078450000000ULL;

}  // namespace kagami::test::lnk
