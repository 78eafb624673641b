// Internet Shortcut (.url) files: an INI text with an [InternetShortcut] section whose
// URL= is opened by a double click. Lures point it at file:// or \\host\share paths so
// that Explorer runs a remote executable without the Mark-of-the-Web prompt
// (CVE-2024-21412, CVE-2024-21351); IconFile= on a share leaks NTLM hashes when the
// folder is merely viewed.
#include "analyzers/url/url.h"

#include "analyzers/text_scan.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

namespace ts = textscan;

constexpr FindingKind kRemoteFile{
    "url.remote_file",
    "An Internet Shortcut opens a file on a remote share or file:// path, which runs it "
    "without the download warning",
    "T1204.002"};
constexpr FindingKind kIconRemote{
    "url.icon_remote",
    "An Internet Shortcut takes its icon from a remote share: viewing the folder sends the "
    "user's NTLM credentials to that host",
    "T1187"};

constexpr std::string_view kSection = "[InternetShortcut]";
constexpr std::string_view kPropertySection = "[{000214A0-0000-0000-C000-000000000046}]";
constexpr std::size_t kMaxLines = 10'000;

std::string_view skip_bom_and_space(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    while (!s.empty() && core::is_space(s.front())) s.remove_prefix(1);
    return s;
}

bool is_shortcut_header(std::string_view line) {
    line = core::trim(line);
    return core::istarts_with(line, kSection) || core::istarts_with(line, kPropertySection);
}

// A file:// URL, a \\UNC path, or a search-ms: query: the target is a file, not a page.
bool is_file_target(std::string_view url) {
    return core::istarts_with(url, "file:") || url.substr(0, 2) == "\\\\" ||
           url.substr(0, 2) == "//" || core::istarts_with(url, "search-ms:") ||
           core::istarts_with(url, "search:");
}

// An http(s) URL naming a WebDAV folder or an executable: Explorer maps it as a share.
bool is_webdav_executable(std::string_view url) {
    if (!core::istarts_with(url, "http://") && !core::istarts_with(url, "https://")) return false;
    if (core::ifind(url, "DavWWWRoot") != std::string_view::npos) return true;
    auto host = url.find("://") + 3;
    auto path = url.find('/', host);
    if (path == std::string_view::npos) return false;  // a bare host: "example.com" is no file
    return ts::is_executable_extension(ts::extension_of(url.substr(path)));
}

bool is_remote_path(std::string_view path) {
    return path.substr(0, 2) == "\\\\" || path.substr(0, 2) == "//" ||
           (core::istarts_with(path, "file://") && !core::istarts_with(path, "file:///")) ||
           core::istarts_with(path, "http://") || core::istarts_with(path, "https://");
}

}  // namespace

bool UrlAnalyzer::sniff(std::string_view bytes) const {
    std::string head = ts::to_utf8_text(bytes.substr(0, 4096), 4096);
    std::string_view s = skip_bom_and_space(head);
    if (is_shortcut_header(s.substr(0, s.find('\n')))) return true;
    // Other INI sections may come first; the file must still start like an INI file.
    if (s.empty() || s.front() != '[') return false;
    auto pos = core::ifind(s, kSection);
    return pos != std::string_view::npos && pos > 0 && s[pos - 1] == '\n';
}

void UrlAnalyzer::analyze(const Input& in, Output& out) const {
    out.set_type("url");
    std::string text = ts::to_utf8_text(in.bytes, out.context().limits().max_artifact_bytes);
    std::string_view s = skip_bom_and_space(text);
    enum class Section { other, shortcut };
    Section section = Section::other;
    bool saw_section = false;
    std::string target, icon;
    std::size_t lines = 0;
    while (!s.empty()) {
        if (++lines > kMaxLines || out.context().out_of_time()) {
            out.violation("more than " + std::to_string(kMaxLines) + " lines");
            break;
        }
        auto nl = s.find('\n');
        std::string_view line = core::trim(s.substr(0, nl));
        s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
        if (line.empty() || line.front() == ';') continue;
        if (line.front() == '[') {
            section = core::istarts_with(line, kSection) ? Section::shortcut : Section::other;
            saw_section = saw_section || section == Section::shortcut;
            continue;
        }
        if (section != Section::shortcut) continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view key = core::trim(line.substr(0, eq));
        std::string_view value = core::trim(line.substr(eq + 1));
        if (core::iequals(key, "URL")) {
            if (target.empty()) target = ts::clean(value, 4096);
            out.fact("url.target", ts::clean(value, 4096));
        } else if (core::iequals(key, "IconFile")) {
            if (icon.empty()) icon = ts::clean(value, 4096);
            out.fact("url.icon_file", ts::clean(value, 4096));
        } else if (core::iequals(key, "WorkingDirectory")) {
            out.fact("url.working_dir", ts::clean(value, 4096));
        }
    }
    if (!saw_section) out.violation("no [InternetShortcut] section");
    if (!target.empty() && (is_file_target(target) || is_webdav_executable(target)))
        out.finding(kRemoteFile, target);
    if (!icon.empty() && is_remote_path(icon)) out.finding(kIconRemote, icon);
}

}  // namespace kagami::analyzers
