#include "support/ovba_builder.h"

#include <algorithm>

namespace kagami::test {
namespace {

constexpr std::size_t kChunk = 4096;

void put16(std::string& s, std::uint32_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}

unsigned bit_count_at(std::size_t difference) {
    unsigned bits = 0;
    while ((std::size_t{1} << bits) < difference) ++bits;
    return std::max(bits, 4u);
}

// One chunk's token sequences (2.4.1.3.7): greedy longest match within the chunk.
std::string compress_chunk(std::string_view in) {
    std::string out;
    std::size_t pos = 0;
    while (pos < in.size()) {
        std::size_t flag_at = out.size();
        out.push_back(0);
        unsigned char flags = 0;
        for (int bit = 0; bit < 8 && pos < in.size(); ++bit) {
            std::size_t best_len = 0, best_off = 0;
            if (pos > 0) {
                unsigned bits = bit_count_at(pos);
                std::size_t max_len = (0xFFFFu >> bits) + 3;
                std::size_t max_off = std::size_t{1} << bits;
                for (std::size_t cand = pos; cand-- > 0 && pos - cand <= max_off;) {
                    std::size_t len = 0;
                    while (len < max_len && pos + len < in.size() &&
                           in[cand + len] == in[pos + len])
                        ++len;
                    if (len > best_len) {
                        best_len = len;
                        best_off = pos - cand;
                    }
                }
            }
            if (best_len >= 3) {
                unsigned bits = bit_count_at(pos);
                std::uint32_t token =
                    static_cast<std::uint32_t>(((best_off - 1) << (16 - bits)) | (best_len - 3));
                put16(out, token);
                flags = static_cast<unsigned char>(flags | (1u << bit));
                pos += best_len;
            } else {
                out.push_back(in[pos++]);
            }
        }
        out[flag_at] = static_cast<char>(flags);
    }
    return out;
}

void record(std::string& s, std::uint16_t id, std::string_view data) {
    put16(s, id);
    put32(s, static_cast<std::uint32_t>(data.size()));
    s.append(data);
}

std::string u32(std::uint32_t v) {
    std::string s;
    put32(s, v);
    return s;
}

std::string u16(std::uint16_t v) {
    std::string s;
    put16(s, v);
    return s;
}

// ASCII/Latin-1 names as UTF-16LE.
std::string utf16(std::string_view s) {
    std::string out;
    for (char c : s) {
        out.push_back(c);
        out.push_back(0);
    }
    return out;
}

std::string sized(std::string_view s) {
    return u32(static_cast<std::uint32_t>(s.size())) + std::string(s);
}

}  // namespace

std::string ovba_compress(std::string_view data) {
    std::string out(1, '\x01');
    // An empty container is the signature byte alone.
    for (std::size_t at = 0; at < data.size(); at += kChunk) {
        std::string_view chunk = data.substr(at, kChunk);
        std::string body = compress_chunk(chunk);
        if (body.size() <= kChunk) {
            put16(out, static_cast<std::uint32_t>(0xB000 | (body.size() + 2 - 3)));
            out += body;
        } else {
            put16(out, 0x3FFF);  // raw: size field 4095, signature 3, flag 0
            out.append(chunk);
            out.append(kChunk - chunk.size(), '\0');
        }
    }
    return out;
}

std::string ovba_dir_records(const OvbaProject& p) {
    std::string s;
    record(s, 0x0001, u32(1));  // PROJECTSYSKIND: Win32
    if (p.compat_version) record(s, 0x004A, u32(2));
    record(s, 0x0002, u32(0x409));
    record(s, 0x0014, u32(0x409));
    record(s, 0x0003, u16(p.code_page));
    record(s, 0x0004, p.name);
    record(s, 0x0005, "");
    record(s, 0x0040, "");
    record(s, 0x0006, "");
    record(s, 0x003D, "");
    record(s, 0x0007, u32(0));
    record(s, 0x0008, u32(0));
    // PROJECTVERSION: Reserved 4 where the size would be, then major u32 and minor u16.
    put16(s, 0x0009);
    put32(s, 4);
    put32(s, 1459465300);
    put16(s, 5);
    record(s, 0x000C, "");
    record(s, 0x003C, "");
    if (p.references) {
        const std::string stdole =
            "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#"
            "OLE Automation";
        record(s, 0x0016, "stdole");
        record(s, 0x003E, utf16("stdole"));
        record(s, 0x000D, sized(stdole) + u32(0) + u16(0));  // REFERENCEREGISTERED

        const std::string original = "*\\G{0D452EE1-E08F-101A-852E-02608C4D0BB4}#2.0#0#FM20.DLL";
        const std::string twiddled = "*\\G{0D452EE1-E08F-101A-852E-02608C4D0BB4}#0.0#0##";
        const std::string extended =
            "*\\G{8A4A3C6E-2B3D-4F45-9D3B-8E9C5B0A1F2E}#2.0#0#C:\\Users\\"
            "analyst\\AppData\\Local\\Temp\\VBE\\MSForms.exd#Forms";
        record(s, 0x0016, "MSForms");
        record(s, 0x003E, utf16("MSForms"));
        record(s, 0x0033, original);                           // REFERENCEORIGINAL
        record(s, 0x002F, sized(twiddled) + u32(0) + u16(0));  // REFERENCECONTROL
        record(s, 0x0016, "MSForms");                          // NameRecordExtended
        record(s, 0x003E, utf16("MSForms"));
        record(s, 0x0030, sized(extended) + u32(0) + u16(0) + std::string(16, '\x11') + u32(0));

        record(s, 0x0016, "Shared");
        record(s, 0x003E, utf16("Shared"));
        record(s, 0x000E,
               sized("*\\CC:\\Users\\analyst\\Shared.dotm") + sized("*\\CShared.dotm") + u32(1) +
                   u16(0));  // REFERENCEPROJECT
    }
    record(s, 0x000F, u16(static_cast<std::uint16_t>(p.modules.size())));
    record(s, 0x0013, u16(0xFFFF));
    for (const auto& m : p.modules) {
        const std::string& stream = m.stream.empty() ? m.name : m.stream;
        record(s, 0x0019, m.name);
        if (m.unicode_names) record(s, 0x0047, utf16(m.name));
        record(s, 0x001A, stream);
        record(s, 0x0032, m.unicode_names ? utf16(stream) : std::string());
        record(s, 0x001C, "");
        record(s, 0x0048, "");
        record(s, 0x0031, u32(m.offset ? *m.offset : static_cast<std::uint32_t>(m.cache.size())));
        record(s, 0x001E, u32(0));
        record(s, 0x002C, u16(0xFFFF));
        record(s, m.document ? 0x0022 : 0x0021, "");
        if (m.document) record(s, 0x0028, "");  // MODULEPRIVATE
        record(s, 0x002B, "");
    }
    record(s, 0x0010, "");
    return s;
}

std::string ovba_module_stream(const OvbaModule& m) {
    return m.cache + ovba_compress(m.code);
}

std::map<std::string, std::string> ovba_streams(const OvbaProject& p) {
    std::map<std::string, std::string> streams;
    streams["dir"] = ovba_compress(ovba_dir_records(p));
    for (const auto& m : p.modules)
        streams[m.stream.empty() ? m.name : m.stream] = ovba_module_stream(m);
    return streams;
}

}  // namespace kagami::test
