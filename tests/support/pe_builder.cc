// SPDX-License-Identifier: Apache-2.0
#include "support/pe_builder.h"

namespace kagami::test::pe {
namespace {

constexpr std::uint32_t kAlign = 0x200;
constexpr std::uint32_t kHeaders = 0x400;
constexpr std::uint32_t kTextRva = 0x1000, kRdataRva = 0x2000, kRsrcRva = 0x3000;

void put16(std::string& s, std::uint32_t v) {
    s += char(v & 0xFF);
    s += char((v >> 8) & 0xFF);
}
void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}
void put64(std::string& s, std::uint64_t v) {
    put32(s, std::uint32_t(v));
    put32(s, std::uint32_t(v >> 32));
}
void set32(std::string& s, std::size_t at, std::uint32_t v) {
    if (s.size() < at + 4) s.resize(at + 4, '\0');
    for (int i = 0; i < 4; ++i) s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}
void pad(std::string& s, std::size_t align) {
    while (s.size() % align) s += '\0';
}
std::string wide(const std::string& s) {
    std::string w;
    for (char c : s) {
        w += c;
        w += '\0';
    }
    return w;
}

// A VS_VERSIONINFO-style node: wLength, wValueLength, wType, key, value, children.
std::string version_node(const std::string& key, const std::string& value, std::uint16_t value_len,
                         std::uint16_t type, const std::string& children) {
    std::string n;
    put16(n, 0);
    put16(n, value_len);
    put16(n, type);
    n += wide(key);
    put16(n, 0);
    pad(n, 4);
    n += value;
    pad(n, 4);
    n += children;
    n[0] = char(n.size() & 0xFF);
    n[1] = char(n.size() >> 8);
    return n;
}

std::string version_info(const Options& o) {
    std::string strings;
    for (const auto& [k, v] : o.version_strings) {
        std::string val = wide(v);
        put16(val, 0);
        strings += version_node(k, val, std::uint16_t(v.size() + 1), 1, "");
        pad(strings, 4);
    }
    std::string table = version_node("040904B0", "", 0, 1, strings);
    pad(table, 4);
    std::string sfi = version_node("StringFileInfo", "", 0, 1, table);
    pad(sfi, 4);
    std::string fixed;
    put32(fixed, 0xFEEF04BD);
    fixed.resize(52, '\0');
    return version_node("VS_VERSION_INFO", fixed, 52, 0, sfi);
}

struct Rdata {
    std::string bytes;
    std::uint32_t import_rva = 0, import_size = 0;
    std::uint32_t export_rva = 0, export_size = 0;
    std::uint32_t debug_rva = 0;
    std::uint32_t clr_rva = 0;
};

Rdata build_rdata(const Options& o) {
    Rdata r;
    std::string& b = r.bytes;
    auto rva = [&] { return kRdataRva + std::uint32_t(b.size()); };
    std::size_t width = o.pe64 ? 8 : 4;
    if (!o.exports.empty() || !o.dll_name.empty()) {
        r.export_rva = rva();
        std::size_t dir = b.size();
        b.resize(b.size() + 40, '\0');
        std::size_t n = o.exports.size();
        std::uint32_t funcs = rva();
        for (std::size_t i = 0; i < n; ++i) put32(b, kTextRva);
        std::uint32_t names = rva();
        std::size_t names_at = b.size();
        b.resize(b.size() + n * 4, '\0');
        std::uint32_t ords = rva();
        for (std::size_t i = 0; i < n; ++i) put16(b, std::uint32_t(i));
        pad(b, 4);
        std::uint32_t dll = rva();
        b += o.dll_name + '\0';
        for (std::size_t i = 0; i < n; ++i) {
            set32(b, names_at + i * 4, rva());
            b += o.exports[i] + '\0';
        }
        pad(b, 4);
        set32(b, dir + 12, dll);
        set32(b, dir + 16, 1);
        set32(b, dir + 20, std::uint32_t(n));
        set32(b, dir + 24, std::uint32_t(n));
        set32(b, dir + 28, funcs);
        set32(b, dir + 32, names);
        set32(b, dir + 36, ords);
        r.export_size = rva() - r.export_rva;
    }
    if (!o.pdb.empty()) {
        r.debug_rva = rva();
        std::size_t entry = b.size();
        b.resize(b.size() + 28, '\0');
        std::uint32_t cv = rva();
        std::size_t cv_at = b.size();
        b += "RSDS";
        b += std::string("\x11\x22\x33\x44\x55\x66\x77\x88\x99\xAA\xBB\xCC\xDD\xEE\xFF\x01", 16);
        put32(b, 1);
        b += o.pdb + '\0';
        pad(b, 4);
        set32(b, entry + 12, 2);  // IMAGE_DEBUG_TYPE_CODEVIEW
        set32(b, entry + 16, std::uint32_t(b.size() - cv_at));
        set32(b, entry + 20, cv);
        set32(b, entry + 24, std::uint32_t(cv - kRdataRva));  // file offset: patched by build()
    }
    if (o.clr) {
        r.clr_rva = rva();
        put32(b, 72);
        b.resize(b.size() + 68, '\0');
    }
    if (!o.imports.empty()) {
        // Thunks and names first, the descriptors last, so that a table without its
        // terminator can run on to the end of the section.
        std::vector<std::array<std::uint32_t, 3>> descs;  // ILT, name, IAT
        for (const auto& imp : o.imports) {
            std::size_t n = imp.names.size() + imp.ordinals.size();
            std::uint32_t ilt = rva();
            std::size_t ilt_at = b.size();
            b.resize(b.size() + (n + 1) * width, '\0');
            std::uint32_t iat = rva();
            std::size_t iat_at = b.size();
            b.resize(b.size() + (n + 1) * width, '\0');
            std::uint32_t name = rva();
            b += imp.dll + '\0';
            pad(b, 2);
            std::size_t k = 0;
            auto put_thunk = [&](std::uint64_t v) {
                for (std::size_t j = 0; j < width; ++j) {
                    b[ilt_at + k * width + j] = char((v >> (8 * j)) & 0xFF);
                    b[iat_at + k * width + j] = char((v >> (8 * j)) & 0xFF);
                }
                ++k;
            };
            for (const auto& fn : imp.names) {
                std::uint32_t hint = rva();
                put16(b, 0);
                b += fn + '\0';
                pad(b, 2);
                put_thunk(hint);
            }
            for (auto ord : imp.ordinals) put_thunk((o.pe64 ? (1ULL << 63) : (1ULL << 31)) | ord);
            descs.push_back({ilt, name, iat});
        }
        pad(b, 4);
        r.import_rva = rva();
        auto put_desc = [&](const std::array<std::uint32_t, 3>& d) {
            put32(b, d[0]);
            put32(b, 0);
            put32(b, 0);
            put32(b, d[1]);
            put32(b, d[2]);
        };
        for (const auto& d : descs) put_desc(d);
        if (o.import_terminator) {
            b.resize(b.size() + 20, '\0');
        } else {
            // The first descriptor again and again, to the last byte of the raw data.
            std::size_t end = (b.size() / 0x200 + 2) * 0x200;
            while (b.size() + 20 <= end) put_desc(descs.front());
            b.resize(end, '\x01');
        }
        r.import_size = rva() - r.import_rva;
    }
    if (b.empty()) b = "inert data";
    return r;
}

std::string build_rsrc(const Options& o) {
    std::string r;
    auto dir = [&](std::uint32_t id, std::uint32_t target) {
        std::string d(12, '\0');
        put16(d, 0);
        put16(d, 1);
        put32(d, id);
        put32(d, target);
        return d;
    };
    if (o.version_cycle) {
        r += dir(16, 0x80000000u);  // every level is the root again
        return r;
    }
    r += dir(16, 0x80000000u | 0x18);
    r += dir(1, 0x80000000u | 0x30);
    r += dir(0x409, 0x48);
    std::string data = version_info(o);
    put32(r, kRsrcRva + 0x58);
    put32(r, std::uint32_t(data.size()));
    put32(r, 0);
    put32(r, 0);
    r.resize(0x58, '\0');
    return r + data;
}

}  // namespace

std::string build(const Options& o) {
    std::string f(0x40, '\0');
    f[0] = 'M';
    f[1] = 'Z';
    f += "This program cannot be run in DOS mode.";  // a stub of text, not code
    pad(f, 16);
    while (f.size() < 0x80) f += '\0';
    if (o.rich) {
        std::uint32_t k = o.rich_key;
        put32(f, 0x536E6144 ^ k);  // "DanS"
        put32(f, k);
        put32(f, k);
        put32(f, k);
        for (const auto& e : o.rich_entries) {
            put32(f, ((e[0] << 16) | (e[1] & 0xFFFF)) ^ k);
            put32(f, e[2] ^ k);
        }
        f += "Rich";
        put32(f, k);
        pad(f, 8);
    }
    std::uint32_t lfanew = std::uint32_t(f.size());
    set32(f, 0x3C, o.e_lfanew ? *o.e_lfanew : lfanew);

    Rdata rd = build_rdata(o);
    std::string rsrc = o.version_strings.empty() && !o.version_cycle ? "" : build_rsrc(o);
    struct Sec {
        std::string name, data;
        std::uint32_t rva, vsize, flags;
    };
    std::vector<Sec> secs{{".text", o.text, kTextRva, 0, 0x60000020},
                          {".rdata", rd.bytes, kRdataRva, 0, 0x40000040}};
    if (!rsrc.empty()) secs.push_back({".rsrc", rsrc, kRsrcRva, 0, 0x40000040});
    std::uint32_t next_rva = 0x4000;
    for (const auto& s : o.sections) {
        secs.push_back({s.name, s.data, next_rva, s.virtual_size, s.characteristics});
        next_rva +=
            (std::max<std::uint32_t>(std::uint32_t(s.data.size()), s.virtual_size) + 0xFFF) &
            ~0xFFFu;
    }

    f += "PE";
    f += std::string(2, '\0');
    std::uint16_t machine = o.machine ? o.machine : (o.pe64 ? 0x8664 : 0x14C);
    put16(f, machine);
    put16(f, o.number_of_sections ? *o.number_of_sections : std::uint32_t(secs.size()));
    put32(f, o.timestamp);
    put32(f, 0);
    put32(f, 0);
    std::uint16_t opt_size = o.pe64 ? 240 : 224;
    put16(f, opt_size);
    put16(f, 0x0102 | (o.dll ? 0x2000 : 0) | (o.pe64 ? 0x20 : 0));
    std::size_t opt = f.size();
    put16(f, o.pe64 ? 0x20B : 0x10B);
    f.resize(opt + opt_size, '\0');
    set32(f, opt + 16, kTextRva);  // AddressOfEntryPoint (text, not code: never run)
    if (o.pe64) {
        set32(f, opt + 24, 0x40000000);
    } else {
        set32(f, opt + 28, 0x400000);
    }
    set32(f, opt + 32, 0x1000);
    set32(f, opt + 36, kAlign);
    set32(f, opt + 56, next_rva);  // SizeOfImage
    set32(f, opt + 60, kHeaders);
    f[opt + 68] = char(o.subsystem & 0xFF);
    f[opt + 69] = char(o.subsystem >> 8);
    std::size_t dirs = opt + (o.pe64 ? 112 : 96);
    set32(f, dirs - 4, 16);
    auto set_dir = [&](int i, std::uint32_t va, std::uint32_t size) {
        set32(f, dirs + std::size_t(i) * 8, va);
        set32(f, dirs + std::size_t(i) * 8 + 4, size);
    };
    if (rd.export_rva) set_dir(0, rd.export_rva, rd.export_size);
    if (rd.import_rva) set_dir(1, rd.import_rva, rd.import_size);
    if (!rsrc.empty()) set_dir(2, kRsrcRva, std::uint32_t(rsrc.size()));
    if (rd.debug_rva) set_dir(6, rd.debug_rva, 28);
    if (rd.clr_rva) set_dir(14, rd.clr_rva, 72);

    std::size_t table = f.size();
    f.resize(table + secs.size() * 40, '\0');
    std::uint32_t raw = kHeaders;
    std::vector<std::uint32_t> raw_ptrs;
    for (std::size_t i = 0; i < secs.size(); ++i) {
        const auto& s = secs[i];
        std::size_t h = table + i * 40;
        for (std::size_t j = 0; j < 8 && j < s.name.size(); ++j) f[h + j] = s.name[j];
        std::uint32_t raw_size = (std::uint32_t(s.data.size()) + kAlign - 1) & ~(kAlign - 1);
        set32(f, h + 8, s.vsize ? s.vsize : std::uint32_t(s.data.size()));
        set32(f, h + 12, s.rva);
        set32(f, h + 16, raw_size);
        std::uint32_t ptr = raw_size ? raw : 0;
        if (s.name == ".rdata" && o.rdata_raw_pointer) ptr = *o.rdata_raw_pointer;
        set32(f, h + 20, ptr);
        set32(f, h + 36, s.flags);
        raw_ptrs.push_back(raw);
        raw += raw_size;
    }
    f.resize(kHeaders, '\0');
    for (std::size_t i = 0; i < secs.size(); ++i) {
        std::string d = secs[i].data;
        if (secs[i].name == ".rdata" && rd.debug_rva) {
            // The debug entry's PointerToRawData is a file offset: rebase it.
            std::size_t e = rd.debug_rva - kRdataRva + 24;
            std::uint32_t rel = std::uint32_t(std::uint8_t(d[e])) |
                                std::uint32_t(std::uint8_t(d[e + 1])) << 8 |
                                std::uint32_t(std::uint8_t(d[e + 2])) << 16;
            set32(d, e, raw_ptrs[i] + rel);
        }
        f += d;
        pad(f, kAlign);
    }
    f += o.overlay;
    if (!o.certificate.empty()) {
        pad(f, 8);
        std::uint32_t at = std::uint32_t(f.size());
        std::string cert;
        put32(cert, std::uint32_t(o.certificate.size() + 8));
        put16(cert, 0x0200);
        put16(cert, 2);  // WIN_CERT_TYPE_PKCS_SIGNED_DATA
        cert += o.certificate;
        pad(cert, 8);
        f += cert;
        set32(f, dirs + 4 * 8, at);
        set32(f, dirs + 4 * 8 + 4, std::uint32_t(cert.size()));
    }
    return f;
}

}  // namespace kagami::test::pe
