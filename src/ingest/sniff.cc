#include "ingest/sniff.h"

#include <array>

#include "core/text.h"
#include "ingest/mbox.h"
#include "ingest/pst.h"

namespace kagami::ingest::detail {
namespace {

/// Field names common enough at the top of a stored message to decide on one line.
bool is_common_field(std::string_view name) {
    static constexpr std::array<std::string_view, 24> kNames = {"received",
                                                                "return-path",
                                                                "from",
                                                                "to",
                                                                "subject",
                                                                "date",
                                                                "message-id",
                                                                "mime-version",
                                                                "delivered-to",
                                                                "reply-to",
                                                                "sender",
                                                                "cc",
                                                                "content-type",
                                                                "dkim-signature",
                                                                "authentication-results",
                                                                "arc-seal",
                                                                "envelope-to",
                                                                "x-original-to",
                                                                "user-agent",
                                                                "in-reply-to",
                                                                "references",
                                                                "content-transfer-encoding",
                                                                "thread-topic",
                                                                "importance"};
    if (core::istarts_with(name, "x-")) return true;
    for (auto n : kNames)
        if (core::iequals(name, n)) return true;
    return false;
}

/// Splits the first line off `text` (LF, CRLF or CR ends); `terminated` says one was found.
std::string_view take_line(std::string_view& text, bool& terminated) {
    std::size_t eol = text.find_first_of("\r\n");
    terminated = eol != std::string_view::npos;
    if (!terminated) {
        std::string_view line = text;
        text = {};
        return line;
    }
    std::string_view line = text.substr(0, eol);
    std::size_t skip =
        (text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n') ? 2 : 1;
    text.remove_prefix(eol + skip);
    return line;
}

std::string_view field_name(std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return {};
    std::string_view name = line.substr(0, colon);
    // obs-optional: white space between the name and the colon.
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    return name;
}

}  // namespace

bool is_header_field(std::string_view line) {
    std::string_view name = field_name(line);
    if (name.empty() || name.size() > 256) return false;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126) return false;
    }
    return true;
}

Format sniff_format(std::string_view head) {
    head = head.substr(0, kSniffBytes);
    if (looks_like_pst(head)) return Format::pst;
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    bool terminated = false;
    std::string_view line;
    while (true) {
        if (head.empty()) return Format::not_mail;
        line = take_line(head, terminated);
        if (!core::trim(line).empty()) break;
    }
    std::string_view rest = head;
    bool next_terminated = false;
    std::string_view next = take_line(rest, next_terminated);
    const bool has_next = terminated && (!next.empty() || next_terminated);

    if (line.substr(0, 5) == "From ") {
        if (looks_like_from_line(line, true)) return Format::mbox;
        if (has_next && is_header_field(next)) return Format::mbox;
    }
    std::size_t quotes = 0;
    while (quotes < line.size() && line[quotes] == '>') ++quotes;
    if (quotes > 0 && line.substr(quotes, 5) == "From ")
        return has_next && is_header_field(next) ? Format::eml : Format::not_mail;

    if (!is_header_field(line)) return Format::not_mail;
    if (is_common_field(field_name(line))) return Format::eml;
    // An unusual first field: the next line has to carry on the header block.
    if (!has_next) return Format::eml;
    if (next.empty() || next[0] == ' ' || next[0] == '\t' || is_header_field(next))
        return Format::eml;
    return Format::not_mail;
}

}  // namespace kagami::ingest::detail
