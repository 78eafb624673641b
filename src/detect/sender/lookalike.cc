#include "detect/sender/lookalike.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>

#include "core/text.h"
#include "detect/header/domain.h"

namespace kagami::detect::sender {
namespace {

// A domain has at most 127 labels; more tokens than this is not a host name anyone reads.
constexpr std::size_t kMaxTokens = 64;

// Suffixes whose registry checks who registers: a near-miss label under them is more
// likely another real body than a fake, so only confusables count there.
bool is_vetted_suffix(std::string_view s) {
    return s == "go.jp" || s == "lg.jp" || s == "ac.jp" || s == "ed.jp";
}

// Japanese suffixes where the same label under another suffix reads as the same body:
// "mofa.go.jp" and "mofa.jp", "jaxa.jp" and "jaxa.co.jp". Generic ones (.com) are left
// out: global companies own their name under many of them.
bool is_japanese_org_suffix(std::string_view s) {
    return is_vetted_suffix(s) || s == "or.jp" || s == "jp";
}

// Words a fake adds to an organisation's label: "mofa-jp", "jaxa-japan", "mod-gov".
bool is_trick_word(std::string_view w) {
    static constexpr std::array<std::string_view, 14> kWords = {
        "jp", "japan", "go",   "gov",  "co",    "or",   "ac",
        "lg", "ne",    "gojp", "cojp", "govjp", "orjp", "acjp"};
    return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// Words a fake adds to a brand's name: "amazon-security", "paypal-login", "apple-id-verify".
bool is_brand_trick_word(std::string_view w) {
    static constexpr std::array<std::string_view, 40> kWords = {
        "security", "secure",  "support",      "account",  "accounts", "login",   "signin",
        "logon",    "verify",  "verification", "check",    "update",   "service", "services",
        "help",     "billing", "payment",      "alert",    "notice",   "info",    "online",
        "customer", "care",    "center",       "centre",   "id",       "auth",    "confirm",
        "official", "team",    "app",          "mail",     "web",      "member",  "members",
        "com",      "net",     "safe",         "recovery", "unlock"};
    return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

std::vector<std::string> split_tokens(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == '.' || c == '-') {
            if (out.size() >= kMaxTokens) return out;
            out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(std::move(cur));
    return out;
}

std::u32string to_u32(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
        if (n < 0 || i + static_cast<std::size_t>(n) >= s.size() + (n == 0 ? 1 : 0)) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = n == 0 ? c : (c & (0x3F >> n));
        for (int k = 1; k <= n; ++k)
            cp =
                (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        out.push_back(cp);
        i += static_cast<std::size_t>(n) + 1;
    }
    return out;
}

std::string show(std::u32string_view s) {
    std::string out = "'";
    std::string codes;
    for (char32_t c : s.substr(0, 8)) {
        if (c >= 0x80) {
            // Name what the character really is: the report must not look like the real name.
            char buf[16];
            std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
            if (!codes.empty()) codes += ' ';
            codes += buf;
        }
        core::append_utf8(out, c);
    }
    out += "'";
    if (!codes.empty()) out += " (" + codes + ")";
    return out;
}

bool all_digits(std::u32string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char32_t c) { return c >= '0' && c <= '9'; });
}

// What changed between the label seen and the real one: "digit '0' for 'o'", "extra 'x'".
std::string describe_change(std::string_view seen, std::string_view real) {
    std::u32string a = to_u32(seen), b = to_u32(real);
    std::size_t pre = 0;
    while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
    std::size_t post = 0;
    while (post < a.size() - pre && post < b.size() - pre &&
           a[a.size() - 1 - post] == b[b.size() - 1 - post])
        ++post;
    std::u32string_view sa = std::u32string_view(a).substr(pre, a.size() - pre - post);
    std::u32string_view sb = std::u32string_view(b).substr(pre, b.size() - pre - post);
    if (sa.empty() && sb.empty()) return {};
    if (sa.empty()) return "missing " + show(sb);
    if (sb.empty()) return "extra " + show(sa);
    return std::string(all_digits(sa) ? "digit " : "") + show(sa) + " for " + show(sb);
}

void add(std::string& how, std::string_view part) {
    if (part.empty()) return;
    if (!how.empty()) how += ", ";
    how += part;
}

bool owned(const Directory::Impl& dir, std::string_view d) {
    for (std::string_view rest = d; !rest.empty();) {
        if (dir.by_domain.find(rest) != dir.by_domain.end()) return true;
        std::size_t dot = rest.find('.');
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    for (const auto& n : dir.not_lookalikes)
        if (d == n || (d.size() > n.size() && d.substr(d.size() - n.size()) == n &&
                       d[d.size() - n.size() - 1] == '.'))
            return true;
    return false;
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound) {
    std::size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > bound) return bound + 1;
    if (n > 128 || m > 128) return bound + 1;
    // Three rows of the optimal-string-alignment table.
    std::array<std::size_t, 130> prev2{}, prev{}, cur{};
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        std::size_t row_min = cur[0];
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            row_min = std::min(row_min, cur[j]);
        }
        if (row_min > bound) return bound + 1;
        prev2 = prev;
        prev = cur;
    }
    return std::min(prev[m], bound + 1);
}

std::optional<Lookalike> find_lookalike(const Directory::Impl& dir, std::string_view domain) {
    std::string d = normalise_domain(domain);
    if (d.empty() || d.find('.') == std::string::npos || owned(dir, d)) return std::nullopt;
    std::string reg = organisational_domain(d);
    std::size_t dot = reg.find('.');
    if (dot == std::string::npos || dot == 0) return std::nullopt;
    std::string reg_label = reg.substr(0, dot);
    std::string reg_suffix = reg.substr(dot + 1);
    std::string uni = idn_to_unicode(d);
    std::string reg_uni = idn_to_unicode(reg);
    std::string label_uni = idn_to_unicode(reg_label);
    bool idn = !is_ascii(uni);

    // (a) The registrable domain reads the same as a real one: "m0fa.go.jp", "rnofa.go.jp",
    // "mоfa.go.jp" with a Cyrillic о.
    std::string sk_reg = skeleton(reg_uni);
    if (auto it = dir.by_skeleton.find(sk_reg); it != dir.by_skeleton.end()) {
        const LookalikeTarget& t = dir.targets[it->second];
        if (t.domain != reg) {
            std::string how = idn ? "Unicode look-alike characters" : "";
            add(how, describe_change(label_uni, t.label));
            if (how.empty()) how = "confusable characters";
            return Lookalike{t.org, t.domain, how};
        }
    }

    // (c) The real name spelled inside a longer one: "mofa-go-jp.com", "mofa.go-jp.net",
    // "mofa.go.jp.example.com". Tokens are skeletons, so "m0fa-go.jp" is caught too.
    std::vector<std::string> tokens = split_tokens(skeleton(uni));
    std::vector<std::string> raw_tokens = split_tokens(uni);
    bool same_shape = raw_tokens.size() == tokens.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        auto it = dir.by_label.find(tokens[i]);
        if (it == dir.by_label.end()) continue;
        for (std::size_t idx : it->second) {
            const LookalikeTarget& t = dir.targets[idx];
            // Brands' names are long enough to stand under ".com" too ("paypal-com.xyz",
            // "paypal.com.example.net"); but the brand's label under a country's own
            // suffix ("apple.com.cn") is most likely the brand's own domain.
            if (t.suffix.find('.') == std::string::npos && t.suffix != "jp" &&
                (!t.brand || reg_label == t.label))
                continue;
            std::vector<std::string> want = split_tokens(t.label_skeleton);
            want.insert(want.end(), t.suffix_tokens.begin(), t.suffix_tokens.end());
            if (i + want.size() > tokens.size() ||
                !std::equal(want.begin(), want.end(), tokens.begin() + static_cast<long>(i)))
                continue;
            // "abc-nec.co.jp" ends in the real suffix: another company's own name.
            bool at_end = i + want.size() == tokens.size();
            if (at_end && reg_suffix == t.suffix) continue;
            std::string how;
            if (same_shape) {
                std::string seen;
                std::size_t label_tokens = want.size() - t.suffix_tokens.size();
                for (std::size_t k = 0; k < label_tokens; ++k)
                    seen += (k ? "-" : "") + raw_tokens[i + k];
                add(how, describe_change(seen, t.label));
            }
            std::string real_dotted = t.domain + ".";
            if (d.find(real_dotted) != std::string::npos)
                add(how, "the real name followed by ." + reg);
            else
                add(how, "hyphen for dot");
            return Lookalike{t.org, t.domain, how};
        }
    }

    // (c) The organisation's label as the registrable label under another suffix, alone
    // or with a word a fake adds: "mofa.jp", "jaxa.co.jp", "mofa-jp.org", "jaxa-jp.com".
    std::vector<std::string> reg_tokens = split_tokens(sk_reg);
    std::size_t suffix_n =
        static_cast<std::size_t>(std::count(reg_suffix.begin(), reg_suffix.end(), '.')) + 1;
    if (reg_tokens.size() > suffix_n) {
        std::vector<std::string> label(reg_tokens.begin(),
                                       reg_tokens.end() - static_cast<long>(suffix_n));
        for (const std::string& key : {label.front(), label.back()}) {
            auto it = dir.by_label.find(key);
            if (it == dir.by_label.end()) continue;
            for (std::size_t idx : it->second) {
                const LookalikeTarget& t = dir.targets[idx];
                std::vector<std::string> lt = split_tokens(t.label_skeleton);
                if (lt.size() > label.size()) continue;
                std::vector<std::string> extras;
                if (std::equal(lt.begin(), lt.end(), label.begin()))
                    extras.assign(label.begin() + static_cast<long>(lt.size()), label.end());
                else if (std::equal(lt.rbegin(), lt.rend(), label.rbegin()))
                    extras.assign(label.begin(), label.end() - static_cast<long>(lt.size()));
                else
                    continue;
                std::string how;
                if (extras.empty()) {
                    if (reg_suffix == t.suffix || !is_japanese_org_suffix(t.suffix) ||
                        code_points(t.label) < 4)
                        continue;
                } else {
                    bool tricks = std::all_of(extras.begin(), extras.end(), [&](const auto& w) {
                        return is_trick_word(w) || (t.brand && is_brand_trick_word(w));
                    });
                    if (!tricks) continue;
                    std::string words;
                    for (const auto& w : extras) words += (words.empty() ? "" : "-") + w;
                    add(how, "'" + words + "' added");
                }
                if (reg_suffix != t.suffix) add(how, "." + reg_suffix + " instead of ." + t.suffix);
                return Lookalike{t.org, t.domain, how};
            }
        }
    }

    // (b) A letter or two changed in the label under the same suffix: "jaxxa.jp".
    auto same_suffix = dir.by_length.find(reg_suffix);
    if (!is_vetted_suffix(reg_suffix) && same_suffix != dir.by_length.end()) {
        const auto& by_length = same_suffix->second;
        std::size_t len = code_points(label_uni);
        std::string sk_label = skeleton(label_uni);
        std::uint64_t label_chars = char_mask(sk_label);
        if (len >= 4) {
            for (std::size_t l = len - 2; l <= len + 2; ++l) {
                if (l < 4 || l >= by_length.size()) continue;
                for (std::size_t idx : by_length[l]) {
                    const LookalikeTarget& t = dir.targets[idx];
                    std::size_t k = l >= 8 ? 2 : 1;
                    if ((len > l ? len - l : l - len) > k) continue;
                    if (std::popcount(label_chars ^ t.label_chars) > static_cast<int>(2 * k))
                        continue;
                    std::size_t dist = edit_distance(sk_label, t.label_skeleton, k);
                    if (dist == 0 || dist > k) continue;
                    std::string how = describe_change(label_uni, t.label);
                    return Lookalike{t.org, t.domain, how.empty() ? "letters changed" : how};
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace kagami::detect::sender
