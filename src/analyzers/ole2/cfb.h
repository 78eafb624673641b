// SPDX-License-Identifier: Apache-2.0
// A reader for MS-CFB compound files (OLE2 structured storage), written for hostile
// input: every chain (DIFAT, FAT, MiniFAT, directory) is walked with a visited set,
// every sector number is checked against the file, and every size against the chain.
// What is wrong is recorded in errors() and the rest is still read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::analyzers::cfb {

/// Object types of a directory entry (MS-CFB 2.6.1).
enum class EntryType : std::uint8_t { unknown = 0, storage = 1, stream = 2, root = 5 };

/// One reachable directory entry.
struct Entry {
    std::string name;  ///< UTF-8 of the UTF-16 name; control characters (\x01Ole10Native) kept
    std::string path;  ///< "Macros/VBA/dir"; "" for the root
    EntryType type = EntryType::unknown;
    std::uint64_t size = 0;     ///< stream size as declared (v3: low 32 bits only)
    std::uint32_t start = 0;    ///< first sector (FAT or mini FAT)
    std::string clsid;          ///< 16 raw bytes
    int parent = -1;            ///< index in entries() of the storage holding it
    std::vector<int> children;  ///< indexes in entries(), in directory (tree) order
    bool is_storage() const { return type == EntryType::storage || type == EntryType::root; }
    bool is_stream() const { return type == EntryType::stream; }
};

/// A parsed compound file. Holds a view of the bytes: they must outlive it.
/// Not thread-safe (stream reads cache the mini stream and record errors).
class CompoundFile {
public:
    /// Parses header, DIFAT, FAT, MiniFAT and the directory tree of `data`.
    /// `max_entries` bounds the directory entries kept (a limit, see entries_cut()).
    explicit CompoundFile(std::string_view data, std::size_t max_entries = 10'000);

    /// False when the header is unusable (bad signature, version or sector shift);
    /// entries() is then empty and errors() says why.
    bool ok() const { return ok_; }
    unsigned major_version() const { return major_; }

    /// Reachable entries; index 0 is the root storage when ok().
    const std::vector<Entry>& entries() const { return entries_; }
    /// True when more directory entries were reachable than `max_entries`.
    bool entries_cut() const { return entries_cut_; }

    /// The child of storage `storage` called `name` (case-insensitive as in CFB), or -1.
    int child(int storage, std::string_view name) const;
    /// The entry at "A/B/c" below the root, or -1.
    int find(std::string_view path) const;

    /// The bytes of stream `index`, at most `max_bytes` of them (a shorter result is
    /// then the cut, not an error). nullopt when `index` is no stream. A chain that
    /// ends early, loops or leaves the file is recorded in errors() and what was read
    /// before it is returned.
    std::optional<std::string> read(int index, std::size_t max_bytes);
    /// read(find(path), max_bytes).
    std::optional<std::string> read(std::string_view path, std::size_t max_bytes);

    /// What was malformed, in the order found; each message once.
    const std::vector<std::string>& errors() const { return errors_; }

private:
    void error(std::string what);
    std::optional<std::string_view> sector(std::uint64_t n) const;
    std::string read_chain(std::uint32_t start, std::uint64_t size, std::size_t max_bytes,
                           bool mini, std::string_view what);
    void load_fat();
    void load_mini_fat();
    void load_directory();
    void walk_tree(std::string_view dir, std::size_t max_entries);
    bool load_mini_stream();

    std::string_view data_;
    bool ok_ = false;
    unsigned major_ = 0;
    std::uint32_t sector_size_ = 512;
    std::uint32_t mini_sector_size_ = 64;
    std::uint32_t mini_cutoff_ = 4096;
    std::uint64_t sector_count_ = 0;  // sectors present in the file (last may be partial)
    std::vector<std::uint32_t> fat_;
    std::vector<std::uint32_t> mini_fat_;
    std::string directory_;  // the directory stream's bytes
    std::vector<Entry> entries_;
    bool entries_cut_ = false;
    std::optional<std::string> mini_stream_;
    bool mini_stream_loaded_ = false;
    std::vector<std::string> errors_;
};

/// "{00020906-0000-0000-C000-000000000046}" for 16 raw CLSID bytes; "" when all zero
/// or not 16 bytes.
std::string clsid_string(std::string_view raw);

/// True when `bytes` starts with the CFB signature D0 CF 11 E0 A1 B1 1A E1.
bool has_signature(std::string_view bytes);

}  // namespace kagami::analyzers::cfb
