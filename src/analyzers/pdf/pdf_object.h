// The PDF object syntax (ISO 32000-1 §7.2-7.3) read tolerantly: a small bounded
// tokenizer and parser for one object at a time, in the spirit of pdf-parser.py. It
// never trusts the cross-reference table; pdf.cc finds objects by scanning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::analyzers::detail::pdf {

struct DictEntry;

enum class Kind : std::uint8_t { null, boolean, number, name, string, array, dict, ref, keyword };

/// One parsed PDF object. Trees are at most Parser::kMaxDepth deep, so recursive
/// destruction and walking are bounded.
struct Object {
    Kind kind = Kind::null;
    /// Name without '/' (#xx decoded), string bytes (escapes decoded), number or keyword text.
    std::string text;
    std::uint32_t num = 0;  ///< object number of a reference
    std::uint32_t gen = 0;  ///< generation of a reference
    std::vector<Object> items;
    std::vector<DictEntry> entries;

    /// The value of `key` in a dictionary (last one wins, as in readers), or nullptr.
    const Object* get(std::string_view key) const;
    bool is_name(std::string_view n) const { return kind == Kind::name && text == n; }
    bool is_dict() const { return kind == Kind::dict; }
    /// The value of an integer number (no fraction, fits in 64 bits).
    std::optional<std::int64_t> integer() const;
};

struct DictEntry {
    std::string key;
    Object value;
};

/// A name written with #xx escapes of letters or digits, which no producer needs:
/// "/J#61vaScript" spelled "JavaScript". Such spelling hides keywords from scanners.
struct ObfuscatedName {
    std::string raw;      ///< as written, without '/'
    std::string decoded;  ///< what it means
};

/// Work shared by every parse of one document, so that re-parsing cannot multiply it.
struct ParseBudget {
    std::size_t nodes_left = 0;
    /// Bytes all parses may step over: re-reading runaway strings after a broken
    /// object would otherwise be quadratic.
    std::size_t bytes_left = std::numeric_limits<std::size_t>::max();
    bool exhausted = false;
};

/// Parses objects from `data` starting at a position. Never reads past `data`, never
/// recurses deeper than kMaxDepth, and builds at most kMaxNodesPerObject nodes per parse;
/// beyond either the rest of the structure is skipped without recursion.
class Parser {
public:
    static constexpr int kMaxDepth = 64;
    static constexpr std::size_t kMaxNodesPerObject = 200'000;

    Parser(std::string_view data, std::size_t pos, ParseBudget& budget)
        : data_(data), pos_(pos > data.size() ? data.size() : pos), budget_(budget) {}

    /// The next object at the cursor (null at the end of the data).
    Object parse();
    /// Skips whitespace and comments.
    void skip_space();
    /// True (and consumes it) when the next token is the keyword `word`.
    bool take_keyword(std::string_view word);
    /// The next token when it is an unsigned integer (consumed), else nullopt.
    std::optional<std::uint64_t> take_unsigned();

    std::size_t pos() const { return pos_; }
    bool too_deep() const { return too_deep_; }
    bool too_many_nodes() const { return too_many_nodes_; }
    /// A string, dictionary or array ran to the end of the object or data.
    bool unterminated() const { return unterminated_; }
    const std::vector<ObfuscatedName>& obfuscated() const { return obfuscated_; }

private:
    Object value(int depth);
    Object array(int depth);
    Object dict(int depth);
    Object literal_string();
    Object hex_string();
    Object name();
    Object number_or_ref();
    Object keyword();
    void skip_nested();
    bool at_stop_keyword() const;
    bool take_node();

    std::string_view data_;
    std::size_t pos_;
    ParseBudget& budget_;
    std::size_t nodes_ = 0;
    bool too_deep_ = false;
    bool too_many_nodes_ = false;
    bool unterminated_ = false;
    std::vector<ObfuscatedName> obfuscated_;
};

/// PDF white-space (§7.2.2): NUL, TAB, LF, FF, CR, SP.
inline bool is_pdf_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}
/// PDF delimiters: ( ) < > [ ] { } / %.
inline bool is_pdf_delimiter(char c) {
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

/// A text string (§7.9.2.2) as UTF-8: UTF-16BE with a BOM, UTF-8 with a BOM, or
/// PDFDocEncoding. Control characters are kept; callers escape them for facts.
std::string text_string_to_utf8(std::string_view bytes);

/// Bytes of unknown encoding as UTF-8: kept when valid UTF-8 or with a BOM, else Latin-1.
std::string bytes_to_utf8(std::string_view bytes);

}  // namespace kagami::analyzers::detail::pdf
