// HTML bodies reduced to what a phishing analyst needs: the text the reader sees and
// where every link really goes. A hand-written, single-pass tokenizer modelled loosely
// on the WHATWG one (no tree building, no CSS cascade): every loop advances through the
// input, searches only look forward (memoized where a miss could repeat), and the
// element stack is bounded, so hostile input costs linear time and bounded memory.
//
// Deliberate simplifications, each chosen so a mail client would show no less than we do:
//  - only inline style="" and a few presentational attributes decide visibility; rules
//    in <style> blocks are not applied (rspamd parses them; mail is usually inlined);
//  - implicit end tags cover the common cases (p, li, td/th/tr, dt/dd, option, a, head);
//  - elements nested deeper than kMaxDepth inherit their parent's visibility.
#include "mime/html.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"

namespace kagami::mime {
namespace {

constexpr std::size_t kMaxDepth = 1024;       // open elements tracked
constexpr std::size_t kMaxAnchorText = 1024;  // bytes of anchor/alt text per link
constexpr std::size_t kMaxUrl = 16 * 1024;    // bytes of one href/src kept
constexpr std::size_t kMaxStyle = 32 * 1024;  // bytes of one style attribute parsed
constexpr std::size_t kMaxName = 32;          // bytes of a tag name compared
constexpr std::size_t npos = std::string_view::npos;

constexpr bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}
constexpr bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr std::uint32_t name_hash(std::string_view s) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
}

// ---------------------------------------------------------------------------------------
// Character references

struct NamedRef {
    std::string_view name;
    char32_t cp;
    bool legacy;  // may appear without ';' (HTML's legacy list)
};

// U+00A0..U+00FF in order; all of them are legacy names.
constexpr std::array<std::string_view, 96> kLatin1 = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

// clang-format off
constexpr NamedRef kOtherRefs[] = {
    {"quot", 34, true}, {"QUOT", 34, true}, {"amp", 38, true}, {"AMP", 38, true}, {"lt", 60, true},
    {"LT", 60, true}, {"gt", 62, true}, {"GT", 62, true}, {"COPY", 169, true}, {"REG", 174, true},
    {"apos", 39, false}, {"Tab", 9, false}, {"NewLine", 10, false}, {"excl", 33, false},
    {"num", 35, false}, {"dollar", 36, false}, {"percnt", 37, false}, {"lpar", 40, false},
    {"rpar", 41, false}, {"ast", 42, false}, {"plus", 43, false}, {"comma", 44, false},
    {"period", 46, false}, {"sol", 47, false}, {"colon", 58, false}, {"semi", 59, false},
    {"equals", 61, false}, {"quest", 63, false}, {"commat", 64, false}, {"lsqb", 91, false},
    {"lbrack", 91, false}, {"bsol", 92, false}, {"rsqb", 93, false}, {"rbrack", 93, false},
    {"Hat", 94, false}, {"lowbar", 95, false}, {"grave", 96, false}, {"lcub", 123, false},
    {"lbrace", 123, false}, {"verbar", 124, false}, {"vert", 124, false}, {"rcub", 125, false},
    {"rbrace", 125, false}, {"NonBreakingSpace", 0xA0, false}, {"centerdot", 0xB7, false},
    {"OElig", 338, false}, {"oelig", 339, false}, {"Scaron", 352, false}, {"scaron", 353, false},
    {"Yuml", 376, false}, {"fnof", 402, false}, {"circ", 710, false}, {"tilde", 732, false},
    {"Omega", 937, false}, {"alpha", 945, false}, {"beta", 946, false}, {"gamma", 947, false},
    {"delta", 948, false}, {"mu", 956, false}, {"pi", 960, false}, {"omega", 969, false},
    {"ensp", 8194, false}, {"emsp", 8195, false}, {"thinsp", 8201, false},
    {"ZeroWidthSpace", 8203, false}, {"zwnj", 8204, false}, {"zwj", 8205, false},
    {"lrm", 8206, false}, {"rlm", 8207, false}, {"hyphen", 8208, false}, {"dash", 8208, false},
    {"ndash", 8211, false}, {"mdash", 8212, false}, {"lsquo", 8216, false}, {"rsquo", 8217, false},
    {"sbquo", 8218, false}, {"ldquo", 8220, false}, {"rdquo", 8221, false}, {"bdquo", 8222, false},
    {"dagger", 8224, false}, {"Dagger", 8225, false}, {"bull", 8226, false},
    {"bullet", 8226, false}, {"hellip", 8230, false}, {"permil", 8240, false},
    {"prime", 8242, false}, {"Prime", 8243, false}, {"lsaquo", 8249, false},
    {"rsaquo", 8250, false}, {"oline", 8254, false}, {"frasl", 8260, false},
    {"NoBreak", 8288, false}, {"euro", 8364, false}, {"copysr", 8471, false},
    {"trade", 8482, false}, {"TRADE", 8482, false}, {"larr", 8592, false}, {"uarr", 8593, false},
    {"rarr", 8594, false}, {"darr", 8595, false}, {"harr", 8596, false}, {"rArr", 8658, false},
    {"minus", 8722, false}, {"lowast", 8727, false}, {"radic", 8730, false},
    {"infin", 8734, false}, {"ne", 8800, false}, {"le", 8804, false}, {"ge", 8805, false},
    {"loz", 9674, false}, {"starf", 9733, false}, {"star", 9734, false}, {"phone", 9742, false},
    {"female", 9792, false}, {"male", 9794, false}, {"spades", 9824, false},
    {"clubs", 9827, false}, {"hearts", 9829, false}, {"diams", 9830, false},
    {"check", 10003, false}, {"cross", 10007, false},
};
// clang-format on

// All named references in an open-addressing table (slot: index + 1, 0 when empty), built
// at compile time; a duplicate name fails the build.
constexpr std::size_t kRefCount = kLatin1.size() + std::size(kOtherRefs);
constexpr std::size_t kRefSlots = 1024;
struct RefTable {
    std::array<NamedRef, kRefCount> refs{};
    std::array<std::uint16_t, kRefSlots> slot{};
};
constexpr RefTable kRefTable = [] {
    static_assert(kRefCount < kRefSlots / 2);
    RefTable t;
    for (std::size_t i = 0; i < kLatin1.size(); ++i)
        t.refs[i] = {kLatin1[i], char32_t(0xA0 + i), true};
    for (std::size_t i = 0; i < std::size(kOtherRefs); ++i)
        t.refs[kLatin1.size() + i] = kOtherRefs[i];
    for (std::size_t i = 0; i < kRefCount; ++i) {
        std::size_t h = name_hash(t.refs[i].name) & (kRefSlots - 1);
        for (; t.slot[h]; h = (h + 1) & (kRefSlots - 1))
            if (t.refs[t.slot[h] - 1].name == t.refs[i].name) throw "duplicate reference name";
        t.slot[h] = static_cast<std::uint16_t>(i + 1);
    }
    return t;
}();

const NamedRef* find_ref(std::string_view name) {
    for (std::size_t h = name_hash(name) & (kRefSlots - 1);; h = (h + 1) & (kRefSlots - 1)) {
        std::uint16_t slot = kRefTable.slot[h];
        if (slot == 0) return nullptr;
        if (kRefTable.refs[slot - 1].name == name) return &kRefTable.refs[slot - 1];
    }
}

// What browsers show for &#128;..&#159; (windows-1252), 0 where the byte is unassigned.
constexpr char32_t kC1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                              0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Decodes the character reference at s[amp] == '&'. Returns the bytes consumed (0: not a
// reference, the '&' is literal) and the code point in `cp`.
std::size_t decode_ref(std::string_view s, std::size_t amp, bool in_attr, char32_t& cp) {
    std::size_t p = amp + 1;
    const std::size_t n = s.size();
    if (p < n && s[p] == '#') {
        ++p;
        bool hex = p < n && (s[p] == 'x' || s[p] == 'X');
        if (hex) ++p;
        std::size_t digits = p;
        std::uint32_t v = 0;
        while (p < n && (hex ? is_hex(s[p]) : is_digit(s[p]))) {
            // Saturate: anything past U+10FFFF is invalid whatever its exact value.
            if (v <= 0x10FFFF) v = v * (hex ? 16 : 10) + std::uint32_t(core::hex_value(s[p]));
            ++p;
        }
        if (p == digits) return 0;
        if (p < n && s[p] == ';') ++p;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            cp = 0xFFFD;
        } else if (v >= 0x80 && v <= 0x9F) {
            cp = kC1[v - 0x80] ? kC1[v - 0x80] : v;
        } else {
            cp = v;
        }
        return p - amp;
    }
    std::size_t end = p;
    while (end < n && end - p < 32 && is_alnum(s[end])) ++end;
    if (end == p) return 0;
    if (end < n && s[end] == ';') {
        if (const NamedRef* r = find_ref(s.substr(p, end - p))) {
            cp = r->cp;
            return end + 1 - amp;
        }
    }
    // No ';': the longest legacy name that prefixes the run ("&copy2024", "&ltfoo").
    for (std::size_t len = std::min<std::size_t>(end - p, 6); len >= 2; --len) {
        const NamedRef* r = find_ref(s.substr(p, len));
        if (!r || !r->legacy) continue;
        std::size_t after = p + len;
        // Browsers leave "?a=1&copy=2" alone inside attribute values.
        if (in_attr && after < n && (is_alnum(s[after]) || s[after] == '=')) return 0;
        cp = r->cp;
        return after - amp;
    }
    return 0;
}

// Attribute value with references decoded, at most `cap` bytes, into `out`.
void decode_attr(std::string_view raw, std::size_t cap, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < raw.size() && out.size() < cap;) {
        if (raw[i] != '&') {
            // Copy up to the next '&' at once.
            std::size_t amp = std::min(raw.find('&', i), raw.size());
            std::size_t take = std::min(amp - i, cap - out.size());
            out.append(raw.data() + i, take);
            i += take;
            continue;
        }
        char32_t cp = 0;
        if (std::size_t used = decode_ref(raw, i, true, cp)) {
            core::append_utf8(out, cp);
            i += used;
        } else {
            out += raw[i++];
        }
    }
    if (out.size() > cap) out.resize(cap);
}

std::string decode_attr(std::string_view raw, std::size_t cap) {
    std::string out;
    decode_attr(raw, cap, out);
    return out;
}

// What a browser does to an href before using it: drop ASCII tab/CR/LF anywhere, strip
// leading and trailing C0 controls and spaces.
std::string clean_url(std::string_view raw) {
    std::string out = decode_attr(raw, kMaxUrl);
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](char c) { return c == '\t' || c == '\r' || c == '\n'; }),
              out.end());
    std::size_t b = 0, e = out.size();
    while (b < e && static_cast<unsigned char>(out[b]) <= 0x20) ++b;
    while (e > b && static_cast<unsigned char>(out[e - 1]) <= 0x20) --e;
    out.resize(e);
    out.erase(0, b);
    return out;
}

// ---------------------------------------------------------------------------------------
// Text output

constexpr std::size_t utf8_len(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;  // stray byte: kept alone, sanitize_utf8 replaces it at the end
}

// Per lead byte, the length of a character that TextSink copies unchanged, or 0 for the
// bytes it must look at: whitespace, and leads of no-break space and invisible characters
// (C2, E2, EF).
constexpr std::array<std::uint8_t, 256> kPlainLen = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = std::uint8_t(utf8_len(static_cast<unsigned char>(c)));
    for (unsigned char c : {' ', '\t', '\r', '\n', '\f', '\xC2', '\xE2', '\xEF'}) t[c] = 0;
    return t;
}();

// Characters used to split words invisibly ("Pay&#8203;Pal"): dropped from text.
bool is_invisible_char(std::string_view seq) {
    return seq == "\xE2\x80\x8B" || seq == "\xE2\x80\x8C" || seq == "\xE2\x80\x8D" ||
           seq == "\xE2\x81\xA0" || seq == "\xEF\xBB\xBF" || seq == "\xC2\xAD";
}

// Collapses whitespace as a renderer does and stops cleanly at a byte limit.
class TextSink {
    static bool is_white(char c) { return core::is_space(c) || c == '\f'; }

public:
    TextSink(std::size_t limit, bool newlines) : limit_(limit), newlines_(newlines) {}

    void space() { pending_space_ = true; }
    void newline() { (newlines_ ? pending_newline_ : pending_space_) = true; }
    bool full() const { return full_; }
    bool empty() const { return out_.empty(); }
    std::string& str() { return out_; }

    void put(std::string_view s) {
        const std::size_t n = s.size();
        for (std::size_t i = 0; i < n && !full_;) {
            if (is_white(s[i])) {  // indentation between tags is common: skip it at once
                while (i < n && is_white(s[i])) ++i;
                pending_space_ = true;
                continue;
            }
            // Characters copied as they are go out as one run when it surely fits (a
            // separator is at most one byte); otherwise one at a time, up to the limit.
            std::size_t j = i;
            for (;;) {
                while (j < n && kPlainLen[static_cast<unsigned char>(s[j])])
                    j += kPlainLen[static_cast<unsigned char>(s[j])];
                // A single space between two such characters also comes out as it is
                // (unless a cut-short sequence ended in '\n', after which it is dropped).
                if (j + 1 < n && s[j] == ' ' && j > i && s[j - 1] != '\n' &&
                    kPlainLen[static_cast<unsigned char>(s[j + 1])]) {
                    ++j;
                    continue;
                }
                break;
            }
            j = std::min(j, n);  // a sequence cut short by the end of the input
            if (j > i && out_.size() + 1 + (j - i) <= limit_) {
                append(s.substr(i, j - i));
                i = j;
                continue;
            }
            const std::size_t stop = std::max(j, i + 1);
            while (i < stop && !full_) i = put_char(s, i);
        }
    }

    void put(char32_t cp) {
        std::string buf;
        core::append_utf8(buf, cp);
        put(std::string_view(buf));
    }

    void reset() {
        out_.clear();
        pending_space_ = pending_newline_ = full_ = false;
    }

private:
    // One character (or stray byte) at s[i]; returns the index past it.
    std::size_t put_char(std::string_view s, std::size_t i) {
        char c = s[i];
        if (is_white(c)) {
            pending_space_ = true;
            return i + 1;
        }
        std::size_t n = std::min(utf8_len(static_cast<unsigned char>(c)), s.size() - i);
        std::string_view seq = s.substr(i, n);
        if (seq == "\xC2\xA0") {  // no-break space reads as a space
            pending_space_ = true;
        } else if (!is_invisible_char(seq)) {
            append(seq);
        }
        return i + n;
    }

    void append(std::string_view seq) {
        std::string_view sep;
        if (!out_.empty()) {
            if (pending_newline_) {
                if (out_.back() != '\n') sep = "\n";
            } else if (pending_space_ && out_.back() != '\n') {
                sep = " ";
            }
        }
        if (out_.size() + sep.size() + seq.size() > limit_) {
            full_ = true;
            return;
        }
        out_ += sep;
        out_ += seq;
        pending_space_ = pending_newline_ = false;
    }

    std::string out_;
    std::size_t limit_;
    bool newlines_;
    bool pending_space_ = false;
    bool pending_newline_ = false;
    bool full_ = false;
};

// ---------------------------------------------------------------------------------------
// Inline style

constexpr std::int32_t kNoColor = -1;
constexpr std::int32_t kTransparent = -2;

// A CSS/HTML color: "#rgb", "#rrggbb", "rrggbb", rgb()/rgba(), a few names. kNoColor when
// unknown (then the inherited color stays), kTransparent for invisible ink.
std::int32_t parse_color(std::string_view v) {
    v = core::trim(v);
    if (v.empty()) return kNoColor;
    if (v == "transparent") return kTransparent;
    static constexpr std::pair<std::string_view, std::int32_t> kNames[] = {
        {"white", 0xFFFFFF},  {"black", 0x000000},  {"red", 0xFF0000},        {"green", 0x008000},
        {"blue", 0x0000FF},   {"yellow", 0xFFFF00}, {"gray", 0x808080},       {"grey", 0x808080},
        {"silver", 0xC0C0C0}, {"navy", 0x000080},   {"maroon", 0x800000},     {"lime", 0x00FF00},
        {"orange", 0xFFA500}, {"snow", 0xFFFAFA},   {"whitesmoke", 0xF5F5F5},
    };
    if (v.front() != '#')
        for (const auto& [name, rgb] : kNames)
            if (v == name) return rgb;
    if (v.front() == '#') v.remove_prefix(1);
    if ((v.size() == 3 || v.size() == 6) && std::all_of(v.begin(), v.end(), is_hex)) {
        std::int32_t rgb = 0;
        for (char c : v) rgb = rgb * 16 + core::hex_value(c);
        if (v.size() == 3) {
            std::int32_t r = (rgb >> 8) & 0xF, g = (rgb >> 4) & 0xF, b = rgb & 0xF;
            rgb = (r * 17) << 16 | (g * 17) << 8 | (b * 17);
        }
        return rgb;
    }
    if (core::istarts_with(v, "rgb")) {
        std::size_t open = v.find('(');
        if (open == npos) return kNoColor;
        int part[4] = {0, 0, 0, 255};
        int count = 0;
        for (std::size_t i = open + 1; i < v.size() && count < 4;) {
            while (i < v.size() && (core::is_space(v[i]) || v[i] == ',' || v[i] == '/')) ++i;
            if (i >= v.size() || !(is_digit(v[i]) || v[i] == '.')) break;
            int x = 0;
            while (i < v.size() && is_digit(v[i])) x = std::min(x * 10 + (v[i++] - '0'), 1000);
            if (i < v.size() && v[i] == '.') {  // alpha as a fraction: only "is it 0" matters
                ++i;
                bool nonzero = false;
                while (i < v.size() && is_digit(v[i])) nonzero |= v[i++] != '0';
                if (count == 3) x = (x || nonzero) ? 1 : 0;
            }
            part[count++] = std::min(x, 255);
        }
        if (count < 3) return kNoColor;
        if (count == 4 && part[3] == 0) return kTransparent;
        return part[0] << 16 | part[1] << 8 | part[2];
    }
    return kNoColor;
}

// Ink this close to the background cannot be read.
bool colors_close(std::int32_t a, std::int32_t b) {
    if (a < 0 || b < 0) return false;
    int d = 0;
    for (int shift : {16, 8, 0}) d += std::abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF));
    return d <= 12;
}

// A CSS length or number: true when it parses; `value` and `unit` filled.
bool parse_number(std::string_view v, double& value, std::string_view& unit) {
    std::size_t i = 0;
    bool neg = false;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) neg = v[i++] == '-';
    std::size_t start = i;
    double x = 0;
    while (i < v.size() && is_digit(v[i])) x = std::min(x * 10 + (v[i++] - '0'), 1e9);
    if (i < v.size() && v[i] == '.') {
        double scale = 0.1;
        for (++i; i < v.size() && is_digit(v[i]); ++i, scale /= 10) x += (v[i] - '0') * scale;
    }
    if (i == start || (i == start + 1 && v[start] == '.')) return false;
    std::size_t u = i;
    while (i < v.size() && (is_alpha(v[i]) || v[i] == '%')) ++i;
    value = neg ? -x : x;
    unit = v.substr(u, i - u);
    return true;
}

bool is_zero_length(std::string_view v) {
    double x = 0;
    std::string_view unit;
    return parse_number(core::trim(v), x, unit) && x == 0;
}

// Font sizes a reader cannot make out: 0 in any unit, at most 1px/1pt.
bool is_unreadable_font_size(double x, std::string_view unit) {
    return x <= 0 || ((unit == "px" || unit == "pt") && x <= 1);
}

// Next space-separated token of a CSS value; "rgb(1, 2, 3)" stays one token.
std::string_view next_token(std::string_view& rest) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t i = 0;
    int depth = 0;
    for (; i < rest.size() && (depth > 0 || rest[i] != ' '); ++i) {
        if (rest[i] == '(') ++depth;
        if (rest[i] == ')' && depth > 0) --depth;
    }
    std::string_view tok = rest.substr(0, i);
    rest.remove_prefix(i);
    return tok;
}

struct Style {
    bool display_none = false;
    bool opacity_zero = false;
    bool clipped = false;  // zero height/width with overflow hidden
    int visibility = -1;   // -1 unset, 0 visible, 1 hidden
    int font_zero = -1;    // -1 unset, 0 readable, 1 unreadable
    std::int32_t fg = kNoColor;
    std::int32_t bg = kNoColor;
};

// `css` is scratch space, reused across calls to spare an allocation per style.
// ASCII lower case, eight bytes at a time (style attributes are long and frequent).
void lower_in_place(std::string& s) {
    constexpr std::uint64_t kOnes = 0x0101010101010101u;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        // Per byte, high bit set where the byte is ASCII and within 'A'..'Z'.
        std::uint64_t low7 = x & (0x7F * kOnes);
        std::uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;
        std::uint64_t gt_z = low7 + (0x7F - 'Z') * kOnes;
        std::uint64_t upper = (ge_a ^ gt_z) & ~x & (0x80 * kOnes);
        x |= upper >> 2;  // 0x80 >> 2 == 0x20, the case bit
        std::memcpy(s.data() + i, &x, 8);
    }
    for (; i < s.size(); ++i) s[i] = core::ascii_lower(s[i]);
}

void parse_style(std::string_view raw, Style& st, std::string& css) {
    // Lower-case and drop /* comments */ first (in place), so declarations compare plainly.
    decode_attr(raw, kMaxStyle, css);
    lower_in_place(css);
    if (css.find("/*") != npos) {
        std::size_t w = 0;
        for (std::size_t i = 0; i < css.size();) {
            if (css.compare(i, 2, "/*") == 0) {
                std::size_t e = css.find("*/", i + 2);
                i = e == npos ? css.size() : e + 2;
                continue;
            }
            css[w++] = css[i++];
        }
        css.resize(w);
    }
    bool zero_box = false, overflow_hidden = false;
    std::string_view rest(css);
    while (!rest.empty()) {
        std::size_t semi = rest.find(';');
        std::string_view decl = rest.substr(0, semi);
        rest = semi == npos ? std::string_view() : rest.substr(semi + 1);
        std::size_t colon = decl.find(':');
        if (colon == npos) continue;
        std::string_view prop = core::trim(decl.substr(0, colon));
        std::string_view val = core::trim(decl.substr(colon + 1));
        if (std::size_t bang = val.find('!'); bang != npos) val = core::trim(val.substr(0, bang));
        std::string_view first = val.substr(0, std::min(val.size(), val.find(' ')));
        double x = 0;
        std::string_view unit;
        if (prop == "display") {
            st.display_none = first == "none";
        } else if (prop == "visibility") {
            st.visibility = (val == "hidden" || val == "collapse") ? 1 : 0;
        } else if (prop == "font-size") {
            if (parse_number(val, x, unit))
                st.font_zero = is_unreadable_font_size(x, unit);
            else
                st.font_zero = 0;
        } else if (prop == "font") {
            // Shorthand: any "<size>" or "<size>/<line-height>" token decides.
            std::string_view tokens = val;
            while (!tokens.empty()) {
                std::string_view tok = next_token(tokens);
                tok = tok.substr(0, tok.find('/'));
                if (parse_number(tok, x, unit) && (!unit.empty() || x == 0)) {
                    st.font_zero = is_unreadable_font_size(x, unit);
                    break;
                }
            }
        } else if (prop == "opacity") {
            st.opacity_zero = parse_number(val, x, unit) && x <= 0;
        } else if (prop == "height" || prop == "max-height" || prop == "width" ||
                   prop == "max-width") {
            zero_box |= is_zero_length(val);
        } else if (prop == "overflow" || prop == "overflow-x" || prop == "overflow-y") {
            overflow_hidden |= first == "hidden" || first == "clip";
        } else if (prop == "color") {
            if (auto c = parse_color(val); c != kNoColor) st.fg = c;
        } else if (prop == "background-color") {
            if (auto c = parse_color(val); c >= 0) st.bg = c;
        } else if (prop == "background") {
            // The first token that is a color ("#fff url(x) no-repeat").
            std::string_view tokens = val;
            while (!tokens.empty()) {
                std::string_view tok = next_token(tokens);
                if (auto c = parse_color(tok); c >= 0) {
                    st.bg = c;
                    break;
                }
            }
        }
    }
    st.clipped = zero_box && overflow_hidden;
}

// ---------------------------------------------------------------------------------------
// Tags

enum TagFlag : std::uint16_t {
    kBlock = 1 << 0,       // starts and ends a line
    kVoid = 1 << 1,        // never has content
    kRawDrop = 1 << 2,     // raw text never shown (script, style, title, ...)
    kRawShow = 1 << 3,     // raw text shown as is (xmp)
    kRcdataShow = 1 << 4,  // text shown, references decoded, no tags (textarea)
    kHeadOk = 1 << 5,      // may sit in <head> without ending it
    kClosesP = 1 << 6,     // ends an open <p>
    kCell = 1 << 7,        // td/th: separated by a space
};
constexpr std::uint16_t kBP = kBlock | kClosesP;

enum Scope { kDefaultScope, kButtonScope, kListScope, kTableScope };

// The scopes an element bounds (the HTML "has an element in scope" lists), a bit per Scope.
constexpr std::uint8_t kBoundsAll = 0xF;       // html, table, template
constexpr std::uint8_t kBoundsNonTable = 0x7;  // applet, caption, td, th, marquee, object
constexpr std::uint8_t kBoundsButton = 1 << kButtonScope;
constexpr std::uint8_t kBoundsList = 1 << kListScope;

struct TagInfo {
    std::string_view name;
    std::uint16_t flags = 0;
    std::uint8_t scopes = 0;
};

// Tags the parser refers to: their index in kTags. Every other name is looked up by string
// only once per tag, and names outside kTags get ids past it when first pushed.
enum TagId : std::uint32_t {
    kTagA,
    kTagArea,
    kTagBase,
    kTagBody,
    kTagDd,
    kTagDt,
    kTagForm,
    kTagFrame,
    kTagHead,
    kTagHtml,
    kTagIframe,
    kTagImg,
    kTagLi,
    kTagMeta,
    kTagOption,
    kTagP,
    kTagPlaintext,
    kTagTd,
    kTagTemplate,
    kTagTh,
    kTagTr,
};
constexpr std::uint32_t kNoTag = ~std::uint32_t(0);

// clang-format off
constexpr TagInfo kTags[] = {
    // In TagId order.
    {"a"}, {"area", kVoid}, {"base", kVoid | kHeadOk}, {"body", kBlock}, {"dd", kBP}, {"dt", kBP},
    {"form", kBP}, {"frame", kVoid}, {"head", kHeadOk}, {"html", 0, kBoundsAll},
    {"iframe", kRawDrop}, {"img", kVoid}, {"li", kBP}, {"meta", kVoid | kHeadOk},
    {"option", kBlock}, {"p", kBP}, {"plaintext"}, {"td", kCell, kBoundsNonTable},
    {"template", kHeadOk, kBoundsAll}, {"th", kCell, kBoundsNonTable}, {"tr", kBlock},
    // Other tags with flags or scopes.
    {"address", kBP}, {"article", kBP}, {"aside", kBP}, {"blockquote", kBP}, {"center", kBP},
    {"details", kBP}, {"dir", kBP}, {"div", kBP}, {"dl", kBP}, {"fieldset", kBP},
    {"figcaption", kBP}, {"figure", kBP}, {"footer", kBP}, {"h1", kBP}, {"h2", kBP},
    {"h3", kBP}, {"h4", kBP}, {"h5", kBP}, {"h6", kBP}, {"header", kBP},
    {"hr", kBP | kVoid}, {"main", kBP}, {"menu", kBP}, {"nav", kBP}, {"ol", kBP, kBoundsList},
    {"pre", kBP}, {"section", kBP}, {"summary", kBP}, {"table", kBP, kBoundsAll},
    {"ul", kBP, kBoundsList}, {"caption", kBlock, kBoundsNonTable}, {"br", kBlock | kVoid},
    {"basefont", kVoid | kHeadOk}, {"bgsound", kVoid | kHeadOk}, {"col", kVoid},
    {"embed", kVoid}, {"input", kVoid}, {"keygen", kVoid}, {"link", kVoid | kHeadOk},
    {"param", kVoid}, {"source", kVoid}, {"track", kVoid}, {"wbr", kVoid},
    {"script", kRawDrop | kHeadOk}, {"style", kRawDrop | kHeadOk},
    {"title", kRawDrop | kHeadOk}, {"noembed", kRawDrop}, {"noframes", kRawDrop | kHeadOk},
    {"xmp", kRawShow | kBP}, {"textarea", kRcdataShow}, {"noscript", kHeadOk},
    {"applet", 0, kBoundsNonTable}, {"marquee", 0, kBoundsNonTable},
    {"object", 0, kBoundsNonTable}, {"button", 0, kBoundsButton},
    // Common in mail and plain: listed only to spare a lookup by string.
    {"span"}, {"font"}, {"b"}, {"i"}, {"u"}, {"s"}, {"strong"}, {"em"}, {"small"}, {"big"},
    {"sup"}, {"sub"}, {"tbody"}, {"thead"}, {"tfoot"}, {"colgroup"}, {"label"}, {"select"},
    {"o:p"}, {"strike"}, {"del"}, {"ins"}, {"code"}, {"tt"}, {"abbr"}, {"cite"}, {"q"},
    {"mark"}, {"picture"}, {"svg"}, {"nobr"}, {"kbd"}, {"var"}, {"bdo"}, {"bdi"}, {"time"},
    {"legend"}, {"optgroup"}, {"map"}, {"dfn"}, {"acronym"}, {"path"}, {"g"}, {"v:shape"},
    {"v:roundrect"}, {"v:textbox"}, {"w:anchorlock"},
};
// clang-format on
constexpr std::size_t kTagCount = std::size(kTags);

// Open addressing over kTags: slot holds index + 1, 0 when empty. Built at compile time;
// a duplicate name fails the build.
constexpr std::size_t kTagSlots = 512;
constexpr auto kTagSlotTable = [] {
    static_assert(kTagCount < kTagSlots / 2);
    std::array<std::uint16_t, kTagSlots> t{};
    for (std::size_t i = 0; i < kTagCount; ++i) {
        std::size_t h = name_hash(kTags[i].name) & (kTagSlots - 1);
        for (; t[h]; h = (h + 1) & (kTagSlots - 1))
            if (kTags[t[h] - 1].name == kTags[i].name) throw "duplicate tag name";
        t[h] = static_cast<std::uint16_t>(i + 1);
    }
    return t;
}();

// Index in kTags of a lower-case name (`hash`: its name_hash), or kNoTag.
std::uint32_t known_tag(std::string_view name, std::uint32_t hash) {
    for (std::size_t h = hash & (kTagSlots - 1);; h = (h + 1) & (kTagSlots - 1)) {
        std::uint16_t slot = kTagSlotTable[h];
        if (slot == 0) return kNoTag;
        if (kTags[slot - 1].name == name) return slot - 1u;
    }
}

enum Attr {
    kHref,
    kSrc,
    kAction,
    kStyle,
    kAlt,
    kContent,
    kHttpEquiv,
    kHiddenAttr,
    kColor,
    kBgcolor,
    kAttrCount
};
constexpr std::string_view kAttrNames[kAttrCount] = {
    "href", "src", "action", "style", "alt", "content", "http-equiv", "hidden", "color", "bgcolor"};

// The Attr an attribute name (any case) stands for, or kAttrCount.
Attr attr_of(std::string_view name) {
    // At most two names share a length: compare against those only.
    static constexpr auto kByLength = [] {
        std::array<std::array<Attr, 2>, 11> t{};
        for (auto& row : t) row = {kAttrCount, kAttrCount};
        for (int a = 0; a < kAttrCount; ++a) {
            auto& row = t[kAttrNames[a].size()];
            (row[0] == kAttrCount ? row[0] : row[1]) = Attr(a);
        }
        return t;
    }();
    if (name.size() >= kByLength.size()) return kAttrCount;
    for (Attr a : kByLength[name.size()])
        if (a != kAttrCount && core::iequals(name, kAttrNames[a])) return a;
    return kAttrCount;
}

// Byte classes for the tag tokenizer.
enum CharClass : std::uint8_t { kSp = 1, kSlash = 2, kGt = 4, kEq = 8, kFf = 16 };
constexpr std::array<std::uint8_t, 256> kCharClass = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned char c : {' ', '\t', '\r', '\n'}) t[c] = kSp;  // core::is_space
    t['/'] = kSlash;
    t['>'] = kGt;
    t['='] = kEq;
    t['\f'] = kFf;
    return t;
}();

struct Tag {
    std::array<char, kMaxName> buf;  // the name, lower case, at most kMaxName bytes
    std::size_t len = 0;
    std::uint32_t id = kNoTag;  // index in kTags
    std::uint16_t flags = 0;
    std::uint16_t present = 0;  // a bit per Attr
    // Values where `present` has the bit, left uninitialized otherwise (a Tag is built for
    // every tag read).
    std::array<const char*, kAttrCount> data;
    std::array<std::size_t, kAttrCount> size;

    std::string_view name() const { return {buf.data(), len}; }
    bool has(Attr a) const { return (present >> a) & 1; }
    std::string_view value(Attr a) const {
        return has(a) ? std::string_view(data[a], size[a]) : "";
    }
};

struct Element {
    std::uint32_t id = kNoTag;    // kTags index, or an id given to another name when pushed
    std::int32_t prev_same = -1;  // stack index of the next open element with the same id
    std::uint32_t level = 0;      // ancestors (self included) hiding everything inside them
    bool in_head = false;
    bool vis_hidden = false;  // inherited, a descendant may undo it
    bool font_zero = false;   // inherited, a descendant may undo it
    bool fg_set = false;      // someone chose the ink; default black is not suspicious
    std::int32_t fg = 0x000000;
    std::int32_t bg = 0xFFFFFF;  // mail readers draw on white
    bool box_hidden = false;     // no box at all: text, images and links are invisible
    bool hidden = false;         // text is invisible (box hidden, or ink unreadable)
    // Stack index of the innermost element bounding each kind of scope (-1: none), so
    // that "is a <td> open in table scope" is O(1) rather than a walk down the stack.
    std::array<std::int32_t, 4> scope{-1, -1, -1, -1};
};

// Forward-only search that remembers its last answer, so that a needle missing from
// the rest of the input is not searched for again (keeps repeated misses linear).
class Finder {
public:
    explicit Finder(std::string_view needle) : needle_(needle) {}
    std::size_t find(std::string_view s, std::size_t from) {
        if (!valid_ || (cached_ != npos && cached_ < from)) {
            cached_ = s.find(needle_, from);
            valid_ = true;
        }
        return cached_;
    }

private:
    std::string_view needle_;
    std::size_t cached_ = 0;
    bool valid_ = false;
};

class Parser {
public:
    Parser(std::string_view html, std::size_t max_text, std::size_t max_links)
        : s_(html),
          max_links_(max_links),
          text_(max_text, true),
          anchor_text_(kMaxAnchorText, false),
          anchor_alt_(kMaxAnchorText, false),
          open_top_(kTagCount, -1) {}

    void run() {
        std::size_t pos = 0;
        const std::size_t n = s_.size();
        while (pos < n && !(text_.full() && view_.links.size() >= max_links_)) {
            if (s_[pos] != '<') {
                pos = text_run(pos);
                continue;
            }
            char d = pos + 1 < n ? s_[pos + 1] : '\0';
            if (is_alpha(d)) {
                pos = start_tag(pos + 1);
            } else if (d == '/') {
                char e = pos + 2 < n ? s_[pos + 2] : '\0';
                if (is_alpha(e))
                    pos = end_tag(pos + 2);
                else if (e == '>')
                    pos += 3;
                else if (pos + 2 >= n)
                    pos = literal(pos, n);
                else
                    pos = skip_past(pos + 2, '>');  // "</ x>": a bogus comment
            } else if (d == '!') {
                if (s_.compare(pos + 2, 2, "--") == 0) {
                    pos = skip_comment(pos + 2);
                } else if (core::istarts_with(s_.substr(pos + 2), "[CDATA[")) {
                    std::size_t e = cdata_end_.find(s_, pos + 9);
                    pos = e == npos ? skip_past(pos + 9, '>') : e + 3;
                } else {
                    pos = skip_past(pos + 2, '>');  // doctype, <!x>
                }
            } else if (d == '?') {
                pos = skip_past(pos + 2, '>');  // processing instruction
            } else {
                pos = literal(pos, pos + 1);
            }
        }
        finish_anchor();
        view_.truncated = view_.truncated || text_.full();
    }

    HtmlView take() {
        // Output is nearly always valid already: check before copying.
        auto sanitize = [](std::string& s) {
            if (!core::is_valid_utf8(s)) s = core::sanitize_utf8(s);
        };
        view_.text = std::move(text_.str());
        sanitize(view_.text);
        for (auto& link : view_.links) {
            sanitize(link.href);
            sanitize(link.text);
        }
        return std::move(view_);
    }

    void mark_truncated() { view_.truncated = true; }

private:
    const Element& top() const { return stack_.empty() ? root_ : stack_.back(); }

    bool shows_main(const Element& e) const { return !e.in_head && !e.hidden; }
    bool shows_anchor(const Element& e) const {
        return anchor_ != npos && !e.in_head && (!e.hidden || anchor_hidden_);
    }

    std::size_t skip_past(std::size_t p, char c) {
        std::size_t e = s_.find(c, p);
        return e == npos ? s_.size() : e + 1;
    }

    // "<!--" at p - 2; "<!-->" and "<!--->" are complete (empty) comments in HTML.
    std::size_t skip_comment(std::size_t p) {
        std::size_t a = comment_end_.find(s_, p);
        std::size_t b = comment_end_bang_.find(s_, p);
        if (a == npos && b == npos) return s_.size();  // unterminated: the rest is comment
        return a <= b ? a + 3 : b + 4;
    }

    // Text that only looks like markup ("a < b").
    std::size_t literal(std::size_t from, std::size_t to) {
        emit(s_.substr(from, to - from), false, top());
        return to;
    }

    std::size_t text_run(std::size_t p) {
        std::size_t end = std::min(s_.find('<', p), s_.size());
        std::string_view run = s_.substr(p, end - p);
        // Text directly in <head> ends it, as in a browser (only whitespace belongs there).
        if (!stack_.empty() && stack_.back().id == kTagHead &&
            std::any_of(run.begin(), run.end(), [](char c) { return !core::is_space(c); }))
            pop_to(kTagHead);
        emit(run, true, top());
        return end;
    }

    void emit(std::string_view run, bool decode, const Element& ctx) {
        bool to_main = shows_main(ctx) && !text_.full();
        bool to_anchor = shows_anchor(ctx) && !anchor_text_.full();
        if (anchor_ != npos && shows_main(ctx) &&
            std::any_of(run.begin(), run.end(), [](char c) { return !core::is_space(c); }))
            anchor_seen_ = true;
        if (!to_main && !to_anchor) return;
        for (std::size_t i = 0; i < run.size();) {
            std::size_t amp = decode ? std::min(run.find('&', i), run.size()) : run.size();
            if (amp > i) {
                std::string_view chunk = run.substr(i, amp - i);
                if (to_main) text_.put(chunk);
                if (to_anchor) anchor_text_.put(chunk);
                i = amp;
                continue;
            }
            char32_t cp = 0;
            std::size_t used = decode_ref(run, i, false, cp);
            if (used == 0) {
                if (to_main) text_.put(std::string_view("&"));
                if (to_anchor) anchor_text_.put(std::string_view("&"));
                ++i;
            } else {
                if (to_main) text_.put(cp);
                if (to_anchor) anchor_text_.put(cp);
                i += used;
            }
            if (to_main && text_.full()) to_main = false;
            if (!to_main && !to_anchor) return;
        }
    }

    // Line breaks for blocks, spaces between table cells; hidden boxes add neither.
    void separate(std::uint16_t flags) {
        if (flags & kBlock) {
            text_.newline();
            anchor_text_.space();
        } else if (flags & kCell) {
            text_.space();
            anchor_text_.space();
        }
    }

    // Reads a tag from its name (at p) to past its '>', keeping the attributes in Attr if
    // `attrs`. Unterminated tags and quoted values run to the end of the input.
    std::size_t parse_tag(std::size_t p, Tag& tag, bool attrs) {
        const std::size_t n = s_.size();
        auto is = [&](std::size_t i, std::uint8_t classes) {
            return (kCharClass[static_cast<unsigned char>(s_[i])] & classes) != 0;
        };
        std::size_t start = p;
        while (p < n && !is(p, kSp | kSlash | kGt)) ++p;
        tag.len = std::min(p - start, kMaxName);
        std::uint32_t h = 2166136261u;  // name_hash, computed while lower-casing
        for (std::size_t i = 0; i < tag.len; ++i) {
            char c = core::ascii_lower(s_[start + i]);
            tag.buf[i] = c;
            h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
        }
        tag.id = known_tag(tag.name(), h);
        tag.flags = tag.id == kNoTag ? 0 : kTags[tag.id].flags;
        for (;;) {
            while (p < n && is(p, kSp | kSlash | kFf)) ++p;
            if (p >= n) return n;
            if (s_[p] == '>') return p + 1;
            std::size_t name_start = p++;  // a name may start with '='
            while (p < n && !is(p, kSp | kSlash | kGt | kEq)) ++p;
            std::string_view name = s_.substr(name_start, p - name_start);
            while (p < n && is(p, kSp)) ++p;
            std::string_view value;
            if (p < n && s_[p] == '=') {
                ++p;
                while (p < n && is(p, kSp)) ++p;
                if (p < n && (s_[p] == '"' || s_[p] == '\'')) {
                    std::size_t close = s_.find(s_[p], p + 1);
                    if (close == npos) close = n;
                    value = s_.substr(p + 1, close - p - 1);
                    p = close == n ? n : close + 1;
                } else {
                    std::size_t vs = p;
                    while (p < n && !is(p, kSp | kGt)) ++p;
                    value = s_.substr(vs, p - vs);
                }
            }
            if (!attrs) continue;
            Attr a = attr_of(name);
            if (a != kAttrCount && !tag.has(a)) {  // first one wins
                tag.present |= std::uint16_t(1u << a);
                tag.data[a] = value.data();
                tag.size[a] = value.size();
            }
        }
    }

    Element make_element(const Tag& tag, const Element& parent) {
        Element e = parent;
        e.id = tag.id;
        if (tag.id == kTagHead) e.in_head = true;
        if (tag.id == kTagTemplate || tag.has(kHiddenAttr)) ++e.level;
        if (tag.has(kColor)) {
            auto c = parse_color(core::to_lower(decode_attr(tag.value(kColor), 64)));
            if (c != kNoColor) e.fg = c, e.fg_set = true;
        }
        if (tag.has(kBgcolor)) {
            auto c = parse_color(core::to_lower(decode_attr(tag.value(kBgcolor), 64)));
            if (c >= 0) e.bg = c;
        }
        if (tag.has(kStyle)) {
            Style st;
            parse_style(tag.value(kStyle), st, style_scratch_);
            if (st.display_none || st.opacity_zero || st.clipped) ++e.level;
            if (st.visibility >= 0) e.vis_hidden = st.visibility == 1;
            if (st.font_zero >= 0) e.font_zero = st.font_zero == 1;
            if (st.fg != kNoColor) e.fg = st.fg, e.fg_set = true;
            if (st.bg >= 0) e.bg = st.bg;
        }
        e.box_hidden = e.level > 0 || e.vis_hidden;
        e.hidden = e.box_hidden || e.font_zero || e.fg == kTransparent ||
                   (e.fg_set && colors_close(e.fg, e.bg));
        return e;
    }

    bool add_link(std::string href, std::string_view tag, std::string text, bool hidden) {
        if (href.empty()) return false;
        if (view_.links.size() >= max_links_) {
            view_.truncated = true;
            return false;
        }
        view_.links.push_back({std::move(href), std::move(text), std::string(tag), hidden});
        return true;
    }

    std::string collapsed(std::string_view raw) {
        TextSink sink(kMaxAnchorText, false);
        sink.put(std::string_view(decode_attr(raw, kMaxAnchorText * 4)));
        return std::move(sink.str());
    }

    // <meta http-equiv=refresh content="5; url='https://x'">
    static std::string refresh_url(std::string_view content) {
        std::size_t p = 0;
        const std::size_t n = content.size();
        while (p < n && core::is_space(content[p])) ++p;
        while (p < n && (is_digit(content[p]) || content[p] == '.')) ++p;
        while (p < n && core::is_space(content[p])) ++p;
        if (p < n && (content[p] == ';' || content[p] == ',')) ++p;
        while (p < n && core::is_space(content[p])) ++p;
        if (core::istarts_with(content.substr(p), "url")) {
            std::size_t q = p + 3;
            while (q < n && core::is_space(content[q])) ++q;
            if (q < n && content[q] == '=') {
                p = q + 1;
                while (p < n && core::is_space(content[p])) ++p;
            }
        }
        std::string_view url = content.substr(p);
        if (!url.empty() && (url.front() == '\'' || url.front() == '"')) {
            std::size_t close = url.find(url.front(), 1);
            url = url.substr(1, close == npos ? npos : close - 1);
        }
        return std::string(url);
    }

    void collect_links(const Tag& tag, const Element& e) {
        switch (tag.id) {
            case kTagA:
                if (tag.has(kHref) && add_link(clean_url(tag.value(kHref)), "a", {}, e.hidden)) {
                    anchor_ = view_.links.size() - 1;
                    anchor_hidden_ = e.hidden;
                    anchor_box_hidden_ = e.box_hidden;
                    anchor_seen_ = false;
                    anchor_depth_ = stack_.size();
                }
                break;
            case kTagArea:
                if (tag.has(kHref))
                    add_link(clean_url(tag.value(kHref)), "area", collapsed(tag.value(kAlt)),
                             e.box_hidden);
                break;
            case kTagForm:
                if (tag.has(kAction))
                    add_link(clean_url(tag.value(kAction)), "form", {}, e.box_hidden);
                break;
            case kTagIframe:
            case kTagFrame:
                if (tag.has(kSrc))
                    add_link(clean_url(tag.value(kSrc)), tag.name(), {}, e.box_hidden);
                break;
            case kTagImg: {
                std::string alt = tag.has(kAlt) ? collapsed(tag.value(kAlt)) : std::string();
                if (anchor_ != npos && !e.box_hidden) anchor_seen_ = true;
                if (anchor_ != npos && shows_anchor(e) && anchor_alt_.empty())
                    anchor_alt_.put(std::string_view(alt));
                if (tag.has(kSrc)) {
                    std::string src = clean_url(tag.value(kSrc));
                    // Inline images are not places anyone is sent to.
                    if (!core::istarts_with(src, "data:") && !core::istarts_with(src, "cid:"))
                        add_link(std::move(src), "img", std::move(alt), e.box_hidden);
                }
                break;
            }
            case kTagMeta:
                if (tag.has(kHttpEquiv) && tag.has(kContent) &&
                    core::iequals(core::trim(decode_attr(tag.value(kHttpEquiv), 64)), "refresh")) {
                    std::string content = decode_attr(tag.value(kContent), kMaxUrl);
                    add_link(clean_url(refresh_url(content)), "meta-refresh", {}, false);
                }
                break;
            case kTagBase:
                if (tag.has(kHref)) add_link(clean_url(tag.value(kHref)), "base", {}, false);
                break;
            default:
                // Namespaced elements that link (Outlook's <v:roundrect href=...> buttons).
                if (tag.has(kHref) && tag.name().find(':') != npos)
                    add_link(clean_url(tag.value(kHref)), tag.name(), {}, e.box_hidden);
                break;
        }
    }

    void finish_anchor() {
        if (anchor_ == npos) return;
        HtmlLink& link = view_.links[anchor_];
        link.text =
            anchor_text_.empty() ? std::move(anchor_alt_.str()) : std::move(anchor_text_.str());
        // Hidden ink on the <a> itself does not hide a child that sets its own font size or
        // color, nor a picture: the link is still seen and clicked.
        if (link.hidden && !anchor_box_hidden_ && anchor_seen_) link.hidden = false;
        anchor_text_.reset();
        anchor_alt_.reset();
        anchor_ = npos;
    }

    // Names outside kTags get ids past it, given when first pushed (an end tag with a
    // name never pushed closes nothing, so only a lookup is needed then).
    std::uint32_t other_id(std::string_view name, bool add) {
        key_.assign(name);
        if (!add) {
            auto it = other_ids_.find(key_);
            return it == other_ids_.end() ? kNoTag : it->second;
        }
        auto [it, added] =
            other_ids_.try_emplace(key_, static_cast<std::uint32_t>(open_top_.size()));
        if (added) open_top_.push_back(-1);
        return it->second;
    }

    void push(Element e, std::string_view name) {
        if (stack_.size() >= kMaxDepth) return;  // deeper elements share their parent's state
        if (e.id == kNoTag) e.id = other_id(name, true);
        auto index = static_cast<std::int32_t>(stack_.size());
        std::uint8_t scopes = e.id < kTagCount ? kTags[e.id].scopes : 0;
        for (int k = 0; k < 4; ++k)
            if (scopes & (1 << k)) e.scope[k] = index;
        e.prev_same = open_top_[e.id];
        open_top_[e.id] = index;
        stack_.push_back(e);
    }

    bool is_open(std::uint32_t id) const { return id != kNoTag && open_top_[id] >= 0; }

    // As the HTML "has an element in scope" steps: the nearest open `id` is not hidden
    // behind a boundary of that scope (a <td> of an outer table is not in table scope).
    bool in_scope(std::uint32_t id, Scope kind) const {
        return is_open(id) && open_top_[id] >= top().scope[kind];
    }

    void pop_to(std::uint32_t id) {
        if (!is_open(id)) return;
        while (!stack_.empty()) {
            Element e = stack_.back();
            stack_.pop_back();
            open_top_[e.id] = e.prev_same;
            if (anchor_ != npos && stack_.size() <= anchor_depth_) finish_anchor();
            if (e.id == id) break;
        }
    }

    void close_in_scope(std::uint32_t id, Scope kind) {
        if (in_scope(id, kind)) pop_to(id);
    }

    static Scope end_tag_scope(std::uint32_t id) {
        switch (id) {
            case kTagP:
                return kButtonScope;
            case kTagLi:
                return kListScope;
            case kTagTd:
            case kTagTh:
            case kTagTr:
                return kTableScope;
            default:
                return kDefaultScope;
        }
    }

    void close_implied(std::uint32_t id, std::uint16_t flags) {
        if (is_open(kTagHead) && !(flags & kHeadOk)) pop_to(kTagHead);
        if (flags & kClosesP) close_in_scope(kTagP, kButtonScope);
        switch (id) {
            case kTagLi:
                close_in_scope(kTagLi, kListScope);
                break;
            case kTagDd:
            case kTagDt:
                close_in_scope(kTagDd, kListScope);
                close_in_scope(kTagDt, kListScope);
                break;
            case kTagTd:
            case kTagTh:
            case kTagTr:
                close_in_scope(kTagTd, kTableScope);
                close_in_scope(kTagTh, kTableScope);
                if (id == kTagTr) close_in_scope(kTagTr, kTableScope);
                break;
            case kTagOption:
                if (!stack_.empty() && stack_.back().id == kTagOption) pop_to(kTagOption);
                break;
            case kTagA:
                close_in_scope(kTagA, kDefaultScope);
                finish_anchor();  // an <a> past the depth limit was never on the stack
                break;
            case kTagBody:
                pop_to(kTagHead);
                break;
            default:
                break;
        }
    }

    std::size_t start_tag(std::size_t p) {
        Tag tag;
        p = parse_tag(p, tag, true);
        const std::uint16_t flags = tag.flags;
        close_implied(tag.id, flags);
        Element e = make_element(tag, top());
        collect_links(tag, e);
        if (shows_main(e) || shows_anchor(e)) separate(flags);
        if (flags & (kRawDrop | kRawShow | kRcdataShow)) {
            // Content up to the matching end tag is text, not markup.
            std::size_t end = raw_text_end(p, tag.name());
            if (!(flags & kRawDrop)) emit(s_.substr(p, end - p), (flags & kRcdataShow) != 0, e);
            if (shows_main(e) || shows_anchor(e)) separate(flags);
            if (end >= s_.size()) return s_.size();
            Tag closing;
            return parse_tag(end + 2, closing, false);
        }
        if (tag.id == kTagPlaintext) {
            emit(s_.substr(p), false, e);
            return s_.size();
        }
        if (!(flags & kVoid)) push(e, tag.name());
        return p;
    }

    // Start of "</name" (followed by a delimiter) at or after p, or the input size.
    std::size_t raw_text_end(std::size_t p, std::string_view name) {
        const std::size_t n = s_.size();
        while (p < n) {
            std::size_t q = s_.find("</", p);
            if (q == npos) return n;
            std::size_t after = q + 2 + name.size();
            if (core::iequals(s_.substr(q + 2, name.size()), name) &&
                (after >= n || core::is_space(s_[after]) || s_[after] == '/' || s_[after] == '>'))
                return q;
            p = q + 2;
        }
        return n;
    }

    std::size_t end_tag(std::size_t p) {
        Tag tag;
        p = parse_tag(p, tag, false);
        if (shows_main(top()) || shows_anchor(top())) separate(tag.flags);
        // Browsers keep adding content after </body> and </html> to the body.
        if (tag.id == kTagBody || tag.id == kTagHtml) return p;
        std::uint32_t id = tag.id != kNoTag ? tag.id : other_id(tag.name(), false);
        close_in_scope(id, end_tag_scope(tag.id));
        if (tag.id == kTagA) finish_anchor();
        return p;
    }

    std::string_view s_;
    std::size_t max_links_;
    HtmlView view_;
    TextSink text_;
    TextSink anchor_text_;
    TextSink anchor_alt_;
    std::size_t anchor_ = npos;  // index in view_.links of the open <a>
    bool anchor_hidden_ = false;
    bool anchor_box_hidden_ = false;
    bool anchor_seen_ = false;      // something visible (text, image) inside the open <a>
    std::size_t anchor_depth_ = 0;  // stack size when the <a> opened
    Element root_;
    std::vector<Element> stack_;
    // Per tag id, the stack index of the innermost open element with it (-1: none); each
    // Element links to the next one down, so open elements of a name form a list.
    std::vector<std::int32_t> open_top_;
    std::unordered_map<std::string, std::uint32_t> other_ids_;  // names outside kTags
    std::string key_;                                           // lookup scratch
    std::string style_scratch_;
    Finder comment_end_{"-->"};
    Finder comment_end_bang_{"--!>"};
    Finder cdata_end_{"]]>"};
};

// ---------------------------------------------------------------------------------------
// URLs in plain text

// Defanged or plain dot at k ("[.]", "(.)", "{.}", "[dot]", "(dot)"): its length, or 0.
std::size_t defanged_dot(std::string_view t, std::size_t k) {
    if (k >= t.size() || (t[k] != '[' && t[k] != '(' && t[k] != '{')) return 0;  // the usual
    for (std::string_view d : {"[.]", "(.)", "{.}", "[dot]", "(dot)"})
        if (k + d.size() <= t.size() && core::iequals(t.substr(k, d.size()), d)) return d.size();
    return 0;
}

// "://" and its defanged spellings at k: their length, or 0.
std::size_t scheme_separator(std::string_view t, std::size_t k) {
    for (std::string_view d : {"://", "[:]//", "(:)//", "[://]", "{:}//"})
        if (t.compare(k, d.size(), d) == 0) return d.size();
    return 0;
}

constexpr std::array<bool, 256> kUrlChar = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = is_alnum(char(c));
    for (char c : std::string_view("-._~:/?#[]@!$&*+,;=%()"))
        t[static_cast<unsigned char>(c)] = true;
    return t;
}();

bool is_url_char(char c) {
    return kUrlChar[static_cast<unsigned char>(c)];
}

// The next index at or after j where a word starts (a letter after a non-letter).
std::size_t next_word(std::string_view t, std::size_t j) {
    const std::size_t n = t.size();
    if (j > 0 && j < n && is_alpha(t[j - 1]))
        while (j < n && is_alpha(t[j])) ++j;
    while (j < n && !is_alpha(t[j])) ++j;
    return j;
}

}  // namespace

HtmlView html_view(std::string_view html, std::size_t max_text, std::size_t max_links) {
    try {
        Parser parser(html, max_text, max_links);
        try {
            parser.run();
        } catch (const std::bad_alloc&) {
            parser.mark_truncated();  // keep what was read so far
        }
        return parser.take();
    } catch (...) {
        HtmlView view;
        view.truncated = true;
        return view;
    }
}

std::vector<std::string> text_urls(std::string_view text, std::size_t max_links) {
    std::vector<std::string> urls;
    try {
        const std::size_t n = text.size();
        for (std::size_t i = next_word(text, 0); i < n && urls.size() < max_links;) {
            // Only a word starting with h, t, f (schemes) or w (www.) can begin a URL.
            const char first = core::ascii_lower(text[i]);
            const bool word_start = is_alpha(text[i]) && (i == 0 || !is_alpha(text[i - 1]));
            if (!word_start || (first != 'h' && first != 't' && first != 'f' && first != 'w')) {
                i = next_word(text, i + 1);
                continue;
            }
            char prev = i > 0 ? text[i - 1] : ' ';
            std::string url;
            std::size_t k = i;
            bool www = false;
            // Scheme word, defanged forms included: hxxp, h**p, hXXps, ttp, fxp.
            std::size_t w = i;
            char buf[8];
            while (w < n && w - i < 8 && (is_alpha(text[w]) || text[w] == '*')) {
                buf[w - i] = core::ascii_lower(text[w]);
                ++w;
            }
            std::string_view word(buf, w - i);
            std::string_view scheme;
            if (word == "http" || word == "hxxp" || word == "h**p" || word == "ttp" ||
                word == "hxp")
                scheme = "http";
            else if (word == "https" || word == "hxxps" || word == "h**ps" || word == "ttps" ||
                     word == "hxps")
                scheme = "https";
            else if (word == "ftp" || word == "fxp")
                scheme = "ftp";
            std::size_t sep = scheme.empty() ? 0 : scheme_separator(text, w);
            if (sep) {
                url.assign(scheme).append("://");
                k = w + sep;
            } else if (core::istarts_with(text.substr(i), "www") && prev != '.' && prev != '@' &&
                       prev != '-' && prev != '/' && !is_digit(prev) && i + 3 < n) {
                std::size_t dot = text[i + 3] == '.' ? 1 : defanged_dot(text, i + 3);
                if (dot) {
                    url.assign(text.substr(i, 3)).append(".");
                    k = i + 3 + dot;
                    www = true;
                }
            }
            if (url.empty()) {
                i = next_word(text, i + 1);
                continue;
            }
            const std::size_t host_start = url.size();
            int parens = 0, brackets = 0;
            while (k < n) {
                if (std::size_t d = defanged_dot(text, k)) {
                    if (url.size() < kMaxUrl) url += '.';
                    k += d;
                    continue;
                }
                if (text[k] == '[' && text.compare(k, 3, "[:]") == 0) {
                    if (url.size() < kMaxUrl) url += ':';
                    k += 3;
                    continue;
                }
                char c = text[k];
                if (!is_url_char(c)) break;  // whitespace, quotes, <>, non-ASCII, ...
                if (c == '(') ++parens;
                if (c == '[') ++brackets;
                if (c == ')' && parens-- == 0) break;
                if (c == ']' && brackets-- == 0) break;
                if (url.size() < kMaxUrl) url += c;
                ++k;
            }
            while (url.size() > host_start && std::string_view(".,;:!?").find(url.back()) != npos)
                url.pop_back();
            std::string_view rest = std::string_view(url).substr(host_start);
            std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
            bool ok = std::any_of(host.begin(), host.end(), is_alnum);
            if (www) {
                std::size_t dot = host.find('.');
                ok = ok && dot != npos && dot + 1 < host.size() && is_alnum(host[dot + 1]);
            }
            if (ok) urls.push_back(std::move(url));
            i = std::max(k, i + 1);
        }
    } catch (...) {
        // Out of memory: the URLs found so far are still right.
    }
    return urls;
}

}  // namespace kagami::mime
