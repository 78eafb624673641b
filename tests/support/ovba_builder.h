// Builds inert MS-OVBA VBA projects for tests: a real compressor (2.4.1, with copy
// tokens), the dir stream's records (2.3.4.2), and module streams with a performance
// cache before MODULEOFFSET. The module source is text the tests choose; nothing runs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::test {

/// MS-OVBA 2.4.1 compression: a CompressedContainer of compressed chunks (copy tokens
/// for repeats), or raw chunks where a full 4096-byte chunk does not compress. A final
/// partial chunk that does not compress is stored raw and zero-padded, as the spec says.
std::string ovba_compress(std::string_view data);

struct OvbaModule {
    std::string name;                             ///< MODULENAME (in the project code page)
    std::string stream;                           ///< MODULESTREAMNAME; defaults to name
    std::string code;                             ///< source text, code page bytes
    bool document = false;                        ///< MODULETYPE 0x0022 instead of 0x0021
    std::string cache = std::string(37, '\xCC');  ///< performance cache before the source
    std::optional<std::uint32_t> offset;          ///< MODULEOFFSET override (default cache.size())
    bool unicode_names = true;  ///< write MODULENAMEUNICODE and the stream's Unicode name
};

struct OvbaProject {
    std::string name = "VBAProject";
    std::uint16_t code_page = 1252;
    bool compat_version = true;  ///< PROJECTCOMPATVERSION record (newer Office)
    bool references = true;      ///< registered, control (with original) and project references
    std::vector<OvbaModule> modules;
};

/// The uncompressed dir stream (records in spec order, terminator last).
std::string ovba_dir_records(const OvbaProject& project);

/// The module stream: performance cache, then the compressed source.
std::string ovba_module_stream(const OvbaModule& module);

/// All streams of the VBA storage by name: "dir" (compressed) and one per module.
std::map<std::string, std::string> ovba_streams(const OvbaProject& project);

}  // namespace kagami::test
