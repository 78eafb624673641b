#include "analyzers/file_name.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "core/text.h"

namespace kagami::analyzers {
namespace {

constexpr FindingKind kBidi{"file.name.bidi",
                            "The file name contains a bidirectional control character that "
                            "makes the extension read backwards",
                            "T1036.002"};
constexpr FindingKind kDoubleExtension{
    "file.name.double_extension",
    "The file name shows a document extension before the real, executable one", "T1036.007"};
constexpr FindingKind kPadding{"file.name.padding",
                               "The file name is padded with blanks so that its real "
                               "extension is pushed out of sight",
                               "T1036"};
constexpr FindingKind kExecutableName{
    "file.name.executable", "An attachment has a file type Windows runs when it is opened",
    "T1204.002"};
constexpr FindingKind kDiskImage{"file.disk_image",
                                 "A disk image arrived by mail: files inside it lose the "
                                 "mark of the web",
                                 "T1553.005"};
constexpr FindingKind kDisguisedExecutable{
    "file.type_mismatch.executable",
    "The content is a program or shortcut but the name says it is another kind of file",
    "T1036.008"};

// Extensions Windows executes, or hands to an interpreter, on a double click.
constexpr std::array<std::string_view, 44> kRunnable{"exe",          "scr",
                                                     "com",          "pif",
                                                     "cpl",          "dll",
                                                     "msi",          "msp",
                                                     "msc",          "lnk",
                                                     "js",           "jse",
                                                     "vbs",          "vbe",
                                                     "wsf",          "wsh",
                                                     "wsc",          "hta",
                                                     "ps1",          "psm1",
                                                     "psd1",         "bat",
                                                     "cmd",          "jar",
                                                     "reg",          "chm",
                                                     "xll",          "inf",
                                                     "scf",          "url",
                                                     "gadget",       "application",
                                                     "appref-ms",    "settingcontent-ms",
                                                     "library-ms",   "search-ms",
                                                     "appx",         "msix",
                                                     "appinstaller", "iqy",
                                                     "slk",          "xlam",
                                                     "ocx",          "sys"};
constexpr std::array<std::string_view, 6> kDiskImages{"iso", "img", "vhd", "vhdx", "udf", "dmg"};
// What lures put before the real extension.
constexpr std::array<std::string_view, 26> kDecoy{
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "txt",  "jpg", "jpeg", "png", "gif",
    "hwp", "csv", "zip",  "rar", "7z",   "mp4", "mp3",  "htm", "html", "odt", "xml",  "jtd", "msg"};
// Content that runs when opened, and the extensions it may honestly carry.
constexpr std::array<std::string_view, 6> kExecutableTypes{"pe",    "dos-exe", "elf",
                                                           "macho", "lnk",     "msi"};
constexpr std::array<std::string_view, 14> kExecutableExtensions{"exe", "dll", "scr", "com", "pif",
                                                                 "cpl", "sys", "ocx", "drv", "efi",
                                                                 "lnk", "msi", "bin", "xll"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

std::string_view last_component(std::string_view name) {
    auto slash = name.find_last_of("/\\");
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string strip_trailing(std::string_view s) {
    while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.remove_suffix(1);
    return std::string(s);
}

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD for a bad byte.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
    auto c = static_cast<unsigned char>(s[i++]);
    if (c < 0x80) return c;
    int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (extra == 0) return 0xfffd;
    std::uint32_t cp = c & (0x3fu >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) return 0xfffd;
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3fu);
    }
    return cp;
}

bool is_bidi_control(std::uint32_t cp) {
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
           cp == 0x200f || cp == 0x061c;
}

bool is_blank(std::uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '_' || cp == 0x3000 || cp == 0x00a0 ||
           (cp >= 0x2000 && cp <= 0x200b) || cp == 0x2800;  // braille blank, a seen trick
}

// The name with bidi controls shown as <U+202E>, so the evidence reads in order.
std::string show_controls(std::string_view name, bool& found) {
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        std::size_t start = i;
        auto cp = next_code_point(name, i);
        if (is_bidi_control(cp)) {
            found = true;
            char buf[16];
            std::snprintf(buf, sizeof buf, "<U+%04X>", cp);
            out += buf;
        } else {
            out.append(name.substr(start, i - start));
        }
    }
    return out;
}

// Longest run of blank code points anywhere in the name.
std::size_t longest_blank_run(std::string_view name) {
    std::size_t best = 0, run = 0;
    for (std::size_t i = 0; i < name.size();) {
        auto cp = next_code_point(name, i);
        run = is_blank(cp) ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

}  // namespace

std::string file_extension(std::string_view name) {
    auto base = strip_trailing(last_component(name));
    auto dot = base.rfind('.');
    if (dot == std::string::npos || dot + 1 == base.size()) return {};
    auto ext = core::to_lower(std::string_view(base).substr(dot + 1));
    if (ext.size() > 20 || ext.find(' ') != std::string::npos) return {};
    return ext;
}

void check_file_name(std::string_view name, std::string_view type, std::string_view where,
                     std::vector<Fact>& facts, std::vector<Finding>& findings) {
    auto add = [&](const FindingKind& kind, std::string evidence) {
        findings.push_back(make_finding(kind, std::move(evidence), std::string(where)));
    };
    if (type == "iso9660" || type == "udf") add(kDiskImage, std::string(name));
    if (name.empty()) return;

    bool has_bidi = false;
    std::string shown = show_controls(name, has_bidi);
    if (has_bidi) add(kBidi, shown);

    auto base = strip_trailing(last_component(name));
    auto ext = file_extension(base);
    if (!ext.empty()) facts.push_back({"file.extension", ext});

    if (contains(kRunnable, ext)) {
        add(kExecutableName, shown);
        // "請求書.pdf.exe": the extension before the last one is a decoy.
        auto stem = std::string_view(base).substr(0, base.size() - ext.size() - 1);
        auto inner = file_extension(strip_trailing(stem));
        if (contains(kDecoy, inner)) add(kDoubleExtension, shown);
    }
    if (contains(kDiskImages, ext) && type != "iso9660" && type != "udf")
        add(kDiskImage, std::string(name));

    if (longest_blank_run(base) >= 8 && !ext.empty()) add(kPadding, shown);

    if (!ext.empty() && contains(kExecutableTypes, type) && !contains(kExecutableExtensions, ext))
        add(kDisguisedExecutable, shown + " is " + std::string(type));
}

}  // namespace kagami::analyzers
