// Reading archives in memory through libarchive, bounded. The one place libarchive
// is used: the archive analyzer and the OOXML analyzer (a docx is a ZIP) both read
// entries through here, and never see a libarchive type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace kagami::analyzers::archive {

/// One entry as read from the archive.
struct Entry {
    std::string name;          ///< path inside the archive, UTF-8 as far as it can be decoded
    std::int64_t size = -1;    ///< declared unpacked size; -1 when the format does not say
    std::int64_t packed = -1;  ///< compressed size when the format gives it (ZIP), else -1
    bool directory = false;
    bool encrypted = false;       ///< data or header encryption
    bool truncated = false;       ///< `data` was cut at max_entry_bytes or the ratio bound
    bool ratio_exceeded = false;  ///< cut because it unpacked to more than max_ratio x packed
    std::string data;             ///< the unpacked bytes (empty for directories or on error)
    std::string error;            ///< why the data could not be read (wrong password, corrupt)
};

struct UnpackOptions {
    std::size_t max_entries = 10'000;
    std::size_t max_entry_bytes = 64u << 20;
    /// Bound on unpacked / packed for one entry (0 = none); only enforced past 1 MiB.
    std::size_t max_ratio = 0;
    /// Passwords libarchive may try on encrypted entries, in order.
    std::span<const std::string> passwords;
    /// When false, only names and sizes are read (no decompression).
    bool read_data = true;
    /// Polled between reads; returning true stops the walk.
    std::function<bool()> stop;
    /// When set, the byte bound of the next entry, asked before each entry (a shrinking
    /// budget); it replaces max_entry_bytes.
    std::function<std::size_t()> entry_limit;
    /// libarchive reader options ("iso9660:!joliet"), applied after kagami's own.
    std::string format_options;
    /// When set, only entries it accepts are decompressed (the others come with no data).
    std::function<bool(const Entry&)> want_data;
};

struct UnpackResult {
    std::string format;       ///< libarchive's name for the format, e.g. "ZIP 2.0 (deflation)"
    std::string base;         ///< the format family: "zip", "7z", "rar", "tar", "raw", ... or ""
    std::string filter;       ///< outer compression ("gzip", "bzip2", "xz", "zstd") or ""
    bool encrypted = false;   ///< libarchive saw encrypted entries or an encrypted header
    std::size_t entries = 0;  ///< entries seen
    bool entries_exceeded = false;
    bool stopped = false;  ///< the stop callback ended the walk
    std::string error;     ///< the archive ended badly (truncated, corrupt); may follow entries
};

/// `raw` (a file name as an archive stores it) as UTF-8: kept when it is UTF-8, else
/// decoded as CP932 or EUC-JP (Japanese archivers write those), else as Latin-1.
std::string decode_name(std::string_view raw);

/// Walks the archive in `bytes`, calling `on_entry` for each entry; `on_entry`
/// returns false to stop. Also unpacks single-stream compression (gzip, bzip2, xz)
/// as one entry named "" when `raw_streams` is set.
UnpackResult unpack(std::string_view bytes, const UnpackOptions& options,
                    const std::function<bool(Entry&)>& on_entry, bool raw_streams = false);

}  // namespace kagami::analyzers::archive
