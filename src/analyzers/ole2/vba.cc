#include "analyzers/ole2/vba.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <set>
#include <unordered_map>

#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers::vba {
namespace {

// ---- findings --------------------------------------------------------------------------------

constexpr FindingKind kMacro{"vba.macro", "The document carries a VBA macro project with code",
                             "T1059.005"};
constexpr FindingKind kAutoExec{
    "vba.auto_exec", "A VBA macro runs by itself when the document is opened, closed or shown",
    "T1204.002"};
constexpr FindingKind kAutoExecSuspicious{
    "vba.auto_exec_suspicious",
    "A macro that runs by itself when the document opens runs commands, downloads or "
    "injects code",
    "T1059.005,T1204.002"};
constexpr FindingKind kSuspicious{
    "vba.suspicious",
    "The VBA code uses calls malware uses to run commands, download or drop files", "T1059.005"};
constexpr FindingKind kObfuscated{
    "vba.obfuscated",
    "The VBA code hides commands, file names or URLs in Chr() chains, hex or base64 strings",
    "T1027"};
constexpr FindingKind kDownload{"vba.download", "The VBA code downloads from a URL", "T1105"};
constexpr FindingKind kLimitBytes{
    "limit.ole2.vba_bytes",
    "The VBA project decompresses to more than the byte limit; the rest was not analysed", "T1027"};
constexpr FindingKind kLimitAnalysis{
    "limit.ole2.vba_analysis",
    "The VBA code is longer than is analysed; only its start was searched", "T1027"};
constexpr FindingKind kLimitItems{
    "limit.ole2.vba_items",
    "The VBA code holds more encoded strings or indicators than are reported", "T1027"};

// Errors and facts per project beyond which the rest are dropped (and counted as a limit).
constexpr std::size_t kMaxErrors = 50;
constexpr std::size_t kMaxItems = 200;
constexpr std::size_t kMaxModules = 4096;
constexpr std::size_t kMaxFactChars = 400;
// Source bytes searched per module and per project: real macros are well under 1 MiB, and
// the token list costs about 64 bytes per token.
constexpr std::size_t kMaxAnalyzedModule = 4u << 20;
constexpr std::size_t kMaxAnalyzedProject = 16u << 20;

// ---- decompression (MS-OVBA 2.4.1) -----------------------------------------------------------

constexpr std::size_t kChunkSize = 4096;

struct Decompressed {
    std::string data;
    bool damaged = false;    // a chunk or token did not follow the format
    bool truncated = false;  // stopped at max_out with input left
    std::size_t damage_at = 0;
};

// ceil(log2(n)) for n >= 1.
unsigned ceil_log2(std::size_t n) {
    unsigned bits = 0;
    while ((std::size_t{1} << bits) < n) ++bits;
    return bits;
}

std::optional<Decompressed> decompress_container(std::string_view container, std::size_t max_out) {
    core::ByteReader r(container);
    auto signature = r.u8();
    if (!signature || *signature != 0x01) return std::nullopt;
    Decompressed d;
    auto& out = d.data;
    auto damage = [&](std::size_t at) {
        d.damaged = true;
        d.damage_at = at;
    };
    while (!r.empty()) {
        if (out.size() >= max_out) {
            d.truncated = true;
            break;
        }
        std::size_t chunk_at = r.pos();
        auto header = r.u16();
        if (!header) {
            damage(chunk_at);  // one stray byte after the last chunk
            break;
        }
        if (((*header >> 12) & 0x7) != 0x3) {
            damage(chunk_at);
            break;
        }
        const std::size_t chunk_start = out.size();
        if ((*header & 0x8000) == 0) {
            // Raw chunk: 4096 bytes stored as is (fewer if the stream ends early).
            std::size_t n = std::min<std::size_t>(kChunkSize, r.remaining());
            auto raw = *r.bytes(n);
            out.append(raw.substr(0, std::min(n, max_out - out.size())));
            if (n < kChunkSize) damage(chunk_at);
            continue;
        }
        std::size_t data_size = (*header & 0x0FFF) + 1;  // CompressedChunkSize + 3 - header
        if (data_size > r.remaining()) {
            damage(chunk_at);  // decode what is there, then stop
            data_size = r.remaining();
        }
        core::ByteReader c(*r.bytes(data_size));
        bool stop = false;
        while (!c.empty() && !stop) {
            std::uint8_t flags = *c.u8();
            for (int bit = 0; bit < 8 && !c.empty(); ++bit) {
                if (out.size() >= max_out) {
                    d.truncated = true;
                    stop = true;
                    break;
                }
                if (((flags >> bit) & 1) == 0) {
                    out.push_back(static_cast<char>(*c.u8()));
                    continue;
                }
                std::size_t token_at = chunk_at + 2 + c.pos();
                auto token = c.u16();
                std::size_t difference = out.size() - chunk_start;
                if (!token || difference == 0 || difference > kChunkSize) {
                    damage(token_at);
                    stop = true;
                    break;
                }
                unsigned bit_count = std::max(ceil_log2(difference), 4u);
                std::uint16_t length_mask = static_cast<std::uint16_t>(0xFFFFu >> bit_count);
                std::size_t length = (*token & length_mask) + 3u;
                std::size_t offset = (static_cast<std::size_t>(*token) >> (16 - bit_count)) + 1;
                if (offset > difference) {  // reaches before the chunk's start
                    damage(token_at);
                    stop = true;
                    break;
                }
                // Byte by byte: the copy may overlap what it produces (run-length).
                std::size_t from = out.size() - offset;
                for (std::size_t k = 0; k < length && out.size() < max_out; ++k)
                    out.push_back(out[from + k]);
            }
        }
        if (d.damaged || d.truncated) break;
    }
    if (out.size() > max_out) out.resize(max_out);
    return d;
}

// ---- code pages ------------------------------------------------------------------------------

// Windows-1252 0x80..0x9F; the five unassigned bytes map to the C1 code point.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::uint32_t cp1252_char(unsigned char c) {
    return (c >= 0x80 && c < 0xA0) ? kCp1252High[c - 0x80] : c;
}

std::string from_cp1252(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (char ch : s) core::append_utf8(out, cp1252_char(static_cast<unsigned char>(ch)));
    return out;
}

void append_escaped_byte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    out += buf;
}

std::string escape_non_ascii(std::string_view s) {
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            out.push_back(ch);
        else
            append_escaped_byte(out, c);
    }
    return out;
}

std::string iconv_name(unsigned cp) {
    switch (cp) {
        case 10000:
            return "MACINTOSH";
        case 20127:
            return "ASCII";
        case 20932:
        case 51932:
            return "EUC-JP";
        case 50220:
        case 50221:
        case 50222:
            return "ISO-2022-JP";
        case 20866:
            return "KOI8-R";
        case 54936:
            return "GB18030";
        default:
            break;
    }
    if (cp >= 28591 && cp <= 28606) return "ISO-8859-" + std::to_string(cp - 28590);
    return "CP" + std::to_string(cp);
}

// glibc iconv: present in libc itself, so no library is linked for it. Bytes it cannot
// convert are escaped one at a time and conversion goes on after them.
std::optional<std::string> via_iconv(std::string_view s, unsigned cp) {
    iconv_t cd = iconv_open("UTF-8", iconv_name(cp).c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out;
    out.reserve(s.size() + s.size() / 2);
    char* in = const_cast<char*>(s.data());
    std::size_t in_left = s.size();
    char buf[4096];
    while (in_left > 0) {
        char* o = buf;
        std::size_t o_left = sizeof buf;
        std::size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
        int err = errno;
        out.append(buf, static_cast<std::size_t>(o - buf));
        if (rc != static_cast<std::size_t>(-1)) continue;
        if (err == E2BIG && o != buf) continue;
        append_escaped_byte(out, static_cast<unsigned char>(*in));
        ++in;
        --in_left;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
    char* o = buf;
    std::size_t o_left = sizeof buf;
    iconv(cd, nullptr, nullptr, &o, &o_left);  // shift back for stateful encodings
    out.append(buf, static_cast<std::size_t>(o - buf));
    iconv_close(cd);
    return out;
}

// ---- fact values -----------------------------------------------------------------------------

// Valid UTF-8 with control characters escaped; `multiline` keeps \n and \t (source code).
std::string clean(std::string_view s, bool multiline, std::size_t max_chars) {
    std::string valid = core::sanitize_utf8(s);
    std::string out;
    out.reserve(std::min(valid.size(), max_chars) + 8);
    for (std::size_t i = 0; i < valid.size(); ++i) {
        if (out.size() >= max_chars) {
            // Do not cut inside a UTF-8 sequence.
            while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
                out.pop_back();
            if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
            out += "...";
            break;
        }
        auto c = static_cast<unsigned char>(valid[i]);
        if (c == '\r') {
            if (multiline) {
                if (i + 1 < valid.size() && valid[i + 1] == '\n') continue;
                out.push_back('\n');
            } else {
                out += "\\r";
            }
        } else if (c == '\n') {
            out += multiline ? "\n" : "\\n";
        } else if (c == '\t') {
            out.push_back(multiline ? '\t' : ' ');
        } else if (c < 0x20 || c == 0x7F) {
            append_escaped_byte(out, c);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

std::string one_line(std::string_view s) {
    return clean(s, false, kMaxFactChars);
}

// ---- dir stream (MS-OVBA 2.3.4.2) ------------------------------------------------------------

std::string hex4(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04X", v & 0xFFFFu);
    return buf;
}

struct PendingModule {
    std::string name, name_unicode, stream, stream_unicode;
    std::optional<std::uint32_t> offset;
    bool document = false;
};

struct DirRecords {
    unsigned code_page = 0;
    std::string name_bytes;
    std::vector<std::string> reference_bytes;  // in the project code page
    std::vector<PendingModule> modules;
};

// A libid inside a record: u32 size, then that many bytes.
std::optional<std::string_view> sized_string(core::ByteReader& r) {
    auto n = r.u32();
    if (!n) return std::nullopt;
    return r.bytes(*n);
}

void parse_dir(std::string_view dir, DirRecords& d, std::vector<std::string>& errors) {
    auto error = [&](std::string what) {
        if (errors.size() < kMaxErrors) errors.push_back("dir: " + std::move(what));
    };
    core::ByteReader r(dir);
    std::optional<PendingModule> cur;
    bool terminated = false;
    auto finish_module = [&]() {
        if (!cur) return;
        if (d.modules.size() < kMaxModules)
            d.modules.push_back(std::move(*cur));
        else if (d.modules.size() == kMaxModules)
            error("more than " + std::to_string(kMaxModules) + " modules; the rest were skipped");
        cur.reset();
    };
    while (!r.empty()) {
        std::size_t at = r.pos();
        auto id = r.u16();
        auto size = r.u32();
        if (!id || !size) {
            error("truncated record header at offset " + std::to_string(at));
            break;
        }
        if (*id == 0x0009) {
            // PROJECTVERSION: Reserved (4) where a size would be, then 6 bytes of version.
            if (*size != 4) error("PROJECTVERSION reserved field is " + std::to_string(*size));
            if (!r.skip(6)) {
                error("truncated PROJECTVERSION at offset " + std::to_string(at));
                break;
            }
            continue;
        }
        auto data = r.bytes(*size);
        if (!data) {
            error("record " + hex4(*id) + " at offset " + std::to_string(at) + " claims " +
                  std::to_string(*size) + " bytes, " + std::to_string(r.remaining()) + " remain");
            break;
        }
        core::ByteReader rec(*data);
        auto want_size = [&](std::uint32_t n, const char* what) {
            if (*size == n) return true;
            error(std::string(what) + " has size " + std::to_string(*size) + ", expected " +
                  std::to_string(n));
            return false;
        };
        switch (*id) {
            case 0x0001:
                want_size(4, "PROJECTSYSKIND");
                break;
            case 0x004A:
                want_size(4, "PROJECTCOMPATVERSION");
                break;
            case 0x0002:
                want_size(4, "PROJECTLCID");
                break;
            case 0x0014:
                want_size(4, "PROJECTLCIDINVOKE");
                break;
            case 0x0003:
                if (want_size(2, "PROJECTCODEPAGE")) d.code_page = *rec.u16();
                break;
            case 0x0004:
                d.name_bytes = std::string(*data);
                break;
            case 0x0005:  // PROJECTDOCSTRING and its Unicode half
            case 0x0040:
            case 0x0006:  // PROJECTHELPFILEPATH, both halves
            case 0x003D:
            case 0x000C:  // PROJECTCONSTANTS and its Unicode half
            case 0x003C:
            case 0x0016:  // REFERENCENAME and its Unicode half
            case 0x003E:
                break;
            case 0x0007:
                want_size(4, "PROJECTHELPCONTEXT");
                break;
            case 0x0008:
                want_size(4, "PROJECTLIBFLAGS");
                break;
            case 0x000D:    // REFERENCEREGISTERED: Libid, Reserved1, Reserved2
            case 0x002F:    // REFERENCECONTROL, twiddled part
            case 0x0030: {  // REFERENCECONTROL, extended part
                auto libid = sized_string(rec);
                if (libid)
                    d.reference_bytes.emplace_back(*libid);
                else
                    error("reference record " + hex4(*id) + " has a libid past its end");
                break;
            }
            case 0x0033:
                d.reference_bytes.emplace_back(*data);
                break;      // REFERENCEORIGINAL
            case 0x000E: {  // REFERENCEPROJECT: absolute and relative libids, version
                auto absolute = sized_string(rec);
                auto relative = absolute ? sized_string(rec) : std::nullopt;
                if (absolute) d.reference_bytes.emplace_back(*absolute);
                if (relative && !relative->empty() && *relative != *absolute)
                    d.reference_bytes.emplace_back(*relative);
                if (!relative) error("REFERENCEPROJECT has a libid past its end");
                break;
            }
            case 0x000F:
                want_size(2, "PROJECTMODULES");
                break;
            case 0x0013:
                want_size(2, "PROJECTCOOKIE");
                break;
            case 0x0019:  // MODULENAME starts a module
                if (cur) {
                    error("module '" + one_line(cur->name) + "' has no terminator");
                    finish_module();
                }
                cur.emplace();
                cur->name = std::string(*data);
                break;
            case 0x0047:
            case 0x001A:
            case 0x0032:
            case 0x0031:
            case 0x0021:
            case 0x0022:
                if (!cur) {
                    error("module record " + hex4(*id) + " outside a module");
                    break;
                }
                if (*id == 0x0047) cur->name_unicode = core::utf16_to_utf8(*data);
                if (*id == 0x001A) cur->stream = std::string(*data);
                if (*id == 0x0032) cur->stream_unicode = core::utf16_to_utf8(*data);
                if (*id == 0x0031 && want_size(4, "MODULEOFFSET")) cur->offset = *rec.u32();
                if (*id == 0x0022) cur->document = true;
                if (*id == 0x0021) cur->document = false;
                break;
            case 0x001C:  // MODULEDOCSTRING, both halves
            case 0x0048:
            case 0x001E:  // MODULEHELPCONTEXT
            case 0x002C:  // MODULECOOKIE
            case 0x0025:  // MODULEREADONLY
            case 0x0028:  // MODULEPRIVATE
                break;
            case 0x002B:  // module terminator
                if (!cur) error("module terminator outside a module");
                finish_module();
                break;
            case 0x0010:
                terminated = true;
                break;
            default:
                error("unknown record " + hex4(*id) + " at offset " + std::to_string(at));
                break;
        }
        if (terminated) break;
    }
    if (cur) {
        error("module '" + one_line(cur->name) + "' has no terminator");
        finish_module();
    }
    if (!terminated) error("no terminator record");
}

}  // namespace

// ---- public: decompress, code pages, read_project --------------------------------------------

std::optional<std::string> decompress(std::string_view container, std::size_t max_out) {
    auto d = decompress_container(container, max_out);
    if (!d) return std::nullopt;
    return std::move(d->data);
}

std::string to_utf8(std::string_view text, unsigned code_page) {
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return std::string(text);
    switch (code_page) {
        case 65001:
            return core::sanitize_utf8(text);
        case 1200:
            return core::utf16_to_utf8(text);
        case 0:  // unknown: the Western default
        case 1252:
        case 28591:
            return from_cp1252(text);
        default:
            break;
    }
    if (auto s = via_iconv(text, code_page)) return *s;
    return escape_non_ascii(text);
}

bool has_code(std::string_view code) {
    std::size_t pos = 0;
    while (pos < code.size()) {
        std::size_t eol = code.find_first_of("\r\n", pos);
        if (eol == std::string_view::npos) eol = code.size();
        auto line = core::trim(code.substr(pos, eol - pos));
        pos = eol + 1;
        if (line.empty() || line.front() == '\'') continue;
        if (core::istarts_with(line, "Attribute VB_") || core::istarts_with(line, "Option ") ||
            core::iequals(line, "Rem") || core::istarts_with(line, "Rem "))
            continue;
        return true;
    }
    return false;
}

Project read_project(const std::function<std::optional<std::string>(std::string_view)>& read_stream,
                     std::size_t max_bytes) {
    Project p;
    auto error = [&](std::string what) {
        if (p.errors.size() < kMaxErrors) p.errors.push_back(std::move(what));
    };
    auto dir_stream = read_stream("dir");
    if (!dir_stream) {
        error("no dir stream");
        return p;
    }
    auto dir = decompress_container(*dir_stream, max_bytes);
    if (!dir) {
        error("dir stream is not a compressed container");
        return p;
    }
    if (dir->damaged)
        error("dir stream: damaged compressed data at offset " + std::to_string(dir->damage_at));
    if (dir->truncated) p.truncated = true;
    std::size_t budget = max_bytes - std::min(max_bytes, dir->data.size());

    DirRecords d;
    parse_dir(dir->data, d, p.errors);
    p.code_page = d.code_page;
    p.name = to_utf8(d.name_bytes, d.code_page);
    for (const auto& ref : d.reference_bytes) p.references.push_back(to_utf8(ref, d.code_page));

    for (auto& pm : d.modules) {
        Module m;
        m.name = !pm.name_unicode.empty() ? pm.name_unicode : to_utf8(pm.name, d.code_page);
        std::string mbcs_stream = to_utf8(pm.stream, d.code_page);
        m.stream = !pm.stream_unicode.empty() ? pm.stream_unicode : mbcs_stream;
        m.document = pm.document;
        const std::string label = "module '" + one_line(m.name) + "'";
        if (m.stream.empty()) {
            error(label + ": no MODULESTREAMNAME");
            p.modules.push_back(std::move(m));
            continue;
        }
        auto bytes = read_stream(m.stream);
        if (!bytes && mbcs_stream != m.stream && !mbcs_stream.empty())
            bytes = read_stream(mbcs_stream);
        if (!bytes) {
            error(label + ": stream '" + one_line(m.stream) + "' is missing");
        } else if (!pm.offset) {
            error(label + ": no MODULEOFFSET");
        } else if (*pm.offset >= bytes->size()) {
            error(label + ": MODULEOFFSET " + std::to_string(*pm.offset) +
                  " is past the end of its " + std::to_string(bytes->size()) + "-byte stream");
        } else if (budget == 0) {
            p.truncated = true;
        } else {
            auto src = decompress_container(std::string_view(*bytes).substr(*pm.offset), budget);
            if (!src) {
                error(label + ": no compressed source at MODULEOFFSET " +
                      std::to_string(*pm.offset));
            } else {
                if (src->damaged)
                    error(label + ": damaged compressed source at offset " +
                          std::to_string(*pm.offset + src->damage_at));
                if (src->truncated) p.truncated = true;
                budget -= std::min(budget, src->data.size());
                m.code = to_utf8(src->data, d.code_page);
            }
        }
        p.modules.push_back(std::move(m));
    }
    return p;
}

// ---- analysis --------------------------------------------------------------------------------

namespace {

enum class Tok { ident, number, string, op, eol };

struct Token {
    Tok kind;
    std::size_t begin = 0, end = 0;  // in the code
    std::string_view text;           // identifier, number literal, or unescaped string
};

// Tokens view the code; strings with "" escapes view their unescaped copy in `unescaped`
// (a deque: its elements never move).
struct Lexed {
    std::vector<Token> toks;
    std::deque<std::string> unescaped;
};

bool is_word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A VBA lexer good enough for keyword, string and Chr() analysis: comments (' and Rem)
// are dropped, strings unescaped, " _" line continuations joined.
Lexed tokenize(std::string_view code) {
    Lexed lexed;
    auto& toks = lexed.toks;
    toks.reserve(code.size() / 6);
    std::size_t i = 0;
    const std::size_t n = code.size();
    auto statement_start = [&]() {
        return toks.empty() || toks.back().kind == Tok::eol ||
               (toks.back().kind == Tok::op && toks.back().text == ":");
    };
    auto skip_to_eol = [&]() {
        while (i < n && code[i] != '\r' && code[i] != '\n') ++i;
    };
    while (i < n) {
        char c = code[i];
        if (c == '\r' || c == '\n') {
            if (toks.empty() || toks.back().kind != Tok::eol)
                toks.push_back({Tok::eol, i, i + 1, ""});
            ++i;
        } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\0') {
            ++i;
        } else if (c == '\'') {
            skip_to_eol();
        } else if (c == '"') {
            Token t{Tok::string, i, i, {}};
            ++i;
            const std::size_t content = i;
            bool escaped = false, closed = false;
            while (i < n && code[i] != '\r' && code[i] != '\n') {
                if (code[i] == '"') {
                    if (i + 1 < n && code[i + 1] == '"') {
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                ++i;
            }
            t.end = i;
            std::string_view raw = code.substr(content, i - content - (closed ? 1 : 0));
            if (escaped) {
                std::string& u = lexed.unescaped.emplace_back();
                for (std::size_t k = 0; k < raw.size(); ++k) {
                    u.push_back(raw[k]);
                    if (raw[k] == '"') ++k;  // "" -> "
                }
                t.text = u;
            } else {
                t.text = raw;
            }
            toks.push_back(t);
        } else if (c == '[') {
            // [Bracketed identifier]
            std::size_t close = code.find_first_of("]\r\n", i + 1);
            if (close == std::string_view::npos) close = n;
            toks.push_back(
                {Tok::ident, i, std::min(close + 1, n), code.substr(i + 1, close - i - 1)});
            i = std::min(close + 1, n);
        } else if (is_word_byte(static_cast<unsigned char>(c)) && !is_digit(c)) {
            std::size_t start = i;
            while (i < n && is_word_byte(static_cast<unsigned char>(code[i]))) ++i;
            if (i < n && code[i] == '$') ++i;  // Chr$, Mid$
            std::string_view word = code.substr(start, i - start);
            if (word == "_") {
                // Line continuation when only blanks follow on the line.
                std::size_t j = i;
                while (j < n && (code[j] == ' ' || code[j] == '\t')) ++j;
                if (j >= n || code[j] == '\r' || code[j] == '\n') {
                    while (j < n && (code[j] == '\r' || code[j] == '\n')) {
                        if (code[j] == '\n') {
                            ++j;
                            break;
                        }
                        ++j;
                    }
                    i = j;
                    continue;
                }
            }
            if (core::iequals(word, "Rem") && statement_start()) {
                skip_to_eol();
                continue;
            }
            toks.push_back({Tok::ident, start, i, word});
        } else if (is_digit(c)) {
            std::size_t start = i;
            while (i < n && (is_digit(code[i]) || code[i] == '.')) ++i;
            toks.push_back({Tok::number, start, i, code.substr(start, i - start)});
        } else if (c == '&' && i + 2 < n && (code[i + 1] == 'H' || code[i + 1] == 'h') &&
                   is_hex(code[i + 2])) {
            std::size_t start = i;
            i += 2;
            while (i < n && is_hex(code[i])) ++i;
            if (i < n && code[i] == '&') ++i;  // &HFF& (Long)
            toks.push_back({Tok::number, start, i, code.substr(start, i - start)});
        } else if (c == '&' && i + 2 < n && (code[i + 1] == 'O' || code[i + 1] == 'o') &&
                   code[i + 2] >= '0' && code[i + 2] <= '7') {
            std::size_t start = i;
            i += 2;
            while (i < n && code[i] >= '0' && code[i] <= '7') ++i;
            toks.push_back({Tok::number, start, i, code.substr(start, i - start)});
        } else {
            toks.push_back({Tok::op, i, i + 1, code.substr(i, 1)});
            ++i;
        }
    }
    return lexed;
}

// ---- keyword tables (after olevba's AUTOEXEC_KEYWORDS and SUSPICIOUS_KEYWORDS) -----------------

struct AutoExec {
    const char* keyword;
    const char* description;
    bool strong;  // runs without the user doing anything (else a user action triggers it)
};

constexpr AutoExec kAutoExecNames[] = {
    {"AutoExec", "Runs when the Word document is opened", true},
    {"AutoOpen", "Runs when the Word document is opened", true},
    {"DocumentOpen", "Runs when the Word document is opened", true},
    {"Document_Open", "Runs when the Word or Publisher document is opened", true},
    {"AutoExit", "Runs when the Word document is closed", true},
    {"AutoClose", "Runs when the Word document is closed", true},
    {"Document_Close", "Runs when the Word document is closed", true},
    {"DocumentBeforeClose", "Runs when the Word document is closed", true},
    {"Document_BeforeClose", "Runs when the Publisher document is closed", true},
    {"DocumentChange", "Runs when the Word document is modified", true},
    {"AutoNew", "Runs when a new Word document is created", true},
    {"Document_New", "Runs when a new Word document is created", true},
    {"NewDocument", "Runs when a new Word document is created", true},
    {"Auto_Open", "Runs when the Excel workbook is opened", true},
    {"Workbook_Open", "Runs when the Excel workbook is opened", true},
    {"Workbook_Activate", "Runs when the Excel workbook is opened", true},
    {"Auto_Close", "Runs when the Excel workbook is closed", true},
    {"Workbook_Close", "Runs when the Excel workbook is closed", true},
    {"Workbook_BeforeClose", "Runs when the Excel workbook is closed", true},
    {"Worksheet_Calculate", "May run when an Excel worksheet is opened", true},
};

// Event handlers "<Control>_<Event>" of ActiveX controls in the document.
constexpr AutoExec kAutoExecEvents[] = {
    {"_Painted", "Runs when the file is opened (InkPicture ActiveX control)", true},
    {"_Painting", "Runs when the file is opened (InkPicture ActiveX control)", true},
    {"_Layout", "Runs when the file is opened (Frame or MultiPage ActiveX control)", true},
    {"_BeforeNavigate2", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_BeforeScriptExecute", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_DocumentComplete", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_DownloadBegin", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_DownloadComplete", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_FileDownload", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_NavigateComplete2", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_NavigateError", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_ProgressChange", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_PropertyChange", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_SetSecureLockIcon", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_StatusTextChange", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_TitleChange", "Runs when the file is opened (WebBrowser ActiveX control)", true},
    {"_OnConnecting", "Runs when the file is opened (ActiveX control)", true},
    {"_GotFocus", "Runs when an ActiveX control gets the focus", false},
    {"_LostFocus", "Runs when an ActiveX control loses the focus", false},
    {"_MouseHover", "Runs when the mouse moves over an ActiveX control", false},
    {"_MouseMove", "Runs when the mouse moves over an ActiveX control", false},
    {"_MouseEnter", "Runs when the mouse moves over an ActiveX control", false},
    {"_MouseLeave", "Runs when the mouse moves over an ActiveX control", false},
    {"_Click", "Runs when the user clicks a control", false},
    {"_Change", "Runs when the user changes a control or cell", false},
    {"_Resize", "Runs when an ActiveX control is resized", false},
    {"_FollowHyperlink", "Runs when the user follows a hyperlink", false},
    {"_ContentControlOnEnter", "Runs when the user enters a content control", false},
};

enum class Cat { exec, download, inject, drop, other };

struct Keyword {
    const char* keyword;  // as displayed; matched case-insensitively as whole words
    const char* description;
    Cat cat;
    bool strong;  // counts for the vba.suspicious finding (else a fact only)
};

constexpr Keyword kKeywords[] = {
    // Running commands.
    {"Shell", "May run an executable file or a system command", Cat::exec, true},
    {"WScript.Shell", "May run an executable file or a system command", Cat::exec, true},
    {"Shell.Application", "May run an application", Cat::exec, true},
    {"ShellExecute", "May run an executable file or a system command", Cat::exec, true},
    {"ShellExecuteA", "May run an executable file or a system command", Cat::exec, true},
    {"ShellExecuteW", "May run an executable file or a system command", Cat::exec, true},
    {"shell32", "May run an executable file or a system command", Cat::exec, true},
    {"InvokeVerb", "May run an executable file or a system command", Cat::exec, true},
    {"InvokeVerbEx", "May run an executable file or a system command", Cat::exec, true},
    {"PowerShell", "May run PowerShell commands", Cat::exec, true},
    {"EncodedCommand", "May run PowerShell commands", Cat::exec, true},
    {"Invoke-Expression", "May run PowerShell commands", Cat::exec, true},
    {"Start-Process", "May run an executable file or a system command using PowerShell", Cat::exec,
     true},
    {"Win32_Process", "May run a command through WMI", Cat::exec, true},
    {"winmgmts", "May use WMI to run commands or query the system", Cat::exec, true},
    {"MacScript", "May run a command on a Mac", Cat::exec, true},
    {"AppleScript", "May run a command on a Mac", Cat::exec, true},
    {"ExecuteExcel4Macro", "May run an Excel 4 macro (XLM) from VBA", Cat::exec, true},
    {"mshta", "May run an HTML application", Cat::exec, true},
    {"rundll32", "May run code from a DLL", Cat::exec, true},
    {"regsvr32", "May run code from a DLL", Cat::exec, true},
    {"certutil", "May download or decode files with certutil", Cat::exec, true},
    {"bitsadmin", "May download files with BITS", Cat::exec, true},
    {"schtasks", "May create a scheduled task", Cat::exec, true},
    {"Run", "May run a macro or a command (with WScript.Shell)", Cat::other, false},
    {"Exec", "May run a command (with WScript.Shell)", Cat::other, false},
    {"ControlPanelItem", "May run a DLL", Cat::exec, true},
    // Downloading.
    {"URLDownloadToFile", "May download files from the Internet", Cat::download, true},
    {"URLDownloadToFileA", "May download files from the Internet", Cat::download, true},
    {"URLDownloadToFileW", "May download files from the Internet", Cat::download, true},
    {"Msxml2.XMLHTTP", "May download files from the Internet", Cat::download, true},
    {"Microsoft.XMLHTTP", "May download files from the Internet", Cat::download, true},
    {"MSXML2.ServerXMLHTTP", "May download files from the Internet", Cat::download, true},
    {"WinHttp.WinHttpRequest", "May download files from the Internet", Cat::download, true},
    {"WinHttpRequest", "May download files from the Internet", Cat::download, true},
    {"Net.WebClient", "May download files from the Internet using PowerShell", Cat::download, true},
    {"DownloadFile", "May download files from the Internet", Cat::download, true},
    {"DownloadString", "May download files from the Internet", Cat::download, true},
    {"InternetExplorer.Application", "May use Internet Explorer to reach the Internet",
     Cat::download, true},
    {"User-Agent", "May download files from the Internet", Cat::other, false},
    // Injecting code.
    {"CreateThread", "May inject code into another process", Cat::inject, true},
    {"CreateUserThread", "May inject code into another process", Cat::inject, true},
    {"CreateRemoteThread", "May inject code into another process", Cat::inject, true},
    {"VirtualAlloc", "May inject code into another process", Cat::inject, true},
    {"VirtualAllocEx", "May inject code into another process", Cat::inject, true},
    {"RtlMoveMemory", "May inject code into another process", Cat::inject, true},
    {"WriteProcessMemory", "May inject code into another process", Cat::inject, true},
    {"SetContextThread", "May inject code into another process", Cat::inject, true},
    {"QueueApcThread", "May inject code into another process", Cat::inject, true},
    {"WriteVirtualMemory", "May inject code into another process", Cat::inject, true},
    {"VirtualProtect", "May inject code into another process", Cat::inject, true},
    {"EnumSystemLanguageGroupsW", "May run a shellcode in memory", Cat::inject, true},
    {"EnumDateFormats", "May run a shellcode in memory", Cat::inject, true},
    {"EnumDateFormatsW", "May run a shellcode in memory", Cat::inject, true},
    {"EnumDateFormatsEx", "May run a shellcode in memory", Cat::inject, true},
    {"CallWindowProc", "May run a shellcode in memory", Cat::inject, true},
    {"SetTimer", "May run a shellcode in memory", Cat::other, false},
    // Writing files.
    {"ADODB.Stream", "May write a binary file", Cat::drop, true},
    {"SaveToFile", "May write a binary file", Cat::drop, true},
    {"WriteText", "May create a text file", Cat::other, false},
    {"CreateTextFile", "May create a text file", Cat::other, false},
    {"Kill", "May delete a file", Cat::other, false},
    {"FileCopy", "May copy a file", Cat::other, false},
    {"CopyFile", "May copy a file", Cat::other, false},
    {"CopyHere", "May copy a file", Cat::other, false},
    {"MoveFile", "May move a file", Cat::other, false},
    {"MkDir", "May create a directory", Cat::other, false},
    // Security settings and self-modification.
    {"AccessVBOM", "May disable VBA macro security", Cat::drop, true},
    {"VBAWarnings", "May disable VBA macro security", Cat::drop, true},
    {"ProtectedView", "May disable Protected View", Cat::other, false},
    {"VBProject", "May modify the VBA code (self-modification)", Cat::other, false},
    {"VBComponents", "May modify the VBA code (self-modification)", Cat::other, false},
    {"CodeModule", "May modify the VBA code (self-modification)", Cat::other, false},
    {"AddFromString", "May modify the VBA code (self-modification)", Cat::other, false},
    // Everything else olevba reports: facts, not findings.
    {"Environ", "May read system environment variables", Cat::other, false},
    {"ExpandEnvironmentStrings", "May read system environment variables", Cat::other, false},
    {"CreateObject", "May create an OLE object", Cat::other, false},
    {"GetObject", "May get an OLE object with a running instance", Cat::other, false},
    {"New-Object", "May create an OLE object using PowerShell", Cat::other, false},
    {"CallByName", "May attempt to obfuscate malicious function calls", Cat::other, false},
    {"Chr", "May attempt to obfuscate specific strings", Cat::other, false},
    {"ChrB", "May attempt to obfuscate specific strings", Cat::other, false},
    {"ChrW", "May attempt to obfuscate specific strings", Cat::other, false},
    {"StrReverse", "May attempt to obfuscate specific strings", Cat::other, false},
    {"Xor", "May attempt to obfuscate specific strings", Cat::other, false},
    {"Base64", "May decode base64-encoded data", Cat::other, false},
    {"RegWrite", "May write registry keys", Cat::other, false},
    {"RegRead", "May read registry keys", Cat::other, false},
    {"RegOpenKeyEx", "May read or write registry keys", Cat::other, false},
    {"RegOpenKeyExA", "May read or write registry keys", Cat::other, false},
    {"SendKeys", "May control another application by simulating keystrokes", Cat::other, false},
    {"AppActivate", "May control another application by simulating keystrokes", Cat::other, false},
    {"ShowWindow", "May hide the application", Cat::other, false},
    {"vbHide", "May run a command with a hidden window", Cat::other, false},
    {"FindWindow", "May enumerate application windows", Cat::other, false},
    {"GetVolumeInformation", "May detect a sandbox", Cat::other, false},
    {"SbieDll", "May detect the Sandboxie sandbox", Cat::other, false},
    {"VMWARE", "May detect virtualization", Cat::other, false},
    {"VBOX", "May detect virtualization", Cat::other, false},
};

constexpr Keyword kDeclareLib{"Lib", "May run code from a DLL (Declare ... Lib)", Cat::other,
                              false};
constexpr Keyword kOpenBinary{"Open For Binary/Output",
                              "May write a file (Open ... For Binary or Output)", Cat::other,
                              false};

const std::unordered_map<std::string, const Keyword*>& keyword_map() {
    static const auto* map = [] {
        auto* m = new std::unordered_map<std::string, const Keyword*>();
        for (const auto& k : kKeywords) m->emplace(core::to_lower(k.keyword), &k);
        return m;
    }();
    return *map;
}

// What analysis of all modules found, in the order found, each once.
struct Analysis {
    std::vector<std::pair<std::string, const AutoExec*>> auto_exec;  // identifier as written
    std::set<std::string> auto_seen;
    std::vector<const Keyword*> keywords;
    std::set<const Keyword*> keyword_seen;
    std::vector<std::string> decoded;        // fact values
    std::vector<std::string> decoded_texts;  // what they decode to, scanned again
    std::set<std::string> decoded_seen;
    bool decoded_looks_bad = false;
    std::vector<std::string> decoded_bad;  // evidence for vba.obfuscated
    std::vector<std::string> iocs;
    std::set<std::string> ioc_seen;
    bool has_url = false;
    std::vector<std::string> urls;
    bool items_cut = false;
};

void add_keyword(Analysis& a, const Keyword* k) {
    if (a.keyword_seen.insert(k).second) a.keywords.push_back(k);
}

// Whole words of `text`, and "word.word" / "word-word" pairs, looked up in the table.
void scan_keywords(std::string_view text, Analysis& a) {
    const auto& map = keyword_map();
    std::size_t i = 0;
    std::string lower;
    while (i < text.size()) {
        if (!is_word_byte(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
        lower = core::to_lower(text.substr(start, i - start));
        if (auto it = map.find(lower); it != map.end()) add_keyword(a, it->second);
        if (i + 1 < text.size() && (text[i] == '.' || text[i] == '-') &&
            is_word_byte(static_cast<unsigned char>(text[i + 1]))) {
            std::size_t j = i + 1;
            while (j < text.size() && is_word_byte(static_cast<unsigned char>(text[j]))) ++j;
            std::string pair = lower + text[i] + core::to_lower(text.substr(i + 1, j - i - 1));
            if (auto it = map.find(pair); it != map.end()) add_keyword(a, it->second);
        }
    }
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && core::iequals(s.substr(s.size() - suffix.size()), suffix);
}

void scan_auto_exec(std::string_view ident, Analysis& a) {
    const AutoExec* hit = nullptr;
    for (const auto& e : kAutoExecNames)
        if (core::iequals(ident, e.keyword)) hit = &e;
    if (!hit)
        for (const auto& e : kAutoExecEvents)
            if (ident.size() > std::string_view(e.keyword).size() && iends_with(ident, e.keyword))
                hit = &e;
    if (hit && a.auto_seen.insert(core::to_lower(ident)).second)
        a.auto_exec.emplace_back(std::string(ident), hit);
}

// ---- encoded strings -------------------------------------------------------------------------

bool printable_text(std::string_view s) {
    if (s.size() < 4) return false;
    std::size_t alnum = 0;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '\r' || c == '\n' || c == '\t') continue;
        if (c < 0x20 || c > 0x7E) return false;
        if (is_word_byte(c)) ++alnum;
    }
    return alnum * 2 >= s.size();
}

// Decoded text that names a command, a script host, a URL or an executable.
bool looks_like_code(std::string_view s) {
    static constexpr const char* kTells[] = {
        "http:",    "https:",    "ftp:",       "powershell",   "cmd ",         "cmd.exe",
        "/c ",      "wscript",   "cscript",    "mshta",        "rundll32",     "regsvr32",
        "certutil", "bitsadmin", "shell",      "createobject", ".exe",         ".dll",
        ".ps1",     ".vbs",      ".hta",       ".bat",         ".scr",         ".lnk",
        "appdata",  "%temp%",    "\\temp",     "invoke-",      "downloadfile", "downloadstring",
        "xmlhttp",  "adodb",     "winhttp",    "-enc",         "hidden",       "urldownload",
        "\\\\",     "schtasks",  "frombase64", "iex "};
    for (const char* t : kTells)
        if (core::ifind(s, t) != std::string_view::npos) return true;
    return false;
}

void add_decoded(Analysis& a, std::string kind, std::string_view encoded, std::string_view decoded,
                 bool bad) {
    std::string value = kind + ": " + clean(encoded, false, 200) + " -> " + one_line(decoded);
    if (!a.decoded_seen.insert(value).second) return;
    if (a.decoded.size() >= kMaxItems) {
        a.items_cut = true;
        return;
    }
    a.decoded.push_back(value);
    a.decoded_texts.emplace_back(decoded);
    if (bad || looks_like_code(decoded)) {
        a.decoded_looks_bad = true;
        if (a.decoded_bad.size() < 5) a.decoded_bad.push_back(value);
    }
}

// Runs of >= 8 hex digits in a string literal, decoded when printable or an MZ header.
void scan_hex(std::string_view s, Analysis& a) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (!is_hex(s[i])) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < s.size() && is_hex(s[i])) ++i;
        std::size_t len = (i - start) & ~std::size_t{1};
        if (len < 8) continue;
        // A word boundary on both sides: not a piece of an identifier.
        if ((start > 0 && is_word_byte(static_cast<unsigned char>(s[start - 1]))) ||
            (i < s.size() && is_word_byte(static_cast<unsigned char>(s[i]))))
            continue;
        std::string bytes;
        for (std::size_t k = start; k + 1 < start + len; k += 2)
            bytes.push_back(
                static_cast<char>(core::hex_value(s[k]) * 16 + core::hex_value(s[k + 1])));
        std::string_view enc = s.substr(start, len);
        if (bytes.size() >= 2 && bytes[0] == 'M' && bytes[1] == 'Z')
            add_decoded(a, "hex", enc,
                        "PE executable (MZ header), " + std::to_string(bytes.size()) + " bytes",
                        true);
        else if (printable_text(bytes))
            add_decoded(a, "hex", enc, bytes, false);
    }
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (is_digit(c)) return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::optional<std::string> base64_decode(std::string_view s) {
    while (!s.empty() && s.back() == '=') s.remove_suffix(1);
    if (s.size() % 4 == 1) return std::nullopt;
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v = base64_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

// UTF-16LE text of ASCII characters (PowerShell -EncodedCommand) as ASCII.
std::optional<std::string> narrow_utf16(std::string_view s) {
    if (s.size() < 8 || s.size() % 2) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        if (s[i + 1] != 0) return std::nullopt;
        out.push_back(s[i]);
    }
    return out;
}

// Base64 runs of >= 16 characters in a string literal, decoded when printable.
void scan_base64(std::string_view s, Analysis& a) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (base64_value(s[i]) < 0) {
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < s.size() && base64_value(s[i]) >= 0) ++i;
        while (i < s.size() && s[i] == '=') ++i;
        std::string_view enc = s.substr(start, i - start);
        std::size_t core_len = enc.find('=');
        if (core_len == std::string_view::npos) core_len = enc.size();
        if (core_len < 16 || enc.size() % 4 != 0) continue;
        // Letters only (a long identifier) or digits only are not base64 worth reporting.
        bool has_digit_or_sym = false, has_lower = false, has_upper = false;
        for (char c : enc.substr(0, core_len)) {
            has_digit_or_sym |= is_digit(c) || c == '+' || c == '/';
            has_lower |= c >= 'a' && c <= 'z';
            has_upper |= c >= 'A' && c <= 'Z';
        }
        if (!(has_lower && has_upper) && !has_digit_or_sym) continue;
        auto bytes = base64_decode(enc);
        if (!bytes) continue;
        if (auto narrow = narrow_utf16(*bytes); narrow && printable_text(*narrow))
            add_decoded(a, "base64", enc, *narrow, false);
        else if (bytes->size() >= 2 && (*bytes)[0] == 'M' && (*bytes)[1] == 'Z')
            add_decoded(a, "base64", enc,
                        "PE executable (MZ header), " + std::to_string(bytes->size()) + " bytes",
                        true);
        else if (printable_text(*bytes))
            add_decoded(a, "base64", enc, *bytes, false);
    }
}

// ---- Chr() chains: "Chr(104) & ChrW(&H74) & "tp"" with + - * arithmetic in the parens ----------

struct ChainParser {
    const std::vector<Token>& t;
    std::size_t i;

    bool op(const char* o) const { return i < t.size() && t[i].kind == Tok::op && t[i].text == o; }

    std::optional<std::int64_t> number() {
        if (i >= t.size() || t[i].kind != Tok::number) return std::nullopt;
        std::string_view s = t[i].text;
        std::int64_t v = 0;
        if (s.size() > 2 && s[0] == '&') {
            int base = (s[1] == 'H' || s[1] == 'h') ? 16 : 8;
            for (std::size_t k = 2; k < s.size() && s[k] != '&'; ++k) {
                int d = core::hex_value(s[k]);
                if (d < 0 || d >= base) return std::nullopt;
                v = v * base + d;
                if (v > 0xFFFFFFFF) return std::nullopt;
            }
        } else {
            for (char c : s) {
                if (!is_digit(c)) return std::nullopt;  // decimals are not character codes
                v = v * 10 + (c - '0');
                if (v > 0xFFFFFFFF) return std::nullopt;
            }
        }
        ++i;
        return v;
    }

    std::optional<std::int64_t> factor(int depth) {
        if (depth > 16) return std::nullopt;
        if (op("-")) {
            ++i;
            auto v = factor(depth + 1);
            if (!v) return std::nullopt;
            return -*v;
        }
        if (op("(")) {
            ++i;
            auto v = expr(depth + 1);
            if (!v || !op(")")) return std::nullopt;
            ++i;
            return v;
        }
        return number();
    }

    std::optional<std::int64_t> term(int depth) {
        auto v = factor(depth);
        while (v && (op("*") || op("\\") || op("/"))) {
            char o = t[i].text[0];
            ++i;
            auto w = factor(depth);
            if (!w) return std::nullopt;
            if (o == '*')
                v = *v * *w;
            else if (*w == 0)
                return std::nullopt;
            else
                v = *v / *w;
            if (*v > 0xFFFFFFFF || *v < -0xFFFFFFFFLL) return std::nullopt;
        }
        return v;
    }

    std::optional<std::int64_t> expr(int depth) {
        auto v = term(depth);
        while (v && (op("+") || op("-"))) {
            bool plus = t[i].text[0] == '+';
            ++i;
            auto w = term(depth);
            if (!w) return std::nullopt;
            v = plus ? *v + *w : *v - *w;
        }
        return v;
    }

    // One element: a string literal or Chr*(expr). Appends its text to `out`.
    bool element(std::string& out, int& chr_count) {
        std::size_t save = i;
        if (i < t.size() && t[i].kind == Tok::string) {
            out += t[i].text;
            ++i;
            return true;
        }
        if (i >= t.size() || t[i].kind != Tok::ident) return false;
        std::string name = core::to_lower(t[i].text);
        if (!name.empty() && name.back() == '$') name.pop_back();
        bool wide = name == "chrw";
        if (name != "chr" && name != "chrw" && name != "chrb") return false;
        ++i;
        if (!op("(")) {
            i = save;
            return false;
        }
        ++i;
        auto v = expr(0);
        if (!v || !op(")")) {
            i = save;
            return false;
        }
        ++i;
        std::int64_t c = *v;
        if (wide && c < 0 && c >= -32768) c += 65536;
        if (c < 0 || c > (wide ? 0xFFFF : 0xFF)) {
            i = save;
            return false;
        }
        if (wide)
            core::append_utf8(out, static_cast<std::uint32_t>(c));
        else
            core::append_utf8(out, cp1252_char(static_cast<unsigned char>(c)));
        ++chr_count;
        return true;
    }
};

// Finds every chain in the tokens; reports those built from Chr() calls, or from three
// or more string pieces that together look like a command.
void scan_chains(std::string_view code, const std::vector<Token>& toks, Analysis& a, Context& ctx) {
    std::size_t i = 0;
    while (i < toks.size()) {
        if ((i & 1023) == 0 && ctx.out_of_time()) return;
        ChainParser p{toks, i};
        std::string text;
        int chr_count = 0, parts = 0;
        if (!p.element(text, chr_count)) {
            ++i;
            continue;
        }
        ++parts;
        std::size_t end = p.i;
        while (p.op("&") || p.op("+")) {
            ++p.i;
            if (!p.element(text, chr_count)) break;
            ++parts;
            end = p.i;
            if (text.size() > (1u << 20)) break;
        }
        std::size_t printable_chr = 0;
        if (chr_count > 0) {
            // Count what Chr() produced: the text minus the string literals.
            std::size_t literal_chars = 0;
            for (std::size_t k = i; k < end; ++k)
                if (toks[k].kind == Tok::string) literal_chars += toks[k].text.size();
            printable_chr = text.size() > literal_chars ? text.size() - literal_chars : 0;
        }
        std::string_view source = code.substr(toks[i].begin, toks[end - 1].end - toks[i].begin);
        if (chr_count >= 2 && printable_chr >= 3) {
            add_decoded(a, "chr", source, text, false);
        } else if (chr_count == 0 && parts >= 3 && looks_like_code(text)) {
            add_decoded(a, "concat", source, text, false);
        }
        i = end;
    }
}

// ---- indicators ------------------------------------------------------------------------------

void add_ioc(Analysis& a, std::string value) {
    if (!a.ioc_seen.insert(core::to_lower(value)).second) return;
    if (a.iocs.size() >= kMaxItems) {
        a.items_cut = true;
        return;
    }
    a.iocs.push_back(std::move(value));
}

bool url_char(unsigned char c) {
    return (c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '`' && c != '{' &&
            c != '}' && c != '|' && c != '^') ||
           c >= 0x80;
}

constexpr const char* kExecutableExtensions[] = {
    "exe", "pif", "gadget", "msi", "msp", "msc", "vbs", "vbe",  "jse", "js",  "wsf",
    "wsc", "wsh", "bat",    "cmd", "dll", "scr", "hta", "cpl",  "jar", "ps1", "psm1",
    "scf", "lnk", "inf",    "reg", "iso", "img", "vhd", "vhdx", "one", "xll", "wll"};

void scan_iocs(std::string_view s, Analysis& a) {
    // URLs.
    for (const char* scheme : {"http://", "https://", "ftp://", "ftps://"}) {
        std::size_t from = 0;
        while ((from = core::ifind(s, scheme, from)) != std::string_view::npos) {
            std::size_t end = from + std::string_view(scheme).size();
            while (end < s.size() && url_char(static_cast<unsigned char>(s[end]))) ++end;
            std::string_view url = s.substr(from, end - from);
            while (!url.empty() &&
                   std::string_view(".,;:)'(").find(url.back()) != std::string_view::npos)
                url.remove_suffix(1);
            from = end;
            std::string_view host = url.substr(std::string_view(scheme).size());
            if (host.empty() || host.find('.') == std::string_view::npos) continue;
            if (core::ifind(url, "schemas.openxmlformats.org") != std::string_view::npos ||
                core::ifind(url, "schemas.microsoft.com") != std::string_view::npos)
                continue;
            a.has_url = true;
            if (a.urls.size() < 5) a.urls.emplace_back(url);
            add_ioc(a, "url: " + one_line(url));
        }
    }
    // IPv4 addresses: four dot-separated numbers 0..255 not inside a longer dotted number.
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!is_digit(s[i]) || (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.'))) continue;
        std::size_t j = i;
        int parts = 0;
        bool ok = true;
        while (parts < 4) {
            std::size_t start = j;
            unsigned v = 0;
            while (j < s.size() && is_digit(s[j]) && j - start < 4)
                v = v * 10 + unsigned(s[j++] - '0');
            if (j == start || j - start > 3 || v > 255) {
                ok = false;
                break;
            }
            ++parts;
            if (parts < 4) {
                if (j >= s.size() || s[j] != '.') {
                    ok = false;
                    break;
                }
                ++j;
            }
        }
        if (!ok || (j < s.size() &&
                    (is_digit(s[j]) || (s[j] == '.' && j + 1 < s.size() && is_digit(s[j + 1])))))
            continue;
        add_ioc(a, "ip: " + std::string(s.substr(i, j - i)));
        i = j;
    }
    // Executable file names: word.ext with a word boundary after.
    for (std::size_t dot = s.find('.'); dot != std::string_view::npos; dot = s.find('.', dot + 1)) {
        std::size_t start = dot;
        while (start > 0 &&
               (is_word_byte(static_cast<unsigned char>(s[start - 1])) || s[start - 1] == '-'))
            --start;
        if (start == dot) continue;
        std::size_t end = dot + 1;
        while (end < s.size() && is_word_byte(static_cast<unsigned char>(s[end]))) ++end;
        std::string_view ext = s.substr(dot + 1, end - dot - 1);
        if (end < s.size() && s[end] == '.') continue;  // a dotted name, not an extension
        for (const char* e : kExecutableExtensions)
            if (core::iequals(ext, e)) {
                add_ioc(a, "executable: " + one_line(s.substr(start, end - start)));
                break;
            }
    }
}

// The lines of the token stream: "Declare ... Lib" and "Open ... For Binary|Output|Append".
void scan_lines(const std::vector<Token>& toks, Analysis& a) {
    std::size_t line = 0;
    while (line < toks.size()) {
        std::size_t end = line;
        while (end < toks.size() && toks[end].kind != Tok::eol) ++end;
        bool declare = false, open = false, open_for = false;
        for (std::size_t k = line; k < end; ++k) {
            if (toks[k].kind != Tok::ident) continue;
            const auto& w = toks[k].text;
            if (core::iequals(w, "Declare")) declare = true;
            if (declare && core::iequals(w, "Lib")) add_keyword(a, &kDeclareLib);
            if (core::iequals(w, "Open") && k == line) open = true;
            if (open && core::iequals(w, "For")) open_for = true;
            if (open_for && (core::iequals(w, "Binary") || core::iequals(w, "Output") ||
                             core::iequals(w, "Append")))
                add_keyword(a, &kOpenBinary);
        }
        line = end + 1;
    }
}

void analyze_module(const Module& m, std::string_view code, Analysis& a, Context& ctx) {
    // A Word module called AutoOpen runs its Main procedure when the document opens.
    for (const auto& e : kAutoExecNames)
        if (core::iequals(m.name, e.keyword)) scan_auto_exec(m.name, a);
    Lexed lexed = tokenize(code);
    const auto& toks = lexed.toks;
    // Code words with string literals left out: what auto-exec names and keywords are
    // matched against, with "a.b" joined again.
    std::string words;
    words.reserve(code.size());
    std::vector<std::size_t> strings;
    bool skip_attribute = false;
    for (std::size_t k = 0; k < toks.size(); ++k) {
        if ((k & 1023) == 0 && ctx.out_of_time()) return;
        const auto& t = toks[k];
        if (t.kind == Tok::eol) {
            skip_attribute = false;
            words.push_back('\n');
            continue;
        }
        // "Attribute VB_Name = ..." lines belong to the module, not the code.
        if (t.kind == Tok::ident && core::iequals(t.text, "Attribute") &&
            (k == 0 || toks[k - 1].kind == Tok::eol))
            skip_attribute = true;
        if (skip_attribute) continue;
        if (t.kind == Tok::ident) {
            scan_auto_exec(t.text, a);
            if (!words.empty() && words.back() != '.' && words.back() != '\n') words.push_back(' ');
            words += t.text;
        } else if (t.kind == Tok::op && t.text == ".") {
            words.push_back('.');
        } else if (t.kind == Tok::string) {
            strings.push_back(k);
            words.push_back(' ');
        } else {
            words.push_back(' ');
        }
    }
    // Code first, then string literals, then what was decoded: the order facts come in.
    scan_keywords(words, a);
    scan_lines(toks, a);
    std::size_t decoded_before = a.decoded_texts.size();
    for (std::size_t k : strings) {
        std::string_view text = toks[k].text;
        scan_keywords(text, a);
        scan_iocs(text, a);
        scan_hex(text, a);
        scan_base64(text, a);
    }
    scan_chains(code, toks, a, ctx);
    for (std::size_t k = decoded_before; k < a.decoded_texts.size(); ++k) {
        scan_keywords(a.decoded_texts[k], a);
        scan_iocs(a.decoded_texts[k], a);
    }
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

}  // namespace

void report(const Project& project, Output& out) {
    Context& ctx = out.context();
    if (!project.name.empty()) out.fact("vba.project", one_line(project.name));
    for (const auto& ref : project.references) out.fact("vba.reference", one_line(ref));
    // One violation for the project: a damaged dir stream often yields several errors.
    if (!project.errors.empty()) {
        std::string what = "vba: ";
        for (std::size_t i = 0; i < project.errors.size(); ++i)
            what += (i ? "; " : "") + one_line(project.errors[i]);
        out.violation(clean(what, false, 2000));
    }
    if (project.truncated)
        out.finding(kLimitBytes, "decompressed VBA source cut at the byte limit");

    Analysis a;
    std::vector<std::string> with_code;
    std::size_t analyzed = 0;
    bool analysis_cut = false;
    for (const auto& m : project.modules) {
        out.fact("vba.module", one_line(m.name));
        if (!has_code(m.code)) continue;
        with_code.push_back(one_line(m.name));
        out.fact("vba.source",
                 one_line(m.name) + ":\n" + clean(m.code, true, 4 * m.code.size() + 16));
        if (ctx.out_of_time()) continue;
        std::size_t take =
            std::min({m.code.size(), kMaxAnalyzedModule,
                      kMaxAnalyzedProject - std::min(analyzed, kMaxAnalyzedProject)});
        if (take < m.code.size()) analysis_cut = true;
        analyzed += take;
        analyze_module(m, std::string_view(m.code).substr(0, take), a, ctx);
    }
    if (analysis_cut)
        out.finding(kLimitAnalysis,
                    "searched the first " + std::to_string(analyzed) + " bytes of VBA source");
    if (with_code.empty()) return;

    std::vector<std::string> strong_auto;
    for (const auto& [ident, e] : a.auto_exec) {
        out.fact("vba.auto_exec", one_line(ident) + ": " + e->description);
        if (e->strong) strong_auto.push_back(one_line(ident));
    }
    std::vector<std::string> strong, exec_like;
    bool download = false;
    for (const Keyword* k : a.keywords) {
        out.fact("vba.suspicious", std::string(k->keyword) + ": " + k->description);
        if (!k->strong) continue;
        strong.emplace_back(k->keyword);
        if (k->cat == Cat::exec || k->cat == Cat::download || k->cat == Cat::inject ||
            k->cat == Cat::drop)
            exec_like.emplace_back(k->keyword);
        if (k->cat == Cat::download) download = true;
    }
    for (const auto& d : a.decoded) out.fact("vba.decoded", d);
    for (const auto& i : a.iocs) out.fact("vba.ioc", i);

    out.finding(kMacro, "modules with code: " + join(with_code, ", "));
    if (!strong_auto.empty()) out.finding(kAutoExec, join(strong_auto, ", "));
    if (!strong_auto.empty() && !exec_like.empty())
        out.finding(kAutoExecSuspicious, join(strong_auto, ", ") + " -> " + join(exec_like, ", "));
    if (!strong.empty()) out.finding(kSuspicious, join(strong, ", "));
    if (a.decoded_looks_bad) out.finding(kObfuscated, join(a.decoded_bad, "; "));
    if (download && a.has_url) out.finding(kDownload, join(a.urls, ", "));
    if (a.items_cut)
        out.finding(kLimitItems,
                    "more than " + std::to_string(kMaxItems) + " decoded strings or indicators");
}

}  // namespace kagami::analyzers::vba
