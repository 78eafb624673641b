// SPDX-License-Identifier: Apache-2.0
// Windows executables, read per the PE/COFF specification: headers, sections, imports
// (with pefile's imphash), exports, the Rich header, the debug directory's PDB path,
// the certificate table, version strings and the overlay. An executable in a mail is
// itself a finding; the facts (imphash, Rich hash, PDB path, timestamps) are what links
// one campaign's droppers and loaders together.
#include "analyzers/pe/pe.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/pe/ordinals.h"
#include "core/byte_reader.h"
#include "core/hash.h"
#include "core/text.h"
#include "core/time.h"

namespace kagami::analyzers {
namespace {

using core::ByteReader;

constexpr FindingKind kExecutable{"pe.executable",
                                  "A Windows executable (PE file) is attached or packed inside "
                                  "an attachment",
                                  "T1204.002"};
constexpr FindingKind kPacked{
    "pe.packed", "The executable is packed: packer section names or compressed code", "T1027.002"};
constexpr FindingKind kTimestampFuture{
    "pe.timestamp_future", "The executable's compile time is in the future", "T1070.006"};
constexpr FindingKind kSectionLimit{"limit.pe.sections",
                                    "The executable has more sections than are read", "T1027"};
constexpr FindingKind kImportLimit{"limit.pe.imports",
                                   "The executable has more imports than are read", "T1027"};
constexpr FindingKind kExportLimit{"limit.pe.exports",
                                   "The executable has more exports than are read", "T1027"};

constexpr std::size_t kMaxSections = 256;
constexpr std::size_t kMaxImports = 10'000;
constexpr std::size_t kMaxImportDlls = 2'048;
constexpr std::size_t kMaxExports = 10'000;
constexpr std::size_t kMaxName = 512;
constexpr std::size_t kMinOverlayChild = 1024;
constexpr double kPackedEntropy = 7.2;

// Section names that packers and protectors leave behind.
constexpr std::array<std::string_view, 30> kPackerSections{
    "UPX0",     "UPX1",  "UPX2",   "UPX!",     ".UPX0",    ".UPX1",   ".aspack", ".adata",
    ".petite",  "MEW",   ".WWP32", ".MPRESS1", ".MPRESS2", ".nsp0",   ".nsp1",   ".nsp2",
    "pec1",     "pec2",  "PEC2",   ".packed",  ".perplex", "yC",      ".yP",     "FSG!",
    ".themida", ".vmp0", ".vmp1",  ".enigma1", ".enigma2", "PESHiELD"};

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string fixed2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// Printable ASCII kept, anything else escaped: names in a PE are bytes, not text.
std::string clean(std::string_view s) {
    std::string out;
    for (char c : s) {
        auto u = std::uint8_t(c);
        if (u >= 0x20 && u < 0x7F) {
            out += c;
        } else {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

// UTF-8 text with control characters replaced, for version strings.
std::string clean_text(std::string_view s) {
    std::string out;
    for (char c : s) out += (std::uint8_t(c) < 0x20 || c == 0x7F) ? '?' : c;
    return core::sanitize_utf8(out);
}

const char* machine_name(std::uint16_t m) {
    switch (m) {
        case 0x014C:
            return "i386";
        case 0x8664:
            return "amd64";
        case 0xAA64:
            return "arm64";
        case 0x01C0:
            return "arm";
        case 0x01C4:
            return "armnt";
        case 0x0200:
            return "ia64";
        case 0xA641:
            return "arm64ec";
        case 0x0EBC:
            return "ebc";
        case 0x0000:
            return "unknown";
        default:
            return nullptr;
    }
}

const char* subsystem_name(std::uint16_t s) {
    switch (s) {
        case 1:
            return "native";
        case 2:
            return "windows_gui";
        case 3:
            return "windows_cui";
        case 5:
            return "os2_cui";
        case 7:
            return "posix_cui";
        case 9:
            return "windows_ce_gui";
        case 10:
            return "efi_application";
        case 11:
            return "efi_boot_service_driver";
        case 12:
            return "efi_runtime_driver";
        case 13:
            return "efi_rom";
        case 14:
            return "xbox";
        case 16:
            return "windows_boot_application";
        default:
            return nullptr;
    }
}

// The imphash name of an ordinal import, as pefile's ordlookup makes it.
std::string ordinal_name(std::string_view dll_lower, std::uint64_t ord) {
    auto n = detail::ordinal_name(dll_lower, ord);
    return n.empty() ? "ord" + std::to_string(ord) : std::string(n);
}

struct Section {
    std::string name;
    std::uint32_t vsize = 0, va = 0, raw_size = 0, raw_ptr = 0, flags = 0;
};

class Image {
public:
    Image(std::string_view data, Output& out) : data_(data), out_(out) {}

    std::string_view data_;
    Output& out_;
    std::vector<Section> sections;
    std::uint32_t file_alignment = 0;
    std::uint32_t size_of_headers = 0;
    bool pe32plus = false;

    // pefile's rule: with a FileAlignment of 0x200 or more, raw pointers are rounded
    // down to 0x200 (the loader does the same), which is how clam.exe's pointer 1 works.
    std::uint64_t adjusted_ptr(std::uint32_t ptr) const {
        return file_alignment < 0x200 ? ptr : (ptr / 0x200) * 0x200;
    }

    /// File offset of `rva`, or nullopt when it is not backed by file bytes.
    std::optional<std::uint64_t> offset_of(std::uint64_t rva) const {
        for (const auto& s : sections) {
            std::uint64_t size = std::max(s.vsize, s.raw_size);
            if (rva < s.va || rva - s.va >= size) continue;
            std::uint64_t delta = rva - s.va;
            if (delta >= s.raw_size) return std::nullopt;  // zero-filled, not in the file
            std::uint64_t off = adjusted_ptr(s.raw_ptr) + delta;
            if (off >= data_.size()) return std::nullopt;
            return off;
        }
        // Below the first section the headers are mapped as they are in the file.
        std::uint64_t first = sections.empty() ? data_.size() : sections.front().va;
        for (const auto& s : sections) first = std::min<std::uint64_t>(first, s.va);
        if (rva < first && rva < data_.size()) return rva;
        return std::nullopt;
    }

    /// `n` bytes at `rva`, all within one section's raw data (or the headers).
    std::optional<std::string_view> bytes_at_rva(std::uint64_t rva, std::uint64_t n) const {
        auto off = offset_of(rva);
        if (!off || (n > 0 && !offset_of(rva + n - 1))) return std::nullopt;
        ByteReader r(data_);
        return r.bytes_at(*off, n);
    }

    template <typename T>
    std::optional<T> le_at_rva(std::uint64_t rva) const {
        auto b = bytes_at_rva(rva, sizeof(T));
        if (!b) return std::nullopt;
        return core::le_at<T>(*b, 0);
    }

    /// NUL-terminated ASCII at `rva`, at most kMaxName bytes; nullopt when unmapped.
    std::optional<std::string_view> cstr_at_rva(std::uint64_t rva) const {
        auto off = offset_of(rva);
        if (!off) return std::nullopt;
        auto s = data_.substr(std::size_t(*off), kMaxName);
        auto nul = s.find('\0');
        return nul == std::string_view::npos ? s : s.substr(0, nul);
    }
};

// ---- Rich header ----------------------------------------------------------------

// The "Rich" header the Microsoft linker writes between the DOS stub and the PE header:
// XOR-masked "DanS", three zero dwords, then (comp.id, count) pairs, "Rich" and the mask.
void read_rich(std::string_view data, std::uint32_t pe_offset, Output& out) {
    auto stub = data.substr(0, std::min<std::size_t>(pe_offset, data.size()));
    auto rich = stub.rfind("Rich");
    if (rich == std::string_view::npos || rich < 0x40 + 16 || rich % 4 != 0) return;
    auto key = core::le_at<std::uint32_t>(stub, rich + 4);
    if (!key) return;
    std::size_t dans = std::string_view::npos;
    for (std::size_t p = rich; p >= 0x40 + 4;) {
        p -= 4;
        if ((core::le_at<std::uint32_t>(stub, p).value_or(0) ^ *key) == 0x536E6144) {  // "DanS"
            dans = p;
            break;
        }
    }
    if (dans == std::string_view::npos) {
        out.violation("Rich header without its DanS marker");
        return;
    }
    std::string clear;
    for (std::size_t p = dans; p < rich; p += 4) {
        std::uint32_t v = core::le_at<std::uint32_t>(stub, p).value_or(0) ^ *key;
        for (int i = 0; i < 4; ++i) clear += char((v >> (8 * i)) & 0xFF);
    }
    // rich_hash: MD5 of the decoded bytes from "DanS" up to, not including, "Rich"
    // (pefile's get_rich_header_hash(), VirusTotal's rich_pe_header_hash).
    out.fact("pe.rich_hash", core::md5_hex(clear));
    for (std::size_t p = 16; p + 8 <= clear.size(); p += 8) {
        std::uint32_t comp = core::le_at<std::uint32_t>(clear, p).value_or(0);
        std::uint32_t count = core::le_at<std::uint32_t>(clear, p + 4).value_or(0);
        out.fact("pe.rich", std::to_string(comp >> 16) + " " + std::to_string(comp & 0xFFFF) + " " +
                                std::to_string(count));
    }
}

// ---- imports and exports --------------------------------------------------------

void read_imports(const Image& img, std::uint32_t dir_rva, Output& out) {
    std::vector<std::string> imphash_parts;
    std::size_t total = 0;
    bool limited = false;
    for (std::size_t i = 0; i < kMaxImportDlls; ++i) {
        auto desc = img.bytes_at_rva(std::uint64_t(dir_rva) + i * 20, 20);
        if (!desc) {
            out.violation("import descriptors run past the mapped image without a terminator");
            break;
        }
        if (*desc == std::string_view("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20)) break;
        auto oft = core::le_at<std::uint32_t>(*desc, 0).value_or(0);
        auto name_rva = core::le_at<std::uint32_t>(*desc, 12).value_or(0);
        auto ft = core::le_at<std::uint32_t>(*desc, 16).value_or(0);
        auto dll = img.cstr_at_rva(name_rva);
        if (!dll || dll->empty()) {
            out.violation("import descriptor " + std::to_string(i) + " has no DLL name");
            break;
        }
        std::string dll_name = clean(*dll);
        std::string dll_lower = core::to_lower(dll_name);
        std::string lib = dll_lower;
        if (auto dot = lib.rfind('.'); dot != std::string::npos) {
            auto ext = lib.substr(dot + 1);
            if (ext == "dll" || ext == "ocx" || ext == "sys") lib.resize(dot);
        }
        std::uint64_t thunk = oft ? oft : ft;
        std::size_t width = img.pe32plus ? 8 : 4;
        for (std::size_t k = 0;; ++k) {
            if (total >= kMaxImports) {
                limited = true;
                break;
            }
            std::optional<std::uint64_t> v;
            if (img.pe32plus)
                v = img.le_at_rva<std::uint64_t>(thunk + k * width);
            else if (auto v32 = img.le_at_rva<std::uint32_t>(thunk + k * width))
                v = *v32;
            if (!v) {
                out.violation(dll_name + ": import thunks run past the mapped image");
                break;
            }
            if (*v == 0) break;
            std::uint64_t ord_flag = img.pe32plus ? (1ULL << 63) : (1ULL << 31);
            ++total;
            if (*v & ord_flag) {
                std::uint64_t ord = *v & 0xFFFF;
                out.fact("pe.import", dll_name + "!ord_" + std::to_string(ord));
                imphash_parts.push_back(lib + "." + core::to_lower(ordinal_name(dll_lower, ord)));
            } else {
                auto fn = img.cstr_at_rva((*v & 0x7FFFFFFF) + 2);
                if (!fn) {
                    out.violation(dll_name + ": import name RVA " + hex(*v) + " is not mapped");
                    break;
                }
                out.fact("pe.import", dll_name + "!" + clean(*fn));
                if (!fn->empty()) imphash_parts.push_back(lib + "." + core::to_lower(clean(*fn)));
            }
            if (out.context().out_of_time()) return;
        }
        if (limited) break;
    }
    if (limited) out.finding(kImportLimit, std::to_string(kMaxImports) + " imports read");
    if (!imphash_parts.empty()) {
        std::string joined;
        for (const auto& p : imphash_parts) {
            if (!joined.empty()) joined += ',';
            joined += p;
        }
        out.fact("pe.imphash", core::md5_hex(joined));
    }
}

void read_exports(const Image& img, std::uint32_t dir_rva, Output& out) {
    auto dir = img.bytes_at_rva(dir_rva, 40);
    if (!dir) {
        out.violation("export directory is not mapped");
        return;
    }
    auto name_rva = core::le_at<std::uint32_t>(*dir, 12).value_or(0);
    auto count = core::le_at<std::uint32_t>(*dir, 24).value_or(0);
    auto names = core::le_at<std::uint32_t>(*dir, 32).value_or(0);
    if (auto n = img.cstr_at_rva(name_rva); n && !n->empty()) out.fact("pe.dll_name", clean(*n));
    for (std::uint64_t i = 0; i < count; ++i) {
        if (i >= kMaxExports) {
            out.finding(kExportLimit, std::to_string(kMaxExports) + " exports read");
            return;
        }
        auto rva = img.le_at_rva<std::uint32_t>(names + i * 4);
        if (!rva) {
            out.violation("export name table runs past the mapped image");
            return;
        }
        if (auto n = img.cstr_at_rva(*rva)) out.fact("pe.export", clean(*n));
        if (out.context().out_of_time()) return;
    }
}

// The CodeView record's PDB path: "RSDS" GUID age path, or the older "NB10".
void read_debug(const Image& img, std::uint32_t dir_rva, std::uint32_t dir_size, Output& out) {
    std::uint32_t n = std::min<std::uint32_t>(dir_size / 28, 16);
    for (std::uint32_t i = 0; i < n; ++i) {
        auto e = img.bytes_at_rva(std::uint64_t(dir_rva) + i * 28, 28);
        if (!e) return;
        if (core::le_at<std::uint32_t>(*e, 12) != 2u) continue;  // IMAGE_DEBUG_TYPE_CODEVIEW
        auto size = core::le_at<std::uint32_t>(*e, 16).value_or(0);
        auto ptr = core::le_at<std::uint32_t>(*e, 24).value_or(0);
        ByteReader r(img.data_);
        auto cv = r.bytes_at(ptr, std::min<std::uint32_t>(size, 4096));
        if (!cv || cv->size() < 8) {
            out.violation("CodeView debug record is past the end of the file");
            return;
        }
        std::size_t at = cv->substr(0, 4) == "RSDS" ? 24 : cv->substr(0, 4) == "NB10" ? 16 : 0;
        if (at == 0 || at >= cv->size()) continue;
        auto path = cv->substr(at);
        path = path.substr(0, path.find('\0'));
        // PDB paths are UTF-8 (RSDS) or the build machine's code page: keep valid UTF-8.
        if (!path.empty()) out.fact("pe.pdb", clean_text(path));
        return;
    }
}

// ---- version information (RT_VERSION) --------------------------------------------

std::size_t align4(std::size_t v) {
    return (v + 3) & ~std::size_t(3);
}

// One VS_VERSIONINFO-style node: wLength, wValueLength, wType, szKey, padding, value,
// children. Recurses at most `depth` levels (the format has three).
void read_version_node(std::string_view node, int depth, Output& out) {
    if (depth > 4 || node.size() < 6) return;  // VS_VERSIONINFO is 1, a String is 4
    auto len = core::le_at<std::uint16_t>(node, 0).value_or(0);
    auto value_len = core::le_at<std::uint16_t>(node, 2).value_or(0);
    auto type = core::le_at<std::uint16_t>(node, 4).value_or(0);
    if (len < 6 || len > node.size()) return;
    node = node.substr(0, len);
    std::size_t key_end = 6;
    while (key_end + 1 < node.size() && (node[key_end] || node[key_end + 1])) key_end += 2;
    std::string key = core::utf16_to_utf8(node.substr(6, key_end - 6),
                                          {.stop_at_nul = true, .max_out = kMaxName});
    std::size_t value_at = align4(key_end + 2);
    std::size_t value_bytes = type == 1 ? std::size_t(value_len) * 2 : value_len;
    if (depth == 4 && type == 1 && value_at < node.size()) {
        static constexpr std::array<std::string_view, 6> kKeys{"CompanyName",  "OriginalFilename",
                                                               "ProductName",  "FileDescription",
                                                               "InternalName", "LegalCopyright"};
        for (auto k : kKeys)
            if (key == k) {
                std::string v = core::utf16_to_utf8(node.substr(value_at, value_bytes),
                                                    {.stop_at_nul = true, .max_out = kMaxName});
                if (!v.empty()) out.fact("pe.version_info", key + "=" + clean_text(v));
            }
        return;
    }
    std::size_t child = align4(value_at + value_bytes);
    // VS_VERSIONINFO -> StringFileInfo -> StringTable -> String; VarFileInfo is skipped.
    if (depth == 1 && key == "VarFileInfo") return;
    while (child + 6 <= node.size()) {
        auto clen = core::le_at<std::uint16_t>(node, child).value_or(0);
        if (clen < 6) break;
        read_version_node(node.substr(child), depth + 1, out);
        child = align4(child + clen);
    }
}

// Resource tree: type RT_VERSION (16) -> first name -> first language -> data entry.
// Exactly three levels are read, so no offset can lead the walk round in a cycle.
void read_version(const Image& img, std::uint32_t dir_rva, Output& out) {
    std::uint64_t at = dir_rva;
    for (int level = 0; level < 3; ++level) {
        auto hdr = img.bytes_at_rva(at, 16);
        if (!hdr) return;
        std::uint32_t n = core::le_at<std::uint16_t>(*hdr, 12).value_or(0) +
                          std::uint32_t(core::le_at<std::uint16_t>(*hdr, 14).value_or(0));
        std::optional<std::uint32_t> next;
        for (std::uint32_t i = 0; i < std::min<std::uint32_t>(n, 4096); ++i) {
            auto e = img.bytes_at_rva(at + 16 + std::uint64_t(i) * 8, 8);
            if (!e) return;
            if (level == 0 && core::le_at<std::uint32_t>(*e, 0) != 16u) continue;
            next = core::le_at<std::uint32_t>(*e, 4).value_or(0);
            break;
        }
        if (!next) return;
        bool subdir = *next & 0x80000000u;
        if (subdir != (level < 2)) {
            out.violation("version resource tree has a leaf where a directory belongs");
            return;
        }
        at = std::uint64_t(dir_rva) + (*next & 0x7FFFFFFFu);
    }
    auto data_entry = img.bytes_at_rva(at, 16);
    if (!data_entry) return;
    auto rva = core::le_at<std::uint32_t>(*data_entry, 0).value_or(0);
    auto size = core::le_at<std::uint32_t>(*data_entry, 4).value_or(0);
    auto off = img.offset_of(rva);
    if (!off) return;
    auto node = img.data_.substr(std::size_t(*off));
    node = node.substr(0, std::min<std::size_t>(size, node.size()));
    read_version_node(node, 1, out);
}

std::string flags_string(std::uint32_t c) {
    std::string s;
    s += (c & 0x40000000u) ? 'r' : '-';
    s += (c & 0x80000000u) ? 'w' : '-';
    s += (c & 0x20000000u) ? 'x' : '-';
    return s;
}

}  // namespace

// "MZ", and e_lfanew pointing at "PE\0\0".
bool PeAnalyzer::sniff(std::string_view bytes) const {
    if (bytes.size() < 0x40 || bytes.substr(0, 2) != "MZ") return false;
    auto lfanew = core::le_at<std::uint32_t>(bytes, 0x3C);
    if (!lfanew) return false;
    ByteReader r(bytes);
    auto sig = r.bytes_at(*lfanew, 4);
    return sig && *sig == std::string_view("PE\0\0", 4);
}

void PeAnalyzer::analyze(const Input& in, Output& out) const {
    std::string_view data = in.bytes;
    ByteReader r(data);
    auto lfanew = core::le_at<std::uint32_t>(data, 0x3C);
    if (data.substr(0, 2) != "MZ" || !lfanew) {
        out.violation("DOS header truncated");
        return;
    }
    auto sig = r.bytes_at(*lfanew, 4);
    if (!sig || *sig != std::string_view("PE\0\0", 4)) {
        out.violation("e_lfanew " + std::to_string(*lfanew) + " does not point at a PE header");
        return;
    }
    r.seek(std::uint64_t(*lfanew) + 4);
    auto machine = r.u16();
    auto nsections = r.u16();
    auto timestamp = r.u32();
    bool skipped = r.skip(8);  // the COFF symbol table: not used by images
    auto opt_size = skipped ? r.u16() : std::nullopt;
    auto characteristics = r.u16();
    if (!machine || !nsections || !timestamp || !opt_size || !characteristics) {
        out.violation("COFF header truncated");
        return;
    }
    const char* m = machine_name(*machine);
    out.fact("pe.machine", m ? m : hex(*machine));
    out.fact("pe.timestamp", core::iso8601_utc(*timestamp));

    Image img(data, out);
    std::size_t opt_at = r.pos();
    auto magic = r.u16();
    bool have_opt = magic && *opt_size >= 2;
    img.pe32plus = magic == 0x20B;
    std::array<std::pair<std::uint32_t, std::uint32_t>, 16> dirs{};
    std::uint16_t subsystem = 0;
    if (have_opt && (magic == 0x10B || magic == 0x20B)) {
        auto opt = r.bytes_at(opt_at, *opt_size).value_or(data.substr(opt_at));
        img.file_alignment = core::le_at<std::uint32_t>(opt, 36).value_or(0);
        img.size_of_headers = core::le_at<std::uint32_t>(opt, 60).value_or(0);
        subsystem = core::le_at<std::uint16_t>(opt, 68).value_or(0);
        std::size_t dir_at = img.pe32plus ? 112 : 96;
        std::uint32_t ndirs = core::le_at<std::uint32_t>(opt, dir_at - 4).value_or(0);
        for (std::size_t i = 0; i < std::min<std::size_t>(ndirs, 16); ++i) {
            auto va = core::le_at<std::uint32_t>(opt, dir_at + i * 8);
            auto size = core::le_at<std::uint32_t>(opt, dir_at + i * 8 + 4);
            if (!va || !size) break;
            dirs[i] = {*va, *size};
        }
        if (opt.size() < *opt_size) out.violation("optional header truncated");
    } else {
        out.violation("optional header magic " + (magic ? hex(*magic) : "missing"));
    }
    if (const char* s = subsystem_name(subsystem)) out.fact("pe.subsystem", s);

    std::string kind = (*characteristics & 0x2000) ? "dll" : subsystem == 1 ? "driver" : "exe";
    if (dirs[14].first && dirs[14].second) kind = ".NET " + kind;
    out.fact("pe.kind", kind);
    out.set_type(kind == "dll" || kind == ".NET dll" ? "dll" : kind == "driver" ? "sys" : "exe");

    // Section table.
    std::uint64_t table = opt_at + std::uint64_t(*opt_size);
    std::size_t want = *nsections;
    if (want > kMaxSections) {
        out.finding(kSectionLimit, std::to_string(want) + " sections declared");
        want = kMaxSections;
    }
    bool packed = false;
    std::string packed_evidence;
    for (std::size_t i = 0; i < want; ++i) {
        auto h = r.bytes_at(table + i * 40, 40);
        if (!h) {
            out.violation("section table runs past the end of the file after " + std::to_string(i) +
                          " of " + std::to_string(*nsections) + " sections");
            break;
        }
        Section s;
        auto raw_name = h->substr(0, 8);
        s.name = raw_name.substr(0, raw_name.find('\0'));
        s.vsize = core::le_at<std::uint32_t>(*h, 8).value_or(0);
        s.va = core::le_at<std::uint32_t>(*h, 12).value_or(0);
        s.raw_size = core::le_at<std::uint32_t>(*h, 16).value_or(0);
        s.raw_ptr = core::le_at<std::uint32_t>(*h, 20).value_or(0);
        s.flags = core::le_at<std::uint32_t>(*h, 36).value_or(0);
        img.sections.push_back(s);
    }
    // Overlay start: the end of the section table or of the furthest section's raw data
    // within the file. pefile starts from the optional header's end instead, so for a
    // file whose section table is its last bytes (clam.exe) it calls that table overlay.
    std::uint64_t raw_end = std::min<std::uint64_t>(table + img.sections.size() * 40, data.size());
    for (const auto& s : img.sections) {
        std::uint64_t start = img.adjusted_ptr(s.raw_ptr);
        std::string_view raw;
        if (start < data.size())
            raw = data.substr(std::size_t(start),
                              std::min<std::uint64_t>(s.raw_size, data.size() - start));
        if (s.raw_size && start + s.raw_size > data.size())
            out.violation("section " + clean(s.name) + " raw data runs past the end of the file");
        double ent = raw.empty() ? 0.0 : core::entropy(raw);
        out.fact("pe.section", clean(s.name) + " " + std::to_string(s.vsize) + " " +
                                   std::to_string(s.raw_size) + " " + fixed2(ent) + " " +
                                   flags_string(s.flags));
        std::uint64_t end = std::uint64_t(s.raw_ptr) + s.raw_size;
        if (end <= data.size()) raw_end = std::max(raw_end, end);
        for (auto p : kPackerSections)
            if (s.name == p && !packed) {
                packed = true;
                packed_evidence = "section " + clean(s.name);
            }
        if (!packed && (s.flags & 0x20000000u) && raw.size() >= 512 && ent > kPackedEntropy) {
            packed = true;
            packed_evidence = "executable section " + clean(s.name) + " entropy " + fixed2(ent);
        }
    }
    if (out.context().out_of_time()) return;

    read_rich(data, *lfanew, out);
    if (dirs[1].first) read_imports(img, dirs[1].first, out);
    if (dirs[0].first) read_exports(img, dirs[0].first, out);
    if (dirs[6].first) read_debug(img, dirs[6].first, dirs[6].second, out);
    if (dirs[2].first) read_version(img, dirs[2].first, out);

    // The certificate table's "RVA" is a file offset; it sits after the sections.
    std::uint64_t overlay_end = data.size();
    if (dirs[4].first && dirs[4].second) {
        std::uint64_t off = dirs[4].first, size = dirs[4].second;
        std::string signed_fact = std::to_string(size) + " bytes";
        if (auto type = core::le_at<std::uint16_t>(data, off + 6))
            signed_fact =
                (*type == 2 ? "pkcs7 " : "type " + std::to_string(*type) + " ") + signed_fact;
        if (off + size > data.size())
            out.violation("certificate table runs past the end of the file");
        out.fact("pe.signed", signed_fact);
        // The signature is not a payload: leave a trailing certificate out of the overlay.
        if (off >= raw_end && off + size >= data.size() && off < overlay_end) overlay_end = off;
    }
    if (raw_end < overlay_end) {
        auto overlay = data.substr(std::size_t(raw_end), std::size_t(overlay_end - raw_end));
        out.fact("pe.overlay", std::to_string(raw_end) + " " + std::to_string(overlay.size()) +
                                   " " + fixed2(core::entropy(overlay)));
        // An archive, installer payload or second stage may hide there: hand it back.
        if (overlay.size() >= kMinOverlayChild && !out.entries_exhausted())
            out.child("overlay", std::string(overlay));
    }

    std::string evidence = std::string(m ? m : hex(*machine)) + " " + kind;
    if (!in.name.empty()) evidence = std::string(in.name) + ": " + evidence;
    out.finding(kExecutable, clean(evidence));
    if (packed) out.finding(kPacked, packed_evidence);
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    if (std::int64_t(*timestamp) > now + 86400)
        out.finding(kTimestampFuture, core::iso8601_utc(*timestamp));
}

}  // namespace kagami::analyzers
