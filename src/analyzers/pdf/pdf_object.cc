#include "analyzers/pdf/pdf_object.h"

#include <array>

#include "core/text.h"

namespace kagami::analyzers::detail::pdf {
namespace {

bool is_regular(char c) {
    return !is_pdf_space(c) && !is_pdf_delimiter(c);
}

bool is_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// PDFDocEncoding (ISO 32000-1 Annex D.2) where it differs from Latin-1.
std::uint32_t pdfdoc_code_point(unsigned char c) {
    static constexpr std::array<std::uint16_t, 8> k18{0x02D8, 0x02C7, 0x02C6, 0x02D9,
                                                      0x02DD, 0x02DB, 0x02DA, 0x02DC};
    static constexpr std::array<std::uint16_t, 33> k80{
        0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
        0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
        0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC};
    if (c >= 0x18 && c <= 0x1F) return k18[c - 0x18];
    if (c >= 0x80 && c <= 0xA0) return k80[c - 0x80];
    if (c == 0x7F) return 0xFFFD;
    return c;
}

}  // namespace

const Object* Object::get(std::string_view key) const {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->key == key) return &it->value;
    return nullptr;
}

std::optional<std::int64_t> Object::integer() const {
    if (kind != Kind::number || text.empty()) return std::nullopt;
    std::size_t i = 0;
    bool negative = false;
    if (text[0] == '+' || text[0] == '-') {
        negative = text[0] == '-';
        i = 1;
    }
    if (i == text.size() || text.size() - i > 18) return std::nullopt;
    std::int64_t v = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        v = v * 10 + (text[i] - '0');
    }
    return negative ? -v : v;
}

void Parser::skip_space() {
    while (pos_ < data_.size()) {
        char c = data_[pos_];
        if (is_pdf_space(c)) {
            ++pos_;
        } else if (c == '%') {
            while (pos_ < data_.size() && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
        } else {
            break;
        }
    }
}

bool Parser::take_keyword(std::string_view word) {
    skip_space();
    if (data_.substr(pos_, word.size()) != word) return false;
    std::size_t end = pos_ + word.size();
    if (end < data_.size() && is_regular(data_[end])) return false;
    pos_ = end;
    return true;
}

std::optional<std::uint64_t> Parser::take_unsigned() {
    skip_space();
    std::size_t i = pos_;
    std::uint64_t v = 0;
    while (i < data_.size() && data_[i] >= '0' && data_[i] <= '9' && i - pos_ < 19)
        v = v * 10 + std::uint64_t(data_[i++] - '0');
    if (i == pos_ || (i < data_.size() && is_regular(data_[i]))) return std::nullopt;
    pos_ = i;
    return v;
}

bool Parser::at_stop_keyword() const {
    static constexpr std::string_view kStops[] = {"endobj", "stream",  "endstream", "obj",
                                                  "xref",   "trailer", "startxref"};
    std::size_t end = pos_;
    while (end < data_.size() && is_regular(data_[end])) ++end;
    std::string_view word = data_.substr(pos_, end - pos_);
    for (auto stop : kStops)
        if (word == stop) return true;
    return false;
}

bool Parser::take_node() {
    if (nodes_ >= kMaxNodesPerObject) {
        too_many_nodes_ = true;
        return false;
    }
    if (budget_.nodes_left == 0 || budget_.exhausted) {
        budget_.exhausted = true;
        return false;
    }
    ++nodes_;
    --budget_.nodes_left;
    return true;
}

Object Parser::parse() {
    std::size_t start = pos_;
    Object o = value(0);
    std::size_t used = pos_ - start;
    if (used >= budget_.bytes_left) {
        budget_.bytes_left = 0;
        budget_.exhausted = true;
    } else {
        budget_.bytes_left -= used;
    }
    return o;
}

Object Parser::value(int depth) {
    skip_space();
    if (pos_ >= data_.size()) return {};
    char c = data_[pos_];
    bool container = c == '[' || (c == '<' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '<');
    if (!take_node()) {
        // Over the node bound: step over this value without building it.
        if (container) {
            skip_nested();
        } else {
            Object ignored = c == '('   ? literal_string()
                             : c == '<' ? hex_string()
                             : c == '/' ? name()
                                        : keyword();
            (void)ignored;
        }
        return {};
    }
    if (c == '/') return name();
    if (c == '(') return literal_string();
    if (c == '[') return array(depth);
    if (c == '<') return container ? dict(depth) : hex_string();
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') return number_or_ref();
    return keyword();
}

Object Parser::array(int depth) {
    if (depth >= kMaxDepth) {
        too_deep_ = true;
        skip_nested();
        return {};
    }
    Object o;
    o.kind = Kind::array;
    ++pos_;
    for (;;) {
        skip_space();
        if (pos_ >= data_.size() || at_stop_keyword()) {
            unterminated_ = true;
            break;
        }
        if (data_[pos_] == ']') {
            ++pos_;
            break;
        }
        std::size_t before = pos_;
        Object v = value(depth + 1);
        if (!too_many_nodes_ && !budget_.exhausted) o.items.push_back(std::move(v));
        if (pos_ == before) ++pos_;
    }
    return o;
}

Object Parser::dict(int depth) {
    if (depth >= kMaxDepth) {
        too_deep_ = true;
        skip_nested();
        return {};
    }
    Object o;
    o.kind = Kind::dict;
    pos_ += 2;
    for (;;) {
        skip_space();
        if (pos_ >= data_.size() || at_stop_keyword()) {
            unterminated_ = true;
            break;
        }
        if (data_[pos_] == '>' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '>') {
            pos_ += 2;
            break;
        }
        std::size_t before = pos_;
        if (data_[pos_] == '/') {
            Object key = name();
            skip_space();
            Object v;
            bool missing =
                pos_ >= data_.size() || at_stop_keyword() ||
                (data_[pos_] == '>' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '>');
            if (!missing) v = value(depth + 1);
            if (!too_many_nodes_ && !budget_.exhausted)
                o.entries.push_back({std::move(key.text), std::move(v)});
        } else {
            Object stray = value(depth + 1);  // a key that is not a name: skipped
            (void)stray;
        }
        if (pos_ == before) ++pos_;
    }
    return o;
}

Object Parser::literal_string() {
    Object o;
    o.kind = Kind::string;
    ++pos_;
    std::size_t level = 1;
    std::string& s = o.text;
    while (pos_ < data_.size()) {
        char c = data_[pos_++];
        if (c == '\\') {
            if (pos_ >= data_.size()) break;
            char e = data_[pos_++];
            switch (e) {
                case 'n':
                    s += '\n';
                    break;
                case 'r':
                    s += '\r';
                    break;
                case 't':
                    s += '\t';
                    break;
                case 'b':
                    s += '\b';
                    break;
                case 'f':
                    s += '\f';
                    break;
                case '\r':  // a line continuation
                    if (pos_ < data_.size() && data_[pos_] == '\n') ++pos_;
                    break;
                case '\n':
                    break;
                default:
                    if (e >= '0' && e <= '7') {
                        unsigned v = unsigned(e - '0');
                        for (int k = 0; k < 2 && pos_ < data_.size() && data_[pos_] >= '0' &&
                                        data_[pos_] <= '7';
                             ++k)
                            v = v * 8 + unsigned(data_[pos_++] - '0');
                        s += char(v & 0xFF);
                    } else {
                        s += e;  // \( \) \\ and unknown escapes stand for the character
                    }
            }
        } else if (c == '(') {
            ++level;
            s += c;
        } else if (c == ')') {
            if (--level == 0) return o;
            s += c;
        } else if (c == '\r') {
            s += '\n';
            if (pos_ < data_.size() && data_[pos_] == '\n') ++pos_;
        } else {
            s += c;
        }
    }
    unterminated_ = true;
    return o;
}

Object Parser::hex_string() {
    Object o;
    o.kind = Kind::string;
    ++pos_;
    int high = -1;
    while (pos_ < data_.size()) {
        char c = data_[pos_++];
        if (c == '>') {
            if (high >= 0) o.text += char(high << 4);
            return o;
        }
        int v = core::hex_value(c);
        if (v < 0) continue;  // white-space, and junk readers ignore too
        if (high < 0) {
            high = v;
        } else {
            o.text += char(high << 4 | v);
            high = -1;
        }
    }
    unterminated_ = true;
    return o;
}

Object Parser::name() {
    Object o;
    o.kind = Kind::name;
    std::size_t start = ++pos_;
    bool obfuscated = false;
    while (pos_ < data_.size() && is_regular(data_[pos_])) {
        char c = data_[pos_];
        if (c == '#' && pos_ + 2 < data_.size() && core::hex_value(data_[pos_ + 1]) >= 0 &&
            core::hex_value(data_[pos_ + 2]) >= 0) {
            auto byte = static_cast<unsigned char>(core::hex_value(data_[pos_ + 1]) << 4 |
                                                   core::hex_value(data_[pos_ + 2]));
            if (is_alnum(byte)) obfuscated = true;
            o.text += char(byte);
            pos_ += 3;
        } else {
            o.text += c;
            ++pos_;
        }
    }
    if (obfuscated && obfuscated_.size() < 16)
        obfuscated_.push_back({std::string(data_.substr(start, pos_ - start)), o.text});
    return o;
}

Object Parser::number_or_ref() {
    Object o;
    o.kind = Kind::number;
    std::size_t start = pos_;
    while (pos_ < data_.size() && ((data_[pos_] >= '0' && data_[pos_] <= '9') ||
                                   data_[pos_] == '.' || data_[pos_] == '+' || data_[pos_] == '-'))
        ++pos_;
    o.text = std::string(data_.substr(start, pos_ - start));
    auto num = o.integer();
    if (!num || *num < 0 || o.text[0] == '+' || *num > 0xFFFFFFFFll) return o;
    // "N G R" is a reference; look ahead and go back when it is not.
    std::size_t save = pos_;
    auto gen = take_unsigned();
    if (gen && *gen <= 0xFFFFFFFFull && take_keyword("R")) {
        o.kind = Kind::ref;
        o.num = static_cast<std::uint32_t>(*num);
        o.gen = static_cast<std::uint32_t>(*gen);
        o.text.clear();
        return o;
    }
    pos_ = save;
    return o;
}

Object Parser::keyword() {
    Object o;
    std::size_t start = pos_;
    while (pos_ < data_.size() && is_regular(data_[pos_])) ++pos_;
    if (pos_ == start) {
        ++pos_;  // a stray delimiter: ')' '>' ']' '{' '}'
        o.kind = Kind::keyword;
        o.text = std::string(data_.substr(start, 1));
        return o;
    }
    o.text = std::string(data_.substr(start, pos_ - start));
    if (o.text == "null") {
        o.text.clear();
    } else if (o.text == "true" || o.text == "false") {
        o.kind = Kind::boolean;
    } else {
        o.kind = Kind::keyword;
    }
    return o;
}

void Parser::skip_nested() {
    std::size_t level = 0;
    while (pos_ < data_.size()) {
        char c = data_[pos_];
        if (c == '[') {
            ++level;
            ++pos_;
        } else if (c == '<' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '<') {
            ++level;
            pos_ += 2;
        } else if (c == ']' || (c == '>' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '>')) {
            pos_ += c == ']' ? 1 : 2;
            if (level > 0) --level;
        } else if (c == '(') {
            Object ignored = literal_string();
            (void)ignored;
        } else if (c == '<') {
            Object ignored = hex_string();
            (void)ignored;
        } else if (c == '%') {
            skip_space();
        } else if (c == '/') {
            ++pos_;
            while (pos_ < data_.size() && is_regular(data_[pos_])) ++pos_;
        } else if (is_regular(c)) {
            if (at_stop_keyword()) {
                unterminated_ = true;
                return;
            }
            while (pos_ < data_.size() && is_regular(data_[pos_])) ++pos_;
        } else {
            ++pos_;
        }
        if (level == 0) return;
    }
    unterminated_ = true;
}

std::string text_string_to_utf8(std::string_view b) {
    if (b.size() >= 2 && b[0] == '\xFE' && b[1] == '\xFF')
        return core::utf16_to_utf8(b.substr(2), {.big_endian = true});
    // Little-endian with a BOM is not in the standard, but producers write it and readers take it.
    if (b.size() >= 2 && b[0] == '\xFF' && b[1] == '\xFE') return core::utf16_to_utf8(b.substr(2));
    if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") return core::sanitize_utf8(b.substr(3));
    std::string out;
    out.reserve(b.size());
    for (char c : b) core::append_utf8(out, pdfdoc_code_point(static_cast<unsigned char>(c)));
    return out;
}

std::string bytes_to_utf8(std::string_view b) {
    if (b.size() >= 2 && (b.substr(0, 2) == "\xFE\xFF" || b.substr(0, 2) == "\xFF\xFE"))
        return text_string_to_utf8(b);
    if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") return std::string(b.substr(3));
    if (core::is_valid_utf8(b)) return std::string(b);
    std::string out;
    out.reserve(b.size());
    for (char c : b) core::append_utf8(out, static_cast<unsigned char>(c));
    return out;
}

}  // namespace kagami::analyzers::detail::pdf
