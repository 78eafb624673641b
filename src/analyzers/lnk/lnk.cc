// SPDX-License-Identifier: Apache-2.0
// Windows Shell Link (.lnk) files, read per [MS-SHLLINK]: the header, the target's
// shell item list, LinkInfo, the StringData and the ExtraData blocks. MirrorFace and
// many other groups mail LNKs (alone, in a ZIP or in an ISO) whose target is a script
// host and whose icon is a document's: the facts below are what an analyst quotes, and
// the TrackerDataBlock's machine name and MAC address tie lures to one builder machine.
#include "analyzers/lnk/lnk.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/text.h"
#include "core/time.h"

namespace kagami::analyzers {
namespace {

using core::ByteReader;

constexpr FindingKind kScriptHost{
    "lnk.target.script_host",
    "The shortcut runs a script host or system binary that downloads or runs code "
    "(PowerShell, cmd, mshta, rundll32, ...)",
    "T1204.002,T1059"};
constexpr FindingKind kPaddedArguments{
    "lnk.arguments.padded",
    "The shortcut's arguments are padded with whitespace or too long for the Properties "
    "dialog, which hides the command",
    "T1027"};
constexpr FindingKind kDocumentIcon{
    "lnk.icon.document",
    "The shortcut shows a document, browser or folder icon while it runs a script host",
    "T1036.008"};
constexpr FindingKind kHiddenWindow{
    "lnk.hidden_window", "The shortcut starts its script host minimised, without a visible window",
    "T1564.003"};
constexpr FindingKind kNetworkTarget{"lnk.network_target",
                                     "The shortcut's target is on a network share or WebDAV path",
                                     "T1204.002"};
constexpr FindingKind kAppendedData{
    "lnk.appended_data",
    "Data is appended after the end of the shortcut, where lures carry an embedded payload",
    "T1027"};
constexpr FindingKind kIdListItems{
    "limit.lnk.idlist_items", "The shortcut's item list has more items than are read", "T1027"};
constexpr FindingKind kExtraBlocks{"limit.lnk.extra_blocks",
                                   "The shortcut has more ExtraData blocks than are read", "T1027"};

constexpr std::size_t kHeaderSize = 0x4C;
constexpr std::string_view kLinkClsid{
    "\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16};
constexpr std::size_t kMaxItems = 256;
constexpr std::size_t kMaxExtraBlocks = 256;
constexpr std::size_t kMaxPath = 4096;
// Appended data smaller than this (jump-list footers, padding) is only a fact.
constexpr std::size_t kMinAppended = 1024;

// LinkFlags bits, in bit order ([MS-SHLLINK] 2.1.1).
constexpr std::array<const char*, 27> kLinkFlagNames{"HasLinkTargetIDList",
                                                     "HasLinkInfo",
                                                     "HasName",
                                                     "HasRelativePath",
                                                     "HasWorkingDir",
                                                     "HasArguments",
                                                     "HasIconLocation",
                                                     "IsUnicode",
                                                     "ForceNoLinkInfo",
                                                     "HasExpString",
                                                     "RunInSeparateProcess",
                                                     "Unused1",
                                                     "HasDarwinID",
                                                     "RunAsUser",
                                                     "HasExpIcon",
                                                     "NoPidlAlias",
                                                     "Unused2",
                                                     "RunWithShimLayer",
                                                     "ForceNoLinkTrack",
                                                     "EnableTargetMetadata",
                                                     "DisableLinkPathTracking",
                                                     "DisableKnownFolderTracking",
                                                     "DisableKnownFolderAlias",
                                                     "AllowLinkToLink",
                                                     "UnaliasOnSave",
                                                     "PreferEnvironmentPath",
                                                     "KeepLocalIDListForUNCTarget"};

constexpr std::array<const char*, 15> kAttributeNames{"FILE_ATTRIBUTE_READONLY",
                                                      "FILE_ATTRIBUTE_HIDDEN",
                                                      "FILE_ATTRIBUTE_SYSTEM",
                                                      "Reserved1",
                                                      "FILE_ATTRIBUTE_DIRECTORY",
                                                      "FILE_ATTRIBUTE_ARCHIVE",
                                                      "Reserved2",
                                                      "FILE_ATTRIBUTE_NORMAL",
                                                      "FILE_ATTRIBUTE_TEMPORARY",
                                                      "FILE_ATTRIBUTE_SPARSE_FILE",
                                                      "FILE_ATTRIBUTE_REPARSE_POINT",
                                                      "FILE_ATTRIBUTE_COMPRESSED",
                                                      "FILE_ATTRIBUTE_OFFLINE",
                                                      "FILE_ATTRIBUTE_NOT_CONTENT_INDEXED",
                                                      "FILE_ATTRIBUTE_ENCRYPTED"};

enum LinkFlag : std::uint32_t {
    kHasIdList = 1u << 0,
    kHasLinkInfo = 1u << 1,
    kHasName = 1u << 2,
    kHasRelativePath = 1u << 3,
    kHasWorkingDir = 1u << 4,
    kHasArguments = 1u << 5,
    kHasIconLocation = 1u << 6,
    kIsUnicode = 1u << 7,
};

// ---- text -------------------------------------------------------------------

// The system code page is unknown; Windows-1252 is what most tools (LnkParse3 too) assume.
std::string from_ansi(std::string_view b, bool stop_at_nul) {
    static constexpr std::array<std::uint16_t, 32> k1252{
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    for (char ch : b) {
        auto c = std::uint8_t(ch);
        if (c == 0 && stop_at_nul) break;
        core::append_utf8(out, (c >= 0x80 && c < 0xA0) ? k1252[c - 0x80] : c);
    }
    return out;
}

// Control characters are escaped so that a fact stays one readable line.
std::string clean(std::string_view s) {
    std::string out;
    for (char c : s) {
        auto u = std::uint8_t(c);
        if (u >= 0x20 && u != 0x7F) {
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return core::sanitize_utf8(out);
}

std::string hex32(std::uint32_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s = "0x";
    for (int i = 7; i >= 0; --i) s += kHex[(v >> (i * 4)) & 15];
    return s;
}

// "00021401-0000-0000-C000-000000000046" from the 16 bytes of a GUID as stored.
std::string guid_string(std::string_view g) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    static constexpr std::array<int, 16> kOrder{3, 2, 1,  0,  5,  4,  7,  6,
                                                8, 9, 10, 11, 12, 13, 14, 15};
    std::string s;
    for (std::size_t i = 0; i < 16 && i < g.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        auto b = std::uint8_t(g[std::size_t(kOrder[i])]);
        s += kHex[b >> 4];
        s += kHex[b & 15];
    }
    return s;
}

std::string filetime_iso(std::uint64_t ft) {
    if (ft == 0) return {};
    constexpr std::int64_t kEpochDelta = 11644473600LL;  // 1601 -> 1970 in seconds
    // FILETIME's 64 bits reach past year 30000; keep the years Windows itself shows.
    constexpr std::int64_t kYear10000 = 253402300800LL;
    std::int64_t secs = std::int64_t(ft / 10'000'000ULL) - kEpochDelta;
    if (secs >= kYear10000) return {};
    return core::iso8601_utc(secs);
}

std::string lower(std::string_view s) {
    return core::to_lower(s);
}

std::string_view base_name(std::string_view path) {
    auto p = path.find_last_of("\\/");
    return p == std::string_view::npos ? path : path.substr(p + 1);
}

// ---- detection helpers ------------------------------------------------------

// Script hosts and binaries that run or fetch code (LOLBins), without ".exe".
constexpr std::array<std::string_view, 31> kScriptHosts{"powershell", "pwsh",
                                                        "cmd",        "mshta",
                                                        "wscript",    "cscript",
                                                        "rundll32",   "regsvr32",
                                                        "certutil",   "bitsadmin",
                                                        "msiexec",    "forfiles",
                                                        "conhost",    "curl",
                                                        "wmic",       "hh",
                                                        "msbuild",    "installutil",
                                                        "regasm",     "regsvcs",
                                                        "cmstp",      "odbcconf",
                                                        "pcalua",     "scriptrunner",
                                                        "mavinject",  "syncappvpublishingserver",
                                                        "bash",       "wsl",
                                                        "schtasks",   "explorer",
                                                        "finger"};

bool is_host_name(std::string_view name) {
    std::string n = lower(name);
    if (n.size() > 4 && n.ends_with(".exe")) n.resize(n.size() - 4);
    for (auto h : kScriptHosts)
        if (n == h) return true;
    return false;
}

// explorer.exe alone is an ordinary target; only its arguments can make it a launcher.
bool is_strong_host(std::string_view name) {
    return is_host_name(name) && !core::istarts_with(name, "explorer");
}

bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

// The first script host named as a word in `s` (a command line), or "".
std::string host_in_text(std::string_view s) {
    std::string l = lower(s);
    for (auto h : kScriptHosts) {
        if (h == "explorer" || h == "hh" || h == "bash" || h == "wsl" || h == "finger") continue;
        for (std::size_t p = l.find(h); p != std::string::npos; p = l.find(h, p + 1)) {
            bool left = p == 0 || !word_char(l[p - 1]);
            std::size_t e = p + h.size();
            bool exe = l.compare(e, 4, ".exe") == 0;
            if (exe) e += 4;
            bool right = e >= l.size() || !word_char(l[e]);
            // Short names are ordinary words too ("cmd", "curl"): they count only as a
            // program, with ".exe" or followed by a switch.
            bool as_program =
                exe || h.size() > 4 ||
                (e + 1 < l.size() && l[e] == ' ' && (l[e + 1] == '/' || l[e + 1] == '-'));
            if (left && right && as_program) return std::string(h);
        }
    }
    return {};
}

bool is_document_icon(std::string_view icon) {
    std::string l = lower(icon);
    // Strip a ",index" suffix the icon location sometimes carries.
    if (auto comma = l.rfind(','); comma != std::string::npos && comma > l.find_last_of("\\/."))
        l.resize(comma);
    static constexpr std::array<std::string_view, 22> kDocs{
        ".pdf",       ".doc",        ".docx",        ".xls",         ".xlsx",       ".ppt",
        ".pptx",      ".rtf",        ".txt",         ".jpg",         ".png",        ".hwp",
        ".jtd",       ".zip",        ".ico",         "imageres.dll", "shell32.dll", "msedge.exe",
        "chrome.exe", "firefox.exe", "acrord32.exe", "winword.exe"};
    for (auto d : kDocs)
        if (l.ends_with(d)) return true;
    static constexpr std::array<std::string_view, 5> kAnywhere{
        "acrobat", "excel.exe", "powerpnt.exe", "explorer.exe", "iexplore.exe"};
    for (auto d : kAnywhere)
        if (l.find(d) != std::string::npos) return true;
    return false;
}

bool is_webdav(std::string_view path) {
    return core::ifind(path, "DavWWWRoot") != std::string_view::npos ||
           core::ifind(path, "@SSL") != std::string_view::npos ||
           core::istarts_with(path, "http://") || core::istarts_with(path, "https://");
}

bool is_unc(std::string_view path) {
    return path.substr(0, 2) == "\\\\" || path.substr(0, 2) == "//";
}

// ---- shell items (the LinkTargetIDList) -------------------------------------

struct KnownGuid {
    std::string_view guid;
    std::string_view name;
    std::string_view path;  ///< what the folder contributes to a path ("" = nothing)
};

constexpr std::array<KnownGuid, 22> kKnownFolders{{
    {"20D04FE0-3AEA-1069-A2D8-08002B30309D", "My Computer", ""},
    {"59031A47-3F72-44A7-89C5-5595FE6B30EE", "Users files", "%USERPROFILE%"},
    {"450D8FBA-AD25-11D0-98A8-0800361B1103", "My Documents", "%USERPROFILE%\\Documents"},
    {"208D2C60-3AEA-1069-A2D7-08002B30309D", "My Network Places", ""},
    {"F02C1A0D-BE21-4350-88B0-7367FC96EF3C", "Network", ""},
    {"21EC2020-3AEA-1069-A2DD-08002B30309D", "Control Panel",
     "::{21EC2020-3AEA-1069-A2DD-08002B30309D}"},
    {"26EE0668-A00A-44D7-9371-BEB064C98683", "Control Panel",
     "::{26EE0668-A00A-44D7-9371-BEB064C98683}"},
    {"B4BFCC3A-DB2C-424C-B029-7FE99A87C641", "Desktop", "%USERPROFILE%\\Desktop"},
    {"374DE290-123F-4565-9164-39C4925E467B", "Downloads", "%USERPROFILE%\\Downloads"},
    {"088E3905-0323-4B02-9826-5D99428E115F", "Downloads", "%USERPROFILE%\\Downloads"},
    {"FDD39AD0-238F-46AF-ADB4-6C85480369C7", "Documents", "%USERPROFILE%\\Documents"},
    {"D3162B92-9365-467A-956B-92703ACA08AF", "Documents", "%USERPROFILE%\\Documents"},
    {"33E28130-4E1E-4676-835A-98395C3BC3BB", "Pictures", "%USERPROFILE%\\Pictures"},
    {"24AD3AD4-A569-4530-98E1-AB02F9417AA8", "Pictures", "%USERPROFILE%\\Pictures"},
    {"4BD8D571-6D19-48D3-BE97-422220080E43", "Music", "%USERPROFILE%\\Music"},
    {"3DFDF296-DBEC-4FB4-81D1-6A3438BCF4DE", "Music", "%USERPROFILE%\\Music"},
    {"18989B1D-99B5-455B-841C-AB7C74E4DDFC", "Videos", "%USERPROFILE%\\Videos"},
    {"F86FA3AB-70D2-4FC7-9C99-FCBF05467F3A", "Videos", "%USERPROFILE%\\Videos"},
    {"871C5380-42A0-1069-A2EA-08002B30309D", "Internet Explorer", ""},
    {"645FF040-5081-101B-9F08-00AA002F954E", "Recycle Bin",
     "::{645FF040-5081-101B-9F08-00AA002F954E}"},
    {"1AC14E77-02E7-4E5D-B744-2EB1AE5198B7", "System32", "%SystemRoot%\\System32"},
    {"F38BF404-1D43-42F2-9305-67DE0B28FC23", "Windows", "%SystemRoot%"},
}};

const KnownGuid* known_folder(std::string_view guid) {
    for (const auto& k : kKnownFolders)
        if (k.guid == guid) return &k;
    return nullptr;
}

// A NUL-terminated 8-bit string starting at `off` of `b` (to the end when unterminated).
std::string_view cstr_at(std::string_view b, std::size_t off) {
    if (off >= b.size()) return {};
    auto s = b.substr(off);
    auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// A NUL-terminated UTF-16LE string at `off` of `b` as raw bytes (without the NUL).
std::string_view wstr_at(std::string_view b, std::size_t off) {
    if (off >= b.size()) return {};
    auto s = b.substr(off);
    std::size_t i = 0;
    while (i + 1 < s.size() && (s[i] != 0 || s[i + 1] != 0)) i += 2;
    return s.substr(0, i);
}

// The long (Unicode) name of a file entry from its BEEF0004 extension block.
std::string long_name(std::string_view item, std::size_t from) {
    static constexpr std::string_view kSig{"\x04\x00\xEF\xBE", 4};
    for (auto p = item.find(kSig, from); p != std::string_view::npos; p = item.find(kSig, p + 1)) {
        if (p < 4) continue;
        auto block = item.substr(p - 4);
        auto size = core::le_at<std::uint16_t>(block, 0).value_or(0);
        auto version = core::le_at<std::uint16_t>(block, 2).value_or(0);
        if (size < 0x14 || size > block.size()) continue;
        block = block.substr(0, size);
        std::size_t off = 18;
        if (version >= 7) off += 18;  // unknown u16, NTFS file reference, unknown u64
        if (version >= 3) off += 2;   // size of the localized name
        if (version >= 9) off += 4;
        if (version >= 8) off += 4;
        return core::utf16_to_utf8(wstr_at(block, off), {.stop_at_nul = true});
    }
    return {};
}

struct ItemList {
    std::vector<std::string> items;  ///< "kind name" per item, for lnk.idlist_item
    std::string path;
    bool truncated = false;  ///< more items than kMaxItems
};

void add_component(std::string& path, std::string_view part) {
    if (part.empty() || path.size() + part.size() > kMaxPath) return;
    if (!path.empty() && path.back() != '\\') path += '\\';
    path += part;
}

// One shell item (its bytes include the 2-byte size) into `list`.
void read_item(std::string_view item, ItemList& list) {
    if (item.size() < 3) {
        list.items.push_back("empty");
        return;
    }
    auto type = std::uint8_t(item[2]);
    if (type == 0x1F && item.size() >= 20) {  // root folder: sort index, GUID
        std::string g = guid_string(item.substr(4, 16));
        const auto* k = known_folder(g);
        list.items.push_back("root {" + g + "}" + (k ? " " + std::string(k->name) : ""));
        if (k)
            add_component(list.path, k->path);
        else
            add_component(list.path, "::{" + g + "}");
        return;
    }
    if (type == 0x2E && item.size() >= 20) {  // a shell folder by GUID
        std::string g = guid_string(item.substr(4, 16));
        const auto* k = known_folder(g);
        list.items.push_back("folder {" + g + "}" + (k ? " " + std::string(k->name) : ""));
        if (k) add_component(list.path, k->path);
        return;
    }
    if ((type & 0xF0) == 0x20) {  // volume: "C:\"
        auto name = cstr_at(item, 3);
        if (name.size() >= 2 && name.size() <= 3 && name[1] == ':') {
            std::string v = from_ansi(name, true);
            list.items.push_back("volume " + v);
            add_component(list.path, v.substr(0, 2));
        } else {
            list.items.push_back("volume");
        }
        return;
    }
    if ((type & 0x70) == 0x30 && item.size() >= 14) {  // file entry
        bool unicode = type & 0x04;
        std::string shortname;
        std::size_t end = 14;
        if (unicode) {
            auto w = wstr_at(item, 14);
            shortname = core::utf16_to_utf8(w, {.stop_at_nul = true});
            end = 14 + w.size() + 2;
        } else {
            auto a = cstr_at(item, 14);
            shortname = from_ansi(a, true);
            end = 14 + a.size() + 1;
        }
        std::string longn = long_name(item, end);
        const char* kind = (type & 0x01) ? "directory " : (type & 0x02) ? "file " : "entry ";
        list.items.push_back(kind + shortname +
                             (longn.empty() || longn == shortname ? "" : " (" + longn + ")"));
        add_component(list.path, longn.empty() ? shortname : longn);
        return;
    }
    if ((type & 0x70) == 0x40 && item.size() >= 6) {  // network location: flags, location
        std::string loc = from_ansi(cstr_at(item, 5), true);
        list.items.push_back("network " + loc);
        // A share's own path restarts the path: \\server\share\...
        if (is_unc(loc) && loc.size() <= kMaxPath)
            list.path = loc;
        else
            add_component(list.path, loc);
        return;
    }
    if (type == 0x74) {  // delegate folder ("Users files folder"): a file entry inside
        static constexpr std::string_view kCfsf{"CFSF"};
        auto p = item.find(kCfsf);
        if (p != std::string_view::npos && p + 4 < item.size()) {
            ItemList inner;
            read_item(item.substr(p + 4), inner);
            std::string longn = long_name(item, p + 4);
            std::string name = longn;
            if (name.empty() && !inner.path.empty()) name = inner.path;
            list.items.push_back("delegate " + name);
            add_component(list.path, name);
            return;
        }
    }
    if (type == 0x61) {  // URI: the URL as UTF-16 or ASCII
        static constexpr std::string_view kW{"h\0t\0t\0p\0", 8};
        std::string url;
        if (auto w = item.find(kW); w != std::string_view::npos)
            url = core::utf16_to_utf8(wstr_at(item, w), {.stop_at_nul = true});
        else if (auto a = item.find("http"); a != std::string_view::npos)
            url = from_ansi(cstr_at(item, a), true);
        list.items.push_back("uri " + url);
        if (!url.empty() && url.size() <= kMaxPath) list.path = url;
        return;
    }
    list.items.push_back("item " + hex32(type).substr(8));
}

// Reads the ItemIDs of an IDList (after its 2-byte size). Each item's size counts itself;
// a size of 0 ends the list and a size under 2 cannot progress, so it stops too.
ItemList read_idlist(std::string_view ids, Output& out, const char* what) {
    ItemList list;
    ByteReader r(ids);
    while (!r.empty()) {
        auto size = r.u16();
        if (!size) {
            out.violation(std::string(what) + ": item list truncated");
            break;
        }
        if (*size == 0) break;
        if (*size < 2) {
            out.violation(std::string(what) + ": item size " + std::to_string(*size));
            break;
        }
        auto body = r.bytes(*size - 2u);
        if (!body) {
            out.violation(std::string(what) + ": item of " + std::to_string(*size) +
                          " bytes runs past the list");
            break;
        }
        if (list.items.size() >= kMaxItems) {
            list.truncated = true;
            break;
        }
        read_item(ids.substr(r.pos() - *size, *size), list);
        if (out.context().out_of_time()) break;
    }
    return list;
}

// ---- LinkInfo -----------------------------------------------------------------

struct LinkInfo {
    std::string local_base_path;  ///< Unicode when present, else ANSI
    std::string common_path_suffix;
    std::string net_name;
    std::string device_name;
};

constexpr std::array<const char*, 7> kDriveTypes{
    "DRIVE_UNKNOWN", "DRIVE_NO_ROOT_DIR", "DRIVE_REMOVABLE", "DRIVE_FIXED",
    "DRIVE_REMOTE",  "DRIVE_CDROM",       "DRIVE_RAMDISK"};

// A string at a LinkInfo-relative offset; offsets past the structure are a violation.
std::string li_string(std::string_view li, std::uint64_t off, bool unicode, Output& out,
                      const char* what) {
    if (off >= li.size()) {
        out.violation(std::string("LinkInfo: ") + what + " offset " + std::to_string(off) +
                      " is past the structure");
        return {};
    }
    auto o = std::size_t(off);
    return unicode ? core::utf16_to_utf8(wstr_at(li, o), {.stop_at_nul = true})
                   : from_ansi(cstr_at(li, o), true);
}

void read_volume(std::string_view li, std::uint32_t off, Output& out) {
    if (off >= li.size()) {
        out.violation("LinkInfo: VolumeID offset is past the structure");
        return;
    }
    auto vol = li.substr(off);
    ByteReader r(vol);
    auto size = r.u32();
    auto type = r.u32();
    auto serial = r.u32();
    auto label_off = r.u32();
    if (!size || !type || !serial || !label_off) {
        out.violation("LinkInfo: VolumeID truncated");
        return;
    }
    if (*size < 0x10 || *size > vol.size()) {
        out.violation("LinkInfo: VolumeID size " + std::to_string(*size) + " is wrong");
    } else {
        vol = vol.substr(0, *size);
    }
    out.fact("lnk.drive_type", *type < kDriveTypes.size() ? kDriveTypes[*type] : hex32(*type));
    out.fact("lnk.drive_serial", hex32(*serial));
    std::string label;
    if (*label_off == 0x14) {
        if (auto u = r.u32()) label = li_string(vol, *u, true, out, "VolumeLabelUnicode");
    } else {
        label = li_string(vol, *label_off, false, out, "VolumeLabel");
    }
    if (!label.empty()) out.fact("lnk.volume_label", clean(label));
}

void read_network(std::string_view li, std::uint32_t off, LinkInfo& info, Output& out) {
    if (off >= li.size()) {
        out.violation("LinkInfo: CommonNetworkRelativeLink offset is past the structure");
        return;
    }
    auto net = li.substr(off);
    ByteReader r(net);
    auto size = r.u32();
    auto flags = r.u32();
    auto name_off = r.u32();
    auto device_off = r.u32();
    auto provider = r.u32();
    if (!size || !flags || !name_off || !device_off || !provider) {
        out.violation("LinkInfo: CommonNetworkRelativeLink truncated");
        return;
    }
    if (*size < 0x14 || *size > net.size())
        out.violation("LinkInfo: CommonNetworkRelativeLink size " + std::to_string(*size) +
                      " is wrong");
    else
        net = net.substr(0, *size);
    std::optional<std::uint32_t> name_u, device_u;
    if (*name_off > 0x14) {
        name_u = r.u32();
        device_u = r.u32();
    }
    info.net_name = name_u && *name_u ? li_string(net, *name_u, true, out, "NetNameUnicode")
                                      : li_string(net, *name_off, false, out, "NetName");
    if (*flags & 1)
        info.device_name = device_u && *device_u
                               ? li_string(net, *device_u, true, out, "DeviceNameUnicode")
                               : li_string(net, *device_off, false, out, "DeviceName");
    if (!info.net_name.empty()) out.fact("lnk.network_share", clean(info.net_name));
    if (!info.device_name.empty()) out.fact("lnk.network_device", clean(info.device_name));
    if (*flags & 2) out.fact("lnk.network_provider", hex32(*provider));
}

// Reads LinkInfo at the reader's position. False when the rest of the file cannot be
// located (the size is unusable), so StringData and ExtraData are not read.
bool read_link_info(ByteReader& r, LinkInfo& info, Output& out) {
    std::size_t start = r.pos();
    auto size = r.u32();
    if (!size) {
        out.violation("LinkInfo truncated");
        return false;
    }
    std::string_view li = r.data().substr(start);
    bool size_ok = true;
    if (*size < 0x1C) {
        out.violation("LinkInfo size " + std::to_string(*size) + " is smaller than its header");
        size_ok = false;
    } else if (*size > li.size()) {
        out.violation("LinkInfo size " + std::to_string(*size) + " runs past the end of the file");
        size_ok = false;
    } else {
        li = li.substr(0, *size);
    }
    ByteReader h(li);
    h.skip(4);
    auto header_size = h.u32();
    auto flags = h.u32();
    auto volume_off = h.u32();
    auto base_off = h.u32();
    auto net_off = h.u32();
    auto suffix_off = h.u32();
    if (!header_size || !flags || !volume_off || !base_off || !net_off || !suffix_off) {
        out.violation("LinkInfo header truncated");
        return false;
    }
    std::optional<std::uint32_t> base_u, suffix_u;
    if (*header_size >= 0x24) {
        base_u = h.u32();
        suffix_u = h.u32();
    }
    if (*flags & 1) {
        read_volume(li, *volume_off, out);
        std::string ansi = li_string(li, *base_off, false, out, "LocalBasePath");
        if (!ansi.empty()) out.fact("lnk.local_base_path", clean(ansi));
        info.local_base_path = ansi;
        if (base_u && *base_u) {
            std::string wide = li_string(li, *base_u, true, out, "LocalBasePathUnicode");
            if (!wide.empty()) {
                out.fact("lnk.local_base_path_unicode", clean(wide));
                info.local_base_path = wide;
            }
        }
    }
    if (*flags & 2) read_network(li, *net_off, info, out);
    if (suffix_u && *suffix_u)
        info.common_path_suffix = li_string(li, *suffix_u, true, out, "CommonPathSuffixUnicode");
    else if (*suffix_off)
        info.common_path_suffix = li_string(li, *suffix_off, false, out, "CommonPathSuffix");
    if (!info.common_path_suffix.empty())
        out.fact("lnk.common_path_suffix", clean(info.common_path_suffix));
    if (!size_ok) return false;
    r.seek(start + *size);
    return true;
}

// ---- ExtraData ----------------------------------------------------------------

// A fixed-size ANSI field of a block, or its Unicode twin when set.
std::string ansi_or_unicode(std::string_view block, std::size_t ansi_off, std::size_t uni_off) {
    std::string u = core::utf16_to_utf8(
        wstr_at(block.substr(0, std::min(block.size(), uni_off + 520)), uni_off),
        {.stop_at_nul = true});
    if (!u.empty()) return u;
    return from_ansi(cstr_at(block.substr(0, std::min(block.size(), ansi_off + 260)), ansi_off),
                     true);
}

struct Extra {
    std::string environment_target;
    std::string icon_environment;
};

void read_tracker(std::string_view block, Output& out) {
    // BlockSize, Signature, Length, Version, MachineID[16], Droid[32], DroidBirth[32].
    if (block.size() < 0x60) {
        out.violation("TrackerDataBlock of " + std::to_string(block.size()) + " bytes");
        return;
    }
    std::string machine = from_ansi(cstr_at(block.substr(16, 16), 0), true);
    out.fact("lnk.machine_id", clean(machine));
    out.fact("lnk.droid_volume_id", guid_string(block.substr(32, 16)));
    out.fact("lnk.droid_file_id", guid_string(block.substr(48, 16)));
    out.fact("lnk.birth_droid_volume_id", guid_string(block.substr(64, 16)));
    out.fact("lnk.birth_droid_file_id", guid_string(block.substr(80, 16)));
    // A version-1 (time-based) UUID ends in the MAC address of the machine that made it.
    for (std::size_t at : {std::size_t(48), std::size_t(80)}) {
        auto data3 = core::le_at<std::uint16_t>(block, at + 6).value_or(0);
        if ((data3 >> 12) != 1) continue;
        static constexpr char kHex[] = "0123456789abcdef";
        std::string mac;
        for (std::size_t i = 10; i < 16; ++i) {
            auto b = std::uint8_t(block[at + i]);
            if (!mac.empty()) mac += ':';
            mac += kHex[b >> 4];
            mac += kHex[b & 15];
        }
        out.fact(at == 48 ? "lnk.mac" : "lnk.birth_mac", mac);
    }
}

// Reads the blocks up to the TerminalBlock; true when it was found (the reader is then
// just after it, on whatever was appended to the shortcut).
bool read_extra_data(ByteReader& r, Extra& extra, Output& out) {
    std::size_t blocks = 0;
    while (r.remaining() >= 4) {
        std::size_t start = r.pos();
        auto size = r.u32().value_or(0);
        if (size < 4) return true;  // the TerminalBlock
        if (size < 8 || size - 4 > r.remaining()) {
            out.violation("ExtraData block of " + std::to_string(size) + " bytes at offset " +
                          std::to_string(start) + " is " +
                          (size < 8 ? "too small" : "past the end"));
            return false;
        }
        if (++blocks > kMaxExtraBlocks) {
            out.finding(kExtraBlocks, std::to_string(kMaxExtraBlocks) + " blocks read");
            return false;
        }
        auto block = r.data().substr(start, size);
        r.seek(start + size);
        auto sig = core::le_at<std::uint32_t>(block, 4).value_or(0);
        switch (sig) {
            case 0xA0000001:  // EnvironmentVariableDataBlock
                if (block.size() >= 0x314) {
                    extra.environment_target = ansi_or_unicode(block, 8, 268);
                    if (!extra.environment_target.empty())
                        out.fact("lnk.environment_target", clean(extra.environment_target));
                } else {
                    out.violation("EnvironmentVariableDataBlock too small");
                }
                break;
            case 0xA0000002:  // ConsoleDataBlock: the face name is the one telling field
                if (block.size() >= 0xCC) {
                    std::string face = core::utf16_to_utf8(wstr_at(block.substr(0, 0x6C), 0x2C),
                                                           {.stop_at_nul = true});
                    if (!face.empty()) out.fact("lnk.console_face_name", clean(face));
                }
                break;
            case 0xA0000003:
                read_tracker(block, out);
                break;
            case 0xA0000004:  // ConsoleFEDataBlock
                if (auto cp = core::le_at<std::uint32_t>(block, 8))
                    out.fact("lnk.console_codepage", std::to_string(*cp));
                break;
            case 0xA0000005:  // SpecialFolderDataBlock: a CSIDL
                if (auto id = core::le_at<std::uint32_t>(block, 8))
                    out.fact("lnk.special_folder", std::to_string(*id));
                break;
            case 0xA0000006:  // DarwinDataBlock: an MSI descriptor
                if (block.size() >= 0x314) {
                    std::string d = ansi_or_unicode(block, 8, 268);
                    if (!d.empty()) out.fact("lnk.darwin_id", clean(d));
                }
                break;
            case 0xA0000007:  // IconEnvironmentDataBlock
                if (block.size() >= 0x314) {
                    extra.icon_environment = ansi_or_unicode(block, 8, 268);
                    if (!extra.icon_environment.empty())
                        out.fact("lnk.icon_environment", clean(extra.icon_environment));
                }
                break;
            case 0xA0000008:  // ShimDataBlock: the compatibility layer's name
                out.fact("lnk.shim_layer",
                         clean(core::utf16_to_utf8(block.substr(8), {.stop_at_nul = true})));
                break;
            case 0xA0000009:  // PropertyStoreDataBlock: serialized properties, not read
                break;
            case 0xA000000B:  // KnownFolderDataBlock
                if (block.size() >= 0x1C) {
                    std::string g = guid_string(block.substr(8, 16));
                    const auto* k = known_folder(g);
                    out.fact("lnk.known_folder", g + (k ? " " + std::string(k->name) : ""));
                }
                break;
            case 0xA000000C:  // VistaAndAboveIDListDataBlock
            {
                auto list = read_idlist(block.substr(8), out, "VistaAndAboveIDList");
                if (!list.path.empty()) out.fact("lnk.vista_idlist", clean(list.path));
                break;
            }
            default:
                out.fact("lnk.extra_block", hex32(sig));
                break;
        }
        if (out.context().out_of_time()) return false;
    }
    out.violation(r.empty() ? "ExtraData has no TerminalBlock"
                            : "ExtraData ends inside a block header");
    return false;
}

std::string join_path(std::string_view base, std::string_view suffix) {
    std::string p(base);
    if (!suffix.empty()) {
        if (!p.empty() && p.back() != '\\') p += '\\';
        p += suffix;
    }
    return p;
}

std::string hotkey_string(std::uint16_t hk) {
    auto key = std::uint8_t(hk & 0xFF);
    auto mods = std::uint8_t(hk >> 8);
    std::string s;
    if (mods & 2) s += "CTRL+";
    if (mods & 4) s += "ALT+";
    if (mods & 1) s += "SHIFT+";
    if ((key >= '0' && key <= '9') || (key >= 'A' && key <= 'Z'))
        s += char(key);
    else if (key >= 0x70 && key <= 0x87)
        s += "F" + std::to_string(key - 0x6F);
    else if (key == 0x90)
        s += "NUM LOCK";
    else if (key == 0x91)
        s += "SCROLL LOCK";
    else
        s += hex32(key).substr(8);
    return s;
}

std::string names_of(std::uint32_t bits, const char* const* names, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < 32; ++i) {
        if (!(bits & (1u << i))) continue;
        if (!s.empty()) s += '|';
        s += i < n ? names[i] : hex32(1u << i);
    }
    return s;
}

// The Properties dialog shows 255 characters of the command; lures hide the payload after
// that or behind a run of blanks (newlines included).
bool padded(std::string_view args) {
    std::size_t chars = 0;
    for (char c : args)
        if ((std::uint8_t(c) & 0xC0) != 0x80) ++chars;
    if (chars > 255) return true;
    std::size_t run = 0;
    for (char c : args) {
        if (core::is_space(c) || c == '\v' || c == '\f') {
            if (++run >= 32) return true;
        } else {
            run = 0;
        }
    }
    return false;
}

}  // namespace

// HeaderSize 0x4C followed by the ShellLink CLSID.
bool LnkAnalyzer::sniff(std::string_view bytes) const {
    return bytes.size() >= 20 && core::le_at<std::uint32_t>(bytes, 0) == kHeaderSize &&
           bytes.substr(4, 16) == kLinkClsid;
}

void LnkAnalyzer::analyze(const Input& in, Output& out) const {
    ByteReader r(in.bytes);
    auto header = r.bytes(kHeaderSize);
    if (!header) {
        out.violation("ShellLinkHeader truncated: " + std::to_string(in.bytes.size()) + " bytes");
        return;
    }
    ByteReader h(*header);
    h.skip(20);
    std::uint32_t flags = h.u32().value_or(0);
    std::uint32_t attributes = h.u32().value_or(0);
    std::uint64_t times[3];
    for (auto& t : times) t = h.u64().value_or(0);
    std::uint32_t file_size = h.u32().value_or(0);
    auto icon_index = std::int32_t(h.u32().value_or(0));
    std::uint32_t show = h.u32().value_or(0);
    std::uint16_t hotkey = h.u16().value_or(0);

    out.fact("lnk.flags", names_of(flags, kLinkFlagNames.data(), kLinkFlagNames.size()));
    if (attributes)
        out.fact("lnk.file_attributes",
                 names_of(attributes, kAttributeNames.data(), kAttributeNames.size()));
    static constexpr std::array<const char*, 3> kTimeFacts{"lnk.creation_time", "lnk.access_time",
                                                           "lnk.write_time"};
    for (std::size_t i = 0; i < 3; ++i)
        if (auto iso = filetime_iso(times[i]); !iso.empty()) out.fact(kTimeFacts[i], iso);
    out.fact("lnk.file_size", std::to_string(file_size));
    out.fact("lnk.icon_index", std::to_string(icon_index));
    const char* show_name = show == 3   ? "SW_SHOWMAXIMIZED"
                            : show == 7 ? "SW_SHOWMINNOACTIVE"
                                        : "SW_SHOWNORMAL";
    out.fact("lnk.show_command", show_name);
    if (hotkey) out.fact("lnk.hotkey", hotkey_string(hotkey));

    std::string idlist_path;
    bool ok = true;
    if (flags & kHasIdList) {
        auto size = r.u16();
        auto ids = size ? r.bytes(*size) : std::nullopt;
        if (!ids) {
            out.violation("LinkTargetIDList runs past the end of the file");
            ids = r.data().substr(std::min(r.size(), r.pos()));
            ok = false;
        }
        auto list = read_idlist(*ids, out, "LinkTargetIDList");
        for (const auto& item : list.items) out.fact("lnk.idlist_item", clean(item));
        if (list.truncated) out.finding(kIdListItems, std::to_string(kMaxItems) + " items read");
        idlist_path = list.path;
        if (!idlist_path.empty()) out.fact("lnk.target_idlist", clean(idlist_path));
    }

    LinkInfo info;
    if (ok && (flags & kHasLinkInfo)) ok = read_link_info(r, info, out);

    // StringData: counts are characters (2 bytes each when IsUnicode).
    static constexpr std::array<std::pair<std::uint32_t, const char*>, 5> kStrings{{
        {kHasName, "lnk.name"},
        {kHasRelativePath, "lnk.relative_path"},
        {kHasWorkingDir, "lnk.working_dir"},
        {kHasArguments, "lnk.arguments"},
        {kHasIconLocation, "lnk.icon_location"},
    }};
    std::string arguments, icon_location, relative_path;
    bool unicode = flags & kIsUnicode;
    for (const auto& [bit, fact] : kStrings) {
        if (!ok || !(flags & bit)) continue;
        auto count = r.u16();
        if (!count) {
            out.violation(std::string("StringData ") + fact + ": count truncated");
            ok = false;
            break;
        }
        std::uint64_t n = std::uint64_t(*count) * (unicode ? 2 : 1);
        std::string_view raw;
        if (n > r.remaining()) {
            out.violation(std::string("StringData ") + fact + ": " + std::to_string(*count) +
                          " characters run past the end");
            raw = r.data().substr(r.pos());
            ok = false;
        } else {
            raw = *r.bytes(n);
        }
        std::string value = unicode ? core::utf16_to_utf8(raw) : from_ansi(raw, false);
        if (bit == kHasArguments) arguments = value;
        if (bit == kHasIconLocation) icon_location = value;
        if (bit == kHasRelativePath) relative_path = value;
        out.fact(fact, clean(value));
    }

    Extra extra;
    if (ok && read_extra_data(r, extra, out) && !r.empty()) {
        // Bytes after the TerminalBlock are no part of a shortcut: lures hide a payload there.
        auto appended = r.data().substr(r.pos());
        out.fact("lnk.appended_bytes", std::to_string(appended.size()));
        if (appended.size() >= kMinAppended) {
            out.finding(kAppendedData, std::to_string(appended.size()) + " bytes");
            if (!out.entries_exhausted()) out.child("appended", std::string(appended));
        }
    }

    // The best full target: LinkInfo's path, else the item list, else the environment path.
    std::string target;
    if (!info.local_base_path.empty())
        target = join_path(info.local_base_path, info.common_path_suffix);
    else if (!info.net_name.empty())
        target = join_path(info.net_name, info.common_path_suffix);
    else if (!idlist_path.empty())
        target = idlist_path;
    else if (!extra.environment_target.empty())
        target = extra.environment_target;
    else
        target = relative_path;
    if (!target.empty()) out.fact("lnk.target", clean(target));

    // Findings. The host may be named by any of the target's forms or by the arguments.
    std::string host;
    for (const auto* p : {&target, &idlist_path, &extra.environment_target, &relative_path})
        if (host.empty() && is_strong_host(base_name(*p))) host = std::string(base_name(*p));
    // An ordinary program (explorer.exe, a browser) with a script host on its command line.
    if (host.empty()) host = host_in_text(arguments);
    if (!host.empty()) {
        out.finding(kScriptHost, clean(target + (arguments.empty() ? "" : " " + arguments)));
        std::string icon = icon_location.empty() ? extra.icon_environment : icon_location;
        if (!icon.empty() && is_document_icon(icon)) out.finding(kDocumentIcon, clean(icon));
        if (show == 7) out.finding(kHiddenWindow, "SW_SHOWMINNOACTIVE");
    }
    if (!arguments.empty() && padded(arguments))
        out.finding(kPaddedArguments, std::to_string(arguments.size()) +
                                          " bytes: " + clean(core::trim(arguments)).substr(0, 200));
    for (const auto* p : {&target, &idlist_path, &extra.environment_target}) {
        bool remote = is_webdav(*p) || (is_unc(*p) && info.device_name.empty());
        if (remote) {
            out.finding(kNetworkTarget, clean(*p));
            break;
        }
    }
}

}  // namespace kagami::analyzers
