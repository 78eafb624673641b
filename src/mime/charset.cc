// SPDX-License-Identifier: Apache-2.0
#include "mime/charset.h"

#include <iconv.h>
#include <uchardet/uchardet.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"

namespace kagami::mime {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Detectors only need a prefix to decide; feeding them a 60 MB body costs time for nothing.
constexpr std::size_t kMaxDetectBytes = 64 * 1024;

// Trial decoding as cp932/euc-jp is for short texts only; long ones are left to the detectors.
constexpr std::size_t kMaxJapaneseTrialBytes = 16 * 1024;

struct Alias {
    std::string_view label;
    std::string_view canonical;
};

// Labels seen in real mail (and the IANA/WHATWG aliases around them), already lower-case with
// '_' folded to '-'. Canonical names are what Utf8Text::charset reports.
constexpr Alias kAliases[] = {
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"unicode-1-1-utf-8", "utf-8"},
    {"x-unicode20utf8", "utf-8"},
    {"unicode-2-0-utf-8", "utf-8"},
    {"us-ascii", "us-ascii"},
    {"ascii", "us-ascii"},
    {"ansi-x3.4-1968", "us-ascii"},
    {"ansi-x3.4-1986", "us-ascii"},
    {"iso646-us", "us-ascii"},
    {"iso-ir-6", "us-ascii"},
    {"us", "us-ascii"},
    {"cp367", "us-ascii"},
    {"ibm367", "us-ascii"},
    {"csascii", "us-ascii"},
    {"iso-8859-1", "iso-8859-1"},
    {"iso8859-1", "iso-8859-1"},
    {"iso88591", "iso-8859-1"},
    {"iso-8859-1:1987", "iso-8859-1"},
    {"iso-ir-100", "iso-8859-1"},
    {"latin1", "iso-8859-1"},
    {"latin-1", "iso-8859-1"},
    {"l1", "iso-8859-1"},
    {"cp819", "iso-8859-1"},
    {"ibm819", "iso-8859-1"},
    {"csisolatin1", "iso-8859-1"},
    {"iso-8859-2", "iso-8859-2"},
    {"latin2", "iso-8859-2"},
    {"l2", "iso-8859-2"},
    {"iso-8859-3", "iso-8859-3"},
    {"latin3", "iso-8859-3"},
    {"iso-8859-4", "iso-8859-4"},
    {"latin4", "iso-8859-4"},
    {"iso-8859-5", "iso-8859-5"},
    {"cyrillic", "iso-8859-5"},
    {"iso-8859-6", "iso-8859-6"},
    {"arabic", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-8859-7", "iso-8859-7"},
    {"greek", "iso-8859-7"},
    {"iso-8859-8", "iso-8859-8"},
    {"iso-8859-8-i", "iso-8859-8"},
    {"hebrew", "iso-8859-8"},
    {"iso-8859-9", "iso-8859-9"},
    {"latin5", "iso-8859-9"},
    {"iso-8859-10", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-11", "iso-8859-11"},
    {"tis-620", "windows-874"},
    {"tis620", "windows-874"},
    {"windows-874", "windows-874"},
    {"cp874", "windows-874"},
    {"iso-8859-13", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"},
    {"iso-8859-15", "iso-8859-15"},
    {"latin9", "iso-8859-15"},
    {"latin-9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"windows-1250", "windows-1250"},
    {"cp1250", "windows-1250"},
    {"x-cp1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"cp1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"windows-1252", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"windows-1253", "windows-1253"},
    {"cp1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"cp1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"cp1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"cp1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"cp1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"cp1258", "windows-1258"},
    {"koi8-r", "koi8-r"},
    {"koi8r", "koi8-r"},
    {"koi8", "koi8-r"},
    {"cskoi8r", "koi8-r"},
    {"koi8-u", "koi8-u"},
    {"koi8-ru", "koi8-u"},
    {"ibm866", "ibm866"},
    {"cp866", "ibm866"},
    {"866", "ibm866"},
    {"macintosh", "macintosh"},
    {"mac", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"shift-jis", "cp932"},
    {"shiftjis", "cp932"},
    {"sjis", "cp932"},
    {"x-sjis", "cp932"},
    {"s-jis", "cp932"},
    {"ms-kanji", "cp932"},
    {"csshiftjis", "cp932"},
    {"windows-31j", "cp932"},
    {"cp932", "cp932"},
    {"ms932", "cp932"},
    {"x-ms-cp932", "cp932"},
    {"ibm-943", "cp932"},
    {"shift-jisx0213", "cp932"},
    {"euc-jp", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"eucjp", "euc-jp"},
    {"euc-jp-ms", "euc-jp"},
    {"eucjp-ms", "euc-jp"},
    {"eucjp-win", "euc-jp"},
    {"ujis", "euc-jp"},
    {"x-euc", "euc-jp"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"iso-2022-jp", "iso-2022-jp"},
    {"iso-2022-jp-1", "iso-2022-jp"},
    {"iso-2022-jp-2", "iso-2022-jp"},
    {"iso-2022-jp-3", "iso-2022-jp"},
    {"iso-2022-jp-ms", "iso-2022-jp"},
    {"csiso2022jp", "iso-2022-jp"},
    {"csiso2022jp2", "iso-2022-jp"},
    {"jis", "iso-2022-jp"},
    {"x-windows-iso2022jp", "iso-2022-jp"},
    {"cp50220", "iso-2022-jp"},
    {"cp50221", "iso-2022-jp"},
    {"cp50222", "iso-2022-jp"},
    {"utf-7", "utf-7"},
    {"utf7", "utf-7"},
    {"unicode-1-1-utf-7", "utf-7"},
    {"x-unicode-2-0-utf-7", "utf-7"},
    {"gb2312", "gb18030"},
    {"gb-2312", "gb18030"},
    {"csgb2312", "gb18030"},
    {"gb2312-80", "gb18030"},
    {"euc-cn", "gb18030"},
    {"euccn", "gb18030"},
    {"x-euc-cn", "gb18030"},
    {"chinese", "gb18030"},
    {"gbk", "gb18030"},
    {"x-gbk", "gb18030"},
    {"cp936", "gb18030"},
    {"ms936", "gb18030"},
    {"windows-936", "gb18030"},
    {"gb18030", "gb18030"},
    {"hz-gb-2312", "hz-gb-2312"},
    {"big5", "big5"},
    {"big-5", "big5"},
    {"big-five", "big5"},
    {"bigfive", "big5"},
    {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cn-big5", "big5"},
    {"cp950", "big5"},
    {"big5-hkscs", "big5-hkscs"},
    {"big5hkscs", "big5-hkscs"},
    {"ks-c-5601-1987", "cp949"},
    {"ks-c-5601-1989", "cp949"},
    {"ks-c-5601", "cp949"},
    {"ksc5601", "cp949"},
    {"ksc-5601", "cp949"},
    {"korean", "cp949"},
    {"csksc56011987", "cp949"},
    {"euc-kr", "cp949"},
    {"euckr", "cp949"},
    {"x-euc-kr", "cp949"},
    {"cp949", "cp949"},
    {"uhc", "cp949"},
    {"windows-949", "cp949"},
    {"iso-2022-kr", "iso-2022-kr"},
    {"csiso2022kr", "iso-2022-kr"},
    {"utf-16", "utf-16"},
    {"utf16", "utf-16"},
    {"unicode", "utf-16"},
    {"utf-16le", "utf-16le"},
    {"utf-16be", "utf-16be"},
    {"utf-32", "utf-32"},
    {"utf-32le", "utf-32le"},
    {"utf-32be", "utf-32be"},
};

// iconv name used to decode a canonical charset. Supersets on purpose: real mail uses the
// vendor extensions under the plain names.
std::string_view iconv_name(std::string_view canonical) {
    if (canonical == "cp932") return "CP932";
    if (canonical == "euc-jp") return "EUC-JP-MS";
    if (canonical == "gb18030") return "GB18030";
    if (canonical == "big5") return "BIG5-HKSCS";
    if (canonical == "cp949") return "CP949";
    if (canonical == "macintosh") return "MACINTOSH";
    if (canonical == "ibm866") return "IBM866";
    // Everything else (iso-8859-N, windows-125N, koi8-x, utf-*) is spelled the same.
    return canonical;
}

bool is_single_byte(std::string_view canonical) {
    return core::istarts_with(canonical, "iso-8859-") ||
           core::istarts_with(canonical, "windows-") || core::istarts_with(canonical, "koi8-") ||
           canonical == "ibm866" || canonical == "macintosh";
}

// Charsets whose bytes are not a superset of ASCII, or that use escapes in 7 bits.
bool is_not_ascii_compatible(std::string_view canonical) {
    return canonical == "utf-7" || canonical == "iso-2022-jp" || canonical == "iso-2022-kr" ||
           canonical == "hz-gb-2312" || core::istarts_with(canonical, "utf-16") ||
           core::istarts_with(canonical, "utf-32");
}

// ---- iconv with a per-thread converter cache ------------------------------------------------

struct IconvCache {
    std::vector<std::pair<std::string, iconv_t>> entries;
    IconvCache() = default;
    IconvCache(const IconvCache&) = delete;
    IconvCache& operator=(const IconvCache&) = delete;
    ~IconvCache() {
        for (auto& [name, cd] : entries)
            if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    }
};

// iconv_open loads a gconv module and builds tables: far too slow to repeat per header.
// Failures are cached too, so an unknown name is not retried.
iconv_t converter_for(std::string_view name) {
    thread_local IconvCache cache;
    for (auto& [n, cd] : cache.entries)
        if (n == name) {
            if (cd != reinterpret_cast<iconv_t>(-1)) iconv(cd, nullptr, nullptr, nullptr, nullptr);
            return cd;
        }
    std::string n(name);
    iconv_t cd = iconv_open("UTF-8", n.c_str());
    cache.entries.emplace_back(std::move(n), cd);
    return cd;
}

// Index of the first byte >= 0x80 at or after `i`, or s.size(); eight bytes at a time, since
// most mail text is ASCII.
std::size_t ascii_run_end(std::string_view s, std::size_t i) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    while (s.size() - i >= 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if ((w & kHighBits) != 0) break;
        i += 8;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    return i;
}

// Appends `s` to `out` without letting out exceed `max_out`; cuts on a UTF-8 boundary.
// Returns false once the cap is hit.
bool append_capped(std::string& out, std::string_view s, std::size_t max_out, bool& truncated) {
    if (out.size() + s.size() <= max_out) {
        out.append(s);
        return true;
    }
    std::size_t room = max_out - std::min(max_out, out.size());
    std::size_t cut = std::min(room, s.size());
    while (cut > 0 && cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut));
    truncated = true;
    return false;
}

// Bytes to drop at an invalid sequence. In double-byte charsets an unmapped lead with a
// non-ASCII trail is one bad character (WHATWG does the same); dropping only the lead would
// turn the trail into a stray half-width katakana or hangul. An ASCII trail is kept.
std::size_t invalid_length(std::string_view name, const char* p, std::size_t left) {
    if (left < 2) return 1;
    auto lead = static_cast<unsigned char>(p[0]);
    auto trail = static_cast<unsigned char>(p[1]);
    if (trail < 0x80) return 1;
    bool lead_ok = false;
    if (name == "CP932")
        lead_ok = (lead >= 0x81 && lead <= 0x9F) || (lead >= 0xE0 && lead <= 0xFC);
    else if (name == "EUC-JP-MS" || name == "CP949" || name == "BIG5-HKSCS")
        lead_ok = lead >= 0x81 && lead <= 0xFE;
    return lead_ok ? 2 : 1;
}

// Converts with iconv; invalid or incomplete input becomes U+FFFD. Every iteration consumes
// input or flushes output, so the loop terminates.
void iconv_convert(std::string_view in, std::string_view name, std::size_t max_out, Utf8Text& r) {
    iconv_t cd = converter_for(name);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        // No converter on this system: keep what is readable rather than nothing.
        std::string s = core::sanitize_utf8(in);
        r.lossy = true;
        append_capped(r.text, s, max_out, r.truncated);
        return;
    }
    std::array<char, 4096> buf{};
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    bool done = false;
    while (!done && !r.truncated) {
        char* dst = buf.data();
        std::size_t dst_left = buf.size();
        std::size_t rc;
        if (src_left > 0) {
            rc = iconv(cd, &src, &src_left, &dst, &dst_left);
        } else {
            rc = iconv(cd, nullptr, nullptr, &dst, &dst_left);  // flush shift state
            done = true;
        }
        int err = errno;
        if (!append_capped(r.text, std::string_view(buf.data(), buf.size() - dst_left), max_out,
                           r.truncated))
            break;
        if (rc != static_cast<std::size_t>(-1)) continue;
        if (err == E2BIG) continue;
        if (err == EILSEQ) {
            r.lossy = true;
            if (!append_capped(r.text, kReplacement, max_out, r.truncated)) break;
            std::size_t skip = invalid_length(name, src, src_left);
            src += skip;
            src_left -= skip;
            continue;
        }
        // EINVAL: a multibyte sequence cut off at the end of the input.
        r.lossy = true;
        append_capped(r.text, kReplacement, max_out, r.truncated);
        src_left = 0;
        done = true;
    }
}

// ---- single-byte charsets by table ---------------------------------------------------------

// UTF-8 form of one byte in a single-byte charset; len 0 when the charset leaves it undefined.
struct ByteMapping {
    std::uint8_t len = 0;
    std::array<char, 3> utf8{};
};

struct ByteTable {
    std::string name;
    bool usable = false;  ///< false: some byte does not map to one BMP character; use iconv
    std::array<ByteMapping, 256> map{};
};

// Charsets whose glibc converter maps each byte on its own. CP1255 and CP1258 are left out:
// glibc composes base letters with following combining marks there, so bytes interact.
bool table_charset(std::string_view iconv_name) {
    if (core::iequals(iconv_name, "windows-1255") || core::iequals(iconv_name, "windows-1258"))
        return false;
    return core::istarts_with(iconv_name, "iso-8859-") ||
           core::istarts_with(iconv_name, "windows-") || core::istarts_with(iconv_name, "koi8-") ||
           iconv_name == "IBM866" || iconv_name == "MACINTOSH";
}

// Builds the table by asking iconv for each byte once, so the result is exactly glibc's
// mapping while later conversions skip iconv's per-call overhead.
void build_table(ByteTable& t) {
    iconv_t cd = converter_for(t.name);
    if (cd == reinterpret_cast<iconv_t>(-1)) return;
    for (int b = 0; b < 256; ++b) {
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        char in = static_cast<char>(b);
        char* src = &in;
        std::size_t src_left = 1;
        std::array<char, 8> out{};
        char* dst = out.data();
        std::size_t dst_left = out.size();
        std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
        if (rc == static_cast<std::size_t>(-1)) {
            if (errno != EILSEQ) return;  // not a plain byte-to-character mapping
            continue;
        }
        std::size_t n = out.size() - dst_left;
        if (n == 0 || n > 3) return;
        if (b < 0x80 && (n != 1 || out[0] != static_cast<char>(b))) return;  // not ASCII-based
        t.map[b].len = static_cast<std::uint8_t>(n);
        std::copy_n(out.data(), n, t.map[b].utf8.data());
    }
    t.usable = true;
}

const ByteTable* table_for(std::string_view iconv_name) {
    if (!table_charset(iconv_name)) return nullptr;
    thread_local std::vector<std::unique_ptr<ByteTable>> tables;
    for (const auto& t : tables)
        if (t->name == iconv_name) return t->usable ? t.get() : nullptr;
    auto t = std::make_unique<ByteTable>();
    t->name = std::string(iconv_name);
    build_table(*t);
    tables.push_back(std::move(t));
    return tables.back()->usable ? tables.back().get() : nullptr;
}

// Same output, `lossy` and `truncated` as iconv_convert with the same converter: undefined
// bytes become U+FFFD, and the output stops before the first character that does not fit.
void table_convert(std::string_view in, const ByteTable& t, std::size_t max_out, Utf8Text& r) {
    std::string& out = r.text;
    out.reserve(out.size() + std::min(max_out - std::min(max_out, out.size()), in.size() + 16));
    std::size_t i = 0;
    while (i < in.size()) {
        // ASCII maps to itself: copy whole runs, as many as still fit.
        std::size_t j = ascii_run_end(in, i);
        if (j > i) {
            if (!append_capped(out, in.substr(i, j - i), max_out, r.truncated)) return;
            i = j;
            if (i == in.size()) break;
        }
        const ByteMapping& m = t.map[static_cast<unsigned char>(in[i])];
        if (m.len == 0) {
            r.lossy = true;
            if (!append_capped(out, kReplacement, max_out, r.truncated)) return;
        } else if (!append_capped(out, std::string_view(m.utf8.data(), m.len), max_out,
                                  r.truncated)) {
            return;
        }
        ++i;
    }
}

// iconv_convert, through a byte table when the charset allows one.
void single_byte_convert(std::string_view in, std::string_view name, std::size_t max_out,
                         Utf8Text& r) {
    if (const ByteTable* t = table_for(name)) {
        table_convert(in, *t, max_out, r);
        return;
    }
    iconv_convert(in, name, max_out, r);
}

// ---- ISO-2022-JP ---------------------------------------------------------------------------
//
// glibc's ISO-2022-JP rejects what Japanese mailers actually send: CP932 vendor rows (NEC row
// 13 ①㈱, NEC-selected IBM rows 89-92), half-width katakana (ESC ( I, SO/SI) and stray 8-bit
// bytes. The escapes are parsed here; JIS X 0208 pairs become Shift_JIS pairs by the standard
// arithmetic and are converted as CP932, which knows the vendor rows. The other sets of
// ISO-2022-JP-1/-2/-3 are routed to the EUC form of their own charset.

enum class JisSet { ascii, jis0208, kana, jis0212, gb2312, ksc5601, jisx0213_1, jisx0213_2 };

class Iso2022JpDecoder {
public:
    Iso2022JpDecoder(std::size_t max_out, Utf8Text& r) : max_out_(max_out), r_(r) {}

    void run(std::string_view in) {
        JisSet set = JisSet::ascii;
        JisSet saved = JisSet::ascii;  // set to return to after SI
        char g2 = 0;                   // 'A' latin-1 or 'F' greek, designated by ESC . X
        std::size_t i = 0;
        while (i < in.size() && !r_.truncated) {
            auto c = static_cast<unsigned char>(in[i]);
            if (c == 0x1B) {
                std::size_t used = escape(in.substr(i), set, g2);
                if (used == 0) {
                    bad();
                    ++i;
                } else {
                    i += used;
                }
                continue;
            }
            if (c == 0x0E) {  // SO: half-width katakana until SI
                if (set != JisSet::kana) saved = set;
                set = JisSet::kana;
                ++i;
                continue;
            }
            if (c == 0x0F) {
                set = saved == JisSet::kana ? JisSet::ascii : saved;
                ++i;
                continue;
            }
            if (c >= 0x80) {
                // Raw 8-bit bytes in "JIS" text are Shift_JIS (or its half-width kana).
                emit_byte(Run::cp932, c);
                ++i;
                continue;
            }
            if (c < 0x21 || c == 0x7F) {
                emit_byte(Run::cp932, c);
                ++i;
                continue;
            }
            switch (set) {
                case JisSet::ascii:
                    emit_byte(Run::cp932, c);
                    ++i;
                    maybe_flush();
                    break;
                case JisSet::kana:
                    if (c <= 0x5F) {
                        emit_byte(Run::cp932, static_cast<unsigned char>(c + 0x80));
                    } else {
                        bad();
                    }
                    ++i;
                    break;
                default: {
                    if (i + 1 >= in.size()) {
                        bad();  // half a character at the end
                        ++i;
                        break;
                    }
                    auto c2 = static_cast<unsigned char>(in[i + 1]);
                    if (c2 < 0x21 || c2 > 0x7E) {
                        bad();
                        ++i;
                        break;
                    }
                    pair(set, c, c2);
                    i += 2;
                    maybe_flush();
                    break;
                }
            }
        }
        flush();
    }

private:
    enum class Run { cp932, euc_jp, gb, ksc, x0213, latin1, greek };

    // Returns the length of a recognised escape sequence at s[0] (ESC), 0 if unknown.
    std::size_t escape(std::string_view s, JisSet& set, char& g2) {
        auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
        if (at(1) == '(') {
            switch (at(2)) {
                case 'B':
                case 'J':
                case 'H':  // JIS X 0201 Roman; everyone maps it to ASCII
                    set = JisSet::ascii;
                    return 3;
                case 'I':
                    set = JisSet::kana;
                    return 3;
                default:
                    return 0;
            }
        }
        if (at(1) == '$') {
            switch (at(2)) {
                case '@':
                case 'B':
                    set = JisSet::jis0208;
                    return 3;
                case 'A':
                    set = JisSet::gb2312;
                    return 3;
                case '(':
                    switch (at(3)) {
                        case '@':
                        case 'B':
                            set = JisSet::jis0208;
                            return 4;
                        case 'D':
                            set = JisSet::jis0212;
                            return 4;
                        case 'C':
                            set = JisSet::ksc5601;
                            return 4;
                        case 'O':
                        case 'Q':
                            set = JisSet::jisx0213_1;
                            return 4;
                        case 'P':
                            set = JisSet::jisx0213_2;
                            return 4;
                        default:
                            return 0;
                    }
                default:
                    return 0;
            }
        }
        if (at(1) == '&' && at(2) == '@') return 3;  // JIS X 0208-1990 announcer: no change
        if (at(1) == '.' && (at(2) == 'A' || at(2) == 'F')) {
            g2 = at(2);
            return 3;
        }
        if (at(1) == 'N' && s.size() >= 3) {  // single shift 2: one G2 character
            auto c = static_cast<unsigned char>(s[2]);
            if (g2 == 0 || c < 0x20 || c > 0x7F) return 0;
            emit_byte(g2 == 'A' ? Run::latin1 : Run::greek, static_cast<unsigned char>(c | 0x80));
            return 3;
        }
        return 0;
    }

    void pair(JisSet set, unsigned char a, unsigned char b) {
        switch (set) {
            case JisSet::jis0208: {
                // Rows CP932 leaves empty (au's emoji live there): one replacement, rather
                // than a Shift_JIS pair iconv would only half reject.
                if ((a >= 0x29 && a <= 0x2C) || a == 0x2E || a == 0x2F ||
                    (a >= 0x75 && a <= 0x78) || a >= 0x7D) {
                    bad();
                    break;
                }
                // JIS row/cell -> Shift_JIS lead/trail.
                auto s1 = static_cast<unsigned char>(((a + 1) >> 1) + (a <= 0x5E ? 0x70 : 0xB0));
                unsigned char s2;
                if (a & 1)
                    s2 = static_cast<unsigned char>(b + (b >= 0x60 ? 0x20 : 0x1F));
                else
                    s2 = static_cast<unsigned char>(b + 0x7E);
                emit_byte(Run::cp932, s1);
                emit_byte(Run::cp932, s2);
                break;
            }
            case JisSet::jis0212:
                emit_byte(Run::euc_jp, 0x8F);
                emit_byte(Run::euc_jp, a | 0x80);
                emit_byte(Run::euc_jp, b | 0x80);
                break;
            case JisSet::gb2312:
                emit_byte(Run::gb, a | 0x80);
                emit_byte(Run::gb, b | 0x80);
                break;
            case JisSet::ksc5601:
                emit_byte(Run::ksc, a | 0x80);
                emit_byte(Run::ksc, b | 0x80);
                break;
            case JisSet::jisx0213_1:
                emit_byte(Run::x0213, a | 0x80);
                emit_byte(Run::x0213, b | 0x80);
                break;
            case JisSet::jisx0213_2:
                emit_byte(Run::x0213, 0x8F);
                emit_byte(Run::x0213, a | 0x80);
                emit_byte(Run::x0213, b | 0x80);
                break;
            default:
                break;
        }
    }

    void emit_byte(Run run, unsigned char c) {
        if (run != run_) flush();
        run_ = run;
        pending_.push_back(static_cast<char>(c));
    }

    // Converts the pending run in slices so the intermediate buffer stays small. Called only
    // after a whole character, so no slice splits one.
    void maybe_flush() {
        if (pending_.size() >= 16384) flush();
    }

    void bad() {
        flush();
        r_.lossy = true;
        append_capped(r_.text, kReplacement, max_out_, r_.truncated);
    }

    void flush() {
        if (pending_.empty()) return;
        std::string_view name;
        switch (run_) {
            case Run::cp932:
                name = "CP932";
                break;
            case Run::euc_jp:
                name = "EUC-JP-MS";
                break;
            case Run::gb:
                name = "GB18030";
                break;
            case Run::ksc:
                name = "CP949";
                break;
            case Run::x0213:
                name = "EUC-JISX0213";
                break;
            case Run::latin1:
                name = "ISO-8859-1";
                break;
            case Run::greek:
                name = "ISO-8859-7";
                break;
        }
        if (!r_.truncated) iconv_convert(pending_, name, max_out_, r_);
        pending_.clear();
    }

    std::size_t max_out_;
    Utf8Text& r_;
    Run run_ = Run::cp932;
    std::string pending_;
};

// HZ (RFC 1843, 7-bit GB 2312 in Chinese mail) has no glibc converter: "~{" ... "~}" wraps
// GB 2312 pairs with the high bits cleared. Rewritten to GB bytes and converted as GB18030.
void hz_convert(std::string_view in, std::size_t max_out, Utf8Text& r) {
    std::string gb;
    gb.reserve(std::min(in.size(), max_out));
    bool two_byte = false;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '~' && i + 1 < in.size()) {
            char n = in[i + 1];
            if (n == '~' || n == '{' || n == '}' || n == '\n') {
                if (n == '~') gb.push_back('~');
                if (n == '{') two_byte = true;
                if (n == '}') two_byte = false;
                ++i;
                continue;
            }
        }
        auto u = static_cast<unsigned char>(c);
        if (two_byte && u >= 0x21 && u <= 0x7E && i + 1 < in.size()) {
            gb.push_back(static_cast<char>(u | 0x80));
            gb.push_back(static_cast<char>(static_cast<unsigned char>(in[i + 1]) | 0x80));
            ++i;
        } else {
            gb.push_back(c);
        }
    }
    iconv_convert(gb, "GB18030", max_out, r);
}

// ---- conversion by canonical name ----------------------------------------------------------

Utf8Text convert(std::string_view bytes, std::string_view canonical, std::size_t max_out) {
    Utf8Text r;
    r.charset = std::string(canonical);
    if (canonical == "iso-2022-jp") {
        Iso2022JpDecoder(max_out, r).run(bytes);
    } else if (canonical == "hz-gb-2312") {
        hz_convert(bytes, max_out, r);
    } else if (canonical == "utf-8" || canonical == "us-ascii") {
        if (core::is_valid_utf8(bytes)) {
            append_capped(r.text, bytes, max_out, r.truncated);
        } else {
            r.lossy = true;  // sanitizing replaced at least one byte
            append_capped(r.text, core::sanitize_utf8(bytes), max_out, r.truncated);
        }
    } else if (canonical == "iso-8859-1") {
        // Mail labelled latin-1 is in practice windows-1252 (WHATWG makes the same call);
        // 1252 leaves five bytes undefined, where plain latin-1 takes over.
        single_byte_convert(bytes, "WINDOWS-1252", max_out, r);
        if (r.lossy) {
            r = Utf8Text{};
            r.charset = "iso-8859-1";
            single_byte_convert(bytes, "ISO-8859-1", max_out, r);
        }
    } else if (is_single_byte(canonical)) {
        single_byte_convert(bytes, iconv_name(canonical), max_out, r);
    } else {
        iconv_convert(bytes, iconv_name(canonical), max_out, r);
    }
    return r;
}

bool has_8bit(std::string_view s) {
    return ascii_run_end(s, 0) != s.size();
}

// Double-byte charsets a detector may name. iso-2022-jp hands 8-bit bytes to cp932.
enum Dbcs { kCp932, kEucJp, kGb18030, kBig5, kCp949, kDbcsCount };

// True when 8-bit byte `x` cannot start a character followed by `next` (-1: end of text) in the
// glibc converter for `charset`, so decoding in it is lossy. Checked exhaustively against
// glibc (CP932, EUC-JP-MS, GB18030, BIG5-HKSCS, CP949), also with `x` after a gb18030 lead
// and digit, where it would be the third byte of a four-byte sequence.
bool rules_out(int charset, unsigned char x, int next) {
    const bool end = next < 0;
    switch (charset) {
        case kCp932:  // leads 81-9F, E0-FC take trails 40-7E, 80-FC; A1-DF are half-width kana
            if (x == 0x80 || x == 0xA0 || x >= 0xFD) return true;
            if (x >= 0xA1 && x <= 0xDF) return false;
            return end || next < 0x40 || next == 0x7F;
        case kEucJp:  // C1 bytes stand alone; 8E, 8F and A1-FE lead 8-bit pairs and triples
            return (x == 0x8E || x == 0x8F || x >= 0xA0) && (end || next < 0x80);
        case kGb18030:  // leads 81-FE take trails 40-7E, 80-FE, or a digit then two more
            return x == 0x80 || x == 0xFF || end || next < 0x30 || (next > 0x39 && next < 0x40) ||
                   next == 0x7F;
        case kBig5:  // a lone 80 decodes; leads take trails 40-7E, A1-FE
            return x != 0x80 && (x == 0xFF || end || next < 0x40 || next == 0x7F);
        case kCp949:  // leads 81-C6 take 41-5A, 61-7A, 81-FE; leads C7-FE only A1-FE
            if (x == 0x80 || x == 0xFF || end) return true;
            if (x >= 0xC7 && next < 0x80) return true;
            return next < 0x41 || (next > 0x5A && next < 0x61) || (next > 0x7A && next < 0x80);
        default:
            return false;
    }
}

// True when no double-byte decoding of `bytes` can be clean, so asking a detector for one is
// wasted work. Each charset is ruled out by one 8-bit byte after an ASCII byte (where it must
// start a character) that it cannot decode before the byte that follows. Latin and Cyrillic
// text nearly always has such bytes: lowercase accented or Cyrillic letters end words before
// spaces and punctuation. `max_out` matters because a conversion that stops at the cap before
// the proof byte is clean.
bool cannot_be_double_byte(std::string_view bytes, std::size_t max_out) {
    // ESC and SO switch iso-2022-jp into two-byte and kana sets that remap ASCII bytes.
    if (bytes.find('\x1B') != std::string_view::npos ||
        bytes.find('\x0E') != std::string_view::npos)
        return false;
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    unsigned open = (1u << kDbcsCount) - 1;  // charsets not yet ruled out
    for (std::size_t i = ascii_run_end(bytes, 0); i < bytes.size();
         i = ascii_run_end(bytes, i + 1)) {
        // Output before byte i is at most 3 bytes per input byte (half-width kana).
        if (i > max_out / 3) return false;
        if (i > 0 && at(i - 1) >= 0x80) continue;
        const int next = i + 1 < bytes.size() ? at(i + 1) : -1;
        for (int cs = 0; cs < kDbcsCount; ++cs)
            if ((open & (1u << cs)) != 0 && rules_out(cs, at(i), next)) open &= ~(1u << cs);
        if (open == 0) return true;
    }
    return false;
}

// True when no two 8-bit bytes are less than three bytes apart. Read as a double-byte charset,
// such text would be lone CJK characters scattered through ASCII, never two in a row: not
// Chinese, Japanese or Korean writing, so no detector is needed to rule those readings out.
// It is what Latin text with a few accents, curly quotes or a (c) sign looks like.
bool scattered_8bit(std::string_view bytes) {
    std::size_t last = 0;
    bool seen = false;
    for (std::size_t i = ascii_run_end(bytes, 0); i < bytes.size();
         i = ascii_run_end(bytes, i + 1)) {
        if (seen && i - last < 3) return false;
        last = i;
        seen = true;
    }
    return true;
}

// ISO-2022-JP is 7-bit, so mail labelled us-ascii (or nothing) can carry it.
bool has_jis_escape(std::string_view s) {
    for (std::size_t i = s.find('\x1B'); i != std::string_view::npos && i + 2 < s.size();
         i = s.find('\x1B', i + 1)) {
        std::string_view e = s.substr(i + 1, 2);
        if (e == "$B" || e == "$@" || e == "(I" || e == "$(") return true;
    }
    return false;
}

// True when valid multibyte UTF-8 sequences clearly outnumber invalid bytes.
bool mostly_utf8(std::string_view s) {
    std::size_t good = 0;
    std::size_t bad = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = (c & 0xE0) == 0xC0   ? 2
                        : (c & 0xF0) == 0xE0 ? 3
                        : (c & 0xF8) == 0xF0 ? 4
                                             : 0;
        if (n != 0 && i + n <= s.size() && core::is_valid_utf8(s.substr(i, n))) {
            ++good;
            i += n;
        } else {
            ++bad;
            ++i;
        }
    }
    return good > 0 && good >= 2 * bad;
}

// How much `bytes` read as everyday Japanese in cp932 or euc-jp, judged on the lead bytes:
// symbols, kana and JIS level-1 kanji (JIS rows 0x21-0x4F) count for; level-2 kanji, vendor
// and user-defined rows and half-width katakana count against. Latin-1 text misread as
// Japanese lands almost only in the second group (accented letters are 0xC0-0xFF).
int japanese_score(std::string_view bytes, bool sjis) {
    int good = 0;
    int bad = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) continue;
        if (sjis) {
            if (c >= 0xA1 && c <= 0xDF) {
                ++bad;  // half-width katakana: one byte
                continue;
            }
            auto t = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0;
            // Lead 0x98 with trail >= 0x9F starts level 2 (row 0x50).
            bool common = (c >= 0x81 && c <= 0x97) || (c == 0x98 && t < 0x9F);
            common ? ++good : ++bad;
            ++i;
        } else {
            if (c == 0x8E || c == 0x8F) {
                ++bad;  // half-width katakana, JIS X 0212
                i += c == 0x8F ? 2 : 1;
                continue;
            }
            (c >= 0xA1 && c <= 0xCF) ? ++good : ++bad;
            ++i;
        }
    }
    return good - 2 * bad;
}

// Cleanest Japanese reading among the candidates, for short strings where the statistical
// detectors have too little to go on. `best` is left untouched when nothing fits.
int try_japanese(std::string_view bytes, std::size_t max_out, Utf8Text& best) {
    int best_score = 0;
    for (std::string_view cs : {"cp932", "euc-jp"}) {
        int score = japanese_score(bytes, cs == "cp932");
        if (score <= best_score) continue;
        Utf8Text t = convert(bytes, cs, max_out);
        if (t.lossy) continue;
        best_score = score;
        best = std::move(t);
    }
    return best_score;
}

bool is_multibyte(std::string_view cs) {
    return cs == "cp932" || cs == "euc-jp" || cs == "gb18030" || cs == "big5" ||
           cs == "big5-hkscs" || cs == "cp949" || cs == "iso-2022-jp";
}

// Bytes already known to be valid UTF-8, taken as UTF-8 without a second validation.
Utf8Text valid_utf8_result(std::string_view bytes, std::string_view decl, std::size_t max_out) {
    Utf8Text r;
    r.charset = "utf-8";
    r.detected = decl != "utf-8";
    append_capped(r.text, bytes, max_out, r.truncated);
    return r;
}

std::string detect_uchardet(std::string_view bytes) {
    std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> ud(uchardet_new(),
                                                                                uchardet_delete);
    if (!ud) return "";
    if (uchardet_handle_data(ud.get(), bytes.data(), bytes.size()) != 0) return "";
    uchardet_data_end(ud.get());
    const char* name = uchardet_get_charset(ud.get());
    return name ? std::string(name) : std::string();
}

std::string detect_icu(std::string_view bytes) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&status),
                                                                       ucsdet_close);
    if (U_FAILURE(status) || !det) return "";
    ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    const UCharsetMatch* m = ucsdet_detect(det.get(), &status);
    if (U_FAILURE(status) || m == nullptr) return "";
    int32_t confidence = ucsdet_getConfidence(m, &status);
    const char* name = ucsdet_getName(m, &status);
    // Below this ICU is guessing among many near-equal candidates.
    if (U_FAILURE(status) || name == nullptr || confidence < 30) return "";
    return name;
}

}  // namespace

std::string canonical_charset(std::string_view label) {
    label = core::trim(label);
    while (!label.empty() && (label.front() == '"' || label.front() == '\''))
        label.remove_prefix(1);
    while (!label.empty() && (label.back() == '"' || label.back() == '\'')) label.remove_suffix(1);
    // RFC 2231 language suffix ("utf-8*ja") is not part of the name.
    if (auto star = label.find('*'); star != std::string_view::npos) label = label.substr(0, star);
    label = core::trim(label);
    if (label.empty() || label.size() > 64) return "";
    std::string key = core::to_lower(label);
    for (auto& c : key)
        if (c == '_') c = '-';
    for (const auto& a : kAliases)
        if (a.label == key) return std::string(a.canonical);
    // Spellings without the dash ("iso8859-5", "iso-88595") and "windows" variants ("win-1251").
    auto digits_after = [&](std::string_view prefix) -> std::string {
        if (key.rfind(prefix, 0) != 0) return "";
        std::string rest = key.substr(prefix.size());
        if (!rest.empty() && rest[0] == '-') rest.erase(0, 1);
        if (rest.empty() || rest.size() > 2 ||
            !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return "";
        return rest;
    };
    for (std::string_view p : {"iso-8859", "iso8859", "iso_8859"}) {
        std::string n = digits_after(p);
        if (!n.empty()) {
            int v = std::stoi(n);
            if (v >= 1 && v <= 16 && v != 12) return "iso-8859-" + std::to_string(v);
        }
    }
    for (std::string_view p : {"windows-12", "win-12", "win12", "cp-12", "x-cp12"}) {
        std::string n = digits_after(p);
        if (!n.empty() && n.size() == 2) {
            int v = std::stoi(n);
            if (v >= 50 && v <= 58) return "windows-12" + n;
        }
    }
    return "";
}

std::string detect_charset(std::string_view bytes) {
    if (bytes.size() > kMaxDetectBytes) bytes = bytes.substr(0, kMaxDetectBytes);
    if (bytes.empty()) return "";
    std::string u = canonical_charset(detect_uchardet(bytes));
    if (!u.empty() && u != "us-ascii") return u;
    std::string i = canonical_charset(detect_icu(bytes));
    if (!i.empty() && i != "us-ascii") return i;
    return u;  // "us-ascii" or ""
}

Utf8Text to_utf8(std::string_view bytes, std::string_view declared, std::size_t max_out) {
    const std::string decl = canonical_charset(declared);
    const bool eight_bit = has_8bit(bytes);

    if (bytes.empty()) {
        Utf8Text r;
        r.charset = decl.empty() ? "us-ascii" : decl;
        return r;
    }
    Utf8Text declared_result;
    bool have_declared = false;
    if (is_not_ascii_compatible(decl)) {
        declared_result = convert(bytes, decl, max_out);
        have_declared = true;
        // 8-bit bytes in a 7-bit encoding: the label is wrong, unless UTF-16/32.
        bool wide = decl.rfind("utf-16", 0) == 0 || decl.rfind("utf-32", 0) == 0;
        if (!declared_result.lossy || wide || !eight_bit) return declared_result;
    }
    if (!eight_bit) {
        if (has_jis_escape(bytes)) {
            Utf8Text r = convert(bytes, "iso-2022-jp", max_out);
            r.detected = decl != "iso-2022-jp";
            return r;
        }
        if (!is_not_ascii_compatible(decl)) {
            Utf8Text r;
            r.charset = decl.empty() ? "us-ascii" : decl;
            append_capped(r.text, bytes, max_out, r.truncated);  // ASCII is valid UTF-8
            return r;
        }
    }

    // Single-byte charsets accept any bytes, so a clean decode proves nothing: mislabelled
    // UTF-8 and Shift_JIS under "iso-8859-1" are common. UTF-8 is checked before decoding, so
    // that valid UTF-8 is not first decoded in the declared charset for nothing.
    const bool single = is_single_byte(decl);
    if (single && core::is_valid_utf8(bytes)) return valid_utf8_result(bytes, decl, max_out);

    // A declared multibyte charset that decodes cleanly is believed.
    if (!decl.empty() && decl != "us-ascii" && !is_not_ascii_compatible(decl)) {
        declared_result = convert(bytes, decl, max_out);
        have_declared = true;
        if (!declared_result.lossy && !single) return declared_result;
    }

    // Mostly-valid UTF-8 with a few bad bytes is damaged UTF-8, not another charset: a
    // re-detection would garble every good character to save a few bad ones.
    if (decl == "utf-8" && mostly_utf8(bytes)) return declared_result;

    if (!single && core::is_valid_utf8(bytes)) return valid_utf8_result(bytes, decl, max_out);

    // From here on, a declared single-byte or double-byte charset gives way only to a clean
    // double-byte decode (a detected one, or a Japanese trial). When the bytes rule out every
    // double-byte charset, the detectors, the costliest step, cannot change the answer.
    if (have_declared && (single || is_multibyte(decl)) && cannot_be_double_byte(bytes, max_out))
        return declared_result;

    // A declared single-byte charset with a few scattered 8-bit bytes: the detectors would be
    // asked only whether some double-byte charset reads better, and such text is not CJK.
    std::string guess = single && scattered_8bit(bytes) ? std::string() : detect_charset(bytes);
    auto multibyte = is_multibyte;
    auto try_guess = [&](Utf8Text& out) {
        if (guess.empty() || guess == decl || guess == "us-ascii") return false;
        Utf8Text r = convert(bytes, guess, max_out);
        if (r.lossy) return false;
        r.detected = true;
        out = std::move(r);
        return true;
    };
    Utf8Text r;
    if (multibyte(guess) && try_guess(r)) return r;
    // Short Japanese strings (headers, file names) defeat the statistical detectors, which
    // then name some single-byte charset that accepts any bytes.
    if (bytes.size() <= kMaxJapaneseTrialBytes) {
        Utf8Text jp;
        if (try_japanese(bytes, max_out, jp) >= (single ? 2 : 1)) {
            jp.detected = true;
            return jp;
        }
    }
    // A single-byte guess may replace a missing label or a failed UTF-8 one ("utf-8" on
    // windows-1252 bytes is common); not a declared single-byte or CJK charset, which are more
    // likely right but damaged than wrong.
    if (!multibyte(guess) && !single && !multibyte(decl) && try_guess(r)) return r;
    if (have_declared) return declared_result;
    // Nothing credible: latin-looking text is most likely windows-1252.
    r = convert(bytes, "windows-1252", max_out);
    if (!r.lossy) {
        r.detected = true;
        return r;
    }
    r = convert(bytes, "utf-8", max_out);
    r.detected = !decl.empty();
    return r;
}

}  // namespace kagami::mime
