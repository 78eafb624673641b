// STIX 2.1 patterning, the subset a set lookup can answer: equality comparisons (and
// ISSUBSET for IP networks) joined by OR, inside any brackets. AND, NOT, FOLLOWEDBY,
// qualifiers and the other operators need an event correlator: such patterns are refused.
#include "core/text.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

enum class Tok { open, close, string, word, op, end, bad };

struct Token {
    Tok kind = Tok::end;
    std::string text;
};

class Lexer {
public:
    explicit Lexer(std::string_view s) : s_(s) {}

    Token next() {
        while (i_ < s_.size() && core::is_space(s_[i_])) ++i_;
        if (i_ >= s_.size()) return {Tok::end, {}};
        char c = s_[i_];
        if (c == '[' || c == '(') return ++i_, Token{Tok::open, std::string(1, c)};
        if (c == ']' || c == ')') return ++i_, Token{Tok::close, std::string(1, c)};
        if (c == '\'') return quoted();
        if (c == '=' || c == '!' || c == '<' || c == '>') {
            std::size_t start = i_++;
            if (i_ < s_.size() && s_[i_] == '=') ++i_;
            return {Tok::op, std::string(s_.substr(start, i_ - start))};
        }
        // A word: a keyword or an object path; path steps may be quoted (hashes.'SHA-256').
        std::string word;
        while (i_ < s_.size()) {
            char d = s_[i_];
            if (d == '\'' && !word.empty() && word.back() == '.') {
                Token q = quoted();
                if (q.kind != Tok::string) return {Tok::bad, {}};
                word += q.text;
                continue;
            }
            if (core::is_space(d) || d == '[' || d == ']' || d == '(' || d == ')' || d == '=' ||
                d == '!' || d == '<' || d == '>' || d == '\'')
                break;
            word += d;
            ++i_;
        }
        if (word.empty()) return ++i_, Token{Tok::bad, {}};
        // b'..', h'..', t'..' literals: binary, hex and timestamps are never indicators here.
        if (i_ < s_.size() && s_[i_] == '\'' && word.size() == 1) return {Tok::bad, {}};
        return {Tok::word, std::move(word)};
    }

private:
    Token quoted() {
        std::string out;
        for (++i_; i_ < s_.size(); ++i_) {
            char c = s_[i_];
            if (c == '\\' && i_ + 1 < s_.size()) {
                out += s_[++i_];
            } else if (c == '\'') {
                ++i_;
                return {Tok::string, std::move(out)};
            } else {
                out += c;
            }
        }
        return {Tok::bad, {}};
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

std::optional<IndicatorType> path_type(std::string_view path) {
    std::string p = core::to_lower(path);
    if (p == "domain-name:value") return IndicatorType::domain;
    if (p == "url:value") return IndicatorType::url;
    if (p == "ipv4-addr:value") return IndicatorType::ipv4;
    if (p == "ipv6-addr:value") return IndicatorType::ipv6;
    if (p == "email-addr:value" || p == "email-message:from_ref.value" ||
        p == "email-message:sender_ref.value")
        return IndicatorType::email;
    if (p == "file:name") return IndicatorType::file_name;
    if (p == "file:hashes.sha-256" || p == "file:hashes.sha256") return IndicatorType::sha256;
    if (p == "file:hashes.sha-1" || p == "file:hashes.sha1") return IndicatorType::sha1;
    if (p == "file:hashes.md5") return IndicatorType::md5;
    return std::nullopt;
}

}  // namespace

ParsedPattern parse_stix_pattern(std::string_view pattern) {
    ParsedPattern out;
    if (pattern.size() > 1 << 20) {
        out.error = "pattern longer than 1 MiB";
        return out;
    }
    Lexer lex(pattern);
    int depth = 0;
    bool expect_operand = true;  // after OR or an opening bracket
    for (;;) {
        Token t = lex.next();
        switch (t.kind) {
            case Tok::end:
                if (depth != 0 || expect_operand) out.error = "unbalanced or truncated pattern";
                return out;
            case Tok::bad:
                out.error = "unreadable literal or token";
                return out;
            case Tok::open:
                if (!expect_operand) {
                    out.error = "observation expressions joined without OR";
                    return out;
                }
                if (++depth > 64) {
                    out.error = "brackets nested too deep";
                    return out;
                }
                break;
            case Tok::close:
                if (--depth < 0 || expect_operand) {
                    out.error = "unbalanced or empty brackets";
                    return out;
                }
                break;
            case Tok::string:
            case Tok::op:
                out.error = "comparison without an object path";
                return out;
            case Tok::word: {
                std::string upper = t.text;
                for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                if (upper == "OR") {
                    if (expect_operand) {
                        out.error = "OR without a left operand";
                        return out;
                    }
                    expect_operand = true;
                    break;
                }
                if (!expect_operand || depth == 0) {
                    // AND, FOLLOWEDBY, WITHIN, REPEATS, START/STOP, NOT...: not a plain OR.
                    out.error =
                        "uses " + upper.substr(0, 20) + ", which a set lookup cannot express";
                    return out;
                }
                Token op = lex.next();
                std::string opu = op.text;
                for (auto& c : opu) c = char(std::toupper(static_cast<unsigned char>(c)));
                if (op.kind == Tok::word && opu == "NOT") {
                    out.error = "uses NOT, which a set lookup cannot express";
                    return out;
                }
                bool equality = op.kind == Tok::op && op.text == "=";
                bool subset = op.kind == Tok::word && opu == "ISSUBSET";
                if (!equality && !subset) {
                    out.error = "operator " + op.text.substr(0, 20) + " is not supported";
                    return out;
                }
                Token value = lex.next();
                if (value.kind != Tok::string) {
                    out.error = "comparison value is not a string";
                    return out;
                }
                auto type = path_type(t.text);
                bool ip = type && (*type == IndicatorType::ipv4 || *type == IndicatorType::ipv6);
                if (!type || (subset && !ip))
                    ++out.skipped;
                else
                    out.values.push_back({*type, std::move(value.text)});
                expect_operand = false;
                break;
            }
        }
    }
}

}  // namespace kagami::detect::intel
