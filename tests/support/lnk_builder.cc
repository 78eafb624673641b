// SPDX-License-Identifier: Apache-2.0
#include "support/lnk_builder.h"

#include <algorithm>

namespace kagami::test::lnk {
namespace {

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
    for (int i = 0; i < 4; ++i) s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xFF);
}

// ASCII (the builder's inputs are ASCII) as UTF-16LE.
std::string wide(const std::string& s) {
    std::string w;
    for (char c : s) {
        w += c;
        w += '\0';
    }
    return w;
}

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : path) {
        if (c == '\\') {
            if (!cur.empty()) parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) parts.push_back(cur);
    return parts;
}

// A made-up 8.3 name: "WINDOW~1" for "WindowsPowerShell", upper case.
std::string short_name(const std::string& n) {
    std::string base = n, ext;
    if (auto dot = n.rfind('.'); dot != std::string::npos && dot > 0) {
        base = n.substr(0, dot);
        ext = n.substr(dot + 1);
    }
    std::string out;
    if (base.size() <= 8 && ext.size() <= 3 && base.find(' ') == std::string::npos) {
        out = n;
    } else {
        std::string b;
        for (char c : base)
            if (c != ' ' && c != '.') b += c;
        out = b.substr(0, 6) + "~1" + (ext.empty() ? "" : "." + ext.substr(0, 3));
    }
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? char(c - 32) : c; });
    return out;
}

std::string file_entry(const std::string& name, bool directory) {
    std::string body;
    body += char(directory ? 0x31 : 0x32);
    body += '\0';
    put32(body, 0);           // file size
    put32(body, 0x50E1A93C);  // FAT date and time
    put16(body, directory ? 0x10 : 0x20);
    body += short_name(name);
    body += '\0';
    if (body.size() % 2) body += '\0';
    std::size_t ext_offset = body.size() + 2;
    std::string ext;
    put16(ext, 0);  // size, set below
    put16(ext, 9);  // version
    put32(ext, 0xBEEF0004);
    put32(ext, 0x50E1A93C);  // creation
    put32(ext, 0x50E1A93C);  // access
    put16(ext, 0x2E);        // Windows 8 and later
    put16(ext, 0);
    put64(ext, 0);  // NTFS file reference
    put64(ext, 0);
    put16(ext, 0);  // localized name size
    put32(ext, 0);  // version 9
    put32(ext, 0);  // version 8
    ext += wide(name);
    put16(ext, 0);
    put16(ext, std::uint32_t(ext_offset));
    ext[0] = char(ext.size() & 0xFF);
    ext[1] = char(ext.size() >> 8);
    body += ext;
    std::string item;
    put16(item, std::uint32_t(body.size() + 2));
    return item + body;
}

std::string link_info(const Options& o) {
    std::string li;
    std::uint32_t header = o.link_info_unicode ? 0x24 : 0x1C;
    put32(li, 0);       // size, set below
    put32(li, header);  // header size
    bool net = !o.network_share.empty();
    put32(li, net ? 2 : 1);
    put32(li, 0);  // VolumeIDOffset
    put32(li, 0);  // LocalBasePathOffset
    put32(li, 0);  // CommonNetworkRelativeLinkOffset
    put32(li, 0);  // CommonPathSuffixOffset
    if (o.link_info_unicode) {
        put32(li, 0);
        put32(li, 0);
    }
    if (net) {
        set32(li, 20, std::uint32_t(li.size()));
        std::string cnrl;
        put32(cnrl, 0);
        put32(cnrl, o.network_device.empty() ? 0 : 1);
        put32(cnrl, 0x14);
        put32(cnrl, 0);
        put32(cnrl, 0);
        cnrl += o.network_share + '\0';
        if (!o.network_device.empty()) {
            set32(cnrl, 12, std::uint32_t(cnrl.size()));
            cnrl += o.network_device + '\0';
        }
        set32(cnrl, 0, std::uint32_t(cnrl.size()));
        li += cnrl;
        set32(li, 24, std::uint32_t(li.size()));
        li += o.target + '\0';
    } else {
        set32(li, 12, std::uint32_t(li.size()));
        std::string vol;
        put32(vol, 0);
        put32(vol, 3);  // DRIVE_FIXED
        put32(vol, o.drive_serial);
        put32(vol, 0x10);
        vol += o.volume_label + '\0';
        set32(vol, 0, std::uint32_t(vol.size()));
        li += vol;
        set32(li, 16, std::uint32_t(li.size()));
        li += o.target + '\0';
        set32(li, 24, std::uint32_t(li.size()));
        li += '\0';
        if (o.link_info_unicode) {
            set32(li, 28, std::uint32_t(li.size()));
            li += wide(o.target);
            put16(li, 0);
        }
    }
    set32(li, 0, o.link_info_size ? *o.link_info_size : std::uint32_t(li.size()));
    return li;
}

std::string fixed_string_block(std::uint32_t sig, const std::string& s) {
    std::string data = s.substr(0, 259);
    data.resize(260, '\0');
    std::string w = wide(s.substr(0, 259));
    w.resize(520, '\0');
    return extra_block(sig, data + w);
}

}  // namespace

std::string extra_block(std::uint32_t signature, const std::string& data) {
    std::string b;
    put32(b, std::uint32_t(data.size() + 8));
    put32(b, signature);
    return b + data;
}

std::string tracker_block(const std::string& machine_id, const std::string& mac) {
    std::string d;
    put32(d, 0x58);
    put32(d, 0);
    std::string m = machine_id.substr(0, 15);
    m.resize(16, '\0');
    d += m;
    // Volume droid: a random-looking (version-4) GUID.
    std::string vol = "\x70\x35\x2D\xF1\xC2\x03\xE3\x43\x86\xFC\xC7\x5D\x68\x07\x51\xB6";
    // File droid: version-1 UUID 43633D26-86A9-11EA-9C2D-<mac>.
    std::string file =
        std::string("\x26\x3D\x63\x43\xA9\x86\xEA\x11\x9C\x2D", 10) + mac.substr(0, 6);
    file.resize(16, '\0');
    d += vol + file + vol + file;
    return extra_block(0xA0000003, d);
}

std::string idlist_for(const std::string& path) {
    std::string ids;
    // My Computer.
    ids += std::string(
        "\x14\x00\x1F\x50\xE0\x4F\xD0\x20\xEA\x3A\x69\x10\xA2\xD8\x08\x00\x2B\x30\x30\x9D", 20);
    auto parts = split(path);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i == 0 && parts[0].size() == 2 && parts[0][1] == ':') {
            std::string vol = "\x19";
            vol += '\0';
            vol += '\x2F';
            vol += parts[0] + "\\";
            vol.resize(25, '\0');
            ids += vol;
            continue;
        }
        ids += file_entry(parts[i], i + 1 < parts.size());
    }
    put16(ids, 0);
    return ids;
}

std::string build(const Options& o) {
    std::uint32_t flags = 0;
    bool has_li = o.link_info && (!o.target.empty() || !o.network_share.empty());
    if (o.idlist && (o.raw_idlist || !o.target.empty())) flags |= 1u << 0;
    if (has_li) flags |= 1u << 1;
    if (!o.name.empty()) flags |= 1u << 2;
    if (!o.relative_path.empty()) flags |= 1u << 3;
    if (!o.working_dir.empty()) flags |= 1u << 4;
    if (!o.arguments.empty()) flags |= 1u << 5;
    if (!o.icon_location.empty()) flags |= 1u << 6;
    if (o.unicode) flags |= 1u << 7;
    if (!o.environment_target.empty()) flags |= 1u << 9;
    if (!o.icon_environment.empty()) flags |= 1u << 14;

    std::string s;
    put32(s, 0x4C);
    s += std::string("\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16);
    put32(s, flags);
    put32(s, o.attributes);
    put64(s, o.creation_time);
    put64(s, o.access_time);
    put64(s, o.write_time);
    put32(s, o.file_size);
    put32(s, std::uint32_t(o.icon_index));
    put32(s, o.show_command);
    put16(s, o.hotkey);
    put16(s, 0);
    put32(s, 0);
    put32(s, 0);

    if (flags & 1u) {
        std::string ids = o.raw_idlist ? *o.raw_idlist : idlist_for(o.target);
        put16(s, std::uint32_t(ids.size()));
        s += ids;
    }
    if (has_li) s += link_info(o);

    std::vector<const std::string*> strings;
    for (const auto* v :
         {&o.name, &o.relative_path, &o.working_dir, &o.arguments, &o.icon_location})
        if (!v->empty()) strings.push_back(v);
    for (std::size_t i = 0; i < strings.size(); ++i) {
        const std::string& v = *strings[i];
        bool last = i + 1 == strings.size();
        put16(s, last && o.last_string_count ? *o.last_string_count : std::uint32_t(v.size()));
        s += o.unicode ? wide(v) : v;
    }

    if (!o.machine_id.empty())
        s += tracker_block(o.machine_id, std::string("\x00\x0C\x29\x11\x22\x33", 6));
    if (!o.environment_target.empty()) s += fixed_string_block(0xA0000001, o.environment_target);
    if (!o.icon_environment.empty()) s += fixed_string_block(0xA0000007, o.icon_environment);
    for (const auto& b : o.extra_blocks) s += b;
    if (o.terminal_block) put32(s, 0);
    return s;
}

}  // namespace kagami::test::lnk
