// SPDX-License-Identifier: Apache-2.0
#include "detect/lure/lexicon.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <hs/hs.h>
#include <toml++/toml.h>

#include "core/bundled.h"
#include "core/normalize.h"

namespace kagami::detect::lure {
namespace {

constexpr FindingKind kTheme{"lure.theme", "The message is about a theme of targeted lures",
                             "T1566.001,T1566.002"};

// Bounds on a user's lexicon, so a hostile or runaway file cannot make the compile or the
// per-message work large.
constexpr std::size_t kMaxLexiconBytes = 4 * 1024 * 1024;
constexpr std::size_t kMaxThemes = 256;
// Containment of words in words is found pairwise per theme at load: 1,024² at most.
constexpr std::size_t kMaxWordsPerTheme = 1024;
constexpr std::size_t kMaxWords = 16384;
constexpr std::size_t kMaxWordBytes = 256;
constexpr std::int64_t kMaxWeakNeeded = 16;

bool is_ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, 8);
        if (word & 0x8080808080808080ull) return false;
    }
    for (; i < s.size(); ++i)
        if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
    return true;
}

// Per byte: 0 copy (ASCII upper case lowered), 1 white space, 2 lead byte of U+2000..U+2FFF
// (dashes and quotes).
struct ByteClasses {
    unsigned char kind[256];
    char lower[256];
    constexpr ByteClasses() : kind(), lower() {
        for (int c = 0; c < 256; ++c) {
            kind[c] = 0;
            lower[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        for (unsigned char c : {' ', '\t', '\r', '\n', '\f', '\v'}) kind[c] = 1;
        kind[0xE2] = 2;
    }
};
constexpr ByteClasses kBytes;

// The ASCII stand-in for the punctuation NFKC keeps but writers mix with ASCII: dashes
// U+2010..U+2015 and U+2212 as "-", quotes U+2018/U+2019 as "'" and U+201C/U+201D as '"'.
// 0 when the three bytes at `q` are none of them.
char ascii_punctuation(const unsigned char* q, const unsigned char* end) {
    if (end - q < 3 || q[0] != 0xE2) return 0;
    if (q[1] == 0x80) {
        if (q[2] >= 0x90 && q[2] <= 0x95) return '-';
        if (q[2] == 0x98 || q[2] == 0x99) return '\'';
        if (q[2] == 0x9C || q[2] == 0x9D) return '"';
    }
    if (q[1] == 0x88 && q[2] == 0x92) return '-';
    return 0;
}

// Text as the matcher sees it, from NFKC_Casefold output (or from pure ASCII, whose
// NFKC_Casefold is its lower case, which this does too): a run of white space becomes one
// space between two ASCII characters and disappears otherwise (Japanese is wrapped
// anywhere, also inside words, and spaced around Latin words: "JAXA の H3 ロケット"), and
// the punctuation of ascii_punctuation() becomes ASCII, so "U.S.–Japan" matches
// "u.s.-japan". A table-driven loop: this runs over every byte of every body.
std::string canonical(std::string_view in) {
    std::string out(in.size(), '\0');
    char* const begin = out.data();
    char* o = begin;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const auto* const end = p + in.size();
    while (p < end) {
        while (p < end && kBytes.kind[*p] == 0) *o++ = kBytes.lower[*p++];
        if (p == end) break;
        if (kBytes.kind[*p] == 1) {
            while (p < end && kBytes.kind[*p] == 1) ++p;
            if (p == end || o == begin) continue;
            bool next_ascii = *p < 0x80 || ascii_punctuation(p, end) != 0;
            if (next_ascii && static_cast<unsigned char>(o[-1]) < 0x80) *o++ = ' ';
            continue;
        }
        if (char c = ascii_punctuation(p, end)) {
            *o++ = c;
            p += 3;
        } else {
            *o++ = static_cast<char>(*p++);
        }
    }
    out.resize(static_cast<std::size_t>(o - begin));
    return out;
}

// What match() scans: `text` folded and made canonical.
std::string prepare(std::string_view text) {
    // Pure ASCII skips ICU: its NFKC_Casefold is its lower case, which canonical() does.
    if (is_ascii(text)) return canonical(text);
    return canonical(core::fold_for_match(text));
}

// The longest prefix of `s` of at most `max` bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

bool valid_attack_id(std::string_view id) {
    // T1234 or T1234.567
    if (id.size() != 5 && id.size() != 9) return false;
    if (id[0] != 'T') return false;
    for (std::size_t i = 1; i < 5; ++i)
        if (id[i] < '0' || id[i] > '9') return false;
    if (id.size() == 9) {
        if (id[5] != '.') return false;
        for (std::size_t i = 6; i < 9; ++i)
            if (id[i] < '0' || id[i] > '9') return false;
    }
    return true;
}

bool valid_theme_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

struct HsDatabaseFree {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct HsScratchFree {
    void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseFree>;
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchFree>;

}  // namespace

struct Lexicon::Impl {
    struct Theme {
        std::string id;
        std::string name;
        std::string name_ja;
        std::vector<std::string> attack;
        std::size_t weak_needed = 3;
        std::vector<std::string> words;  // as written (without a trailing '*'); strong first
        std::vector<std::string> folded;
        std::size_t strong = 0;  // words[0, strong) are strong
        // containers[w]: the other words of this theme whose folded form holds word w's.
        std::vector<std::vector<std::uint32_t>> containers;
    };
    struct Use {
        std::uint32_t theme;
        std::uint32_t word;
    };
    // One per distinct folded word; a word in several themes has several uses.
    struct Pattern {
        std::string folded;
        bool left_boundary = false;   // no ASCII letter/digit may come just before
        bool right_boundary = false;  // ... or just after
        std::vector<Use> uses;
    };

    std::vector<Theme> themes;
    std::vector<Pattern> patterns;
    HsDatabase db;

    // Scratch space per concurrent match(): cloned on demand, kept for reuse. A pool rather
    // than thread_local, since a scratch belongs to this database and Lexicons come and go.
    HsScratch prototype;
    mutable std::mutex pool_mutex;
    mutable std::vector<HsScratch> pool;

    HsScratch acquire() const {
        {
            std::lock_guard lock(pool_mutex);
            if (!pool.empty()) {
                HsScratch s = std::move(pool.back());
                pool.pop_back();
                return s;
            }
        }
        hs_scratch_t* s = nullptr;
        if (hs_clone_scratch(prototype.get(), &s) != HS_SUCCESS) return nullptr;
        return HsScratch(s);
    }
    void release(HsScratch s) const {
        std::lock_guard lock(pool_mutex);
        pool.push_back(std::move(s));
    }
};

namespace {

using Impl = Lexicon::Impl;

std::string at_line(const toml::node& node, std::string_view message) {
    return "line " + std::to_string(node.source().begin.line) + ": " + std::string(message);
}

// Reads theme `index` (0-based) of the [[theme]] array into `out`; false with `error` set.
bool read_theme(const toml::table& t, std::size_t index, std::int64_t default_weak_needed,
                Impl::Theme& out, std::string& error) {
    std::string label = "theme " + std::to_string(index + 1);
    for (const auto& [key, value] : t) {
        static constexpr std::string_view known[] = {"id",     "name", "name_ja",    "attack",
                                                     "strong", "weak", "weak_needed"};
        if (std::find(std::begin(known), std::end(known), key.str()) == std::end(known)) {
            error = at_line(value, label + ": unknown key \"" + std::string(key.str()) +
                                       "\" (expected id, name, name_ja, attack, strong, weak, "
                                       "weak_needed)");
            return false;
        }
    }
    const auto* id = t.get("id");
    if (!id) {
        error = at_line(t, label + ": missing \"id\"");
        return false;
    }
    if (!id->is_string() || !valid_theme_id(id->as_string()->get())) {
        error = at_line(*id, label + ": \"id\" must be a string of a-z, 0-9 and _");
        return false;
    }
    out.id = id->as_string()->get();
    label = "theme \"" + out.id + "\"";

    auto read_string = [&](const char* key, std::string& dest) {
        const auto* node = t.get(key);
        if (!node) {
            error = at_line(t, label + ": missing \"" + key + "\"");
            return false;
        }
        if (!node->is_string() || node->as_string()->get().empty()) {
            error = at_line(*node, label + ": \"" + key + "\" must be a non-empty string");
            return false;
        }
        dest = node->as_string()->get();
        return true;
    };
    if (!read_string("name", out.name) || !read_string("name_ja", out.name_ja)) return false;

    const auto* attack = t.get("attack");
    if (!attack) {
        error = at_line(t, label + ": missing \"attack\" (ATT&CK technique ids)");
        return false;
    }
    if (const auto* s = attack->as_string()) {
        out.attack = split_attack(s->get());
    } else if (const auto* a = attack->as_array()) {
        for (const auto& e : *a) {
            if (!e.is_string()) {
                error = at_line(e, label + ": \"attack\" must hold strings");
                return false;
            }
            out.attack.push_back(e.as_string()->get());
        }
    } else {
        error = at_line(*attack, label + ": \"attack\" must be an array of strings");
        return false;
    }
    if (out.attack.empty()) {
        error = at_line(*attack, label + ": \"attack\" is empty");
        return false;
    }
    for (const auto& a : out.attack) {
        if (!valid_attack_id(a)) {
            error = at_line(*attack, label + ": \"" + a +
                                         "\" is not an ATT&CK technique id (T1234 or T1234.001)");
            return false;
        }
    }

    std::int64_t weak_needed = default_weak_needed;
    if (const auto* w = t.get("weak_needed")) {
        if (!w->is_integer() || w->as_integer()->get() < 1 ||
            w->as_integer()->get() > kMaxWeakNeeded) {
            error = at_line(*w, label + ": \"weak_needed\" must be an integer from 1 to " +
                                    std::to_string(kMaxWeakNeeded));
            return false;
        }
        weak_needed = w->as_integer()->get();
    }
    out.weak_needed = static_cast<std::size_t>(weak_needed);

    auto read_words = [&](const char* key, bool required) {
        const auto* node = t.get(key);
        if (!node) {
            if (!required) return true;
            error = at_line(t, label + ": missing \"" + key + "\"");
            return false;
        }
        const auto* arr = node->as_array();
        if (!arr) {
            error = at_line(*node, label + ": \"" + key + "\" must be an array of strings");
            return false;
        }
        for (const auto& e : *arr) {
            if (!e.is_string()) {
                error = at_line(e, label + ": \"" + key + "\" must hold only strings");
                return false;
            }
            std::string word = e.as_string()->get();
            if (word.size() > kMaxWordBytes) {
                error = at_line(e, label + ": a word is longer than " +
                                       std::to_string(kMaxWordBytes) + " bytes");
                return false;
            }
            if (out.words.size() >= kMaxWordsPerTheme) {
                error = at_line(
                    e, label + ": more than " + std::to_string(kMaxWordsPerTheme) + " words");
                return false;
            }
            out.words.push_back(std::move(word));
        }
        return true;
    };
    if (!read_words("strong", false)) return false;
    out.strong = out.words.size();
    if (!read_words("weak", false)) return false;
    if (out.words.empty()) {
        error = at_line(t, label + ": no words (give \"strong\" or \"weak\" words)");
        return false;
    }
    return true;
}

// Folds the theme's words, fills containers and appends its patterns; false with `error`.
bool index_theme(Impl& impl, std::uint32_t theme_index, const toml::node& where,
                 std::unordered_map<std::string, std::uint32_t>& by_folded, std::string& error) {
    auto& theme = impl.themes[theme_index];
    theme.folded.reserve(theme.words.size());
    for (std::size_t w = 0; w < theme.words.size(); ++w) {
        std::string& word = theme.words[w];
        bool open_end = !word.empty() && word.back() == '*';
        if (open_end) word.pop_back();
        std::string folded = prepare(word);
        // canonical() keeps one leading/trailing space from the text side; a word trims it.
        while (!folded.empty() && folded.front() == ' ') folded.erase(folded.begin());
        while (!folded.empty() && folded.back() == ' ') folded.pop_back();
        if (folded.empty() || folded.find('*') != std::string::npos) {
            error = at_line(where, "theme \"" + theme.id + "\": word \"" + word +
                                       "\" is empty or holds a '*' not at its end");
            return false;
        }
        for (std::size_t other = 0; other < w; ++other) {
            if (theme.folded[other] == folded) {
                error = at_line(where, "theme \"" + theme.id + "\": \"" + word +
                                           "\" is listed twice (after width and case folding)");
                return false;
            }
        }
        theme.folded.push_back(folded);

        auto [it, inserted] =
            by_folded.try_emplace(folded, static_cast<std::uint32_t>(impl.patterns.size()));
        if (inserted) {
            Impl::Pattern p;
            p.folded = folded;
            p.left_boundary = is_ascii_alnum(static_cast<unsigned char>(folded.front()));
            p.right_boundary =
                !open_end && is_ascii_alnum(static_cast<unsigned char>(folded.back()));
            impl.patterns.push_back(std::move(p));
        } else if (!open_end && is_ascii_alnum(static_cast<unsigned char>(folded.back()))) {
            // "word" in one theme and "word*" in another: the stricter reading for both.
            impl.patterns[it->second].right_boundary = true;
        }
        impl.patterns[it->second].uses.push_back({theme_index, static_cast<std::uint32_t>(w)});
    }
    theme.containers.assign(theme.words.size(), {});
    for (std::size_t a = 0; a < theme.folded.size(); ++a)
        for (std::size_t b = 0; b < theme.folded.size(); ++b)
            if (a != b && theme.folded[b].size() > theme.folded[a].size() &&
                theme.folded[b].find(theme.folded[a]) != std::string::npos)
                theme.containers[a].push_back(static_cast<std::uint32_t>(b));
    return true;
}

bool compile(Impl& impl, std::string& error) {
    std::vector<const char*> expressions;
    std::vector<std::size_t> lengths;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (std::size_t i = 0; i < impl.patterns.size(); ++i) {
        const auto& p = impl.patterns[i];
        expressions.push_back(p.folded.data());
        lengths.push_back(p.folded.size());
        // A pattern checked for word boundaries must see every occurrence: the first may sit
        // inside a longer word ("quad" in "quadratic") and a later one stand alone.
        flags.push_back(p.left_boundary || p.right_boundary ? 0u : unsigned{HS_FLAG_SINGLEMATCH});
        ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                             &compile_error) != HS_SUCCESS) {
        error = "line 1: the lexicon could not be compiled: ";
        error += compile_error && compile_error->message ? compile_error->message : "unknown";
        hs_free_compile_error(compile_error);
        return false;
    }
    impl.db.reset(db);
    hs_scratch_t* scratch = nullptr;
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
        error = "line 1: no memory for the lexicon's scratch space";
        return false;
    }
    impl.prototype.reset(scratch);
    return true;
}

struct ScanContext {
    const Impl* impl;
    std::string_view text;
    std::vector<char>* found;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
             unsigned int /*flags*/, void* context) {
    auto* ctx = static_cast<ScanContext*>(context);
    auto& found = *ctx->found;
    if (found[id]) return 0;
    const auto& p = ctx->impl->patterns[id];
    auto end = static_cast<std::size_t>(to);
    std::size_t start = end - p.folded.size();
    if (p.left_boundary && start > 0 &&
        is_ascii_alnum(static_cast<unsigned char>(ctx->text[start - 1])))
        return 0;
    if (p.right_boundary && end < ctx->text.size() &&
        is_ascii_alnum(static_cast<unsigned char>(ctx->text[end])))
        return 0;
    found[id] = 1;
    return 0;
}

}  // namespace

Lexicon::Lexicon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Lexicon::~Lexicon() = default;

std::size_t Lexicon::theme_count() const {
    return impl_->themes.size();
}

std::shared_ptr<const Lexicon> Lexicon::parse(std::string_view text, std::string* error) {
    std::string local_error;
    std::string& err = error ? *error : local_error;
    err.clear();
    if (text.size() > kMaxLexiconBytes) {
        err = "line 1: the lexicon is larger than " + std::to_string(kMaxLexiconBytes) + " bytes";
        return nullptr;
    }
    try {
        toml::table root = toml::parse(text);
        auto impl = std::make_unique<Impl>();

        std::int64_t default_weak_needed = 3;
        for (const auto& [key, value] : root) {
            if (key.str() != "weak_needed" && key.str() != "theme") {
                err = at_line(value, "unknown top-level key \"" + std::string(key.str()) +
                                         "\" (expected weak_needed and [[theme]])");
                return nullptr;
            }
        }
        if (const auto* w = root.get("weak_needed")) {
            if (!w->is_integer() || w->as_integer()->get() < 1 ||
                w->as_integer()->get() > kMaxWeakNeeded) {
                err = at_line(*w, "\"weak_needed\" must be an integer from 1 to " +
                                      std::to_string(kMaxWeakNeeded));
                return nullptr;
            }
            default_weak_needed = w->as_integer()->get();
        }
        const auto* themes = root.get("theme");
        if (!themes || !themes->is_array_of_tables() || themes->as_array()->empty()) {
            err = themes ? at_line(*themes, "\"theme\" must be an array of tables ([[theme]])")
                         : "line 1: the lexicon has no [[theme]]";
            return nullptr;
        }
        const auto& array = *themes->as_array();
        if (array.size() > kMaxThemes) {
            err = at_line(array, "more than " + std::to_string(kMaxThemes) + " themes");
            return nullptr;
        }
        std::unordered_map<std::string, std::uint32_t> by_folded;
        std::size_t total_words = 0;
        for (std::size_t i = 0; i < array.size(); ++i) {
            const auto& table = *array[i].as_table();
            Impl::Theme theme;
            if (!read_theme(table, i, default_weak_needed, theme, err)) return nullptr;
            for (const auto& other : impl->themes) {
                if (other.id == theme.id) {
                    err = at_line(table, "theme id \"" + theme.id + "\" is used twice");
                    return nullptr;
                }
            }
            total_words += theme.words.size();
            if (total_words > kMaxWords) {
                err = at_line(table,
                              "more than " + std::to_string(kMaxWords) + " words in the lexicon");
                return nullptr;
            }
            impl->themes.push_back(std::move(theme));
            if (!index_theme(*impl, static_cast<std::uint32_t>(i), table, by_folded, err))
                return nullptr;
        }
        if (!compile(*impl, err)) return nullptr;
        return std::shared_ptr<const Lexicon>(new Lexicon(std::move(impl)));
    } catch (const toml::parse_error& e) {
        err = "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    } catch (const std::exception& e) {
        err = std::string("line 1: the lexicon could not be read: ") + e.what();
    }
    return nullptr;
}

std::shared_ptr<const Lexicon> Lexicon::bundled() {
    static const std::shared_ptr<const Lexicon> lexicon =
        parse(kagami::bundled::file("data/lures.toml"), nullptr);
    return lexicon;
}

std::vector<ThemeHit> Lexicon::match(std::string_view utf8_text) const {
    std::vector<ThemeHit> hits;
    const Impl& impl = *impl_;
    std::string text = prepare(utf8_prefix(utf8_text, kMaxScannedBytes));
    if (text.empty()) return hits;
    HsScratch scratch = impl.acquire();
    if (!scratch) return hits;
    std::vector<char> found(impl.patterns.size(), 0);
    ScanContext ctx{&impl, text, &found};
    hs_error_t rc = hs_scan(impl.db.get(), text.data(), static_cast<unsigned>(text.size()), 0,
                            scratch.get(), on_match, &ctx);
    impl.release(std::move(scratch));
    if (rc != HS_SUCCESS) return hits;

    // Words found per theme, then a theme at a time in lexicon order.
    std::vector<std::vector<char>> words_found(impl.themes.size());
    for (std::size_t id = 0; id < found.size(); ++id) {
        if (!found[id]) continue;
        for (const auto& use : impl.patterns[id].uses) {
            auto& wf = words_found[use.theme];
            if (wf.empty()) wf.assign(impl.themes[use.theme].words.size(), 0);
            wf[use.word] = 1;
        }
    }
    for (std::size_t t = 0; t < impl.themes.size(); ++t) {
        const auto& wf = words_found[t];
        if (wf.empty()) continue;
        const auto& theme = impl.themes[t];
        ThemeHit hit;
        std::size_t weak = 0;
        for (std::size_t w = 0; w < wf.size(); ++w) {
            if (!wf[w]) continue;
            // A word that is part of a longer word found too ("日米" in "日米同盟") adds
            // nothing: counting it would let one phrase pass as several words. A strong word
            // stays even inside a weak one, so that it still makes the theme hit.
            bool strong_word = w < theme.strong;
            bool inside = std::any_of(
                theme.containers[w].begin(), theme.containers[w].end(),
                [&](std::uint32_t c) { return wf[c] != 0 && (c < theme.strong || !strong_word); });
            if (inside) continue;
            hit.words.push_back(theme.words[w]);
            if (w < theme.strong)
                ++hit.strong;
            else
                ++weak;
        }
        if (hit.strong == 0 && weak < theme.weak_needed) continue;
        hit.theme = theme.id;
        hit.name = theme.name;
        hit.name_ja = theme.name_ja;
        hit.attack = theme.attack;
        hits.push_back(std::move(hit));
    }
    return hits;
}

std::vector<Finding> findings_for(const std::vector<ThemeHit>& hits, std::string_view where) {
    std::vector<Finding> out;
    out.reserve(hits.size());
    for (const auto& hit : hits) {
        std::string evidence;
        for (const auto& w : hit.words) {
            if (!evidence.empty()) evidence += ", ";
            evidence += w;
        }
        Finding f = make_finding(kTheme, std::move(evidence), std::string(where));
        f.title = "The message is about " + hit.name + ", a theme of targeted lures";
        if (!hit.attack.empty()) f.attack = hit.attack;
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace kagami::detect::lure
