#include "detect/header/auth_results.h"

#include <array>
#include <optional>

#include "core/text.h"

namespace kagami::detect {

namespace {

// Longer values are hostile or broken; the tail is not looked at.
constexpr std::size_t kMaxValueBytes = 64 * 1024;
// Real headers carry a handful of results with a handful of properties each.
constexpr std::size_t kMaxResults = 64;
constexpr std::size_t kMaxProperties = 32;

// Method names registered with IANA (RFC 8601 section 6) plus Microsoft's "compauth". Only
// these start a new result when the ';' before them is missing.
bool is_method(std::string_view m) {
    static constexpr std::array<std::string_view, 16> kMethods = {
        "auth",       "dkim",  "dkim-adsp", "dkim-atps",
        "domainkeys", "dmarc", "iprev",     "rrvs",
        "sender-id",  "smime", "spf",       "vbr",
        "arc",        "bimi",  "compauth",  "x-ms-exchange-auth"};
    for (auto k : kMethods)
        if (m == k) return true;
    return m.size() > 2 && m.substr(0, 2) == "x-";
}

// A cursor over the value that understands RFC 5322 comments and quoted strings.
class Lexer {
public:
    explicit Lexer(std::string_view s) : s_(s) {}

    bool done() const { return pos_ >= s_.size(); }
    char peek() const { return s_[pos_]; }
    void advance() { ++pos_; }
    std::size_t pos() const { return pos_; }
    void reset(std::size_t p) { pos_ = p; }

    // White space and comments, nested to any depth; an unterminated comment ends the value.
    void skip_cfws() {
        while (pos_ < s_.size()) {
            const char c = s_[pos_];
            if (core::is_space(c)) {
                ++pos_;
            } else if (c == '(') {
                pos_ = core::read_comment(s_, pos_).next;
            } else {
                return;
            }
        }
    }

    // Characters up to white space, a comment, a quote, ';' and (when `stop_at_equals`) '='.
    std::string_view word(bool stop_at_equals) {
        const std::size_t start = pos_;
        while (pos_ < s_.size()) {
            const char c = s_[pos_];
            if (core::is_space(c) || c == '(' || c == ')' || c == ';' || c == '"') break;
            if (c == '=' && stop_at_equals) break;
            ++pos_;
        }
        return s_.substr(start, pos_ - start);
    }

    // The content of a quoted string, unescaped; the cursor is on the opening quote.
    std::string quoted() {
        std::string out;
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '"') {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
            out += s_[pos_++];
        }
        if (pos_ < s_.size()) ++pos_;  // closing quote
        return out;
    }

    // A property or result value: a quoted string or a word that may itself contain '='
    // (base64 in header.b).
    std::string value() {
        if (!done() && peek() == '"') return quoted();
        return std::string(word(false));
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Consumes "key =" when it is next, returning the key; otherwise leaves the cursor alone.
std::optional<std::string_view> key_then_equals(Lexer& lx) {
    const std::size_t save = lx.pos();
    std::string_view key = lx.word(true);
    lx.skip_cfws();
    if (key.empty() || lx.done() || lx.peek() != '=') {
        lx.reset(save);
        return std::nullopt;
    }
    lx.advance();
    lx.skip_cfws();
    return key;
}

// ARC-Authentication-Results start with the instance tag "i=N;", which is not an authserv-id.
void skip_arc_instance(Lexer& lx) {
    const std::size_t save = lx.pos();
    auto key = key_then_equals(lx);
    if (key && core::iequals(*key, "i")) {
        const std::string n = lx.value();
        lx.skip_cfws();
        if (all_digits(n) && !lx.done() && lx.peek() == ';') {
            lx.advance();
            return;
        }
    }
    lx.reset(save);
}

}  // namespace

AuthResults parse_auth_results(std::string_view value) {
    AuthResults out;
    if (value.size() > kMaxValueBytes) value = value.substr(0, kMaxValueBytes);
    Lexer lx(value);

    lx.skip_cfws();
    skip_arc_instance(lx);

    // authserv-id [version]; Microsoft leaves the authserv-id out entirely, so a first word
    // followed by '=' is already a result.
    lx.skip_cfws();
    if (!lx.done()) {
        const std::size_t save = lx.pos();
        bool have_id = true;
        if (lx.peek() == '"') {
            out.authserv_id = lx.quoted();
        } else if (key_then_equals(lx)) {
            lx.reset(save);
            have_id = false;
        } else {
            out.authserv_id = std::string(lx.word(true));
        }
        if (have_id) {
            // The optional version number ("example.org 1;").
            lx.skip_cfws();
            const std::size_t before = lx.pos();
            if (!all_digits(lx.word(true))) lx.reset(before);
        }
    }

    AuthResult* cur = nullptr;
    while (!lx.done()) {
        lx.skip_cfws();
        if (lx.done()) break;
        const char c = lx.peek();
        if (c == ';') {
            lx.advance();
            cur = nullptr;
            continue;
        }
        if (c == '"') {
            lx.quoted();  // stray quoted string: nothing to attach it to
            continue;
        }
        if (c == '=' || c == ')') {
            lx.advance();
            continue;
        }
        auto key = key_then_equals(lx);
        if (!key) {
            // A word without '=': "none" (no results), junk, or an authserv-id whose ';' is
            // missing. Skipping it keeps the scan moving.
            if (lx.word(true).empty()) lx.advance();
            continue;
        }
        std::string k = core::to_lower(*key);
        std::string v = lx.value();
        const std::size_t slash = k.find('/');
        const std::string base = slash == std::string::npos ? k : k.substr(0, slash);
        const bool new_result =
            cur == nullptr || (k.find('.') == std::string::npos && is_method(base));
        if (new_result) {
            if (out.results.size() >= kMaxResults) {
                cur = nullptr;
                break;
            }
            out.results.push_back({});
            cur = &out.results.back();
            cur->method = base;  // "dkim/1": the version is not needed
            cur->result = core::to_lower(v);
        } else if (k == "reason") {
            cur->reason = v;
        } else if (cur->properties.size() < kMaxProperties) {
            cur->properties.emplace_back(std::move(k), std::move(v));
        }
    }
    return out;
}

}  // namespace kagami::detect
