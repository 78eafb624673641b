// MS-PST Unicode writer for tests. Section numbers refer to [MS-PST].
#include "support/pst_builder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string_view>
#include <utility>

namespace kagami::test::pst {
namespace {

// Property types and tags (MS-OXPROPS).
constexpr std::uint16_t kPtLong = 0x0003;
constexpr std::uint16_t kPtBoolean = 0x000B;
constexpr std::uint16_t kPtSystime = 0x0040;
constexpr std::uint16_t kPtUnicode = 0x001F;
constexpr std::uint16_t kPtBinary = 0x0102;

constexpr std::uint32_t tag(std::uint16_t id, std::uint16_t type) {
    return (std::uint32_t{id} << 16) | type;
}

// Node ids (2.2.2.1, 2.4.1).
constexpr std::uint32_t kNidMessageStore = 0x21;
constexpr std::uint32_t kNidNameToIdMap = 0x61;
constexpr std::uint32_t kNidRootFolder = 0x122;
constexpr std::uint32_t kNidTopFolder = 0x8022;
constexpr std::uint32_t kNidInbox = 0x8042;
constexpr std::uint32_t kNidAttachmentTable = 0x671;
constexpr std::uint32_t kNidTypeLtp = 0x1F;
constexpr std::uint32_t kNidTypeNormalMessage = 0x04;
constexpr std::uint32_t kNidTypeAttachment = 0x05;

constexpr std::size_t kMaxBlockData = 8176;  // 8192 minus the block trailer
constexpr std::size_t kMaxHeapValue = 3580;  // larger values live in a subnode
constexpr std::uint64_t kAMapOffset = 0x4400;
constexpr std::uint64_t kPMapOffset = 0x4600;
constexpr std::uint64_t kFirstData = 0x4800;
constexpr std::uint64_t kAMapSpan = 496ull * 8 * 64;

void put16(std::string& s, std::size_t at, std::uint16_t v) {
    s[at] = static_cast<char>(v & 0xFF);
    s[at + 1] = static_cast<char>(v >> 8);
}
void put32(std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put64(std::string& s, std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void app16(std::string& s, std::uint16_t v) {
    s.resize(s.size() + 2);
    put16(s, s.size() - 2, v);
}
void app32(std::string& s, std::uint32_t v) {
    s.resize(s.size() + 4);
    put32(s, s.size() - 4, v);
}
void app64(std::string& s, std::uint64_t v) {
    s.resize(s.size() + 8);
    put64(s, s.size() - 8, v);
}

/// CRC-32 of MS-PST 5.3: the reflected 0xEDB88320 polynomial without pre/post inversion.
std::uint32_t crc(std::string_view data) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0;
    for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
    return c;
}

/// ComputeSig (5.5).
std::uint16_t signature(std::uint64_t ib, std::uint64_t bid) {
    std::uint64_t v = ib ^ bid;
    return static_cast<std::uint16_t>((v >> 16) ^ v);
}

/// UTF-8 to UTF-16LE without a terminator (well-formed input assumed: test strings).
std::string utf16le(std::string_view utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0xF0) {
            cp = c & 0x07;
            len = 4;
        } else if (c >= 0xE0) {
            cp = c & 0x0F;
            len = 3;
        } else if (c >= 0xC0) {
            cp = c & 0x1F;
            len = 2;
        }
        for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            app16(out, static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
            app16(out, static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            app16(out, static_cast<std::uint16_t>(cp));
        }
    }
    return out;
}

/// A node's content: its data and its subnodes (2.2.2.8.3.3), recursively.
struct Node {
    std::uint32_t nid = 0;
    std::string data;
    std::vector<Node> subnodes;
};

/// Heap-on-node in one block (2.3.1): allocations, then the page map.
class Heap {
public:
    /// Adds an allocation and returns its HID (hidIndex is 1-based, block 0).
    std::uint32_t add(std::string bytes) {
        allocs_.push_back(std::move(bytes));
        return static_cast<std::uint32_t>(allocs_.size()) << 5;
    }
    std::string build(std::uint8_t client_sig, std::uint32_t user_root) const {
        std::string out(12, '\0');
        std::vector<std::uint16_t> offsets;
        for (const auto& a : allocs_) {
            offsets.push_back(static_cast<std::uint16_t>(out.size()));
            out += a;
        }
        offsets.push_back(static_cast<std::uint16_t>(out.size()));
        if (out.size() % 2) out.push_back('\0');
        put16(out, 0, static_cast<std::uint16_t>(out.size()));  // ibHnpm
        out[2] = static_cast<char>(0xEC);
        out[3] = static_cast<char>(client_sig);
        put32(out, 4, user_root);
        app16(out, static_cast<std::uint16_t>(allocs_.size()));  // cAlloc
        app16(out, 0);                                           // cFree
        for (auto o : offsets) app16(out, o);
        return out;
    }

private:
    std::vector<std::string> allocs_;
};

/// A typed property value, already encoded (fixed values little-endian).
struct Prop {
    std::uint32_t tag;
    std::string value;
};

Prop prop_long(std::uint16_t id, std::uint32_t v) {
    std::string s;
    app32(s, v);
    return {tag(id, kPtLong), s};
}
Prop prop_bool(std::uint16_t id, bool v) {
    return {tag(id, kPtBoolean), std::string(1, v)};
}
Prop prop_text(std::uint16_t id, std::string_view utf8) {
    return {tag(id, kPtUnicode), utf16le(utf8)};
}
Prop prop_time(std::uint16_t id, std::uint64_t ft) {
    std::string s;
    app64(s, ft);
    return {tag(id, kPtSystime), s};
}

bool is_inline(std::uint16_t type) {
    return type == kPtLong || type == kPtBoolean || type == 0x0002 || type == 0x0004;
}

/// Allocates subnode ids of type LTP for values too large for the heap.
struct SubnodeIds {
    std::uint32_t next = 1;
    std::uint32_t take() { return (next++ << 5) | kNidTypeLtp; }
};

/// HNID for a variable value: a heap allocation, or a new subnode when large.
std::uint32_t store_value(Heap& heap, Node& node, SubnodeIds& ids, const std::string& value) {
    if (value.size() <= kMaxHeapValue) return heap.add(value);
    Node sub;
    sub.nid = ids.take();
    sub.data = value;
    node.subnodes.push_back(std::move(sub));
    return node.subnodes.back().nid;
}

/// A property context (2.3.3) for `props` into node.data (subnodes added as needed).
void build_pc(Node& node, std::vector<Prop> props) {
    std::sort(props.begin(), props.end(),
              [](const Prop& a, const Prop& b) { return a.tag < b.tag; });
    Heap heap;
    SubnodeIds ids;
    std::string records;
    for (const auto& p : props) {
        const auto type = static_cast<std::uint16_t>(p.tag & 0xFFFF);
        app16(records, static_cast<std::uint16_t>(p.tag >> 16));
        app16(records, type);
        if (is_inline(type)) {
            std::string v = p.value;
            v.resize(4, '\0');
            records += v;
        } else {
            app32(records, store_value(heap, node, ids, p.value));
        }
    }
    const std::uint32_t hid_records = records.empty() ? 0 : heap.add(records);
    std::string bth;
    bth.push_back(static_cast<char>(0xB5));
    bth.push_back(2);  // cbKey
    bth.push_back(6);  // cbEnt
    bth.push_back(0);  // bIdxLevels
    app32(bth, hid_records);
    const std::uint32_t hid_bth = heap.add(bth);
    node.data = heap.build(0xBC, hid_bth);
}

/// One table column: tag and, per row, the cell (absent when empty).
struct Column {
    std::uint32_t tag;
    std::vector<std::string> cells;  ///< one per row, fixed size for the type; "" = absent
};

std::size_t cell_size(std::uint16_t type) {
    switch (type) {
        case kPtBoolean:
            return 1;
        case 0x0002:
            return 2;
        case kPtSystime:
        case 0x0014:
            return 8;
        default:
            return 4;  // PT_LONG and the HNIDs of variable values
    }
}

/// A table context (2.3.4) with rows keyed by `row_ids`. Variable cells hold raw values that
/// go to the heap; fixed cells hold their encoded bytes.
void build_tc(Node& node, const std::vector<std::uint32_t>& row_ids, std::vector<Column> cols) {
    const std::size_t rows = row_ids.size();
    std::vector<Column> all;
    all.push_back({0x67F20003, {}});  // PidTagLtpRowId
    all.push_back({0x67F30003, {}});  // PidTagLtpRowVer
    for (std::size_t r = 0; r < rows; ++r) {
        std::string id, ver;
        app32(id, row_ids[r]);
        app32(ver, static_cast<std::uint32_t>(r + 1));
        all[0].cells.push_back(id);
        all[1].cells.push_back(ver);
    }
    for (auto& c : cols) all.push_back(std::move(c));

    Heap heap;
    SubnodeIds ids;
    // Layout: 4- and 8-byte cells first (row id and version lead), then 2-, then 1-byte.
    struct Desc {
        std::uint32_t tag;
        std::uint16_t ib;
        std::uint8_t cb;
        std::uint8_t bit;
    };
    std::vector<Desc> descs(all.size());
    std::size_t ib = 0;
    std::array<std::size_t, 3> ends{};
    const std::array<std::pair<std::size_t, std::size_t>, 3> groups = {
        std::pair<std::size_t, std::size_t>{4, 8}, {2, 2}, {1, 1}};
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            const std::size_t cb = cell_size(static_cast<std::uint16_t>(all[i].tag & 0xFFFF));
            if (cb != groups[g].first && cb != groups[g].second) continue;
            descs[i] = {all[i].tag, static_cast<std::uint16_t>(ib), static_cast<std::uint8_t>(cb),
                        static_cast<std::uint8_t>(i)};
            ib += cb;
        }
        ends[g] = ib;
    }
    const std::size_t ceb = (all.size() + 7) / 8;
    const std::size_t row_size = ib + ceb;

    std::string matrix;
    for (std::size_t r = 0; r < rows; ++r) {
        std::string row(row_size, '\0');
        for (std::size_t i = 0; i < all.size(); ++i) {
            const std::string& cell = all[i].cells[r];
            if (cell.empty()) continue;
            const auto type = static_cast<std::uint16_t>(all[i].tag & 0xFFFF);
            std::string bytes = cell;
            if (cell_size(type) == 4 && !is_inline(type)) {
                bytes.clear();
                app32(bytes, store_value(heap, node, ids, cell));
            }
            bytes.resize(descs[i].cb, '\0');
            std::memcpy(row.data() + descs[i].ib, bytes.data(), bytes.size());
            row[ib + i / 8] = static_cast<char>(row[ib + i / 8] | (0x80 >> (i % 8)));
        }
        matrix += row;
    }
    std::uint32_t hnid_rows = 0;
    if (!matrix.empty()) hnid_rows = store_value(heap, node, ids, matrix);

    std::string index;  // row index BTH records: dwRowID -> dwRowIndex
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::size_t r = 0; r < rows; ++r)
        keyed.emplace_back(row_ids[r], static_cast<std::uint32_t>(r));
    std::sort(keyed.begin(), keyed.end());
    for (auto [id, r] : keyed) {
        app32(index, id);
        app32(index, r);
    }
    const std::uint32_t hid_index_records = index.empty() ? 0 : heap.add(index);
    std::string bth;
    bth.push_back(static_cast<char>(0xB5));
    bth.push_back(4);
    bth.push_back(4);
    bth.push_back(0);
    app32(bth, hid_index_records);
    const std::uint32_t hid_row_index = heap.add(bth);

    std::vector<Desc> sorted = descs;
    std::sort(sorted.begin(), sorted.end(),
              [](const Desc& a, const Desc& b) { return a.tag < b.tag; });
    std::string info;
    info.push_back(0x7C);
    info.push_back(static_cast<char>(all.size()));
    app16(info, static_cast<std::uint16_t>(ends[0]));
    app16(info, static_cast<std::uint16_t>(ends[1]));
    app16(info, static_cast<std::uint16_t>(ends[2]));
    app16(info, static_cast<std::uint16_t>(row_size));
    app32(info, hid_row_index);
    app32(info, hnid_rows);
    app32(info, 0);  // hidIndex (deprecated)
    for (const auto& d : sorted) {
        app32(info, d.tag);
        app16(info, d.ib);
        info.push_back(static_cast<char>(d.cb));
        info.push_back(static_cast<char>(d.bit));
    }
    const std::uint32_t hid_info = heap.add(info);
    node.data = heap.build(0x7C, hid_info);
}

struct NbtEntry {
    std::uint32_t nid;
    std::uint64_t bid_data;
    std::uint64_t bid_sub;
    std::uint32_t parent;
};
struct BbtEntry {
    std::uint64_t bid;
    std::uint64_t ib;
    std::uint16_t cb;
};

/// The node database writer (2.2): blocks, then B-tree pages, then the header.
class Writer {
public:
    Writer() : file_(kFirstData, '\0') {}

    /// Writes a top-level node and returns its NBT entry.
    void add_node(const Node& node, std::uint32_t parent) {
        NbtEntry e{node.nid, write_data(node.data), write_subnodes(node.subnodes), parent};
        nbt_.push_back(e);
    }

    std::string finish() {
        std::sort(nbt_.begin(), nbt_.end(),
                  [](const NbtEntry& a, const NbtEntry& b) { return a.nid < b.nid; });
        std::sort(bbt_.begin(), bbt_.end(),
                  [](const BbtEntry& a, const BbtEntry& b) { return a.bid < b.bid; });
        // NBT leaf entries: 32 bytes; BBT leaf entries: 24 bytes.
        std::vector<std::string> nbt_rows, bbt_rows;
        std::vector<std::uint64_t> nbt_keys, bbt_keys;
        for (const auto& e : nbt_) {
            std::string r;
            app64(r, e.nid);
            app64(r, e.bid_data);
            app64(r, e.bid_sub);
            app32(r, e.parent);
            app32(r, 0);
            nbt_rows.push_back(r);
            nbt_keys.push_back(e.nid);
        }
        for (const auto& e : bbt_) {
            std::string r;
            app64(r, e.bid);
            app64(r, e.ib);
            app16(r, e.cb);
            app16(r, 2);  // cRef
            app32(r, 0);
            bbt_rows.push_back(r);
            bbt_keys.push_back(e.bid);
        }
        const auto nbt_root = write_tree(0x81, nbt_rows, nbt_keys, 32);
        const auto bbt_root = write_tree(0x80, bbt_rows, bbt_keys, 24);
        const std::uint64_t eof = file_.size();
        write_amap(eof);
        write_pmap();
        write_header(eof, nbt_root, bbt_root);
        return file_;
    }

private:
    struct Bref {
        std::uint64_t bid;
        std::uint64_t ib;
    };

    std::uint64_t write_block(const std::string& data, bool internal) {
        const std::uint64_t bid = next_bid_ | (internal ? 2u : 0u);
        next_bid_ += 4;
        const std::size_t size = (data.size() + 16 + 63) / 64 * 64;
        const std::uint64_t ib = file_.size();
        std::string block(size, '\0');
        std::memcpy(block.data(), data.data(), data.size());
        const std::size_t t = size - 16;
        put16(block, t, static_cast<std::uint16_t>(data.size()));
        put16(block, t + 2, signature(ib, bid));
        put32(block, t + 4, crc(data));
        put64(block, t + 8, bid);
        file_ += block;
        bbt_.push_back({bid, ib, static_cast<std::uint16_t>(data.size())});
        return bid;
    }

    /// A data tree (2.2.2.8.3.2): one block, or an XBLOCK over several.
    std::uint64_t write_data(const std::string& data) {
        if (data.size() <= kMaxBlockData) return write_block(data, false);
        std::vector<std::uint64_t> bids;
        for (std::size_t at = 0; at < data.size(); at += kMaxBlockData)
            bids.push_back(write_block(data.substr(at, kMaxBlockData), false));
        std::string x;
        x.push_back(0x01);  // btype XBLOCK
        x.push_back(0x01);  // cLevel
        app16(x, static_cast<std::uint16_t>(bids.size()));
        app32(x, static_cast<std::uint32_t>(data.size()));
        for (auto b : bids) app64(x, b);
        return write_block(x, true);
    }

    /// A subnode tree as one SLBLOCK (2.2.2.8.3.3.1); 0 when there are none.
    std::uint64_t write_subnodes(const std::vector<Node>& subs) {
        if (subs.empty()) return 0;
        std::vector<const Node*> sorted;
        for (const auto& s : subs) sorted.push_back(&s);
        std::sort(sorted.begin(), sorted.end(),
                  [](const Node* a, const Node* b) { return a->nid < b->nid; });
        std::string sl;
        sl.push_back(0x02);  // btype SLBLOCK
        sl.push_back(0x00);  // cLevel
        app16(sl, static_cast<std::uint16_t>(sorted.size()));
        app32(sl, 0);
        for (const Node* s : sorted) {
            const std::uint64_t data = write_data(s->data);
            const std::uint64_t sub = write_subnodes(s->subnodes);
            app64(sl, s->nid);
            app64(sl, data);
            app64(sl, sub);
        }
        return write_block(sl, true);
    }

    void align_page() {
        if (file_.size() % 512) file_.resize((file_.size() / 512 + 1) * 512, '\0');
    }

    Bref write_page(std::uint8_t ptype, const std::vector<std::string>& entries,
                    std::uint8_t cb_ent, std::uint8_t level) {
        align_page();
        const std::uint64_t ib = file_.size();
        const std::uint64_t bid = next_page_bid_;
        next_page_bid_ += 4;
        std::string page(512, '\0');
        std::size_t at = 0;
        for (const auto& e : entries) {
            std::memcpy(page.data() + at, e.data(), e.size());
            at += e.size();
        }
        page[488] = static_cast<char>(entries.size());
        page[489] = static_cast<char>(488 / cb_ent);
        page[490] = static_cast<char>(cb_ent);
        page[491] = static_cast<char>(level);
        page[496] = static_cast<char>(ptype);
        page[497] = static_cast<char>(ptype);
        put16(page, 498, signature(ib, bid));
        put32(page, 500, crc(std::string_view(page).substr(0, 496)));
        put64(page, 504, bid);
        file_ += page;
        return {bid, ib};
    }

    /// Leaf pages, then intermediate levels until one root page.
    Bref write_tree(std::uint8_t ptype, const std::vector<std::string>& rows,
                    const std::vector<std::uint64_t>& keys, std::uint8_t cb_ent) {
        const std::size_t per_leaf = 488 / cb_ent;
        std::vector<std::pair<std::uint64_t, Bref>> level;
        for (std::size_t at = 0; at < rows.size() || (at == 0 && rows.empty()); at += per_leaf) {
            std::vector<std::string> chunk(
                rows.begin() + static_cast<std::ptrdiff_t>(at),
                rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), at + per_leaf)));
            level.emplace_back(rows.empty() ? 0 : keys[at], write_page(ptype, chunk, cb_ent, 0));
            if (rows.empty()) break;
        }
        std::uint8_t depth = 0;
        while (level.size() > 1) {
            ++depth;
            std::vector<std::pair<std::uint64_t, Bref>> up;
            for (std::size_t at = 0; at < level.size(); at += 20) {
                std::vector<std::string> chunk;
                for (std::size_t i = at; i < std::min(level.size(), at + 20); ++i) {
                    std::string e;
                    app64(e, level[i].first);
                    app64(e, level[i].second.bid);
                    app64(e, level[i].second.ib);
                    chunk.push_back(e);
                }
                up.emplace_back(level[at].first, write_page(ptype, chunk, 24, depth));
            }
            level = std::move(up);
        }
        return level.front().second;
    }

    void write_map_trailer(std::uint64_t ib, std::uint8_t ptype) {
        std::string_view page = std::string_view(file_).substr(ib, 512);
        const std::uint32_t c = crc(page.substr(0, 496));
        file_[ib + 496] = static_cast<char>(ptype);
        file_[ib + 497] = static_cast<char>(ptype);
        put16(file_, ib + 498, 0);
        put32(file_, ib + 500, c);
        put64(file_, ib + 504, ib);
    }

    /// One AMap page (2.2.2.7.2): a bit per 64 bytes from its own offset, high bit first.
    void write_amap(std::uint64_t eof) {
        const std::uint64_t used = std::min(eof, kAMapOffset + kAMapSpan) - kAMapOffset;
        for (std::uint64_t slot = 0; slot < used / 64; ++slot) {
            const std::uint64_t at = kAMapOffset + slot / 8;
            file_[at] = static_cast<char>(file_[at] | (0x80 >> (slot % 8)));
        }
        write_map_trailer(kAMapOffset, 0x84);
        amap_free_ = kAMapSpan - used;
    }

    void write_pmap() {
        std::memset(file_.data() + kPMapOffset, 0xFF, 496);
        write_map_trailer(kPMapOffset, 0x83);
    }

    void write_header(std::uint64_t eof, Bref nbt, Bref bbt) {
        std::string& h = file_;
        std::memcpy(h.data(), "!BDN", 4);
        h[8] = 'S';
        h[9] = 'M';
        put16(h, 10, 23);  // wVer: Unicode
        put16(h, 12, 19);  // wVerClient
        h[14] = 1;
        h[15] = 1;
        put64(h, 32, next_page_bid_);
        put32(h, 40, 1);  // dwUnique
        for (std::uint32_t t = 0; t < 32; ++t) put32(h, 44 + 4 * t, (0x10400u << 5) | t);
        put64(h, 184, eof);
        put64(h, 192, kAMapOffset);
        put64(h, 200, amap_free_);
        put64(h, 208, 0);
        put64(h, 216, nbt.bid);
        put64(h, 224, nbt.ib);
        put64(h, 232, bbt.bid);
        put64(h, 240, bbt.ib);
        h[248] = 0x02;                           // fAMapValid: VALID_AMAP2
        std::memset(h.data() + 256, 0xFF, 256);  // rgbFM, rgbFP (deprecated)
        h[512] = static_cast<char>(0x80);        // bSentinel
        h[513] = 0;                              // bCryptMethod: none
        put64(h, 516, next_bid_);
        put32(h, 4, crc(std::string_view(h).substr(8, 471)));
        put32(h, 524, crc(std::string_view(h).substr(8, 516)));
    }

    std::string file_;
    std::vector<NbtEntry> nbt_;
    std::vector<BbtEntry> bbt_;
    std::uint64_t next_bid_ = 4;
    std::uint64_t next_page_bid_ = 0x10000;
    std::uint64_t amap_free_ = 0;
};

Node folder_pc(std::uint32_t nid, std::string_view name, std::uint32_t count, bool has_subfolders) {
    Node n;
    n.nid = nid;
    build_pc(n, {prop_text(0x3001, name), prop_long(0x3602, count), prop_long(0x3603, 0),
                 prop_bool(0x360A, has_subfolders), prop_text(0x3613, "IPF.Note")});
    return n;
}

/// The hierarchy table of a folder: one row per subfolder.
Node hierarchy_table(std::uint32_t folder_nid, const std::vector<std::uint32_t>& subfolders,
                     const std::vector<std::string>& names) {
    Node n;
    n.nid = (folder_nid & ~0x1Fu) | 0x0D;
    Column name{tag(0x3001, kPtUnicode), {}};
    for (const auto& s : names) name.cells.push_back(utf16le(s));
    build_tc(n, subfolders, {std::move(name)});
    return n;
}

Node contents_table(std::uint32_t folder_nid, std::uint32_t type,
                    const std::vector<std::uint32_t>& messages) {
    Node n;
    n.nid = (folder_nid & ~0x1Fu) | type;
    Column flags{tag(0x0E07, kPtLong), {}};
    for (std::size_t i = 0; i < messages.size(); ++i) {
        std::string v;
        app32(v, 0x01);  // MSGFLAG_READ
        flags.cells.push_back(v);
    }
    build_tc(n, messages, {std::move(flags)});
    return n;
}

Node message_node(std::uint32_t nid, const Message& m) {
    Node n;
    n.nid = nid;
    std::vector<Prop> props = {{tag(0x001A, kPtUnicode), utf16le("IPM.Note")},
                               prop_long(0x0E07, 0x01)};
    auto text = [&props](std::uint16_t id, const std::string& v) {
        if (!v.empty()) props.push_back(prop_text(id, v));
    };
    text(0x0037, m.subject);
    text(0x0C1A, m.sender_name);
    text(0x0C1F, m.sender_email);
    if (!m.sender_email.empty()) props.push_back(prop_text(0x0C1E, "SMTP"));
    text(0x0E04, m.display_to);
    text(0x0E03, m.display_cc);
    text(0x007D, m.transport_headers);
    text(0x1000, m.body);
    if (!m.html.empty()) props.push_back({tag(0x1013, kPtBinary), m.html});
    if (m.submit_time != 0) {
        props.push_back(prop_time(0x0039, m.submit_time));
        props.push_back(prop_time(0x0E06, m.submit_time));
    }
    props.push_back(prop_bool(0x0E1B, !m.attachments.empty()));
    build_pc(n, std::move(props));

    if (!m.attachments.empty()) {
        std::vector<std::uint32_t> ids;
        Column method{tag(0x3705, kPtLong), {}};
        Column size{tag(0x0E20, kPtLong), {}};
        for (std::size_t i = 0; i < m.attachments.size(); ++i) {
            const Attachment& a = m.attachments[i];
            Node att;
            att.nid = (static_cast<std::uint32_t>(0x400 + i) << 5) | kNidTypeAttachment;
            ids.push_back(att.nid);
            std::vector<Prop> aprops = {prop_long(0x3705, 1), prop_long(0x0E20, a.data.size()),
                                        prop_long(0x370B, 0xFFFFFFFFu)};
            if (!a.long_filename.empty()) {
                aprops.push_back(prop_text(0x3707, a.long_filename));
                aprops.push_back(prop_text(0x3704, a.long_filename));
            }
            if (!a.data.empty()) aprops.push_back({tag(0x3701, kPtBinary), a.data});
            build_pc(att, std::move(aprops));
            std::string v;
            app32(v, 1);
            method.cells.push_back(v);
            v.clear();
            app32(v, static_cast<std::uint32_t>(a.data.size()));
            size.cells.push_back(v);
            n.subnodes.push_back(std::move(att));
        }
        Node table;
        table.nid = kNidAttachmentTable;
        build_tc(table, ids, {std::move(method), std::move(size)});
        n.subnodes.push_back(std::move(table));
    }
    return n;
}

}  // namespace

std::uint64_t filetime(std::int64_t unix_seconds) {
    return static_cast<std::uint64_t>(unix_seconds + 11644473600LL) * 10000000ull;
}

std::string build(const std::vector<Message>& messages) {
    Writer w;

    Node store;
    store.nid = kNidMessageStore;
    {
        std::string record_key(16, '\x42');
        std::string entry_id(4, '\0');
        entry_id += record_key;
        app32(entry_id, kNidTopFolder);
        build_pc(store, {{tag(0x0FF9, kPtBinary), record_key},
                         prop_text(0x3001, "Personal Folders"),
                         {tag(0x35E0, kPtBinary), entry_id}});
    }
    w.add_node(store, 0);

    Node names;
    names.nid = kNidNameToIdMap;
    {
        // A small map (2.4.7): one GUID, a numeric and a string named property on it.
        const std::string guid("\x08\x20\x06\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46",
                               16);
        std::string entries;
        app32(entries, 0x8503);  // numeric id
        app16(entries, 3 << 1);  // wGuid 3 (first in the GUID stream), N = 0
        app16(entries, 0);       // wPropIdx -> 0x8000
        app32(entries, 0);       // offset in the string stream
        app16(entries, (3 << 1) | 1);
        app16(entries, 1);  // -> 0x8001
        std::string strings;
        const std::string name = utf16le("X-Kagami");
        app32(strings, static_cast<std::uint32_t>(name.size()));
        strings += name;
        build_pc(names, {prop_long(0x0001, 251),
                         {tag(0x0002, kPtBinary), guid},
                         {tag(0x0003, kPtBinary), entries},
                         {tag(0x0004, kPtBinary), strings}});
    }
    w.add_node(names, 0);

    std::vector<std::uint32_t> message_nids;
    for (std::size_t i = 0; i < messages.size(); ++i)
        message_nids.push_back((static_cast<std::uint32_t>(0x10001 + i) << 5) |
                               kNidTypeNormalMessage);

    struct FolderSpec {
        std::uint32_t nid, parent;
        std::string name;
        std::vector<std::uint32_t> subfolders;
        std::vector<std::string> subnames;
        std::vector<std::uint32_t> messages;
    };
    const std::vector<FolderSpec> folders = {
        {kNidRootFolder, kNidRootFolder, "", {kNidTopFolder}, {"Top of Personal Folders"}, {}},
        {kNidTopFolder, kNidRootFolder, "Top of Personal Folders", {kNidInbox}, {"Inbox"}, {}},
        {kNidInbox, kNidTopFolder, "Inbox", {}, {}, message_nids},
    };
    for (const auto& f : folders) {
        w.add_node(folder_pc(f.nid, f.name, static_cast<std::uint32_t>(f.messages.size()),
                             !f.subfolders.empty()),
                   f.parent);
        w.add_node(hierarchy_table(f.nid, f.subfolders, f.subnames), 0);
        w.add_node(contents_table(f.nid, 0x0E, f.messages), 0);
        w.add_node(contents_table(f.nid, 0x0F, {}), 0);
    }
    for (std::size_t i = 0; i < messages.size(); ++i)
        w.add_node(message_node(message_nids[i], messages[i]), kNidInbox);
    return w.finish();
}

}  // namespace kagami::test::pst
