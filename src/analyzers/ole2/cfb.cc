// SPDX-License-Identifier: Apache-2.0
#include "analyzers/ole2/cfb.h"

#include <algorithm>
#include <unordered_set>

#include "analyzers/ole2/text.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers::cfb {
namespace {

constexpr std::string_view kSignature{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8};
constexpr std::uint32_t kMaxRegSect = 0xFFFFFFFA;
constexpr std::uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr std::uint32_t kFreeSect = 0xFFFFFFFF;
constexpr std::uint32_t kNoStream = 0xFFFFFFFF;
constexpr std::size_t kDirEntrySize = 128;
// Storages nest a few levels in real files (ObjectPool/_1234/..., msg attachments
// holding messages); the bound only keeps the walk's work list finite.
constexpr int kMaxDepth = 32;

struct RawEntry {
    std::string name;
    std::uint8_t type = 0;
    std::uint32_t left = kNoStream, right = kNoStream, child = kNoStream;
    std::string clsid;
    std::uint32_t start = 0;
    std::uint64_t size = 0;
};

std::optional<RawEntry> parse_entry(std::string_view dir, std::uint64_t id) {
    core::ByteReader r(dir);
    if (id > dir.size() / kDirEntrySize || !r.seek(id * kDirEntrySize)) return std::nullopt;
    auto raw = r.bytes(kDirEntrySize);
    if (!raw) return std::nullopt;
    core::ByteReader e(*raw);
    RawEntry out;
    auto name = e.bytes(64);
    auto name_len = e.u16();
    auto type = e.u8();
    e.skip(1);  // colour: the tree is walked without balancing, so it does not matter
    out.left = *e.u32();
    out.right = *e.u32();
    out.child = *e.u32();
    out.clsid = std::string(*e.bytes(16));
    e.skip(4 + 8 + 8);  // state bits, times
    out.start = *e.u32();
    out.size = *e.u64();
    out.type = *type;
    // The length counts bytes with the terminating NUL; a lying length is clamped.
    std::size_t bytes = std::min<std::size_t>(*name_len, 64);
    if (bytes >= 2) bytes -= 2;
    out.name = core::utf16_to_utf8(name->substr(0, bytes & ~std::size_t{1}));
    return out;
}

}  // namespace

bool has_signature(std::string_view bytes) {
    return bytes.substr(0, 8) == kSignature;
}

std::string clsid_string(std::string_view raw) {
    if (raw.size() != 16 || raw.find_first_not_of('\0') == std::string_view::npos) return "";
    static constexpr char kHex[] = "0123456789ABCDEF";
    auto hex = [&](std::string& out, std::size_t i) {
        auto b = static_cast<unsigned char>(raw[i]);
        out += kHex[b >> 4];
        out += kHex[b & 15];
    };
    std::string out = "{";
    for (std::size_t i : {3, 2, 1, 0}) hex(out, i);
    out += '-';
    for (std::size_t i : {5, 4}) hex(out, i);
    out += '-';
    for (std::size_t i : {7, 6}) hex(out, i);
    out += '-';
    for (std::size_t i : {8, 9}) hex(out, i);
    out += '-';
    for (std::size_t i = 10; i < 16; ++i) hex(out, i);
    out += '}';
    return out;
}

CompoundFile::CompoundFile(std::string_view data, std::size_t max_entries) : data_(data) {
    core::ByteReader r(data);
    if (!has_signature(data)) {
        error("no compound file signature");
        return;
    }
    if (data.size() < 512) {
        error("file shorter than the 512-byte header");
        return;
    }
    r.seek(24);
    r.u16();  // minor version
    major_ = *r.u16();
    auto byte_order = *r.u16();
    auto sector_shift = *r.u16();
    auto mini_shift = *r.u16();
    if (byte_order != 0xFFFE) error("byte order mark is not FFFE");
    if (major_ == 3 && sector_shift != 9) {
        error("version 3 with a sector shift other than 9");
    } else if (major_ == 4 && sector_shift != 12) {
        error("version 4 with a sector shift other than 12");
    } else if (major_ != 3 && major_ != 4) {
        error("unknown major version " + std::to_string(major_));
    }
    // Readers (and Office) accept the shift the header gives within sane bounds.
    if (sector_shift < 7 || sector_shift > 16) {
        error("sector shift " + std::to_string(sector_shift) + " out of range");
        return;
    }
    if (mini_shift != 6) error("mini sector shift is not 6");
    if (mini_shift < 2 || mini_shift >= sector_shift) return;
    sector_size_ = 1u << sector_shift;
    mini_sector_size_ = 1u << mini_shift;
    std::uint64_t header_size = std::max<std::uint64_t>(512, sector_size_);
    sector_count_ = data.size() <= header_size
                        ? 0
                        : (data.size() - header_size + sector_size_ - 1) / sector_size_;
    r.seek(56);
    mini_cutoff_ = *r.u32();
    if (mini_cutoff_ != 4096) {
        error("mini stream cutoff is " + std::to_string(mini_cutoff_) + ", not 4096");
        mini_cutoff_ = 4096;
    }
    ok_ = true;
    load_fat();
    load_mini_fat();
    load_directory();
    walk_tree(directory_, max_entries);
}

void CompoundFile::error(std::string what) {
    if (errors_.size() >= 64) return;  // one broken chain can repeat a message per stream
    if (std::find(errors_.begin(), errors_.end(), what) == errors_.end())
        errors_.push_back(std::move(what));
}

std::optional<std::string_view> CompoundFile::sector(std::uint64_t n) const {
    if (n >= sector_count_) return std::nullopt;
    std::uint64_t offset = (n + 1) * sector_size_;
    if (offset >= data_.size()) return std::nullopt;
    // The last sector of a file is often cut short; what is there is used.
    return data_.substr(static_cast<std::size_t>(offset),
                        std::min<std::uint64_t>(sector_size_, data_.size() - offset));
}

void CompoundFile::load_fat() {
    core::ByteReader header(data_);
    header.seek(44);
    std::uint32_t fat_sectors = *header.u32();
    header.seek(68);
    std::uint32_t difat_start = *header.u32();
    std::uint32_t difat_count = *header.u32();

    std::vector<std::uint32_t> fat_sector_ids;
    auto take = [&](std::uint32_t id) {
        if (id == kFreeSect || id == kEndOfChain) return;
        fat_sector_ids.push_back(id);
    };
    for (int i = 0; i < 109; ++i) take(*header.u32());

    // DIFAT sectors chain through their last slot; a visited set catches loops.
    std::vector<bool> seen(sector_count_, false);
    std::uint32_t next = difat_start;
    std::uint32_t walked = 0;
    while (next != kEndOfChain && next != kFreeSect) {
        if (next > kMaxRegSect || next >= sector_count_) {
            error("DIFAT sector " + std::to_string(next) + " past the end of the file");
            break;
        }
        if (seen[next]) {
            error("DIFAT chain loops");
            break;
        }
        seen[next] = true;
        auto s = sector(next);
        if (!s) break;
        core::ByteReader d(*s);
        std::size_t slots = sector_size_ / 4 - 1;
        for (std::size_t i = 0; i < slots; ++i) {
            auto v = d.u32();
            if (!v) break;
            take(*v);
        }
        auto link = d.u32();
        ++walked;
        next = link ? *link : kEndOfChain;
    }
    if (walked != difat_count && difat_count != 0 && walked < difat_count)
        error("header says " + std::to_string(difat_count) + " DIFAT sectors, chain has " +
              std::to_string(walked));

    if (fat_sector_ids.size() > fat_sectors) fat_sector_ids.resize(fat_sectors);
    if (fat_sector_ids.size() < fat_sectors)
        error("header says " + std::to_string(fat_sectors) + " FAT sectors, DIFAT lists " +
              std::to_string(fat_sector_ids.size()));
    // Each FAT sector must be in the file, so the FAT is at most as big as the file.
    for (auto id : fat_sector_ids) {
        auto s = id <= kMaxRegSect ? sector(id) : std::nullopt;
        if (!s) {
            error("FAT sector " + std::to_string(id) + " past the end of the file");
            continue;
        }
        core::ByteReader f(*s);
        for (std::size_t i = 0; i < sector_size_ / 4; ++i) {
            auto v = f.u32();
            fat_.push_back(v ? *v : kFreeSect);
        }
    }
}

// Follows a FAT or MiniFAT chain from `start`, copying at most min(size, max_bytes).
std::string CompoundFile::read_chain(std::uint32_t start, std::uint64_t size, std::size_t max_bytes,
                                     bool mini, std::string_view what) {
    std::string out;
    const auto& table = mini ? mini_fat_ : fat_;
    std::uint32_t unit = mini ? mini_sector_size_ : sector_size_;
    std::uint64_t want = std::min<std::uint64_t>(size, max_bytes);
    std::string_view mini_data;
    if (mini) {
        if (!load_mini_stream()) {
            if (want > 0) error(std::string(what) + ": no mini stream to read from");
            return out;
        }
        mini_data = *mini_stream_;
    }
    // Visited sectors, kept per step rather than as a bitmap of the whole FAT: a file
    // with thousands of streams over a huge FAT would otherwise clear megabytes per read.
    std::unordered_set<std::uint32_t> seen;
    seen.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(want / unit + 1, table.size())));
    std::uint32_t cur = start;
    while (out.size() < want) {
        if (cur == kEndOfChain || cur == kFreeSect) {
            error(std::string(what) + ": chain ends after " + std::to_string(out.size()) + " of " +
                  std::to_string(size) + " bytes");
            break;
        }
        if (cur >= table.size() || cur > kMaxRegSect) {
            error(std::string(what) + ": sector " + std::to_string(cur) + " past the end of the " +
                  (mini ? "mini FAT" : "FAT"));
            break;
        }
        if (!seen.insert(cur).second) {
            error(std::string(what) + ": sector chain loops");
            break;
        }
        std::optional<std::string_view> piece;
        if (mini) {
            std::uint64_t off = std::uint64_t{cur} * unit;
            if (off < mini_data.size())
                piece = mini_data.substr(static_cast<std::size_t>(off),
                                         std::min<std::uint64_t>(unit, mini_data.size() - off));
        } else {
            piece = sector(cur);
        }
        if (!piece) {
            error(std::string(what) + ": sector " + std::to_string(cur) + " past the end of the " +
                  (mini ? "mini stream" : "file"));
            break;
        }
        out.append(piece->substr(0, std::min<std::uint64_t>(piece->size(), want - out.size())));
        if (piece->size() < unit && out.size() < want) {
            error(std::string(what) + ": file truncated inside a sector");
            break;
        }
        cur = table[cur];
    }
    return out;
}

void CompoundFile::load_mini_fat() {
    core::ByteReader header(data_);
    header.seek(60);
    std::uint32_t start = *header.u32();
    std::uint32_t count = *header.u32();
    if (start == kEndOfChain || start == kFreeSect) return;
    // The MiniFAT cannot hold more entries than there are sectors' worth of bytes.
    std::uint64_t bytes = std::uint64_t{count} * sector_size_;
    bytes = std::min<std::uint64_t>(bytes, std::uint64_t{sector_count_} * sector_size_);
    std::string raw = read_chain(start, bytes, static_cast<std::size_t>(bytes), false, "mini FAT");
    core::ByteReader m(raw);
    while (m.remaining() >= 4) mini_fat_.push_back(*m.u32());
}

void CompoundFile::load_directory() {
    core::ByteReader header(data_);
    header.seek(48);
    std::uint32_t start = *header.u32();
    // The directory's length is its chain's: read until the chain ends.
    std::uint64_t cap = std::uint64_t{sector_count_} * sector_size_;
    std::vector<bool> seen(fat_.size(), false);
    std::uint32_t cur = start;
    while (cur != kEndOfChain) {
        if (cur >= fat_.size() || cur > kMaxRegSect) {
            error("directory sector " + std::to_string(cur) + " past the end of the FAT");
            break;
        }
        if (seen[cur]) {
            error("directory chain loops");
            break;
        }
        seen[cur] = true;
        auto s = sector(cur);
        if (!s) {
            error("directory sector " + std::to_string(cur) + " past the end of the file");
            break;
        }
        directory_.append(*s);
        if (directory_.size() >= cap) break;
        cur = fat_[cur];
    }
    if (directory_.size() < kDirEntrySize) error("no directory entries");
}

void CompoundFile::walk_tree(std::string_view dir, std::size_t max_entries) {
    std::uint64_t count = dir.size() / kDirEntrySize;
    if (count == 0) return;
    auto root = parse_entry(dir, 0);
    if (!root) return;
    if (root->type != 5) error("first directory entry is not the root storage");
    std::vector<bool> seen(count, false);
    seen[0] = true;
    Entry r;
    r.name = root->name;
    r.type = EntryType::root;
    r.size = root->size;
    r.start = root->start;
    r.clsid = root->clsid;
    entries_.push_back(std::move(r));

    struct Work {
        std::uint32_t child;  // id of the tree's top
        int parent;
        int depth;
    };
    std::vector<Work> work{{root->child, 0, 0}};
    while (!work.empty()) {
        Work w = work.back();
        work.pop_back();
        if (w.child == kNoStream) continue;
        if (w.depth >= kMaxDepth) {
            error("storages nested deeper than " + std::to_string(kMaxDepth));
            continue;
        }
        // In-order walk of one storage's sibling tree with an explicit stack.
        std::vector<std::uint32_t> stack;
        std::uint32_t cur = w.child;
        std::vector<std::pair<std::uint32_t, int>> found;  // id, entries_ index
        auto descend = [&](std::uint32_t id) {
            while (id != kNoStream) {
                if (id >= count) {
                    error("directory entry " + std::to_string(id) +
                          " past the end of the directory");
                    return;
                }
                if (seen[id]) {
                    error("directory tree reaches entry " + std::to_string(id) +
                          " twice (a cycle)");
                    return;
                }
                seen[id] = true;
                stack.push_back(id);
                id = parse_entry(dir, id)->left;
            }
        };
        descend(cur);
        while (!stack.empty()) {
            std::uint32_t id = stack.back();
            stack.pop_back();
            auto e = parse_entry(dir, id);
            if (e->type == 1 || e->type == 2) {
                if (entries_.size() >= max_entries) {
                    entries_cut_ = true;
                    return;
                }
                Entry out;
                out.name = e->name;
                out.type = static_cast<EntryType>(e->type);
                out.size = e->size;
                if (major_ == 3 && (e->size >> 32) != 0) {
                    // MS-CFB: v3 writers may leave junk in the high half; only the low counts.
                    error("version 3 stream size with the high 32 bits set: " + e->name);
                    out.size = e->size & 0xFFFFFFFFu;
                }
                out.start = e->start;
                out.clsid = e->clsid;
                out.parent = w.parent;
                const Entry& parent = entries_[static_cast<std::size_t>(w.parent)];
                out.path = parent.path.empty() ? out.name : parent.path + "/" + out.name;
                int index = static_cast<int>(entries_.size());
                entries_[static_cast<std::size_t>(w.parent)].children.push_back(index);
                entries_.push_back(std::move(out));
                if (e->type == 1) work.push_back({e->child, index, w.depth + 1});
            } else if (e->type != 0) {
                error("directory entry " + std::to_string(id) + " has unknown type " +
                      std::to_string(e->type));
            }
            descend(e->right);
        }
    }
}

bool CompoundFile::load_mini_stream() {
    if (mini_stream_loaded_) return mini_stream_.has_value();
    mini_stream_loaded_ = true;
    if (entries_.empty()) return false;
    const Entry& root = entries_[0];
    // The mini stream cannot be longer than the MiniFAT can address.
    std::uint64_t cap = std::uint64_t{mini_fat_.size()} * mini_sector_size_;
    std::uint64_t size = root.size;
    if (major_ == 3) size &= 0xFFFFFFFFu;
    if (size > cap) size = cap;
    mini_stream_ =
        read_chain(root.start, size, static_cast<std::size_t>(size), false, "mini stream");
    return true;
}

int CompoundFile::child(int storage, std::string_view name) const {
    if (storage < 0 || static_cast<std::size_t>(storage) >= entries_.size()) return -1;
    for (int c : entries_[static_cast<std::size_t>(storage)].children)
        if (core::iequals(entries_[static_cast<std::size_t>(c)].name, name)) return c;
    return -1;
}

int CompoundFile::find(std::string_view path) const {
    if (entries_.empty()) return -1;
    int cur = 0;
    while (!path.empty()) {
        auto slash = path.find('/');
        cur = child(cur, path.substr(0, slash));
        if (cur < 0 || slash == std::string_view::npos) return cur;
        path.remove_prefix(slash + 1);
    }
    return cur;
}

std::optional<std::string> CompoundFile::read(int index, std::size_t max_bytes) {
    if (index < 0 || static_cast<std::size_t>(index) >= entries_.size()) return std::nullopt;
    const Entry& e = entries_[static_cast<std::size_t>(index)];
    if (!e.is_stream()) return std::nullopt;
    bool mini = e.size < mini_cutoff_;
    std::string path = e.path;
    return read_chain(e.start, e.size, max_bytes, mini, path);
}

std::optional<std::string> CompoundFile::read(std::string_view path, std::size_t max_bytes) {
    return read(find(path), max_bytes);
}

}  // namespace kagami::analyzers::cfb
