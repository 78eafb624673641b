// Indicators in free text: one linear pass cuts the text into candidate tokens (URLs,
// hosts, addresses, hashes, file names, refanged forms), each looked up in the hash
// table, so the cost per text does not grow with the feed. File names that no tokenizer
// can isolate (spaces, Japanese) are found by a Vectorscan literal database instead.
#include <hs/hs.h>

#include <array>
#include <cctype>

#include "core/text.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

constexpr std::size_t kMaxToken = 4096;

// Character classes for the one pass over a text: token membership and the characters
// that make a token worth a closer look.
enum : std::uint8_t {
    kTok = 1,
    kDot = 2,
    kColon = 4,
    kAt = 8,
    kBracket = 16,
    kHex = 32,
    kNonHex = 64,  ///< a token character that is not a hex digit
    kEq = 128,
};

const std::array<std::uint8_t, 256>& char_classes() {
    static const std::array<std::uint8_t, 256> table = [] {
        std::array<std::uint8_t, 256> t{};
        for (int c = 0; c < 256; ++c) {
            std::uint8_t f = is_token_char(char(c)) ? kTok : 0;
            if (!f) continue;
            if (c == '.') f |= kDot;
            if (c == ':') f |= kColon;
            if (c == '@') f |= kAt;
            if (c == '[' || c == '(' || c == '{') f |= kBracket;
            if (c == '=') f |= kEq;
            f |= core::hex_value(char(c)) >= 0 ? kHex : kNonHex;
            t[std::size_t(c)] = f;
        }
        return t;
    }();
    return table;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return core::hex_value(c) >= 0;
}

// Trailing sentence punctuation and unbalanced closing brackets are not part of a token.
std::string_view strip_token(std::string_view t) {
    while (!t.empty() && (t.front() == '(' || t.front() == '[' || t.front() == '{' ||
                          t.front() == '.' || t.front() == ':' || t.front() == '*'))
        t.remove_prefix(1);
    for (;;) {
        if (t.empty()) return t;
        char c = t.back();
        if (c == '.' || c == ':' || c == '!' || c == '?' || c == '*' || c == '=') {
            t.remove_suffix(1);
            continue;
        }
        char open = c == ')' ? '(' : c == ']' ? '[' : c == '}' ? '{' : 0;
        if (!open) return t;
        std::size_t opens = 0, closes = 0;
        for (char d : t) {
            opens += d == open;
            closes += d == c;
        }
        if (closes <= opens) return t;
        t.remove_suffix(1);
    }
}

// The last label of a host name: letters (or punycode) only, two or more.
bool plausible_tld(std::string_view host) {
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    std::size_t dot = host.rfind('.');
    if (dot == std::string_view::npos || host.size() - dot - 1 < 2) return false;
    std::string_view tld = host.substr(dot + 1);
    if (core::istarts_with(tld, "xn--")) return true;
    for (char c : tld)
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return false;
    return true;
}

bool defanged(std::string_view t) {
    if (first_of(t, "[({") != std::string_view::npos) return true;
    return core::istarts_with(t, "hxxp") || core::istarts_with(t, "fxp") ||
           core::istarts_with(t, "h**p");
}

// Extensions of files that travel by mail (documents, archives, images of disks,
// programs, scripts, shortcuts): what a file name in free text must end with to be kept.
bool file_extension(std::string_view ext) {
    static constexpr std::string_view kExtensions[] = {
        "7z",   "ace",  "apk", "bat",  "bin", "cab",  "chm",  "cmd",  "cpl",  "dat",  "dll",  "doc",
        "docm", "docx", "dot", "dotm", "exe", "gz",   "hta",  "htm",  "html", "img",  "iso",  "jar",
        "js",   "jse",  "lnk", "lzh",  "msi", "one",  "pdf",  "pif",  "ppt",  "pptm", "pptx", "ps1",
        "py",   "rar",  "reg", "rtf",  "scr", "svg",  "sys",  "tar",  "tgz",  "url",  "vbe",  "vbs",
        "vhd",  "vhdx", "wsf", "xll",  "xls", "xlsb", "xlsm", "xlsx", "xz",   "zip"};
    for (auto e : kExtensions)
        if (e == ext) return true;
    return false;
}

class Scanner {
public:
    /// `collect`: every candidate is a hit, with no context and no lookup (extract_text).
    Scanner(const IndicatorSet::Impl& impl, std::string_view where, std::vector<Hit>& hits,
            std::size_t max_hits, bool collect = false)
        : m_(impl),
          where_(where),
          hits_(hits),
          first_(hits.size()),
          max_(max_hits),
          collect_(collect) {}

    bool full() const { return hits_.size() - first_ >= max_; }

    /// `flags`: the classes of the token's characters, OR-ed.
    void token(std::string_view raw, std::uint8_t flags) {
        bool dot = flags & kDot, colon = flags & kColon, at = flags & kAt,
             bracket = flags & kBracket;
        bool scheme_like = (raw[0] | 0x20) == 'h' || (raw[0] | 0x20) == 'f';
        std::string_view t = strip_token(raw);
        if (t.size() < 4) return;
        if (t.size() != raw.size()) {
            // "word." at a sentence end: the dot was punctuation.
            dot = t.find('.') != std::string_view::npos;
            colon = t.find(':') != std::string_view::npos;
        }
        if (!(flags & kNonHex)) {
            hash(t, raw);  // the whole token is hex
            return;
        }
        if (raw.size() > 32 && (flags & (kEq | kColon | kBracket)) && (collect_ || m_.hashes)) {
            // "md5=<hex>", "sha256:<hex>", "(<hex>)": hex runs of hash length bounded by
            // characters that are not letters or digits (base64 and words are not hashes).
            const auto& cls = char_classes();
            const auto* p = reinterpret_cast<const unsigned char*>(t.data());
            const std::size_t n = t.size();
            for (std::size_t i = 0; i < n;) {
                if (!(cls[p[i]] & kHex)) {
                    ++i;
                    continue;
                }
                std::size_t start = i;
                while (i < n && (cls[p[i]] & kHex)) ++i;
                std::size_t run = i - start;
                if ((run == 32 || run == 40 || run == 64) && (i == n || !std::isalnum(p[i])) &&
                    (start == 0 || !std::isalnum(p[start - 1])))
                    hash(t.substr(start, run), raw);
            }
        }
        if (!dot && !bracket && !(colon && (at || scheme_like || (flags & kHex)))) return;
        std::string buffer;
        if (bracket || (scheme_like && defanged(t))) {
            buffer = refang(t);
            t = strip_token(buffer);
            dot = t.find('.') != std::string_view::npos;
            colon = t.find(':') != std::string_view::npos;
            at = t.find('@') != std::string_view::npos;
        }
        if (!dot && !colon) return;
        if (std::size_t scheme = t.find("://"); scheme != std::string_view::npos) {
            // "URL:https://..." or "(see:http://...": the scheme is the letters before "://".
            std::size_t start = scheme;
            while (start > 0 && std::isalpha(static_cast<unsigned char>(t[start - 1]))) --start;
            url(t.substr(start), raw);
            return;
        }
        if (at) {
            std::string_view a = t;
            if (core::istarts_with(a, "mailto:")) a.remove_prefix(7);
            if (std::size_t q = a.find('?'); q != std::string_view::npos) a = a.substr(0, q);
            email(a, raw);
            return;
        }
        host_or_path(t, raw);
    }

    void hash(std::string_view t, std::string_view raw) {
        auto type = hash_type(t.size());
        if (!type || !wants(*type)) return;
        std::string h = core::to_lower(t);
        if (collect_)
            push(*type, h, raw, nullptr);
        else if (const Entry* e = m_.lookup(std::uint8_t(*type), h))
            add(*type, h, raw, e->context);
    }

    void url(std::string_view t, std::string_view raw) {
        auto u = normalise_url(t);
        if (!u) return;
        if (collect_)
            push(IndicatorType::url, u->url, raw, nullptr);
        else if (m_.type_counts[std::size_t(IndicatorType::url)])
            if (const Entry* e = m_.lookup(std::uint8_t(IndicatorType::url), u->url))
                add(IndicatorType::url, u->url, raw, e->context);
        host(u->host, raw);
        // The last path segment may be a file name on the feed (".../invoice.lnk").
        std::size_t path = u->url.find('/', u->url.find("://") + 3);
        if (path != std::string::npos) {
            std::string_view p(u->url);
            p = p.substr(path, p.find('?', path) - path);
            file_name(p.substr(p.rfind('/') + 1), raw);
        }
    }

    void host(std::string_view h, std::string_view raw) {
        if (auto ip = normalise_ip(h, false)) {
            probe_ip(*ip, raw);
            return;
        }
        probe_domain(h, raw);
    }

    void probe_ip(const NormalIp& ip, std::string_view raw) {
        if (collect_)
            push(ip.type, ip.text, raw, nullptr);
        else
            found(m_.find_normal_ip(ip), ip.type, raw);
    }

    void probe_domain(std::string_view host, std::string_view raw) {
        if (collect_)
            push(IndicatorType::domain, host, raw, nullptr);
        else
            found(m_.find_normal_domain(host), IndicatorType::domain, raw);
    }

    void email(std::string_view a, std::string_view raw) {
        auto n = normalise_email(a);
        if (!n) return;
        if (collect_)
            push(IndicatorType::email, *n, raw, nullptr);
        else if (m_.type_counts[std::size_t(IndicatorType::email)])
            if (const Entry* e = m_.lookup(std::uint8_t(IndicatorType::email), *n))
                add(IndicatorType::email, *n, raw, e->context);
        probe_domain(std::string_view(*n).substr(n->rfind('@') + 1), raw);
    }

    // "evil.example", "evil.example/path", "1.2.3.4:8080", "2001:db8::1", "report.lnk".
    void host_or_path(std::string_view t, std::string_view raw) {
        std::size_t colons = 0;
        bool ipv6_chars = true;
        for (char c : t) {
            colons += c == ':';
            ipv6_chars &= is_hex(c) || c == ':' || c == '.' || c == '[' || c == ']' || c == '/';
        }
        if (colons >= 2 && ipv6_chars) {
            if (auto ip = normalise_ip(t, false)) probe_ip(*ip, raw);
            return;
        }
        std::string_view h = t.substr(0, first_of(t, "/?#"));
        if (std::size_t c = h.rfind(':'); c != std::string_view::npos) {
            bool port = c + 1 < h.size();
            for (std::size_t i = c + 1; i < h.size(); ++i) port &= is_digit(h[i]);
            if (port) h = h.substr(0, c);
        }
        if (h.find('.') != std::string_view::npos && h.find(':') == std::string_view::npos &&
            h.find('@') == std::string_view::npos) {
            bool numeric = true;
            for (char c : h) numeric &= is_digit(c) || c == '.';
            if (numeric) {
                if (auto ip = normalise_ip(h, false)) probe_ip(*ip, raw);
            } else if (plausible_tld(h)) {
                std::string lower = core::to_lower(h);
                while (!lower.empty() && lower.back() == '.') lower.pop_back();
                probe_domain(lower, raw);
            }
        }
        std::size_t slash = t.rfind('/');
        file_name(slash == std::string_view::npos ? t : t.substr(slash + 1), raw);
    }

    void file_name(std::string_view name, std::string_view raw) {
        if (!wants(IndicatorType::file_name)) return;
        std::size_t dot = name.rfind('.');
        if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return;
        std::string lower = core::to_lower(name);
        if (collect_) {
            // Kept for later feeds only with an extension files are sent with: every
            // "example.com" in a text would otherwise be a file name too.
            if (file_extension(std::string_view(lower).substr(dot + 1)))
                push(IndicatorType::file_name, lower, raw, nullptr);
        } else if (const Entry* e = m_.lookup(std::uint8_t(IndicatorType::file_name), lower))
            add(IndicatorType::file_name, lower, raw, e->context);
    }

    void found(const Found& f, IndicatorType type, std::string_view raw) {
        if (!f.context) return;
        push(type, f.indicator, raw, f.context);
    }

    void add(IndicatorType type, std::string_view indicator, std::string_view raw,
             std::uint32_t context) {
        push(type, indicator, raw, &m_.contexts[context]);
    }

    void push(IndicatorType type, std::string_view indicator, std::string_view raw,
              const Context* context) {
        if (full()) return;
        if (!collect_)  // collecting, the caller removes duplicates
            for (std::size_t i = first_; i < hits_.size(); ++i)
                if (hits_[i].type == type && hits_[i].indicator == indicator) return;
        hits_.push_back(Hit{type, std::string(indicator), std::string(raw.substr(0, 512)),
                            std::string(where_), context});
    }

private:
    const IndicatorSet::Impl& m_;
    std::string_view where_;
    std::vector<Hit>& hits_;
    std::size_t first_;
    std::size_t max_;
    bool collect_;

    bool wants(IndicatorType type) const { return collect_ || m_.type_counts[std::size_t(type)]; }
};

struct LiteralMatch {
    const IndicatorSet::Impl* impl;
    std::string_view text;
    Scanner* scanner;
};

bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '-' || c == '.';
}

int on_literal(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
               void* ctx) {
    auto* m = static_cast<LiteralMatch*>(ctx);
    const Entry& e = m->impl->entries[m->impl->literal_names[id].second];
    // A name must not be the tail of a longer ASCII word ("data.exe" is not "a.exe").
    if (from > 0 && word_char(m->text[from - 1])) return 0;
    if (to < m->text.size() && word_char(m->text[to]) && m->text[to] != '.') return 0;
    m->scanner->add(IndicatorType::file_name, m->impl->key_of(e), m->text.substr(from, to - from),
                    e.context);
    return m->scanner->full() ? 1 : 0;
}

}  // namespace

void IndicatorSet::Impl::free_literals() const {
    if (literal_db) hs_free_database(static_cast<hs_database_t*>(literal_db));
    literal_db = nullptr;
}

void IndicatorSet::Impl::build_literals() const {
    std::lock_guard lock(literal_mutex);
    if (literal_ready.load()) return;
    free_literals();
    std::vector<const char*> patterns;
    std::vector<std::size_t> lengths;
    std::vector<unsigned> flags, ids;
    for (std::uint32_t i = 0; i < literal_names.size(); ++i) {
        patterns.push_back(literal_names[i].first.c_str());
        lengths.push_back(literal_names[i].first.size());
        flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST);
        ids.push_back(i);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (!patterns.empty() &&
        hs_compile_lit_multi(patterns.data(), flags.data(), ids.data(), lengths.data(),
                             unsigned(patterns.size()), HS_MODE_BLOCK, nullptr, &db,
                             &error) != HS_SUCCESS) {
        hs_free_compile_error(error);
        db = nullptr;
    }
    literal_db = db;
    literal_ready.store(true);
}

namespace {

// The one pass over a text shared by matching and extraction.
void tokenize(std::string_view text, Scanner& scanner, bool hashes) {
    const auto& cls = char_classes();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n && !scanner.full();) {
        while (i < n && !cls[p[i]]) ++i;
        std::size_t start = i;
        std::uint8_t flags = 0;
        for (std::uint8_t c; i < n && (c = cls[p[i]]); ++i) flags |= c;
        std::size_t len = i - start;
        if (len < 4 || len > kMaxToken) continue;
        // Plain words (no dot, colon, '@' or bracket) are nothing unless hex runs long enough.
        bool all_hex = !(flags & kNonHex);
        if ((flags & (kDot | kColon | kAt | kBracket)) ||
            (hashes &&
             ((all_hex && (len == 32 || len == 40 || len == 64)) || (len > 32 && (flags & kEq)))))
            scanner.token(text.substr(start, len), flags);
    }
}

}  // namespace

void extract_text(std::string_view text, std::string_view where, std::vector<Hit>& hits,
                  std::size_t max_hits) {
    static const IndicatorSet::Impl kNone;
    text = text.substr(0, std::min(text.size(), IndicatorSet::kMaxScanBytes));
    Scanner scanner(kNone, where, hits, max_hits, true);
    tokenize(text, scanner, true);
}

void IndicatorSet::scan_text(std::string_view text, std::string_view where,
                             std::vector<Hit>& hits) const {
    const Impl& m = *impl_;
    if (m.entries.empty()) return;
    text = text.substr(0, std::min(text.size(), kMaxScanBytes));
    Scanner scanner(m, where, hits, kMaxHitsPerText);
    tokenize(text, scanner, m.hashes > 0);
    if (m.literal_names.empty() || scanner.full()) return;
    if (!m.literal_ready.load()) m.build_literals();
    auto* db = static_cast<hs_database_t*>(m.literal_db);
    if (!db) return;
    // One scratch per thread, grown to fit whichever database it meets.
    thread_local struct Scratch {
        hs_scratch_t* s = nullptr;
        ~Scratch() {
            if (s) hs_free_scratch(s);
        }
    } scratch;
    if (hs_alloc_scratch(db, &scratch.s) != HS_SUCCESS) return;
    LiteralMatch ctx{&m, text, &scanner};
    hs_scan(db, text.data(), unsigned(text.size()), 0, scratch.s, on_literal, &ctx);
}

}  // namespace kagami::detect::intel
