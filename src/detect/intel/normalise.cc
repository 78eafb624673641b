// Refanging and normalisation: every indicator and every observation goes through the
// same functions, so that a feed's spelling and a message's spelling meet.
#include <arpa/inet.h>
#include <unicode/uidna.h>

#include <cstring>

#include "core/normalize.h"
#include "core/text.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}

// Replacement for a defang marker starting at text[i], with its length; {} when none.
struct Marker {
    std::size_t length = 0;
    char replacement = 0;
};

Marker marker_at(std::string_view text, std::size_t i) {
    char open = text[i];
    char close = open == '[' ? ']' : open == '(' ? ')' : '}';
    std::size_t end = text.find(close, i + 1);
    if (end == std::string_view::npos || end - i > 6) return {};
    std::string_view inner = core::trim(text.substr(i + 1, end - i - 1));
    std::size_t len = end - i + 1;
    if (inner == "." || core::iequals(inner, "dot")) return {len, '.'};
    if (inner == ":") return {len, ':'};
    if (inner == "/") return {len, '/'};
    if (inner == "@" || core::iequals(inner, "at")) return {len, '@'};
    return {};
}

UIDNA* idna() {
    // UTS #46 nontransitional: "ß" stays "ß" (IDNA2008), as registrars now do.
    static UIDNA* instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        UIDNA* u = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &status);
        return U_SUCCESS(status) ? u : nullptr;
    }();
    return instance;
}

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
        if (!is_alnum(c) && c != '-' && c != '_') return false;
    return true;
}

// Appends `part` with unreserved percent-escapes decoded and other escapes upper-cased.
void normalise_percent(std::string_view part, std::string& out) {
    for (std::size_t i = 0; i < part.size(); ++i) {
        char c = part[i];
        if (c == '%' && i + 2 < part.size() && core::hex_value(part[i + 1]) >= 0 &&
            core::hex_value(part[i + 2]) >= 0) {
            char v = char(core::hex_value(part[i + 1]) * 16 + core::hex_value(part[i + 2]));
            if (is_alnum(v) || v == '-' || v == '.' || v == '_' || v == '~') {
                out += v;
            } else {
                out += '%';
                out += char(std::toupper(static_cast<unsigned char>(part[i + 1])));
                out += char(std::toupper(static_cast<unsigned char>(part[i + 2])));
            }
            i += 2;
        } else {
            out += c;
        }
    }
}

// RFC 3986 5.2.4 remove_dot_segments on an absolute path.
std::string remove_dot_segments(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t i = 1;  // path starts with '/'
    bool trailing = false;
    while (i <= path.size()) {
        std::size_t end = path.find('/', i);
        if (end == std::string_view::npos) end = path.size();
        std::string_view seg = path.substr(i, end - i);
        trailing = false;
        if (seg == ".") {
            trailing = true;
        } else if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            trailing = true;
        } else {
            segments.push_back(seg);
        }
        i = end + 1;
    }
    std::string out;
    for (auto s : segments) {
        out += '/';
        out += s;
    }
    if (trailing || out.empty()) out += '/';
    return out;
}

bool all_hex(std::string_view s) {
    for (char c : s)
        if (core::hex_value(c) < 0) return false;
    return !s.empty();
}

}  // namespace

std::string refang(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        // hxxp://, hxxps://, fxp:// (also h**p, hXXp) at a word start.
        bool word_start = i == 0 || !is_alnum(text[i - 1]);
        if (word_start && (c == 'h' || c == 'H') && i + 4 <= text.size()) {
            std::string_view w = text.substr(i, 4);
            if ((core::iequals(w, "hxxp") || w == "h**p" || core::iequals(w, "hXXp")) &&
                (i + 4 == text.size() || text[i + 4] == ':' || text[i + 4] == 's' ||
                 text[i + 4] == 'S' || text[i + 4] == '[')) {
                out += "http";
                i += 4;
                continue;
            }
        }
        if (word_start && (c == 'f' || c == 'F') && i + 3 <= text.size() &&
            core::iequals(text.substr(i, 3), "fxp") &&
            (i + 3 == text.size() || text[i + 3] == ':' || text[i + 3] == '[' ||
             text[i + 3] == 's')) {
            out += "ftp";
            i += 3;
            continue;
        }
        if (c == '[' || c == '(' || c == '{') {
            Marker m = marker_at(text, i);
            if (m.length) {
                out += m.replacement;
                i += m.length;
                continue;
            }
        }
        out += c;
        ++i;
    }
    return out;
}

std::optional<std::string> normalise_domain(std::string_view host) {
    host = core::trim(host);
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (host.empty() || host.size() > 253 * 4) return std::nullopt;
    std::string out;
    bool ascii = true;
    for (char c : host)
        if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    if (ascii) {
        out = core::to_lower(host);
    } else {
        UIDNA* u = idna();
        if (!u) return std::nullopt;
        char buffer[512];
        UIDNAInfo info = UIDNA_INFO_INITIALIZER;
        UErrorCode status = U_ZERO_ERROR;
        int32_t n = uidna_nameToASCII_UTF8(u, host.data(), int32_t(host.size()), buffer,
                                           int32_t(sizeof buffer), &info, &status);
        // Hyphen and label-length errors are tolerated (real phishing hosts break them).
        std::uint32_t fatal =
            info.errors & ~std::uint32_t(UIDNA_ERROR_HYPHEN_3_4 | UIDNA_ERROR_LEADING_HYPHEN |
                                         UIDNA_ERROR_TRAILING_HYPHEN);
        if (U_FAILURE(status) || n <= 0 || fatal) return std::nullopt;
        out = core::to_lower(std::string_view(buffer, std::size_t(n)));
    }
    if (out.size() > 253) return std::nullopt;
    std::size_t labels = 0;
    for (std::size_t i = 0; i <= out.size();) {
        std::size_t end = out.find('.', i);
        if (end == std::string::npos) end = out.size();
        if (!valid_label(std::string_view(out).substr(i, end - i))) return std::nullopt;
        ++labels;
        i = end + 1;
    }
    // The last label must not be all digits (that would be an IPv4 address).
    std::size_t last = out.rfind('.');
    bool digits = true;
    for (std::size_t i = last + 1; i < out.size(); ++i)
        if (!is_digit(out[i])) digits = false;
    if (labels < 2 || digits) return std::nullopt;
    return out;
}

std::optional<NormalIp> normalise_ip(std::string_view ip, bool allow_prefix) {
    ip = core::trim(ip);
    int prefix = -1;
    if (std::size_t slash = ip.find('/'); slash != std::string_view::npos) {
        if (!allow_prefix) return std::nullopt;
        std::string_view p = ip.substr(slash + 1);
        if (p.empty() || p.size() > 3) return std::nullopt;
        prefix = 0;
        for (char c : p) {
            if (!is_digit(c)) return std::nullopt;
            prefix = prefix * 10 + (c - '0');
        }
        ip = ip.substr(0, slash);
    }
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char z[INET6_ADDRSTRLEN + 1];
    std::memcpy(z, ip.data(), ip.size());
    z[ip.size()] = 0;
    NormalIp out;
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, z, out.bytes.data()) == 1) {
        out.type = IndicatorType::ipv4;
        if (prefix > 32) return std::nullopt;
    } else if (inet_pton(AF_INET6, z, out.bytes.data()) == 1) {
        static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(out.bytes.data(), mapped, 12) == 0 && prefix < 0) {
            std::memmove(out.bytes.data(), out.bytes.data() + 12, 4);
            out.type = IndicatorType::ipv4;
        } else {
            out.type = IndicatorType::ipv6;
            if (prefix > 128) return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    int bits = out.type == IndicatorType::ipv4 ? 32 : 128;
    if (prefix == bits) prefix = -1;
    if (prefix >= 0) {
        // Clear host bits so that 10.1.2.3/8 and 10.0.0.0/8 are the same network.
        for (int b = prefix; b < bits; ++b)
            out.bytes[std::size_t(b / 8)] &= std::uint8_t(~(0x80 >> (b % 8)));
    }
    out.prefix = prefix;
    int family = out.type == IndicatorType::ipv4 ? AF_INET : AF_INET6;
    if (!inet_ntop(family, out.bytes.data(), text, sizeof text)) return std::nullopt;
    out.text = text;
    if (prefix >= 0) {
        out.text += '/';
        out.text += std::to_string(prefix);
    }
    return out;
}

std::optional<NormalUrl> normalise_url(std::string_view url) {
    url = core::trim(url);
    std::size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 16) return std::nullopt;
    std::string scheme = core::to_lower(url.substr(0, colon));
    for (char c : scheme)
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
    if (url.substr(colon + 1, 2) != "//") return std::nullopt;
    std::string_view rest = url.substr(colon + 3);
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    std::size_t auth_end = first_of(rest, "/?");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view tail =
        auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
    std::string userinfo;
    if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        userinfo = std::string(authority.substr(0, at + 1));
        authority = authority.substr(at + 1);
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return std::nullopt;
            port = authority.substr(close + 2);
        }
    } else if (std::size_t c = authority.rfind(':'); c != std::string_view::npos) {
        host = authority.substr(0, c);
        port = authority.substr(c + 1);
    }
    for (char c : port)
        if (!is_digit(c)) return std::nullopt;
    while (!port.empty() && port.front() == '0' && port.size() > 1) port.remove_prefix(1);
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443") ||
        (scheme == "ftp" && port == "21"))
        port = {};
    NormalUrl out;
    if (auto ip = normalise_ip(host, false)) {
        out.host = ip->text;
    } else {
        std::string decoded;
        normalise_percent(host, decoded);  // %2E in hosts is an old evasion
        auto d = normalise_domain(decoded);
        if (!d) {
            // Single-label hosts (intranet names) are kept lower-cased.
            std::string lower = core::to_lower(decoded);
            if (lower.empty() || first_of(lower, " <>\"") != std::string::npos) return std::nullopt;
            if (!lower.empty() && lower.back() == '.') lower.pop_back();
            d = lower;
        }
        out.host = *d;
    }
    out.url = scheme + "://" + userinfo;
    out.url += out.host.find(':') != std::string::npos ? "[" + out.host + "]" : out.host;
    if (!port.empty()) out.url += ":" + std::string(port);
    std::string_view path = tail, query;
    if (std::size_t q = tail.find('?'); q != std::string_view::npos) {
        path = tail.substr(0, q);
        query = tail.substr(q);
    }
    std::string p;
    normalise_percent(path, p);
    if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
    out.url += remove_dot_segments(p);
    if (!query.empty()) normalise_percent(query, out.url);
    return out;
}

std::optional<std::string> normalise_email(std::string_view address) {
    address = core::trim(address);
    if (core::istarts_with(address, "mailto:")) address.remove_prefix(7);
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
        address = address.substr(1, address.size() - 2);
    std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64) return std::nullopt;
    std::string_view local = address.substr(0, at);
    for (char c : local)
        if (c == ' ' || c == '<' || c == '>' || c == '@' || c == ',' || c == ';')
            return std::nullopt;
    auto domain = normalise_domain(address.substr(at + 1));
    if (!domain) return std::nullopt;
    return core::to_lower(local) + "@" + *domain;
}

std::optional<IndicatorType> hash_type(std::size_t length) {
    switch (length) {
        case 32:
            return IndicatorType::md5;
        case 40:
            return IndicatorType::sha1;
        case 64:
            return IndicatorType::sha256;
        default:
            return std::nullopt;
    }
}

std::optional<std::string> normalise_hash(std::string_view hex) {
    hex = core::trim(hex);
    if (!hash_type(hex.size()) || !all_hex(hex)) return std::nullopt;
    return core::to_lower(hex);
}

std::optional<std::string> normalise_file_name(std::string_view name) {
    name = core::trim(name);
    if (std::size_t slash = name.find_last_of("/\\"); slash != std::string_view::npos)
        name = name.substr(slash + 1);
    name = core::trim(name);
    if (name.empty() || name.size() > 1024) return std::nullopt;
    bool ascii = true;
    for (char c : name) {
        if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
        if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    }
    // NFKC_Casefold of ASCII is its lower case: skip ICU on the common path.
    if (ascii) return core::to_lower(name);
    std::string folded = core::fold_for_match(name);
    if (folded.empty()) return std::nullopt;
    return folded;
}

bool looks_like_regex(std::string_view v) {
    static constexpr std::string_view tokens[] = {"\\.", ".*",  ".+",  "\\\\", "(?",  "\\d",
                                                  "\\w", "\\s", "[a-", "[0-",  "{1,", "|"};
    for (auto t : tokens)
        if (v.find(t) != std::string_view::npos) return true;
    return (!v.empty() && (v.front() == '^' || v.back() == '$'));
}

std::optional<IndicatorType> infer_type(std::string_view v) {
    v = core::trim(v);
    if (v.empty() || v.size() > 8192) return std::nullopt;
    if (all_hex(v)) return hash_type(v.size());
    if (v.find("://") != std::string_view::npos) {
        if (normalise_url(v) && v.find(' ') == std::string_view::npos) return IndicatorType::url;
        return std::nullopt;
    }
    if (auto ip = normalise_ip(v, true)) return ip->type;
    if (v.find(' ') == std::string_view::npos && v.find('@') != std::string_view::npos)
        return normalise_email(v) ? std::optional(IndicatorType::email) : std::nullopt;
    // File names: an extension people attach or drop, or characters no host has.
    std::size_t dot = v.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == v.size()) return std::nullopt;
    std::string ext = core::to_lower(v.substr(dot + 1));
    static constexpr std::string_view file_exts[] = {
        "exe",  "dll",  "lnk", "js",   "jse",  "vbs", "vbe", "wsf",  "hta",  "ps1", "bat",  "cmd",
        "scr",  "pif",  "com", "cpl",  "msi",  "jar", "doc", "docx", "docm", "dot", "dotm", "xls",
        "xlsx", "xlsm", "ppt", "pptx", "pdf",  "rtf", "zip", "rar",  "7z",   "iso", "img",  "vhd",
        "vhdx", "one",  "chm", "cab",  "db",   "dat", "sys", "tmp",  "txt",  "bin", "ocx",  "lzh",
        "gz",   "tar",  "xll", "wll",  "html", "htm", "svg", "eml",  "msg",  "ini", "log",  "iqy",
        "url",  "inf",  "reg", "cab",  "pyc",  "py",  "sh"};
    bool file_ext = false;
    for (auto e : file_exts)
        if (ext == e) file_ext = true;
    bool host_chars = true;
    for (char c : v)
        if (!is_alnum(c) && c != '.' && c != '-') host_chars = false;
    // ".com" is both: a bare "x.com" is a domain, "setup_x.com" (underscore) a file.
    if (host_chars && normalise_domain(v) && (!file_ext || ext == "com"))
        return IndicatorType::domain;
    if (v.find('/') != std::string_view::npos && host_chars) return std::nullopt;
    if (file_ext || !host_chars) {
        for (char c : ext)
            if (!is_alnum(c)) return std::nullopt;
        if (ext.size() > 8) return std::nullopt;
        return IndicatorType::file_name;
    }
    if (normalise_domain(v)) return IndicatorType::domain;
    return std::nullopt;
}

std::optional<std::string> normalise(IndicatorType type, std::string_view value) {
    switch (type) {
        case IndicatorType::domain:
            return normalise_domain(value);
        case IndicatorType::url:
            if (auto u = normalise_url(value)) return std::move(u->url);
            return std::nullopt;
        case IndicatorType::ipv4:
        case IndicatorType::ipv6:
            if (auto ip = normalise_ip(value, false); ip && ip->type == type)
                return std::move(ip->text);
            return std::nullopt;
        case IndicatorType::email:
            return normalise_email(value);
        case IndicatorType::md5:
        case IndicatorType::sha1:
        case IndicatorType::sha256:
            if (auto h = normalise_hash(value); h && hash_type(h->size()) == type) return h;
            return std::nullopt;
        case IndicatorType::file_name:
            return normalise_file_name(value);
    }
    return std::nullopt;
}

}  // namespace kagami::detect::intel
