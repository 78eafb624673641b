#include "detect/sender/organisations.h"

#include <toml++/toml.h>
#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/uspoof.h>

#include <algorithm>
#include <array>
#include <unordered_set>

#include "core/bundled.h"
#include "core/normalize.h"
#include "core/text.h"
#include "detect/header/domain.h"
#include "detect/sender/directory_impl.h"

namespace kagami::detect::sender {
namespace {

// Bounds on a user's file: a directory is a few hundred entries.
constexpr std::size_t kMaxOrganisations = 10'000;
constexpr std::size_t kMaxNamesPerOrg = 256;
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxMatches = 64;

bool is_ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Code point starting at s[i] (i on a lead byte), or 0 when malformed.
char32_t decode_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return c;
    int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return 0;
    char32_t cp = c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

// The code point that ends just before s[i], or 0.
char32_t decode_before(std::string_view s, std::size_t i) {
    if (i == 0) return 0;
    std::size_t j = i - 1;
    while (j > 0 && i - j < 4 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
    return decode_at(s, j);
}

bool is_ideograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF);
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// A word of `words` in the folded text: ASCII words must stand alone.
bool holds_word(std::string_view text, std::string_view word) {
    for (std::size_t pos = text.find(word); pos != std::string_view::npos;
         pos = text.find(word, pos + 1)) {
        if (!is_ascii(word)) return true;
        std::size_t end = pos + word.size();
        bool start_ok = pos == 0 || !is_ascii_alnum(static_cast<unsigned char>(text[pos - 1]));
        bool end_ok = end >= text.size() || !is_ascii_alnum(static_cast<unsigned char>(text[end]));
        if (start_ok && end_ok) return true;
    }
    return false;
}

std::uint16_t prefix_key(std::string_view s, std::size_t i) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(s[i]) << 8) |
                                      static_cast<unsigned char>(s[i + 1]));
}

std::string line_of(const toml::node& n) {
    return "line " + std::to_string(n.source().begin.line) + ": ";
}

// Reads an array of strings; false with `error` set when it is something else.
bool read_strings(const toml::table& t, std::string_view key, std::vector<std::string>& out,
                  std::string* error, std::string_view where) {
    const toml::node* n = t.get(key);
    if (!n) return true;
    const toml::array* a = n->as_array();
    if (!a) {
        *error = line_of(*n) + std::string(where) + ": '" + std::string(key) +
                 "' must be an array of strings";
        return false;
    }
    if (a->size() > kMaxNamesPerOrg) {
        *error =
            line_of(*n) + std::string(where) + ": too many entries in '" + std::string(key) + "'";
        return false;
    }
    for (const auto& e : *a) {
        const auto* s = e.as_string();
        if (!s) {
            *error = line_of(e) + std::string(where) + ": '" + std::string(key) +
                     "' must hold strings only";
            return false;
        }
        out.push_back(s->get());
    }
    return true;
}

std::optional<std::string> read_string(const toml::table& t, std::string_view key,
                                       std::string* error, std::string_view where, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required)
            *error = line_of(t) + std::string(where) + ": missing '" + std::string(key) + "'";
        return required ? std::nullopt : std::optional<std::string>(std::string());
    }
    const auto* s = n->as_string();
    if (!s) {
        *error = line_of(*n) + std::string(where) + ": '" + std::string(key) + "' must be a string";
        return std::nullopt;
    }
    return s->get();
}

std::vector<std::string> split_tokens(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == '.' || c == '-') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

void build_indexes(Directory::Impl& d) {
    for (std::size_t i = 0; i < d.names.size(); ++i) {
        std::uint16_t key = prefix_key(d.names[i].folded, 0);
        d.by_prefix[key].push_back(i);
        d.prefix_seen.set(key);
    }
    for (std::size_t o = 0; o < d.orgs.size(); ++o)
        for (const auto& dom : d.orgs[o].domains) d.by_domain[dom].push_back(o);

    d.brand.resize(d.orgs.size());
    for (std::size_t o = 0; o < d.orgs.size(); ++o) d.brand[o] = d.orgs[o].kind == "brand";
    std::sort(d.brand_words.begin(), d.brand_words.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

    // One look-alike target per registrable domain, owned by the first organisation that
    // lists it as it is ("mod.go.jp" is 防衛省's even though 防衛研究所 lists a subdomain).
    std::unordered_set<std::string> seen;
    for (std::size_t o = 0; o < d.orgs.size(); ++o) {
        for (const auto& dom : d.orgs[o].domains) {
            std::string reg = organisational_domain(dom);
            if (reg != dom || !seen.insert(reg).second) continue;
            std::size_t dot = reg.find('.');
            if (dot == std::string::npos || dot == 0) continue;
            std::size_t label_len = code_points(idn_to_unicode(reg.substr(0, dot)));
            if (d.brand[o] && label_len < kBrandLookalikeMinLabel) continue;
            LookalikeTarget t;
            t.domain = reg;
            t.label = reg.substr(0, dot);
            t.suffix = reg.substr(dot + 1);
            t.label_skeleton = skeleton(idn_to_unicode(t.label));
            // Skeletons, as the tokens they are compared with: "com" is "corn".
            for (const auto& tok : split_tokens(skeleton(t.suffix))) t.suffix_tokens.push_back(tok);
            t.org = o;
            t.brand = d.brand[o];
            t.label_chars = char_mask(t.label_skeleton);
            std::size_t idx = d.targets.size();
            d.by_skeleton.emplace(skeleton(idn_to_unicode(reg)), idx);
            d.by_label[split_tokens(t.label_skeleton).front()].push_back(idx);
            std::size_t min_edit = t.brand ? kBrandEditMinLabel : 4;
            if (label_len >= min_edit && label_len < 64)
                d.by_length[t.suffix][label_len].push_back(idx);
            d.targets.push_back(std::move(t));
        }
    }
}

}  // namespace

namespace {

USpoofChecker* spoof_checker() {
    // A checker with default settings is immutable once opened; getSkeleton is const and
    // safe from every thread.
    static USpoofChecker* checker = [] {
        UErrorCode status = U_ZERO_ERROR;
        USpoofChecker* c = uspoof_open(&status);
        return U_SUCCESS(status) ? c : nullptr;
    }();
    return checker;
}

std::string icu_skeleton(std::string_view utf8) {
    USpoofChecker* checker = spoof_checker();
    if (!checker || utf8.size() > 1024) return core::to_lower(utf8);
    char buf[4096];
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uspoof_getSkeletonUTF8(checker, 0, utf8.data(), static_cast<int32_t>(utf8.size()),
                                       buf, sizeof buf, &status);
    if (U_FAILURE(status) || n < 0 || n > static_cast<int32_t>(sizeof buf))
        return core::to_lower(utf8);
    return core::to_lower(std::string_view(buf, static_cast<std::size_t>(n)));
}

// The skeleton of each ASCII character, from ICU once. ASCII is its own NFD, so the
// skeleton of ASCII text is the concatenation of these: host names cost a table lookup
// per byte instead of an ICU call.
const std::array<std::string, 128>& ascii_skeletons() {
    static const std::array<std::string, 128> table = [] {
        std::array<std::string, 128> t;
        for (int c = 0; c < 128; ++c) {
            char ch = static_cast<char>(c);
            t[static_cast<std::size_t>(c)] =
                c == 0 ? std::string(1, ch) : icu_skeleton(std::string_view(&ch, 1));
        }
        return t;
    }();
    return table;
}

}  // namespace

std::string skeleton(std::string_view utf8) {
    if (!is_ascii(utf8)) return icu_skeleton(utf8);
    const auto& table = ascii_skeletons();
    std::string out;
    out.reserve(utf8.size() + 4);
    for (char c : utf8) out += table[static_cast<unsigned char>(core::ascii_lower(c))];
    return out;
}

namespace {
const UIDNA* idna() {
    static UIDNA* u = [] {
        UErrorCode status = U_ZERO_ERROR;
        UIDNA* p = uidna_openUTS46(UIDNA_DEFAULT, &status);
        return U_SUCCESS(status) ? p : nullptr;
    }();
    return u;
}
}  // namespace

std::string idn_to_unicode(std::string_view ascii_domain) {
    if (ascii_domain.find("xn--") == std::string_view::npos || ascii_domain.size() > 253 || !idna())
        return std::string(ascii_domain);
    char buf[1024];
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uidna_nameToUnicodeUTF8(idna(), ascii_domain.data(),
                                        static_cast<int32_t>(ascii_domain.size()), buf, sizeof buf,
                                        &info, &status);
    // Processing errors (a bad punycode label) still give a usable string; only a
    // failure of the call itself falls back to the input.
    if (U_FAILURE(status) || n < 0 || n > static_cast<int32_t>(sizeof buf))
        return std::string(ascii_domain);
    return core::sanitize_utf8(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::string idn_to_ascii(std::string_view domain) {
    if (is_ascii(domain)) return core::to_lower(domain);
    if (domain.size() > 1024 || !idna()) return {};
    char buf[1024];
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uidna_nameToASCII_UTF8(idna(), domain.data(), static_cast<int32_t>(domain.size()),
                                       buf, sizeof buf, &info, &status);
    if (U_FAILURE(status) || info.errors != 0 || n <= 0 || n > static_cast<int32_t>(sizeof buf))
        return {};
    return core::to_lower(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::string normalise_domain(std::string_view domain) {
    domain = core::trim(domain);
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    if (domain.empty() || domain.size() > 253) return {};
    std::string d = idn_to_ascii(domain);
    for (char c : d)
        if (!is_ascii_alnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
            return {};
    return d;
}

bool Directory::Impl::belongs_to(std::string_view domain, std::size_t org) const {
    for (const auto& d : orgs[org].domains) {
        if (domain == d) return true;
        if (domain.size() > d.size() && domain.substr(domain.size() - d.size()) == d &&
            domain[domain.size() - d.size() - 1] == '.')
            return true;
    }
    return false;
}

bool Directory::Impl::brand_alone(std::string_view text, const std::vector<NameMatch>& matches,
                                  std::size_t org) const {
    auto covered_until = [&](std::size_t i) {
        std::size_t end = i;
        for (const auto& m : matches)
            // Another brand beside it is a co-brand ("Amazon Visa"), not a sentence.
            if ((m.org == org || brand[m.org]) && m.pos <= i && m.pos + m.len > i)
                end = std::max(end, m.pos + m.len);
        return end;
    };
    bool named = false;
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t end = covered_until(i); end > i) {
            named = true;
            i = end;
            continue;
        }
        bool word = false;
        for (const auto& w : brand_words) {
            if (text.compare(i, w.size(), w) != 0) continue;
            std::size_t end = i + w.size();
            // ASCII words stand alone: "team" but not "teammate".
            if (is_ascii(w) && end < text.size() &&
                is_ascii_alnum(static_cast<unsigned char>(text[end])) &&
                is_ascii_alnum(static_cast<unsigned char>(w.back())))
                continue;
            i = end;
            word = true;
            break;
        }
        if (word) continue;
        auto c = static_cast<unsigned char>(text[i]);
        char32_t cp = decode_at(text, i);
        if (c < 0x80 ? is_ascii_alnum(c) : (cp == 0 || u_isalnum(static_cast<UChar32>(cp))))
            return false;  // a word that is neither the brand nor a service word
        i += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    }
    return named;
}

std::vector<NameMatch> Directory::Impl::find_names(std::string_view text) const {
    std::vector<NameMatch> found;
    for (std::size_t i = 0; i + 1 < text.size() && found.size() < kMaxMatches; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        // Names start on a character, and ASCII names on a word.
        if ((c & 0xC0) == 0x80) continue;
        if (c < 0x80 && i > 0 && is_ascii_alnum(c) &&
            is_ascii_alnum(static_cast<unsigned char>(text[i - 1])))
            continue;
        std::uint16_t key = prefix_key(text, i);
        if (!prefix_seen.test(key)) continue;
        auto it = by_prefix.find(key);
        if (it == by_prefix.end()) continue;
        for (std::size_t idx : it->second) {
            const DirectoryName& n = names[idx];
            if (text.compare(i, n.folded.size(), n.folded) != 0) continue;
            std::size_t end = i + n.folded.size();
            if (n.ascii) {
                // Whole words: "mofa" in "mofa japan" but not in "mofaxyz".
                if (i > 0 && is_ascii_alnum(static_cast<unsigned char>(text[i - 1]))) continue;
                if (end < text.size() && is_ascii_alnum(static_cast<unsigned char>(text[end])))
                    continue;
            } else if (n.short_cjk) {
                // "東大" stands alone, but not inside "東大寺" or "東大阪".
                if (is_ideograph(decode_before(text, i))) continue;
                if (end < text.size() && is_ideograph(decode_at(text, end))) continue;
            }
            found.push_back({n.org, i, n.folded.size(), &n});
        }
    }
    // Drop names inside a longer name found at the same place ("JPCERT" in "JPCERT/CC",
    // "国際問題研究所" in "日本国際問題研究所").
    std::vector<NameMatch> kept;
    for (const auto& m : found) {
        bool inside = std::any_of(found.begin(), found.end(), [&](const NameMatch& o) {
            return &o != &m && o.len > m.len && o.pos <= m.pos && o.pos + o.len >= m.pos + m.len;
        });
        if (!inside) kept.push_back(m);
    }
    bool has_context = false;
    bool needs_context =
        std::any_of(kept.begin(), kept.end(), [](const NameMatch& m) { return m.name->ambiguous; });
    if (needs_context)
        has_context = std::any_of(context.begin(), context.end(),
                                  [&](const std::string& w) { return holds_word(text, w); });
    if (!has_context)
        kept.erase(std::remove_if(kept.begin(), kept.end(),
                                  [](const NameMatch& m) { return m.name->ambiguous; }),
                   kept.end());
    return kept;
}

Directory::Directory(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Directory::~Directory() = default;

std::size_t Directory::size() const {
    return impl_->orgs.size();
}

const std::vector<Organisation>& Directory::organisations() const {
    return impl_->orgs;
}

std::vector<const Organisation*> Directory::named_in(std::string_view utf8_text) const {
    std::string folded = core::fold_for_match(utf8_text);
    std::vector<const Organisation*> out;
    for (const auto& m : impl_->find_names(folded)) {
        const Organisation* o = &impl_->orgs[m.org];
        if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
    }
    return out;
}

const Organisation* Directory::owner_of(std::string_view domain) const {
    std::string d = normalise_domain(domain);
    for (std::string_view rest = d; !rest.empty();) {
        auto it = impl_->by_domain.find(rest);
        if (it != impl_->by_domain.end()) return &impl_->orgs[it->second.front()];
        std::size_t dot = rest.find('.');
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    return nullptr;
}

std::shared_ptr<const Directory> Directory::parse(std::string_view toml_text, std::string* error) {
    std::string scratch;
    if (!error) error = &scratch;
    error->clear();
    auto impl = std::make_unique<Impl>();
    try {
        toml::table root = toml::parse(toml_text);
        if (const toml::node* dn = root.get("directory")) {
            const toml::table* dt = dn->as_table();
            if (!dt) {
                *error = line_of(*dn) + "[directory] must be a table";
                return nullptr;
            }
            std::vector<std::string> words, skip, brand_words;
            if (!read_strings(*dt, "context", words, error, "[directory]") ||
                !read_strings(*dt, "not_lookalikes", skip, error, "[directory]") ||
                !read_strings(*dt, "brand_words", brand_words, error, "[directory]"))
                return nullptr;
            for (const auto& w : brand_words) {
                std::string f = core::fold_for_match(core::trim(w));
                if (!f.empty() && f.size() <= kMaxNameBytes) impl->brand_words.push_back(f);
            }
            for (const auto& w : words)
                if (!w.empty()) impl->context.push_back(core::fold_for_match(w));
            for (const auto& s : skip) {
                std::string n = normalise_domain(s);
                if (n.empty()) {
                    *error = line_of(*dt) + "[directory]: '" + s + "' is not a domain";
                    return nullptr;
                }
                impl->not_lookalikes.push_back(n);
            }
        }
        const toml::node* on = root.get("organisation");
        const toml::array* orgs = on ? on->as_array() : nullptr;
        if (!orgs) {
            *error = "no [[organisation]] entries";
            return nullptr;
        }
        if (orgs->size() > kMaxOrganisations) {
            *error = line_of(*on) + "too many organisations";
            return nullptr;
        }
        std::unordered_set<std::string> ids;
        for (const auto& node : *orgs) {
            const toml::table* t = node.as_table();
            if (!t) {
                *error = line_of(node) + "[[organisation]] must be a table";
                return nullptr;
            }
            Organisation org;
            auto id = read_string(*t, "id", error, "organisation", true);
            if (!id) return nullptr;
            if (id->empty()) {
                *error = line_of(*t) + "organisation: empty 'id'";
                return nullptr;
            }
            std::string where = "organisation '" + *id + "'";
            if (!ids.insert(*id).second) {
                *error = line_of(*t) + where + ": duplicate id";
                return nullptr;
            }
            org.id = *id;
            auto name = read_string(*t, "name", error, where, false);
            auto kind = read_string(*t, "kind", error, where, false);
            if (!name || !kind) return nullptr;
            org.name = name->empty() ? org.id : *name;
            org.kind = *kind;
            std::vector<std::string> plain, ambiguous, domains;
            if (!read_strings(*t, "names", plain, error, where) ||
                !read_strings(*t, "ambiguous", ambiguous, error, where) ||
                !read_strings(*t, "domains", domains, error, where))
                return nullptr;
            if (plain.empty() && ambiguous.empty()) {
                *error = line_of(*t) + where + ": no 'names'";
                return nullptr;
            }
            if (domains.empty()) {
                *error = line_of(*t) + where + ": no 'domains'";
                return nullptr;
            }
            std::size_t org_index = impl->orgs.size();
            auto add_name = [&](const std::string& raw, bool amb) {
                std::string folded = core::fold_for_match(core::trim(raw));
                if (folded.size() < 2 || folded.size() > kMaxNameBytes) {
                    *error = line_of(*t) + where + ": name '" + raw + "' is too short or too long";
                    return false;
                }
                DirectoryName n;
                n.ascii = is_ascii(folded);
                n.short_cjk = !n.ascii && code_points(folded) <= 2;
                n.folded = std::move(folded);
                n.org = org_index;
                n.ambiguous = amb;
                impl->names.push_back(std::move(n));
                org.names.push_back(raw);
                return true;
            };
            for (const auto& n : plain)
                if (!add_name(n, false)) return nullptr;
            for (const auto& n : ambiguous)
                if (!add_name(n, true)) return nullptr;
            for (const auto& d : domains) {
                std::string n = normalise_domain(d);
                if (n.empty() || n.find('.') == std::string::npos || n.front() == '.' ||
                    n.find("..") != std::string::npos) {
                    *error = line_of(*t) + where + ": '" + d + "' is not a domain";
                    return nullptr;
                }
                org.domains.push_back(std::move(n));
            }
            impl->orgs.push_back(std::move(org));
        }
    } catch (const toml::parse_error& e) {
        *error =
            "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
        return nullptr;
    } catch (const std::exception& e) {
        *error = e.what();
        return nullptr;
    }
    build_indexes(*impl);
    return std::shared_ptr<const Directory>(new Directory(std::move(impl)));
}

std::shared_ptr<const Directory> Directory::bundled() {
    static const std::shared_ptr<const Directory> dir = [] {
        std::string error;
        return parse(bundled::file("data/organisations.toml"), &error);
    }();
    return dir;
}

}  // namespace kagami::detect::sender
