// SPDX-License-Identifier: Apache-2.0
#include "mime/header_decode.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/text.h"
#include "mime/charset.h"

namespace kagami::mime {
namespace {

// Output of one decoded header: input * 4 covers every charset's worst growth
// (1 byte -> U+FFFD is 3 bytes), and no header deserves more than 1 MiB of text.
constexpr std::size_t kMaxDecodedHeader = 1024 * 1024;
constexpr std::size_t kGrowth = 4;
constexpr std::size_t kMinDecoded = 64;

// RFC 2047 limits a word to 75 characters; real mailers exceed it, but never by this much.
// Bounding the search for "?=" also keeps a header full of "=?" linear.
constexpr std::size_t kMaxEncodedWord = 2048;
constexpr std::size_t kMaxCharsetLabel = 64;

// RFC 2231 continuations: segments per parameter and bytes per value.
constexpr std::size_t kMaxContinuations = 1000;
constexpr std::size_t kMaxParamValue = 64 * 1024;
constexpr std::size_t kMaxParams = 1000;

constexpr std::size_t kMaxAddresses = 10000;

std::size_t output_cap(std::size_t input) {
    return std::min(kMaxDecodedHeader, std::max(kMinDecoded, input * kGrowth));
}

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

// Removes line breaks. CRLF followed by whitespace is a fold (the whitespace stays); a bare
// break inside a value is a broken fold and becomes one space so words do not glue.
std::string unfold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c != '\r' && c != '\n') {
            out.push_back(c);
            continue;
        }
        while (i + 1 < s.size() && (s[i + 1] == '\r' || s[i + 1] == '\n')) ++i;
        if (i + 1 < s.size() && !is_wsp(s[i + 1]) && !out.empty()) out.push_back(' ');
    }
    return out;
}

// Lenient base64: skips junk, accepts missing padding, and treats '=' as the end of a quantum
// so that padded chunks concatenated in one word still decode.
std::string decode_b(std::string_view s) {
    std::string out;
    std::uint32_t acc = 0;
    int n = 0;
    auto flush_partial = [&] {
        if (n == 2) out.push_back(static_cast<char>((acc >> 4) & 0xFF));
        if (n == 3) {
            out.push_back(static_cast<char>((acc >> 10) & 0xFF));
            out.push_back(static_cast<char>((acc >> 2) & 0xFF));
        }
        acc = 0;
        n = 0;
    };
    for (char c : s) {
        if (c == '=') {
            flush_partial();
            continue;
        }
        int v = core::base64_value(c);
        if (v < 0) continue;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        if (++n == 4) {
            out.push_back(static_cast<char>((acc >> 16) & 0xFF));
            out.push_back(static_cast<char>((acc >> 8) & 0xFF));
            out.push_back(static_cast<char>(acc & 0xFF));
            acc = 0;
            n = 0;
        }
    }
    flush_partial();
    return out;
}

std::string decode_q(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '_') {
            out.push_back(' ');
        } else if (c == '=' && i + 2 < s.size() && core::hex_value(s[i + 1]) >= 0 &&
                   core::hex_value(s[i + 2]) >= 0) {
            out.push_back(
                static_cast<char>(core::hex_value(s[i + 1]) * 16 + core::hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

struct EncodedWord {
    std::size_t length = 0;  // bytes of input consumed, "=?" to "?=" inclusive
    std::string charset;     // as written, without the RFC 2231 language
    std::string bytes;       // B/Q-decoded, still in `charset`
};

// Parses an encoded word starting at s[0] == '='. Spaces are allowed inside the encoded text
// (some mailers fold or pad there), not in the charset or encoding.
std::optional<EncodedWord> parse_encoded_word(std::string_view s) {
    if (s.size() < 8 || s[0] != '=' || s[1] != '?') return std::nullopt;
    std::size_t q1 = s.find('?', 2);
    if (q1 == std::string_view::npos || q1 == 2 || q1 - 2 > kMaxCharsetLabel) return std::nullopt;
    std::string_view charset = s.substr(2, q1 - 2);
    for (char c : charset)
        if (static_cast<unsigned char>(c) <= 0x20 || c == '=' || c == '"' ||
            static_cast<unsigned char>(c) >= 0x7F)
            return std::nullopt;
    if (q1 + 3 > s.size() || s[q1 + 2] != '?') return std::nullopt;
    char enc = core::ascii_lower(s[q1 + 1]);
    if (enc != 'b' && enc != 'q') return std::nullopt;
    std::size_t text_start = q1 + 3;
    std::string_view window = s.substr(text_start, kMaxEncodedWord);
    std::size_t end = window.find("?=");
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view text = window.substr(0, end);
    // "=?" inside the text means this "=?" never closed and the "?=" belongs to a later word.
    if (text.find("=?") != std::string_view::npos) return std::nullopt;
    EncodedWord w;
    w.length = text_start + end + 2;
    std::size_t star = charset.find('*');
    w.charset = std::string(charset.substr(0, star));
    if (enc == 'b') {
        w.bytes = decode_b(text);
    } else {
        w.bytes = decode_q(text);
    }
    return w;
}

struct Piece {
    bool encoded = false;
    std::string charset;  // encoded pieces only
    std::string bytes;
};

bool only_wsp(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_wsp(c); });
}

bool needs_charset(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80 || c == '\x1B'; });
}

// Appends up to the cap, cutting on a UTF-8 boundary.
void append_bounded(std::string& out, std::string_view s, std::size_t cap) {
    if (out.size() >= cap) return;
    std::size_t room = cap - out.size();
    if (s.size() <= room) {
        out.append(s);
        return;
    }
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut));
}

std::string decode_unfolded(std::string_view s, std::string_view fallback_charset,
                            std::size_t cap) {
    // 1. Split into raw text and encoded words.
    std::vector<Piece> pieces;
    std::size_t text_from = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t at = s.find("=?", i);
        if (at == std::string_view::npos) break;
        auto w = parse_encoded_word(s.substr(at));
        if (!w) {
            i = at + 1;
            continue;
        }
        if (at > text_from)
            pieces.push_back({false, "", std::string(s.substr(text_from, at - text_from))});
        pieces.push_back({true, std::move(w->charset), std::move(w->bytes)});
        i = at + w->length;
        text_from = i;
    }
    if (text_from < s.size()) pieces.push_back({false, "", std::string(s.substr(text_from))});

    // 2. Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
    std::vector<Piece> merged;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        Piece& p = pieces[k];
        if (!p.encoded && only_wsp(p.bytes) && k > 0 && k + 1 < pieces.size() &&
            pieces[k - 1].encoded && pieces[k + 1].encoded)
            continue;
        // Consecutive words in one charset are joined as bytes before conversion, because
        // mailers split multibyte characters (and ISO-2022-JP escapes) across words.
        if (p.encoded && !merged.empty() && merged.back().encoded &&
            core::iequals(merged.back().charset, p.charset)) {
            if (merged.back().bytes.size() < cap) merged.back().bytes += p.bytes;
            continue;
        }
        merged.push_back(std::move(p));
    }

    // 3. Raw 8-bit text gets one charset for the whole header, decided over all of it:
    // single pieces are often too short to detect.
    std::string raw_charset(fallback_charset);
    {
        std::string raw_all;
        for (const auto& p : merged)
            if (!p.encoded && needs_charset(p.bytes)) raw_all += p.bytes;
        if (!raw_all.empty()) raw_charset = to_utf8(raw_all, fallback_charset, cap).charset;
    }

    std::string out;
    for (const auto& p : merged) {
        if (out.size() >= cap) break;
        std::size_t room = cap - out.size();
        if (p.encoded) {
            Utf8Text t = to_utf8(p.bytes, p.charset, room);
            append_bounded(out, t.text, cap);
        } else if (needs_charset(p.bytes)) {
            Utf8Text t = to_utf8(p.bytes, raw_charset, room);
            append_bounded(out, t.text, cap);
        } else {
            append_bounded(out, p.bytes, cap);
        }
    }
    return out;
}

// ---- parameters ----------------------------------------------------------------------------

struct RawParam {
    std::string name;  // lower-case, as written (with any '*' suffix)
    std::string value;
};

// Reads name=value pairs, tolerating stray ';', missing '=', spaces around '=' and a missing
// closing quote. Every iteration consumes at least one byte.
std::vector<RawParam> split_params(std::string_view s) {
    std::vector<RawParam> out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < kMaxParams * 4) {
        while (i < s.size() && (is_wsp(s[i]) || s[i] == ';')) ++i;
        if (i >= s.size()) break;
        std::size_t name_start = i;
        while (i < s.size() && s[i] != '=' && s[i] != ';' && s[i] != '"') ++i;
        std::string_view name = core::trim(s.substr(name_start, i - name_start));
        if (i >= s.size() || s[i] != '=') {
            // No value ("text/plain" or a bare word): skip to the next ';' outside quotes.
            bool in_quote = false;
            while (i < s.size() && (in_quote || s[i] != ';')) {
                if (s[i] == '\\' && in_quote)
                    ++i;
                else if (s[i] == '"')
                    in_quote = !in_quote;
                ++i;
            }
            continue;
        }
        ++i;  // '='
        while (i < s.size() && is_wsp(s[i])) ++i;
        RawParam p;
        p.name = core::to_lower(name);
        if (i < s.size() && s[i] == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                p.value.push_back(s[i]);
                ++i;
            }
            if (i < s.size()) ++i;                    // closing quote
            while (i < s.size() && s[i] != ';') ++i;  // junk after the quoted string
        } else {
            std::size_t v = i;
            while (i < s.size() && s[i] != ';') ++i;
            p.value = std::string(core::trim(s.substr(v, i - v)));
        }
        if (!p.name.empty()) out.push_back(std::move(p));
    }
    return out;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && core::hex_value(s[i + 1]) >= 0 &&
            core::hex_value(s[i + 2]) >= 0) {
            out.push_back(
                static_cast<char>(core::hex_value(s[i + 1]) * 16 + core::hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

struct Segment {
    bool encoded = false;
    std::string value;
};

struct ParamAcc {
    std::string plain;
    bool has_plain = false;
    bool has_extended = false;         // name*= or any name*N
    std::map<unsigned, Segment> segs;  // numeric order, first index wins
};

// Splits "name*12*" into base "name", index 12, encoded=true. index = -1 for "name*".
bool parse_extended_name(std::string_view name, std::string& base, long& index, bool& encoded) {
    std::size_t star = name.find('*');
    if (star == std::string_view::npos || star == 0) return false;
    base = std::string(name.substr(0, star));
    std::string_view rest = name.substr(star + 1);
    encoded = false;
    if (rest.empty()) {
        index = -1;
        encoded = true;
        return true;
    }
    if (rest.back() == '*') {
        encoded = true;
        rest.remove_suffix(1);
    }
    if (rest.empty() || rest.size() > 6) return false;
    long v = 0;
    for (char c : rest) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    index = v;
    return true;
}

std::string decode_plain_value(const std::string& v, std::string_view fallback) {
    if (v.find("=?") == std::string::npos && !needs_charset(v)) return v;
    return decode_unfolded(v, fallback, output_cap(v.size()));
}

// ---- addresses -----------------------------------------------------------------------------

struct AddrParts {
    std::string phrase;   // display-name text, quotes removed (encoded words still encoded)
    std::string comment;  // first top-level comment, for "a@b (Name)"
    std::string angle;    // inside <...>
    bool has_angle = false;
    std::string bare;  // text outside quotes/comments/angle, for bare addresses
};

void lower_domain(std::string& addr) {
    std::size_t at = addr.rfind('@');
    if (at == std::string::npos) return;
    for (std::size_t k = at + 1; k < addr.size(); ++k) addr[k] = core::ascii_lower(addr[k]);
}

// Strips whitespace (outside quotes), comments and an obsolete source route.
std::string clean_address(std::string_view a) {
    std::string out;
    bool in_quote = false;
    int depth = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (in_quote) {
            out.push_back(c);
            if (c == '\\' && i + 1 < a.size())
                out.push_back(a[++i]);
            else if (c == '"')
                in_quote = false;
            continue;
        }
        if (depth > 0) {
            if (c == '\\')
                ++i;
            else if (c == '(')
                ++depth;
            else if (c == ')')
                --depth;
            continue;
        }
        if (c == '(') {
            depth = 1;
        } else if (c == '"') {
            in_quote = true;
            out.push_back(c);
        } else if (!core::is_space(c) && c != '<' && c != '>') {
            out.push_back(c);
        }
    }
    // "<@route1,@route2:user@host>": the route is obsolete syntax, the mailbox follows ':'.
    if (!out.empty() && out[0] == '@') {
        std::size_t colon = out.find(':');
        if (colon != std::string::npos) out.erase(0, colon + 1);
    }
    lower_domain(out);
    return out;
}

std::string collapse_spaces(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (core::is_space(c)) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

// Splits an item into phrase / comment / angle parts. With several '<', the last one
// holding an '@' is taken as the address (what the MUA shows is the phrase anyway).
AddrParts split_item(std::string_view s) {
    AddrParts p;
    std::string phrase_before;  // phrase text up to the chosen '<'
    std::size_t i = 0;
    bool angle_has_at = false;
    while (i < s.size()) {
        char c = s[i];
        if (c == '"') {
            ++i;
            std::string q;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                q.push_back(s[i]);
                ++i;
            }
            if (i < s.size()) ++i;
            p.phrase += q;
            p.bare += '"' + q + '"';
        } else if (c == '(') {
            auto comment = core::read_comment(s, i);
            if (p.comment.empty()) p.comment = std::string(comment.text);
            i = comment.next;
            p.phrase.push_back(' ');
            p.bare.push_back(' ');
        } else if (c == '<') {
            std::size_t close = s.find('>', i + 1);
            std::size_t end = close == std::string_view::npos ? s.size() : close;
            std::string_view inner = s.substr(i + 1, end - i - 1);
            bool has_at = inner.find('@') != std::string_view::npos;
            if (!p.has_angle || has_at || !angle_has_at) {
                p.angle = std::string(inner);
                p.has_angle = true;
                angle_has_at = has_at;
                phrase_before = p.phrase;
            } else {
                p.phrase.append(
                    s.substr(i, (close == std::string_view::npos ? s.size() : close + 1) - i));
            }
            i = close == std::string_view::npos ? s.size() : close + 1;
        } else {
            p.phrase.push_back(c);
            p.bare.push_back(c);
            ++i;
        }
    }
    if (p.has_angle) p.phrase = phrase_before;
    return p;
}

// Splits the list at top-level ',' and resolves groups ("name: a, b;").
std::vector<std::string> split_items(std::string_view s) {
    std::vector<std::string> items;
    std::string cur;
    bool in_quote = false;
    int depth = 0;
    bool in_angle = false;
    bool saw_at = false;  // '@' in the current item: a ':' after it is not a group
    auto finish = [&] {
        if (!core::trim(cur).empty()) items.push_back(cur);
        cur.clear();
        saw_at = false;
    };
    for (std::size_t i = 0; i < s.size() && items.size() < kMaxAddresses * 2; ++i) {
        char c = s[i];
        if (in_quote) {
            cur.push_back(c);
            if (c == '\\' && i + 1 < s.size())
                cur.push_back(s[++i]);
            else if (c == '"')
                in_quote = false;
            continue;
        }
        if (depth > 0) {
            cur.push_back(c);
            if (c == '\\' && i + 1 < s.size())
                cur.push_back(s[++i]);
            else if (c == '(')
                ++depth;
            else if (c == ')')
                --depth;
            continue;
        }
        if (in_angle) {
            // A ',' inside <> is a route separator only when the address starts with '@';
            // otherwise the '>' is missing and the comma ends the address.
            if (c == '>') {
                in_angle = false;
            } else if (c == ',' || c == ';') {
                std::size_t lt = cur.rfind('<');
                bool route = lt != std::string::npos && lt + 1 < cur.size() && cur[lt + 1] == '@' &&
                             cur.find(':', lt) == std::string::npos;
                if (!route) {
                    in_angle = false;
                    finish();
                    continue;
                }
            } else if (c == '@') {
                saw_at = true;
            }
            cur.push_back(c);
            continue;
        }
        switch (c) {
            case '"':
                in_quote = true;
                cur.push_back(c);
                break;
            case '(':
                depth = 1;
                cur.push_back(c);
                break;
            case '<':
                in_angle = true;
                cur.push_back(c);
                break;
            case '@':
                saw_at = true;
                cur.push_back(c);
                break;
            case ':':
                // Group name: everything so far is the group's display name; drop it.
                if (!saw_at) {
                    cur.clear();
                } else {
                    cur.push_back(c);
                }
                break;
            case ',':
            case ';':
                finish();
                break;
            default:
                cur.push_back(c);
        }
    }
    finish();
    return items;
}

}  // namespace

std::string decode_header_text(std::string_view raw, std::string_view fallback_charset) {
    std::size_t cap = output_cap(raw.size());
    std::string unfolded = unfold(raw.substr(0, std::min(raw.size(), kMaxDecodedHeader)));
    // Leading and trailing blanks are syntax (the space after the colon, a trailing fold).
    std::string out = decode_unfolded(core::trim(unfolded), fallback_charset, cap);
    return core::sanitize_utf8(out);
}

std::vector<HeaderParam> parse_header_params(std::string_view raw_value,
                                             std::string_view fallback_charset) {
    std::string unfolded =
        unfold(raw_value.substr(0, std::min(raw_value.size(), kMaxDecodedHeader)));
    std::vector<RawParam> raw = split_params(unfolded);

    std::vector<std::string> order;
    std::map<std::string, ParamAcc> acc;
    for (auto& p : raw) {
        std::string base;
        long index = 0;
        bool encoded = false;
        bool extended = parse_extended_name(p.name, base, index, encoded);
        if (!extended) base = p.name;
        auto it = acc.find(base);
        if (it == acc.end()) {
            if (order.size() >= kMaxParams) continue;
            order.push_back(base);
            it = acc.emplace(base, ParamAcc{}).first;
        }
        ParamAcc& a = it->second;
        if (!extended) {
            if (!a.has_plain) {
                a.plain = std::move(p.value);
                a.has_plain = true;
            }
            continue;
        }
        a.has_extended = true;
        auto key = static_cast<unsigned>(index < 0 ? 0 : index);
        if (a.segs.size() >= kMaxContinuations || a.segs.count(key)) continue;
        a.segs.emplace(key, Segment{encoded, std::move(p.value)});
    }

    std::vector<HeaderParam> out;
    for (const auto& name : order) {
        ParamAcc& a = acc[name];
        HeaderParam hp;
        hp.name = name;
        if (a.has_extended && !a.segs.empty()) {
            // RFC 2231: the first segment may carry charset'language'; encoded segments are
            // %XX-escaped bytes in that charset, the others literal. Joined before converting.
            std::string charset;
            std::string bytes;
            bool first = true;
            for (auto& [idx, seg] : a.segs) {
                std::string_view v = seg.value;
                if (first && seg.encoded) {
                    std::size_t q1 = v.find('\'');
                    std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
                    if (q2 != std::string_view::npos) {
                        charset = std::string(v.substr(0, q1));
                        v = v.substr(q2 + 1);
                    }
                }
                first = false;
                if (bytes.size() >= kMaxParamValue) break;
                bytes += seg.encoded ? percent_decode(v) : std::string(v);
            }
            if (bytes.size() > kMaxParamValue) bytes.resize(kMaxParamValue);
            std::string_view cs = charset.empty() ? fallback_charset : std::string_view(charset);
            if (bytes.find("=?") != std::string::npos && !needs_charset(bytes)) {
                // Some mailers put RFC 2047 words inside RFC 2231 values.
                hp.value = decode_unfolded(bytes, fallback_charset, output_cap(bytes.size()));
            } else {
                hp.value = to_utf8(bytes, cs, output_cap(bytes.size())).text;
            }
        } else {
            hp.value = decode_plain_value(a.plain, fallback_charset);
        }
        hp.value = core::sanitize_utf8(hp.value);
        out.push_back(std::move(hp));
    }
    return out;
}

std::string find_param(const std::vector<HeaderParam>& params, std::string_view name) {
    for (const auto& p : params)
        if (core::iequals(p.name, name)) return p.value;
    return "";
}

std::vector<MailAddress> parse_address_list(std::string_view raw,
                                            std::string_view fallback_charset) {
    std::string unfolded = unfold(raw.substr(0, std::min(raw.size(), kMaxDecodedHeader)));
    std::vector<std::string> items = split_items(unfolded);

    std::vector<MailAddress> out;
    std::string carry;  // phrase of a previous item split off by an unquoted comma
    for (std::size_t k = 0; k < items.size() && out.size() < kMaxAddresses; ++k) {
        AddrParts p = split_item(items[k]);
        std::string bare = std::string(core::trim(p.bare));
        bool has_at = p.bare.find('@') != std::string::npos;  // outside comments
        if (!p.has_angle && !has_at) {
            // "Name, Inc <a@b>": a phrase with no address belongs to the next item when that
            // one has an angle address. Otherwise it is an address-less name (or a local part).
            bool next_angle = k + 1 < items.size() && items[k + 1].find('<') != std::string::npos;
            if (next_angle) {
                carry += items[k];
                carry += ',';
                continue;
            }
        }
        if (!carry.empty()) {
            p = split_item(carry + items[k]);
            carry.clear();
        }
        MailAddress a;
        std::string phrase = collapse_spaces(p.phrase);
        if (p.has_angle) {
            a.address = clean_address(p.angle);
        } else if (has_at) {
            // Bare address; any stray words around it are kept as the display name.
            std::string b = collapse_spaces(p.bare);
            std::size_t at = b.find('@');
            std::size_t start = b.rfind(' ', at);
            start = start == std::string::npos ? 0 : start + 1;
            std::size_t end = b.find(' ', at);
            if (end == std::string::npos) end = b.size();
            a.address = clean_address(std::string_view(b).substr(start, end - start));
            phrase = collapse_spaces(b.substr(0, start) + " " + b.substr(end));
        } else if (bare.find(' ') == std::string::npos && p.comment.empty()) {
            a.address = clean_address(bare);
            phrase.clear();
        }
        if (phrase.empty() && !p.comment.empty()) phrase = collapse_spaces(p.comment);
        a.display_name = decode_header_text(phrase, fallback_charset);
        if (a.address.empty() && a.display_name.empty()) continue;
        // 8-bit addresses (RFC 6532, or raw legacy bytes) are still reported as UTF-8.
        if (!core::is_valid_utf8(a.address))
            a.address = to_utf8(a.address, fallback_charset, output_cap(a.address.size())).text;
        out.push_back(std::move(a));
    }
    return out;
}

std::string address_domain(std::string_view address) {
    std::size_t at = address.rfind('@');
    if (at == std::string_view::npos) return "";
    std::string_view d = core::trim(address.substr(at + 1));
    auto strip = [](char c) {
        return c == '[' || c == ']' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '.' ||
               core::is_space(c);
    };
    while (!d.empty() && strip(d.back())) d.remove_suffix(1);
    while (!d.empty() && (d.front() == '[' || d.front() == '"' || d.front() == '\'' ||
                          d.front() == '<' || core::is_space(d.front())))
        d.remove_prefix(1);
    return core::to_lower(d);
}

}  // namespace kagami::mime
