#include "analyzers/passwords.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/text.h"

namespace kagami::analyzers {
namespace {

// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space become ASCII, so that
// "ＰＷ：Ａｂｃ１２３" reads as "PW:Abc123". Everything else is kept byte for byte.
std::string normalise(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xEF && i + 2 < s.size()) {
            unsigned cp = ((c & 0x0F) << 12) |
                          ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                          (static_cast<unsigned char>(s[i + 2]) & 0x3F);
            if ((static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80 &&
                (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80 && cp >= 0xFF01 &&
                cp <= 0xFF5E) {
                out += static_cast<char>(cp - 0xFF01 + 0x21);
                i += 3;
                continue;
            }
        }
        if (s.substr(i, 3) == "\u3000") {
            out += ' ';
            i += 3;
            continue;
        }
        out += s[i];
        ++i;
    }
    return out;
}

bool is_ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

struct Label {
    std::string_view text;  // lower case
    bool japanese;
};

// Longest first, so "解凍パスワード" wins over "パスワード" and "password" over "pass".
constexpr std::array<Label, 13> kLabels = {{
    {"解凍パスワード", true},
    {"パスワード", true},
    {"暗証番号", true},
    {"解凍キー", true},
    {"解凍パス", true},
    {"passwort", false},
    {"password", false},
    {"passcode", false},
    {"passwd", false},
    {"パス", true},
    {"pass", false},
    {"pwd", false},
    {"pw", false},
}};

// Words that follow "password is" / "password:" in mail that states no password.
constexpr std::array<std::string_view, 44> kNotPasswords = {
    "below", "above",      "attached",  "required", "incorrect", "invalid",   "same",   "following",
    "sent",  "separately", "as",        "the",      "your",      "click",     "here",   "see",
    "reset", "expired",    "expires",   "expiring", "changed",   "protected", "needed", "not",
    "will",  "is",         "was",       "and",      "for",       "this",      "that",   "to",
    "in",    "enclosed",   "provided",  "case",     "sensitive", "forgotten", "blank",  "empty",
    "none",  "n/a",        "unchanged", "weak"};

constexpr std::string_view kOpen[] = {"「", "『", "\"", "'", "“",  "‘",  "(",
                                      "（", "[",  "【", "<", "＜", "《", "〈"};
constexpr std::string_view kClose[] = {"」", "』", "\"", "'", "”",  "’",  ")",
                                       "）", "]",  "】", ">", "＞", "》", "〉"};

std::string_view skip_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

// Decorations around a label line: bullets, brackets, colons ("■【パスワード】：").
std::string_view skip_decorations(std::string_view s) {
    static constexpr std::string_view kDeco[] = {
        " ", "\t", ":",  "=", "-",  "*", "#",  ">",  "・", "■", "□",  "◆", "◇",  "●",  "○", "★",
        "☆", "※",  "】", "]", "）", ")", "」", "』", "【", "[", "（", "(", "「", "『", "→", "⇒"};
    for (bool more = true; more && !s.empty();) {
        more = false;
        for (auto d : kDeco) {
            if (s.starts_with(d)) {
                s.remove_prefix(d.size());
                more = true;
                break;
            }
        }
    }
    return s;
}

std::string_view trim_decorations_back(std::string_view s) {
    static constexpr std::string_view kDeco[] = {" ",  "\t", ":",  "-", "*",  "#",  "・", "■",
                                                 "□",  "◆",  "◇",  "●", "○",  "★",  "☆",  "※",
                                                 "【", "[",  "（", "(", "「", "『", "<"};
    for (bool more = true; more && !s.empty();) {
        more = false;
        for (auto d : kDeco) {
            if (s.ends_with(d)) {
                s.remove_suffix(d.size());
                more = true;
                break;
            }
        }
    }
    return s;
}

std::string_view strip_trailing_punct(std::string_view v) {
    for (bool more = true; more && !v.empty();) {
        more = false;
        // Not "!" or "?": passwords end with them often enough.
        for (std::string_view p : {".", ",", "。", "、", "，", "．"}) {
            if (v.ends_with(p)) {
                v.remove_suffix(p.size());
                more = true;
            }
        }
    }
    return v;
}

struct Value {
    std::string text;
    bool quoted = false;
    std::string_view after;  // the rest of the line after the value
};

// The value at the start of `s`: a quoted or bracketed string (any characters), or a
// run of printable ASCII (a Japanese sentence goes on right after it: "abc123です").
std::optional<Value> read_value(std::string_view s) {
    s = skip_spaces(s);
    for (std::size_t i = 0; i < std::size(kOpen); ++i) {
        if (!s.starts_with(kOpen[i])) continue;
        std::string_view rest = s.substr(kOpen[i].size());
        auto end = rest.find(kClose[i]);
        if (end == std::string_view::npos) break;  // unbalanced: read it as a plain token
        std::string_view inner = core::trim(rest.substr(0, end));
        if (inner.empty() || inner.find('\n') != std::string_view::npos) return std::nullopt;
        return Value{std::string(inner), true, rest.substr(end + kClose[i].size())};
    }
    std::size_t n = 0;
    while (n < s.size() && static_cast<unsigned char>(s[n]) > 0x20 &&
           static_cast<unsigned char>(s[n]) < 0x7F)
        ++n;
    std::string_view token = s.substr(0, n);
    std::string_view after = s.substr(n);
    // Closing quotes or brackets that lost their opening one, then sentence punctuation.
    for (bool more = true; more && !token.empty();) {
        std::string_view t = strip_trailing_punct(token);
        char last = t.empty() ? '\0' : t.back();
        char opener = last == ')' ? '(' : last == ']' ? '[' : last == '>' ? '<' : last;
        if ((last == ')' || last == ']' || last == '>' || last == '"' || last == '\'') &&
            t.substr(0, t.size() - 1).find(opener) == std::string_view::npos)
            t.remove_suffix(1);
        more = t.size() != token.size();
        token = t;
    }
    if (token.empty()) return std::nullopt;
    return Value{std::string(token), false, after};
}

bool plausible(const Value& v) {
    if (v.text.size() < 4 || v.text.size() > 64) return false;
    if (v.text.find_first_of("\r\n\t") != std::string::npos) return false;
    if (v.quoted) return true;
    std::string lower = core::to_lower(v.text);
    if (std::find(kNotPasswords.begin(), kNotPasswords.end(), lower) != kNotPasswords.end())
        return false;
    if (lower.starts_with("http") || lower.find('@') != std::string::npos) return false;
    return true;
}

// After "password is": prose goes on after a word ("is required to open"); a stated
// password ends the sentence or is quoted.
bool ends_sentence(const Value& v) {
    if (v.quoted) return true;
    std::string_view a = skip_spaces(v.after);
    return a.empty() || a.starts_with("(") || a.starts_with("（") || !is_ascii_letter(a.front());
}

// The lead-in of a label line whose password comes on the next line: empty, a
// qualifier ("解凍", "ZIP", "添付ファイルの"), or bullets.
bool label_line_prefix(std::string_view prefix) {
    prefix = trim_decorations_back(skip_decorations(prefix));
    if (prefix.empty() || prefix.ends_with("の") || prefix.ends_with("用")) return true;
    std::string lower = core::to_lower(prefix);
    static constexpr std::string_view kOk[] = {
        "zip",      "zip file",     "the",         "the zip",       "the zip file", "attachment",
        "file",     "archive",      "unzip",       "decompression", "解凍",         "添付ファイル",
        "ファイル", "圧縮ファイル", "zipファイル", "document",      "pdf"};
    return std::find(std::begin(kOk), std::end(kOk), lower) != std::end(kOk);
}

// What follows a label that announces the password on the next line.
bool announces_next_line(std::string_view rest) {
    rest = trim_decorations_back(skip_decorations(rest));
    std::string_view tail = strip_trailing_punct(rest);
    static constexpr std::string_view kOk[] = {"",
                                               "は",
                                               "は以下の通りです",
                                               "は以下のとおりです",
                                               "は下記の通りです",
                                               "は下記のとおりです",
                                               "は以下です",
                                               "は下記です",
                                               "は次の通りです",
                                               "は以下",
                                               "は下記",
                                               "is",
                                               "is below",
                                               "is as follows",
                                               "as follows",
                                               "below",
                                               "is:"};
    std::string lower = core::to_lower(tail);
    return std::find(std::begin(kOk), std::end(kOk), lower) != std::end(kOk);
}

class Finder {
public:
    explicit Finder(std::size_t max) : max_(max) {}

    void add(std::string value) {
        if (found_.size() >= max_) return;
        if (std::find(found_.begin(), found_.end(), value) != found_.end()) return;
        found_.push_back(std::move(value));
    }
    bool full() const { return found_.size() >= max_; }
    std::vector<std::string> take() { return std::move(found_); }

private:
    std::size_t max_;
    std::vector<std::string> found_;
};

// The value stated after a label at line[pos, pos + label size), if any; sets
// `next_line` when the line only announces a password on the following line.
std::optional<Value> after_label(std::string_view line, std::string_view lower, std::size_t pos,
                                 const Label& label, bool& next_line) {
    std::string_view prefix = line.substr(0, pos);
    std::string_view rest = line.substr(pos + label.text.size());
    std::string_view lrest = lower.substr(pos + label.text.size());
    next_line = false;
    // A label in brackets ("【パスワード】", "[PW]") closes before its separator.
    for (std::string_view c : {"】", "]", "）", ")", "」", "』", ">"}) {
        if (rest.starts_with(c) && trim_decorations_back(prefix).size() < prefix.size()) {
            rest.remove_prefix(c.size());
            lrest.remove_prefix(c.size());
            break;
        }
    }
    std::size_t skipped = rest.size() - skip_spaces(rest).size();
    rest.remove_prefix(skipped);
    lrest.remove_prefix(skipped);
    if (rest.empty() || rest.starts_with(":") || rest.starts_with("=")) {
        if (!rest.empty()) rest = skip_spaces(rest.substr(1));
        if (rest.starts_with("-") && !rest.starts_with("--")) rest = skip_spaces(rest.substr(1));
        if (rest.empty()) {
            next_line = label_line_prefix(prefix);
            return std::nullopt;
        }
        auto v = read_value(rest);
        if (v && plausible(*v)) return v;
        return std::nullopt;
    }
    if (label.japanese) {
        // "パスワードは abc123 です", "パスワードは「abc」", "パスワード【abc】", "パスワード
        // abc123".
        std::string_view r = rest;
        if (r.starts_with("は")) {
            r = r.substr(3);
            if (r.starts_with("、")) r = r.substr(3);
            r = skip_spaces(r);
            if (r.starts_with(":")) r = skip_spaces(r.substr(1));
        }
        if (announces_next_line(rest)) {
            next_line = label_line_prefix(prefix);
            return std::nullopt;
        }
        auto v = read_value(r);
        if (v && plausible(*v)) return v;
        return std::nullopt;
    }
    // English: "password is xxxx", "password for the attachment is 'xxxx'",
    // "password to open the file: xxxx".
    if (is_ascii_letter(lrest.empty() ? ' ' : lrest.front()) && !lrest.starts_with("is ") &&
        lrest != "is" && !lrest.starts_with("is:") && !lrest.starts_with("for ") &&
        !lrest.starts_with("to ") && !lrest.starts_with("of "))
        return std::nullopt;  // "password reset", "passwords", "passport"
    std::size_t is_at = std::string_view::npos;
    if (lrest.starts_with("is")) {
        is_at = 0;
    } else if (lrest.starts_with("for ") || lrest.starts_with("to ") || lrest.starts_with("of ")) {
        std::string_view window = lrest.substr(0, 80);
        auto colon = window.find(':');
        auto is = window.find(" is ");
        if (is == std::string_view::npos && window.ends_with(" is")) is = window.size() - 3;
        if (colon != std::string_view::npos && (is == std::string_view::npos || colon < is)) {
            if (skip_spaces(rest.substr(colon + 1)).empty()) {
                next_line = true;  // "Password for the attachment:" then the password
                return std::nullopt;
            }
            auto v = read_value(rest.substr(colon + 1));
            if (v && plausible(*v)) return v;
            return std::nullopt;
        }
        if (is != std::string_view::npos) is_at = is + 1;
    }
    if (is_at == std::string_view::npos) return std::nullopt;
    std::string_view r = skip_spaces(rest.substr(is_at + 2));
    if (r.starts_with(":")) r = skip_spaces(r.substr(1));
    std::string lr = core::to_lower(strip_trailing_punct(trim_decorations_back(r)));
    if (lr.empty() || lr == "below" || lr == "as follows") {
        next_line = true;  // "The password is:" with the password on the next line
        return std::nullopt;
    }
    auto v = read_value(r);
    if (v && plausible(*v) && ends_sentence(*v)) return v;
    return std::nullopt;
}

// The next non-empty line as a password: one token, perhaps quoted or bulleted.
std::optional<Value> next_line_value(std::string_view line) {
    std::string_view s = core::trim(line);
    while (!s.empty()) {
        std::string_view t = s;
        for (std::string_view d : {"・", "■", "□", "◆", "●", "○", "※", "→", "⇒", "*", "-", ">"}) {
            if (t.starts_with(d)) {
                t = core::trim(t.substr(d.size()));
                break;
            }
        }
        if (t.size() == s.size()) break;
        s = t;
    }
    auto v = read_value(s);
    if (!v || !plausible(*v)) return std::nullopt;
    if (!core::trim(strip_trailing_punct(core::trim(v->after))).empty()) return std::nullopt;
    return v;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::vector<std::string> find_passwords(std::string_view text, std::size_t max) {
    Finder finder(max);
    if (max == 0) return {};
    std::string norm = normalise(text);
    auto lines = split_lines(norm);
    for (std::size_t li = 0; li < lines.size() && !finder.full(); ++li) {
        std::string_view line = lines[li];
        std::string lower = core::to_lower(line);
        std::size_t pos = 0;
        while (pos < line.size() && !finder.full()) {
            // The earliest label on the rest of the line, the longest at that place.
            std::size_t best = std::string_view::npos;
            const Label* label = nullptr;
            for (const auto& l : kLabels) {
                std::size_t at = lower.find(l.text, pos);
                while (at != std::string::npos && !l.japanese &&
                       ((at > 0 && is_ascii_letter(lower[at - 1])) ||
                        (at + l.text.size() < lower.size() &&
                         is_ascii_letter(lower[at + l.text.size()]) && l.text != "password" &&
                         l.text != "passwort")))
                    at = lower.find(l.text, at + 1);
                if (at != std::string::npos &&
                    (at < best || (at == best && l.text.size() > label->text.size()))) {
                    best = at;
                    label = &l;
                }
            }
            if (label == nullptr) break;
            bool next_line = false;
            auto v = after_label(line, lower, best, *label, next_line);
            if (v) {
                finder.add(v->text);
            } else if (next_line) {
                for (std::size_t k = li + 1; k < lines.size() && k <= li + 2; ++k) {
                    if (core::trim(lines[k]).empty()) continue;
                    if (auto nv = next_line_value(lines[k])) finder.add(nv->text);
                    break;
                }
            }
            pos = best + label->text.size();
        }
    }
    return finder.take();
}

}  // namespace kagami::analyzers
