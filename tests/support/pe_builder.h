// SPDX-License-Identifier: Apache-2.0
// Builder of inert PE32 and PE32+ images for the PE analyzer's tests: headers, sections
// holding zeros or text (no code), an import table, an export table, a Rich header, a
// CodeView record, a version resource, an overlay and a certificate table, plus the
// knobs that make them lie (e_lfanew, section counts and pointers, endless imports).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kagami::test::pe {

/// One imported DLL: functions by name, then by ordinal.
struct Import {
    std::string dll;
    std::vector<std::string> names;
    std::vector<std::uint16_t> ordinals;
};

/// An extra section after .text, .rdata and .rsrc.
struct Section {
    std::string name;  ///< up to 8 bytes
    std::string data;  ///< raw bytes (padded to 0x200)
    std::uint32_t characteristics = 0x40000040;
    std::uint32_t virtual_size = 0;  ///< 0: the raw size
};

struct Options {
    bool pe64 = false;
    bool dll = false;
    std::uint16_t machine = 0;  ///< 0: i386 or amd64 by pe64
    std::uint16_t subsystem = 2;
    std::uint32_t timestamp = 0x5E0D5DA5;      ///< 2020-01-02T03:04:05Z
    std::string text = "inert text, no code";  ///< .text contents
    std::vector<Import> imports;
    std::vector<std::string> exports;
    std::string dll_name;  ///< export directory name
    bool rich = true;
    std::vector<std::array<std::uint32_t, 3>> rich_entries{{259, 30729, 5}, {147, 30729, 2}};
    std::uint32_t rich_key = 0x9858F207;
    std::string pdb;  ///< RSDS record when set
    std::vector<std::pair<std::string, std::string>> version_strings;
    bool clr = false;
    std::vector<Section> sections;
    std::string overlay;
    std::string certificate;  ///< WIN_CERTIFICATE contents after its 8-byte header

    // Lies for hostile tests.
    std::optional<std::uint32_t> e_lfanew;
    std::optional<std::uint16_t> number_of_sections;
    std::optional<std::uint32_t> rdata_raw_pointer;
    bool import_terminator = true;  ///< false: descriptors repeat to the section's end
    bool version_cycle = false;     ///< the resource tree's entries point back at its root
};

/// The image described by `o`.
std::string build(const Options& o);

}  // namespace kagami::test::pe
