#include "analyzers/archive/archive.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/archive/unpack.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

using core::ByteReader;

constexpr FindingKind kPasswordInMessage{
    "archive.encrypted_password_in_message",
    "The archive is encrypted and opens with a password written in the message: the way "
    "lures get past mail gateways",
    "T1027.013,T1566.001"};
constexpr FindingKind kEncrypted{
    "archive.encrypted",
    "The archive is encrypted and could not be opened, so its contents "
    "were not analysed",
    "T1027.013"};
constexpr FindingKind kPathTraversal{
    "archive.path_traversal",
    "An entry name climbs out of the extraction folder (../ or an absolute path)", "T1203"};
constexpr FindingKind kOverlapping{
    "archive.overlapping_entries",
    "Several ZIP entries share the same compressed data: the overlapping-file zip bomb", "T1027"};
constexpr FindingKind kQuine{
    "archive.quine", "The archive contains itself (a zip quine), which unpacks forever", "T1027"};
constexpr FindingKind kDiskImageExecutable{
    "archive.disk_image_executable",
    "A disk image holds a shortcut, program or script: files inside an image lose the "
    "downloaded-from-the-Internet mark",
    "T1553.005,T1204.002"};
constexpr FindingKind kLimitEntries{"limit.archive.entries",
                                    "The archive holds more entries than the entry limit; the "
                                    "rest were not analysed",
                                    "T1027"};
constexpr FindingKind kLimitRatio{
    "limit.archive.ratio",
    "An entry unpacks to far more than the archive's size (a decompression bomb); it was cut",
    "T1027"};
constexpr FindingKind kLimitBytes{
    "limit.archive.bytes", "An entry is larger than the unpacked-bytes limit; it was cut", "T1027"};
constexpr FindingKind kLimitTime{
    "limit.archive.time", "Unpacking the archive took longer than the time limit; it was cut",
    "T1027"};

// archive.entry facts per archive; archive.entries still counts them all.
constexpr std::size_t kMaxEntryFacts = 200;
constexpr std::size_t kMaxEvidenceNames = 5;

// ---- recognising the format -------------------------------------------------------

struct Format {
    std::string_view type;   // kagami's type name
    bool stream = false;     // a single compressed stream (gzip, bzip2, xz, zstd)
    bool libarchive = true;  // libarchive can read it
};

bool at(std::string_view b, std::size_t off, std::string_view magic) {
    return b.size() >= off + magic.size() && b.substr(off, magic.size()) == magic;
}

bool iso9660_at(std::string_view b) {
    for (std::size_t off : {0x8001u, 0x8801u, 0x9001u})
        if (at(b, off, "CD001")) return true;
    return false;
}

// UDF: the volume recognition sequence (BEA01, NSR02/NSR03, TEA01) in the 2 KiB sectors
// after the 32 KiB system area; ISO 9660 descriptors may come first.
bool udf_at(std::string_view b) {
    for (std::size_t sector = 16; sector < 32; ++sector) {
        std::size_t off = sector * 2048 + 1;
        if (at(b, off, "NSR02") || at(b, off, "NSR03")) return true;
    }
    return false;
}

bool lzh_at(std::string_view b) {
    if (b.size() < 22 || b[2] != '-' || b[6] != '-') return false;
    if (b[3] != 'l') return false;
    return b[4] == 'h' || b[4] == 'z';
}

bool cpio_at(std::string_view b) {
    if (at(b, 0, "070707") || at(b, 0, "070701") || at(b, 0, "070702")) return true;
    // Old binary cpio: a two-byte magic, so the header must also hold together.
    if (b.size() < 28) return false;
    bool le = at(b, 0, "\xC7\x71"), be = at(b, 0, "\x71\xC7");
    if (!le && !be) return false;
    auto u16 = [&](std::size_t off) {
        auto x = static_cast<unsigned char>(b[off]), y = static_cast<unsigned char>(b[off + 1]);
        return le ? static_cast<unsigned>(x | (y << 8)) : static_cast<unsigned>((x << 8) | y);
    };
    unsigned namesize = u16(20);
    return namesize >= 2 && namesize <= 4096 && b.size() >= 26 + namesize &&
           b[26 + namesize - 1] == '\0';
}

bool zstd_at(std::string_view b) {
    if (at(b, 0, "\x28\xB5\x2F\xFD")) return true;
    // Skippable frames (magic 0x184D2A5?) may come first; a real frame must follow.
    if (b.size() >= 8 && (static_cast<unsigned char>(b[0]) & 0xF0) == 0x50 &&
        at(b, 1, "\x2A\x4D\x18"))
        return b.substr(0, 64 * 1024).find("\x28\xB5\x2F\xFD") != std::string_view::npos;
    return false;
}

std::optional<Format> detect(std::string_view b) {
    if (at(b, 0, "PK\x03\x04") || at(b, 0, "PK\x05\x06") || at(b, 0, "PK\x07\x08PK"))
        return Format{"zip"};
    if (at(b, 0, "7z\xBC\xAF\x27\x1C")) return Format{"7z"};
    if (at(b, 0, std::string_view("Rar!\x1A\x07\x00", 7)) || at(b, 0, "Rar!\x1A\x07\x01"))
        return Format{"rar"};
    if (at(b, 0, std::string_view("MSCF\0\0\0\0", 8))) return Format{"cab"};
    if (at(b, 257, "ustar")) return Format{"tar"};
    if (iso9660_at(b)) return Format{"iso9660"};
    if (udf_at(b)) return Format{"udf", false, false};
    if (at(b, 0, "\x1F\x8B\x08")) return Format{"gzip", true};
    if (at(b, 0, "BZh") && b.size() > 10 && b[3] >= '1' && b[3] <= '9' &&
        (at(b, 4, "1AY&SY") || at(b, 4, "\x17\x72\x45\x38\x50\x90")))
        return Format{"bzip2", true};
    if (at(b, 0,
           std::string_view("\xFD"
                            "7zXZ\0",
                            6)))
        return Format{"xz", true};
    if (zstd_at(b)) return Format{"zstd", true};
    if (lzh_at(b)) return Format{"lzh"};
    if (at(b, 0, "\x60\xEA") && b.size() > 10) {
        auto size = core::le_at<std::uint16_t>(b, 2);
        if (size && *size > 0 && *size <= 2600) return Format{"arj", false, false};
    }
    if (cpio_at(b)) return Format{"cpio"};
    return std::nullopt;
}

// ---- small text helpers ----------------------------------------------------------

// Control characters out of fact values and evidence (names are attacker-chosen).
std::string clean(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : core::sanitize_utf8(s)) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && core::iequals(s.substr(s.size() - suffix.size()), suffix);
}

// ../ segments, a leading / or \, or a drive letter: names that would write outside
// the folder an unpacker extracts into.
bool climbs_out(std::string_view name) {
    if (name.empty()) return false;
    if (name[0] == '/' || name[0] == '\\') return true;
    if (name.size() >= 2 && name[1] == ':' &&
        ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        return true;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = name.size();
        if (name.substr(start, end - start) == "..") return true;
        start = end + 1;
    }
    return false;
}

bool executable_name(std::string_view name) {
    static constexpr std::array<std::string_view, 19> kExt = {
        ".lnk", ".exe", ".dll", ".scr", ".com", ".pif", ".cpl", ".msi", ".js", ".jse",
        ".vbs", ".vbe", ".wsf", ".hta", ".bat", ".cmd", ".ps1", ".chm", ".url"};
    return std::any_of(kExt.begin(), kExt.end(),
                       [&](std::string_view e) { return ends_with_ci(name, e); });
}

bool executable_bytes(std::string_view data) {
    return data.starts_with("MZ") ||
           data.starts_with(std::string_view("\x4C\x00\x00\x00\x01\x14\x02\x00", 8));
}

std::string join_names(const std::vector<std::string>& names, std::size_t total) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    if (total > names.size()) out += " (+" + std::to_string(total - names.size()) + " more)";
    return out;
}

// ---- ZIP central directory, read by hand -------------------------------------------

struct ZipEntry {
    std::string name;
    std::uint16_t flags = 0;
    std::uint16_t method = 0;
    std::uint64_t packed = 0;
    std::uint64_t size = 0;
    std::uint64_t local = 0;  // local header offset, corrected for prepended bytes
};

struct ZipDirectory {
    bool found = false;
    std::string comment;
    std::vector<ZipEntry> entries;
    std::size_t overlapping = 0;  // entries whose data overlaps an earlier entry's
    std::vector<std::string> overlap_names;
};

// The end record: the last "PK\5\6" within the final 64 KiB + 22 bytes.
std::optional<std::size_t> find_end_record(std::string_view b) {
    constexpr std::size_t kWindow = 65535 + 22;
    std::size_t from = b.size() > kWindow ? b.size() - kWindow : 0;
    std::string_view tail = b.substr(from);
    for (std::size_t pos = tail.rfind("PK\x05\x06"); pos != std::string_view::npos;
         pos = pos == 0 ? std::string_view::npos : tail.rfind("PK\x05\x06", pos - 1)) {
        if (tail.size() - pos >= 22) return from + pos;
    }
    return std::nullopt;
}

// Walks the central directory for what libarchive does not tell: the archive comment,
// encryption flags before decryption, and entries whose data ranges overlap (Fifield's
// non-recursive zip bomb points many entries at one compressed kernel).
ZipDirectory read_zip_directory(std::string_view b, std::size_t max_entries, Output& out) {
    ZipDirectory dir;
    auto end = find_end_record(b);
    if (!end) {
        out.violation("zip: no end of central directory record (truncated?)");
        return dir;
    }
    ByteReader r(b);
    r.seek(*end + 10);
    auto total = r.u16();
    auto cd_size = r.u32();
    auto cd_offset = r.u32();
    auto comment_len = r.u16();
    if (!total || !cd_size || !cd_offset || !comment_len) return dir;
    dir.found = true;
    if (auto c = r.bytes(std::min<std::uint64_t>(*comment_len, r.remaining()))) {
        dir.comment = clean(archive::decode_name(*c));
        if (*comment_len > c->size()) out.violation("zip: the archive comment runs past the end");
    }
    std::uint64_t entries = *total, size = *cd_size, offset = *cd_offset;
    // ZIP64: the real values sit in the ZIP64 end record the locator before us names.
    if ((entries == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF) && *end >= 20 &&
        at(b, *end - 20, "PK\x06\x07")) {
        auto z64 = core::le_at<std::uint64_t>(b, *end - 20 + 8);
        if (z64 && at(b, *z64, "PK\x06\x06")) {
            ByteReader z(b);
            z.seek(*z64 + 32);
            auto n = z.u64();
            auto s = z.u64();
            auto o = z.u64();
            if (n && s && o) {
                entries = *n;
                size = *s;
                offset = *o;
            }
        }
    }
    // Bytes before the archive (self-extractors, a prepended decoy) shift every offset.
    std::uint64_t shift = 0;
    if (size <= *end && *end - size > offset) shift = *end - size - offset;
    if (offset + shift > b.size() || size > b.size() - (offset + shift)) {
        out.violation("zip: the central directory (" + std::to_string(size) + " bytes at " +
                      std::to_string(offset) + ") lies past the end of the file");
        return dir;
    }
    ByteReader cd(
        b.substr(static_cast<std::size_t>(offset + shift), static_cast<std::size_t>(size)));
    struct Range {
        std::uint64_t start, end;
        std::size_t index;
    };
    std::vector<Range> ranges;
    while (!cd.empty() && dir.entries.size() < max_entries) {
        if (out.context().out_of_time()) break;
        auto sig = cd.bytes(4);
        if (!sig || *sig != "PK\x01\x02") break;
        ZipEntry e;
        cd.skip(4);  // versions
        auto flags = cd.u16();
        auto method = cd.u16();
        cd.skip(8);  // time, date, crc
        auto packed = cd.u32();
        auto unpacked = cd.u32();
        auto name_len = cd.u16();
        auto extra_len = cd.u16();
        auto comment = cd.u16();
        cd.skip(8);  // disk, attributes
        auto local = cd.u32();
        if (!local || !comment) break;
        auto name = cd.bytes(*name_len);
        auto extra = cd.bytes(*extra_len);
        if (!name || !extra || !cd.skip(*comment)) {
            out.violation("zip: a central directory entry runs past the directory");
            break;
        }
        e.name = archive::decode_name(*name);
        e.flags = *flags;
        e.method = *method;
        e.packed = *packed;
        e.size = *unpacked;
        e.local = *local;
        // ZIP64 extra field: 64-bit values for the fields stored as 0xFFFFFFFF, in order.
        ByteReader x(*extra);
        while (x.remaining() >= 4) {
            auto id = x.u16(), len = x.u16();
            auto body = x.bytes(*len);
            if (!body) break;
            if (*id != 0x0001) continue;
            ByteReader v(*body);
            if (*unpacked == 0xFFFFFFFF) e.size = v.u64().value_or(e.size);
            if (*packed == 0xFFFFFFFF) e.packed = v.u64().value_or(e.packed);
            if (*local == 0xFFFFFFFF) e.local = v.u64().value_or(e.local);
        }
        e.local += shift;
        // Where the data starts: after the local header's own name and extra field.
        ByteReader lh(b);
        if (!lh.seek(e.local) || lh.bytes(4) != std::optional<std::string_view>("PK\x03\x04")) {
            out.violation("zip: " + clean(e.name) + ": no local header at offset " +
                          std::to_string(e.local));
        } else {
            lh.skip(2);
            auto lflags = lh.u16();
            lh.skip(10);
            auto lpacked = lh.u32();
            auto lsize = lh.u32();
            auto lname = lh.u16();
            auto lextra = lh.u16();
            if (lname && lextra) {
                std::uint64_t start = e.local + 30 + *lname + *lextra;
                ranges.push_back({start, start + e.packed, dir.entries.size()});
                bool descriptor = (*lflags & 0x08) != 0;
                if (!descriptor && *lpacked != 0xFFFFFFFF && *packed != 0xFFFFFFFF &&
                    (*lpacked != *packed || *lsize != *unpacked))
                    out.violation("zip: " + clean(e.name) +
                                  ": the local header and the central directory give "
                                  "different sizes");
                if (start + e.packed > b.size())
                    out.violation("zip: " + clean(e.name) + ": the compressed data (" +
                                  std::to_string(e.packed) + " bytes) runs past the end");
            }
        }
        dir.entries.push_back(std::move(e));
    }
    if (entries != dir.entries.size() && dir.entries.size() < max_entries)
        out.violation("zip: the end record counts " + std::to_string(entries) +
                      " entries, the central directory holds " +
                      std::to_string(dir.entries.size()));
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b2) { return a.start < b2.start; });
    std::uint64_t reach = 0;
    bool any = false;
    for (const auto& rg : ranges) {
        if (any && rg.start < reach && rg.end > rg.start) {
            ++dir.overlapping;
            if (dir.overlap_names.size() < kMaxEvidenceNames)
                dir.overlap_names.push_back(clean(dir.entries[rg.index].name));
        }
        reach = std::max(reach, rg.end);
        any = true;
    }
    return dir;
}

// ---- ARJ: libarchive has no reader; list the entries and take the stored ones --------

struct ArjEntry {
    std::string name;
    std::uint32_t size = 0;
    int method = 0;
    bool encrypted = false;
    bool directory = false;
    std::string_view data;  // the packed bytes
};

std::vector<ArjEntry> read_arj(std::string_view b, std::size_t max_entries, Output& out) {
    std::vector<ArjEntry> entries;
    ByteReader r(b);
    bool main_header = true;
    while (entries.size() < max_entries) {
        if (out.context().out_of_time()) break;
        auto magic = r.u16();
        auto size = r.u16();
        if (!magic || !size || *magic != 0xEA60) {
            out.violation("arj: header expected at offset " + std::to_string(r.pos()));
            break;
        }
        if (*size == 0) break;  // end of archive
        auto header = r.bytes(*size);
        if (!header || *size > 2600 || !r.skip(4)) {
            out.violation("arj: a header runs past the end");
            break;
        }
        // Extended headers: a size, that many bytes and a CRC, until a size of zero.
        for (;;) {
            auto ext = r.u16();
            if (!ext || *ext == 0) break;
            if (!r.skip(std::uint64_t{*ext} + 4)) break;
        }
        ByteReader h(*header);
        auto first = h.u8();
        h.skip(3);  // versions, host OS
        auto flags = h.u8();
        auto method = h.u8();
        auto type = h.u8();
        h.skip(5);  // reserved, date
        auto packed = h.u32();
        auto original = h.u32();
        if (!first || !flags || !method || !type || !packed || !original) break;
        std::size_t name_at = std::min<std::size_t>(*first, header->size());
        std::string_view rest = header->substr(name_at);
        std::string_view name = rest.substr(0, rest.find('\0'));
        if (main_header) {  // the archive's own header: no data follows
            main_header = false;
            continue;
        }
        ArjEntry e;
        e.name = archive::decode_name(name);
        e.size = *original;
        e.method = *method;
        e.encrypted = (*flags & 0x01) != 0;
        e.directory = *type == 3;
        auto data = r.bytes(*packed);
        if (!data) {
            out.violation("arj: " + clean(e.name) + ": the data runs past the end");
            e.data = b.substr(r.pos());
            entries.push_back(std::move(e));
            break;
        }
        e.data = *data;
        entries.push_back(std::move(e));
    }
    return entries;
}

// ---- the walk ------------------------------------------------------------------------

std::string iso_volume_label(std::string_view b) {
    auto label = ByteReader(b).bytes_at(0x8028, 32);
    if (!label) return {};
    return clean(core::trim(*label));
}

// The original name a gzip header may carry (FNAME, ISO-8859-1 by RFC 1952).
std::string gzip_name(std::string_view b) {
    ByteReader r(b);
    r.skip(3);
    auto flags = r.u8();
    if (!flags || !r.skip(6)) return {};
    if (*flags & 0x04) {
        auto xlen = r.u16();
        if (!xlen || !r.skip(*xlen)) return {};
    }
    if (!(*flags & 0x08)) return {};
    std::string_view rest = r.data().substr(r.pos(), 1024);
    auto nul = rest.find('\0');
    if (nul == std::string_view::npos) return {};
    return archive::decode_name(rest.substr(0, nul));
}

std::string stream_child_name(const Input& in, std::string_view type) {
    if (type == "gzip") {
        if (auto n = gzip_name(in.bytes); !n.empty()) return n;
    }
    std::string name(in.name);
    for (std::string_view ext : {".gz", ".tgz", ".bz2", ".tbz", ".xz", ".txz", ".zst", ".zstd"}) {
        if (ends_with_ci(name, ext)) {
            name.resize(name.size() - ext.size());
            if (ext[1] == 't') name += ".tar";
            return name;
        }
    }
    return {};
}

class Walk {
public:
    Walk(const Input& in, Output& out, std::string_view type)
        : in_(in), out_(out), ctx_(out.context()), type_(type) {}

    /// One entry, read or not; false to stop the walk.
    bool take(archive::Entry& e, bool try_later_if_encrypted) {
        if (stopped_) return false;
        if (out_.entries_exhausted()) {
            limit(kLimitEntries, entries_reported_,
                  "more than " + std::to_string(ctx_.limits().max_archive_entries) + " entries");
            stopped_ = true;
            return false;
        }
        std::string name = e.name;
        std::int64_t size = e.size >= 0 ? e.size : static_cast<std::int64_t>(e.data.size());
        ++entries_;
        if (entries_ <= kMaxEntryFacts) {
            std::string v = clean(name) + " (" + std::to_string(size) + " bytes";
            if (e.directory) v += ", directory";
            if (e.encrypted) v += ", encrypted";
            out_.fact("archive.entry", v + ")");
        }
        if (climbs_out(name)) {
            ++traversal_;
            if (traversal_names_.size() < kMaxEvidenceNames)
                traversal_names_.push_back(clean(name));
        }
        if (e.directory) return true;
        ++files_;
        bool unread = e.data.empty() && !e.error.empty();
        if (e.encrypted && unread && try_later_if_encrypted) {
            encrypted_.push_back(name);
            out_.unread_child(name);  // if a password opens it, it comes back as a child
            return true;
        }
        if (!e.error.empty()) out_.violation(clean(name) + ": " + clean(e.error));
        if (unread) {
            out_.unread_child(std::move(name));
            return true;
        }
        return hand_back(std::move(name), e);
    }

    bool hand_back(std::string name, archive::Entry& e) {
        if (e.ratio_exceeded) {
            limit(kLimitRatio, ratio_reported_,
                  clean(name) + ": cut at " + std::to_string(e.data.size()) + " bytes from a " +
                      std::to_string(in_.bytes.size()) + "-byte archive");
        } else if (e.truncated) {
            limit(kLimitBytes, bytes_reported_,
                  clean(name) + ": cut at " + std::to_string(e.data.size()) + " bytes");
        }
        if (e.data.size() == in_.bytes.size() && e.data == in_.bytes) {
            out_.finding(kQuine, clean(name));
            return true;
        }
        if (type_ == "iso9660" || type_ == "udf") {
            if (executable_name(name) || executable_bytes(e.data)) {
                ++image_executables_;
                if (image_names_.size() < kMaxEvidenceNames) image_names_.push_back(clean(name));
            }
        }
        if (!out_.child(std::move(name), std::move(e.data))) {
            stopped_ = true;
            return false;
        }
        return true;
    }

    void finish() {
        out_.fact("archive.entries", std::to_string(entries_));
        if (traversal_ > 0) out_.finding(kPathTraversal, join_names(traversal_names_, traversal_));
        if (image_executables_ > 0)
            out_.finding(kDiskImageExecutable, join_names(image_names_, image_executables_));
    }

    void out_of_time() { limit(kLimitTime, time_reported_, std::string(in_.path)); }
    void too_many() {
        limit(kLimitEntries, entries_reported_,
              "more than " + std::to_string(ctx_.limits().max_archive_entries) + " entries");
    }

    std::vector<std::string>& encrypted() { return encrypted_; }
    bool stopped() const { return stopped_; }
    std::size_t files() const { return files_; }

private:
    void limit(const FindingKind& kind, bool& reported, std::string evidence) {
        if (reported) return;
        reported = true;
        out_.finding(kind, std::move(evidence));
    }

    const Input& in_;
    Output& out_;
    Context& ctx_;
    std::string_view type_;
    std::size_t entries_ = 0, files_ = 0;
    std::size_t traversal_ = 0, image_executables_ = 0;
    std::vector<std::string> traversal_names_, image_names_, encrypted_;
    bool stopped_ = false;
    bool entries_reported_ = false, ratio_reported_ = false, bytes_reported_ = false,
         time_reported_ = false;
};

archive::UnpackOptions options_for(Context& ctx) {
    archive::UnpackOptions opt;
    opt.max_entries = ctx.limits().max_archive_entries;
    opt.max_ratio = ctx.limits().max_compression_ratio;
    opt.stop = [&ctx] { return ctx.out_of_time(); };
    opt.entry_limit = [&ctx] { return ctx.bytes_left(); };
    return opt;
}

// Tries the message's passwords one at a time, re-opening the archive for each, so the
// one that worked is known. Returns the password and the entries it decrypted.
struct Opened {
    std::string password;
    std::vector<archive::Entry> entries;
};

std::optional<Opened> try_passwords(const Input& in, Output& out, bool raw, std::size_t& tried) {
    Context& ctx = out.context();
    for (const std::string& password : ctx.passwords()) {
        if (ctx.out_of_time()) break;
        ++tried;
        auto opt = options_for(ctx);
        std::array<std::string, 1> one{password};
        opt.passwords = one;
        opt.want_data = [](const archive::Entry& e) { return e.encrypted; };
        // Entries wait here until the password is known to be right: bound them.
        std::size_t held = 0;
        opt.entry_limit = [&] {
            std::size_t left = ctx.bytes_left();
            return left > held ? left - held : 0;
        };
        Opened o;
        bool failed = false;
        archive::unpack(
            in.bytes, opt,
            [&](archive::Entry& e) {
                if (!e.encrypted || e.directory) return true;
                if (!e.error.empty()) {
                    failed = true;  // wrong password (or a check byte that matched by chance)
                    return false;
                }
                held += e.data.size();
                o.entries.push_back(std::move(e));
                return true;
            },
            raw);
        if (!failed && !o.entries.empty()) {
            o.password = password;
            return o;
        }
    }
    return std::nullopt;
}

void report_encrypted(Output& out, std::string_view type, std::size_t entries, std::size_t tried,
                      bool can_decrypt) {
    std::size_t stated = out.context().passwords().size();
    std::string ev = std::string(type) + ": " +
                     (entries ? std::to_string(entries) + " encrypted entries"
                              : std::string("encrypted headers"));
    if (!can_decrypt) {
        ev += "; this encryption cannot be opened here";
        if (stated > 0) ev += " (the message states " + std::to_string(stated) + " password(s))";
    } else {
        ev += "; " + std::to_string(tried) + " password(s) from the message tried";
    }
    out.finding(kEncrypted, std::move(ev));
}

void analyze_arj(const Input& in, Output& out, Walk& walk) {
    auto entries = read_arj(in.bytes, out.context().limits().max_archive_entries, out);
    std::size_t encrypted = 0;
    std::vector<std::string> unsupported;
    for (auto& a : entries) {
        archive::Entry e;
        e.name = a.name;
        e.size = a.size;
        e.directory = a.directory;
        e.encrypted = a.encrypted;
        if (a.encrypted) {
            ++encrypted;
        } else if (!a.directory && a.method == 0) {
            std::size_t limit = out.context().bytes_left();
            e.data.assign(a.data.substr(0, limit));
            e.truncated = a.data.size() > limit;
        } else if (!a.directory) {
            unsupported.push_back(clean(a.name));
        }
        if (!walk.take(e, false)) break;
    }
    out.fact("archive.format", "ARJ");
    if (!unsupported.empty())
        out.fact("archive.unsupported",
                 "ARJ compression methods 1-4 are not unpacked: " +
                     join_names(std::vector<std::string>(
                                    unsupported.begin(),
                                    unsupported.begin() +
                                        static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                            unsupported.size(), kMaxEvidenceNames))),
                                unsupported.size()));
    if (encrypted > 0) report_encrypted(out, "arj", encrypted, 0, false);
}

}  // namespace

bool ArchiveAnalyzer::sniff(std::string_view bytes) const {
    return detect(bytes).has_value();
}

void ArchiveAnalyzer::analyze(const Input& in, Output& out) const {
    auto format = detect(in.bytes);
    std::string type(format ? format->type : "archive");
    out.set_type(type);
    Context& ctx = out.context();
    Walk walk(in, out, type);

    if (type == "arj") {
        analyze_arj(in, out, walk);
        walk.finish();
        return;
    }
    if (type == "iso9660" || type == "udf") {
        if (auto label = iso_volume_label(in.bytes); !label.empty() && type == "iso9660")
            out.fact("archive.volume_label", label);
        if (udf_at(in.bytes)) out.fact("archive.udf", type == "iso9660" ? "bridge" : "yes");
    }
    if (type == "udf") {
        // libarchive reads only the ISO 9660 side of a bridge image.
        out.violation("udf: a UDF-only image; its files are not listed (no ISO 9660 directory)");
        walk.finish();
        return;
    }

    ZipDirectory zip;
    if (type == "zip") {
        zip = read_zip_directory(in.bytes, ctx.limits().max_archive_entries, out);
        if (!zip.comment.empty()) out.fact("archive.comment", zip.comment);
        if (zip.overlapping > 0)
            out.finding(kOverlapping, std::to_string(zip.overlapping) + " entries overlap: " +
                                          join_names(zip.overlap_names, zip.overlapping));
    }

    bool raw = format && format->stream;
    auto opt = options_for(ctx);
    std::string stream_name = raw ? stream_child_name(in, type) : std::string();
    auto result = archive::unpack(
        in.bytes, opt,
        [&](archive::Entry& e) {
            if (raw && e.name == "data") e.name = stream_name;  // libarchive's placeholder
            return walk.take(e, true);
        },
        raw);

    if (result.base == "iso9660" && walk.files() == 0 && result.error.empty() && !walk.stopped()) {
        // libarchive prefers the Joliet tree; an image whose Joliet tree is empty while
        // the primary one holds files shows scanners nothing. Read the primary tree.
        opt.format_options = "iso9660:!joliet";
        archive::unpack(in.bytes, opt, [&](archive::Entry& e) { return walk.take(e, true); });
        if (walk.files() > 0)
            out.fact("archive.iso_view", "primary directory (the Joliet directory is empty)");
    }
    if (result.base == "raw") {
        // A single compressed stream: the child is its content.
    } else if (!result.base.empty() && result.base != type) {
        // tar.gz and friends: the tree shows the tar, the compression is a fact.
        type = result.base;
        out.set_type(type);
    }
    if (!result.filter.empty() && result.base != "raw")
        out.fact("archive.compression", result.filter);
    out.fact("archive.format", clean(result.format.empty() ? type : result.format));
    if (result.stopped) walk.out_of_time();
    if (result.entries_exceeded) walk.too_many();
    if (!result.error.empty() && !(result.encrypted && result.entries == 0))
        out.violation(type + ": " + clean(result.error));

    // Overlapping entries were counted above. libarchive's seekable ZIP reader returns
    // one entry per local header, so aliases of one header are read once; Fifield's
    // variant (distinct headers inside one another's data) is cut by the ratio and
    // byte bounds.
    std::size_t encrypted = walk.encrypted().size();
    bool header_encrypted = result.encrypted && result.entries == 0;
    if ((encrypted > 0 || header_encrypted) && !walk.stopped()) {
        bool can_decrypt = type == "zip";  // libarchive decrypts ZipCrypto and WinZip AES only
        std::size_t tried = 0;
        std::optional<Opened> opened;
        if (can_decrypt) opened = try_passwords(in, out, raw, tried);
        if (opened) {
            out.fact("archive.password", clean(opened->password));
            out.finding(kPasswordInMessage, type + ": opened with the password \"" +
                                                clean(opened->password) + "\" (" +
                                                std::to_string(tried) + " tried)");
            for (auto& e : opened->entries) {
                if (!walk.hand_back(e.name, e)) break;
            }
        } else {
            report_encrypted(out, type, encrypted, tried, can_decrypt);
        }
    }
    walk.finish();
}

}  // namespace kagami::analyzers
