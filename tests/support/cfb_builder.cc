// SPDX-License-Identifier: Apache-2.0
#include "support/cfb_builder.h"

#include <algorithm>
#include <functional>

namespace kagami::test {
namespace {

constexpr std::uint32_t kEnd = 0xFFFFFFFE;
constexpr std::uint32_t kFree = 0xFFFFFFFF;
constexpr std::uint32_t kFatSect = 0xFFFFFFFD;
constexpr std::uint32_t kDifSect = 0xFFFFFFFC;
constexpr std::uint32_t kNone = 0xFFFFFFFF;

std::u16string to_utf16(std::string_view s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        char32_t cp = b;
        std::size_t len = 1;
        if (b >= 0xF0 && i + 3 < s.size()) {
            cp = ((b & 7u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
                 (s[i + 3] & 0x3Fu);
            len = 4;
        } else if (b >= 0xE0 && i + 2 < s.size()) {
            cp = ((b & 0xFu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            len = 3;
        } else if (b >= 0xC0 && i + 1 < s.size()) {
            cp = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
            len = 2;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
        i += len;
    }
    return out;
}

char16_t upper(char16_t c) {
    return (c >= u'a' && c <= u'z') ? char16_t(c - 32) : c;
}

// MS-CFB 2.6.4: shorter names first, then code-point order of the upper-cased names.
bool name_less(const std::u16string& a, const std::u16string& b) {
    if (a.size() != b.size()) return a.size() < b.size();
    for (std::size_t i = 0; i < a.size(); ++i)
        if (upper(a[i]) != upper(b[i])) return upper(a[i]) < upper(b[i]);
    return false;
}

}  // namespace

void CfbBuilder::put32(std::string& bytes, std::uint64_t offset, std::uint32_t v) {
    if (bytes.size() < offset + 4) bytes.resize(offset + 4, '\0');
    for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void CfbBuilder::put64(std::string& bytes, std::uint64_t offset, std::uint64_t v) {
    put32(bytes, offset, static_cast<std::uint32_t>(v));
    put32(bytes, offset + 4, static_cast<std::uint32_t>(v >> 32));
}

int CfbBuilder::add_storage(int parent, std::string_view name, std::string_view clsid) {
    nodes_.push_back(Node{std::string(name), 1, parent, std::string(clsid), {}, false, {}});
    int id = static_cast<int>(nodes_.size() - 1);
    nodes_[static_cast<std::size_t>(parent)].children.push_back(id);
    return id;
}

int CfbBuilder::add_stream(int parent, std::string_view name, std::string data, bool force_fat) {
    nodes_.push_back(Node{std::string(name), 2, parent, {}, std::move(data), force_fat, {}});
    int id = static_cast<int>(nodes_.size() - 1);
    nodes_[static_cast<std::size_t>(parent)].children.push_back(id);
    return id;
}

std::string CfbBuilder::build() {
    const std::uint32_t ss = major_ == 4 ? 4096 : 512;
    const std::uint32_t per = ss / 4;
    auto sectors_for = [&](std::uint64_t bytes) {
        return static_cast<std::uint32_t>((bytes + ss - 1) / ss);
    };
    layout_ = Layout{};
    layout_.sector_size = ss;
    const std::size_t n = nodes_.size();
    layout_.first_sector.assign(n, kEnd);
    layout_.in_mini.assign(n, false);

    // Mini stream: small streams, each padded to 64-byte mini sectors.
    std::string mini_stream;
    std::vector<std::uint32_t> mini_fat;
    for (std::size_t i = 0; i < n; ++i) {
        const Node& node = nodes_[i];
        if (node.type != 2 || node.force_fat || node.data.size() >= 4096 || node.data.empty())
            continue;
        layout_.in_mini[i] = true;
        auto first = static_cast<std::uint32_t>(mini_stream.size() / 64);
        layout_.first_sector[i] = first;
        std::uint32_t count = static_cast<std::uint32_t>((node.data.size() + 63) / 64);
        for (std::uint32_t k = 0; k < count; ++k)
            mini_fat.push_back(k + 1 < count ? first + k + 1 : kEnd);
        mini_stream += node.data;
        mini_stream.resize((mini_stream.size() + 63) / 64 * 64, '\0');
    }

    std::uint32_t dir_sectors = sectors_for(n * 128);
    std::uint32_t minifat_sectors = sectors_for(mini_fat.size() * 4);
    std::uint32_t ministream_sectors = sectors_for(mini_stream.size());
    std::uint32_t data_sectors = dir_sectors + minifat_sectors + ministream_sectors;
    for (std::size_t i = 0; i < n; ++i)
        if (nodes_[i].type == 2 && !layout_.in_mini[i])
            data_sectors += sectors_for(nodes_[i].data.size());

    std::uint32_t nf = 1, nd = 0;
    for (;; ++nf) {
        std::uint32_t listed_in_sectors = force_difat_ ? nf : (nf > 109 ? nf - 109 : 0);
        nd = (listed_in_sectors + per - 2) / (per - 1);
        if (std::uint64_t{nf} * per >= std::uint64_t{data_sectors} + nf + nd) break;
    }
    std::uint32_t total = nf + nd + data_sectors;
    std::vector<std::uint32_t> fat(std::size_t{nf} * per, kFree);
    std::uint32_t next = 0;
    for (std::uint32_t i = 0; i < nf; ++i) {
        layout_.fat_sectors.push_back(next);
        fat[next++] = kFatSect;
    }
    for (std::uint32_t i = 0; i < nd; ++i) {
        layout_.difat_sectors.push_back(next);
        fat[next++] = kDifSect;
    }
    auto chain = [&](std::uint32_t count) {
        if (count == 0) return kEnd;
        std::uint32_t first = next;
        for (std::uint32_t k = 0; k < count; ++k, ++next)
            fat[next] = k + 1 < count ? next + 1 : kEnd;
        return first;
    };
    layout_.directory_start = chain(dir_sectors);
    layout_.mini_fat_start = chain(minifat_sectors);
    layout_.mini_stream_start = chain(ministream_sectors);
    for (std::size_t i = 0; i < n; ++i)
        if (nodes_[i].type == 2 && !layout_.in_mini[i])
            layout_.first_sector[i] = chain(sectors_for(nodes_[i].data.size()));

    std::string out(std::size_t{ss} * (total + 1), '\0');
    // Header.
    out.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    auto put16 = [&](std::uint64_t off, std::uint16_t v) {
        out[off] = static_cast<char>(v & 0xFF);
        out[off + 1] = static_cast<char>(v >> 8);
    };
    put16(24, 0x003E);
    put16(26, static_cast<std::uint16_t>(major_));
    put16(28, 0xFFFE);
    put16(30, major_ == 4 ? 12 : 9);
    put16(32, 6);
    put32(out, 40, major_ == 4 ? dir_sectors : 0);
    put32(out, 44, nf);
    put32(out, 48, layout_.directory_start);
    put32(out, 56, 4096);
    put32(out, 60, layout_.mini_fat_start);
    put32(out, 64, minifat_sectors);
    put32(out, 68, nd ? layout_.difat_sectors[0] : kEnd);
    put32(out, 72, nd);
    std::size_t header_slots = force_difat_ ? 0 : std::min<std::size_t>(nf, 109);
    for (std::size_t i = 0; i < 109; ++i)
        put32(out, 76 + 4 * i, i < header_slots ? layout_.fat_sectors[i] : kFree);
    // DIFAT sectors.
    std::size_t listed = header_slots;
    for (std::uint32_t d = 0; d < nd; ++d) {
        std::uint64_t off = layout_.offset_of_sector(layout_.difat_sectors[d]);
        for (std::uint32_t k = 0; k < per - 1; ++k)
            put32(out, off + 4 * k, listed < nf ? layout_.fat_sectors[listed++] : kFree);
        put32(out, off + 4 * (per - 1), d + 1 < nd ? layout_.difat_sectors[d + 1] : kEnd);
    }
    // FAT.
    for (std::uint32_t i = 0; i < fat.size(); ++i)
        put32(out, layout_.offset_of_fat_entry(i), fat[i]);
    // MiniFAT and mini stream are contiguous in their chains.
    if (minifat_sectors) {
        std::uint64_t off = layout_.offset_of_sector(layout_.mini_fat_start);
        for (std::size_t i = 0; i < minifat_sectors * std::size_t{per}; ++i)
            put32(out, off + 4 * i, i < mini_fat.size() ? mini_fat[i] : kFree);
    }
    if (ministream_sectors)
        out.replace(layout_.offset_of_sector(layout_.mini_stream_start), mini_stream.size(),
                    mini_stream);
    for (std::size_t i = 0; i < n; ++i)
        if (nodes_[i].type == 2 && !layout_.in_mini[i] && !nodes_[i].data.empty())
            out.replace(layout_.offset_of_sector(layout_.first_sector[i]), nodes_[i].data.size(),
                        nodes_[i].data);

    // Directory: balanced sibling trees, sorted as MS-CFB orders names.
    std::vector<std::uint32_t> left(n, kNone), right(n, kNone), child(n, kNone);
    std::vector<std::u16string> names(n);
    for (std::size_t i = 0; i < n; ++i) names[i] = to_utf16(nodes_[i].name).substr(0, 31);
    for (std::size_t s = 0; s < n; ++s) {
        auto kids = nodes_[s].children;
        if (kids.empty()) continue;
        std::sort(kids.begin(), kids.end(), [&](int a, int b) {
            return name_less(names[static_cast<std::size_t>(a)],
                             names[static_cast<std::size_t>(b)]);
        });
        std::function<std::uint32_t(std::size_t, std::size_t)> tree = [&](std::size_t lo,
                                                                          std::size_t hi) {
            if (lo >= hi) return kNone;
            std::size_t mid = (lo + hi) / 2;
            auto id = static_cast<std::size_t>(kids[mid]);
            left[id] = tree(lo, mid);
            right[id] = tree(mid + 1, hi);
            return static_cast<std::uint32_t>(id);
        };
        child[s] = tree(0, kids.size());
    }
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t off = layout_.offset_of_sector(layout_.directory_start) + i * 128;
        for (std::size_t k = 0; k < names[i].size(); ++k) put16(off + 2 * k, names[i][k]);
        put16(off + 64, static_cast<std::uint16_t>((names[i].size() + 1) * 2));
        out[off + 66] = static_cast<char>(nodes_[i].type);
        out[off + 67] = 1;  // black
        put32(out, off + kLeft, left[i]);
        put32(out, off + kRight, right[i]);
        put32(out, off + kChild, child[i]);
        std::string_view clsid = i == 0 ? std::string_view(root_clsid_) : nodes_[i].clsid;
        if (clsid.size() == 16) out.replace(off + 80, 16, clsid);
        if (i == 0) {
            put32(out, off + kStart, ministream_sectors ? layout_.mini_stream_start : kEnd);
            put64(out, off + kSize, mini_stream.size());
        } else if (nodes_[i].type == 2) {
            put32(out, off + kStart, layout_.first_sector[i]);
            put64(out, off + kSize, nodes_[i].data.size());
        }
    }
    // Unused directory slots are empty entries with no siblings.
    for (std::size_t i = n; i < std::size_t{dir_sectors} * (ss / 128); ++i) {
        std::uint64_t off = layout_.offset_of_sector(layout_.directory_start) + i * 128;
        put32(out, off + kLeft, kNone);
        put32(out, off + kRight, kNone);
        put32(out, off + kChild, kNone);
    }
    return out;
}

}  // namespace kagami::test
