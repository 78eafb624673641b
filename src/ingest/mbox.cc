#include "ingest/mbox.h"

#include <array>
#include <cstring>
#include <utility>

#include "core/text.h"

namespace kagami::ingest::detail {
namespace {

/// Bytes of a line looked at before deciding what it is (From_ line, quoted From, content).
constexpr std::size_t kProbeBytes = 4096;
/// Longest envelope sender kept; RFC 5321 paths stop at 256.
constexpr std::size_t kMaxSender = 1024;
/// Tokens of a From_ date looked at; real ones have at most seven.
constexpr int kMaxDateTokens = 16;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

/// Next whitespace-separated token of `s`, removed from it.
std::string_view next_token(std::string_view& s) {
    std::size_t i = 0;
    while (i < s.size() && core::is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !core::is_space(s[j])) ++j;
    std::string_view tok = s.substr(i, j - i);
    s.remove_prefix(j);
    return tok;
}

/// "H:M" or "H:M:S", one or two digits each ("00:0:00" occurs in real bounces).
bool parse_time(std::string_view t, int& h, int& m, int& sec) {
    std::array<int, 3> parts{0, 0, 0};
    int n = 0;
    while (true) {
        std::size_t colon = t.find(':');
        std::string_view p = t.substr(0, colon);
        if (n == 3 || p.empty() || p.size() > 2 || !all_digits(p)) return false;
        parts[n++] = to_int(p);
        if (colon == std::string_view::npos) break;
        t.remove_prefix(colon + 1);
    }
    if (n < 2) return false;
    h = parts[0];
    m = parts[1];
    sec = parts[2];
    return h < 24 && m < 60 && sec <= 60;
}

bool has_time(std::string_view s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i)
        if (is_digit(s[i]) && s[i + 1] == ':' && is_digit(s[i + 2])) return true;
    return false;
}

bool has_year(std::string_view s) {
    while (!s.empty()) {
        std::string_view tok = next_token(s);
        if (tok.size() >= 4 && all_digits(tok.substr(0, 4)) && (tok.size() == 4 || tok[4] == '-'))
            return true;
    }
    return false;
}

int month_index(std::string_view tok) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    if (tok.size() < 3) return -1;
    for (std::size_t i = 0; i < kMonths.size(); ++i)
        if (core::istarts_with(tok, kMonths[i])) return static_cast<int>(i) + 1;
    return -1;
}

std::optional<int> zone_offset(std::string_view tok) {
    if ((tok.size() == 5) && (tok[0] == '+' || tok[0] == '-') && all_digits(tok.substr(1))) {
        int v = to_int(tok.substr(1, 2)) * 3600 + to_int(tok.substr(3, 2)) * 60;
        return tok[0] == '-' ? -v : v;
    }
    struct Zone {
        std::string_view name;
        int hours;
    };
    static constexpr std::array<Zone, 13> kZones = {{{"UT", 0},
                                                     {"UTC", 0},
                                                     {"GMT", 0},
                                                     {"Z", 0},
                                                     {"JST", 9},
                                                     {"EST", -5},
                                                     {"EDT", -4},
                                                     {"CST", -6},
                                                     {"CDT", -5},
                                                     {"MST", -7},
                                                     {"MDT", -6},
                                                     {"PST", -8},
                                                     {"PDT", -7}}};
    for (const auto& z : kZones)
        if (core::iequals(tok, z.name)) return z.hours * 3600;
    return std::nullopt;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = static_cast<int>(y - era * 400);
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

std::size_t eol_length(std::string_view line) {
    if (line.empty()) return 0;
    if (line.back() == '\n') return (line.size() >= 2 && line[line.size() - 2] == '\r') ? 2 : 1;
    return line.back() == '\r' ? 1 : 0;
}

/// State of one split; see split_mbox.
class Splitter {
public:
    Splitter(const std::string& path, std::size_t max_bytes, const SpanSink& emit)
        : path_(path), max_bytes_(max_bytes), emit_(emit) {}

    void run(Input& in);

private:
    void first_fragment(std::string_view frag, bool complete, std::uint64_t offset);
    void continuation(std::string_view frag, bool complete, std::uint64_t offset);
    void start_message(std::string_view line, std::uint64_t offset, std::size_t frag_size,
                       bool complete);
    void finish_message(std::uint64_t end, bool before_from_line);
    void append(std::string_view bytes);

    const std::string& path_;
    std::size_t max_bytes_;
    const SpanSink& emit_;

    char eol_char_ = '\n';
    bool started_ = false;         // a message is open
    bool in_from_line_ = false;    // skipping the rest of a long From_ line
    bool prev_blank_ = false;      // the previous line was empty
    std::size_t pending_eol_ = 0;  // terminator length of the last content line
    char last_byte_ = 0;           // last byte of the previous fragment
    long index_ = 0;
    RawMessage msg_;
    MboxSpan span_;
};

void Splitter::run(Input& in) {
    // A BOM is not part of the first From_ line (unmunged.mbox.txt starts with one).
    std::string_view head = in.peek(kProbeBytes);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
        in.consume(3);
        head.remove_prefix(3);
    }
    // Line ends are those of the first line: a lone CR there means a CR-only mailbox.
    std::size_t first_eol = head.find_first_of("\r\n");
    if (first_eol != std::string_view::npos && head[first_eol] == '\r' &&
        first_eol + 1 < head.size() && head[first_eol + 1] != '\n')
        eol_char_ = '\r';

    while (true) {
        std::string_view avail = in.peek(kProbeBytes);
        if (avail.empty()) break;
        const std::uint64_t offset = in.offset();
        const void* hit = std::memchr(avail.data(), eol_char_, avail.size());
        bool complete = hit != nullptr;
        std::size_t len =
            complete ? static_cast<std::size_t>(static_cast<const char*>(hit) - avail.data()) + 1
                     : avail.size();
        std::string_view frag = avail.substr(0, len);
        first_fragment(frag, complete, offset);
        last_byte_ = frag.back();
        in.consume(len);
        // A line longer than the buffer arrives in pieces; only its start was judged.
        while (!complete) {
            avail = in.peek(1);
            if (avail.empty()) break;
            const std::uint64_t off = in.offset();
            hit = std::memchr(avail.data(), eol_char_, avail.size());
            complete = hit != nullptr;
            len = complete
                      ? static_cast<std::size_t>(static_cast<const char*>(hit) - avail.data()) + 1
                      : avail.size();
            frag = avail.substr(0, len);
            continuation(frag, complete, off);
            last_byte_ = frag.back();
            in.consume(len);
        }
    }
    finish_message(in.offset(), false);
}

void Splitter::first_fragment(std::string_view frag, bool complete, std::uint64_t offset) {
    std::string_view line = frag.substr(0, frag.size() - (complete ? eol_length(frag) : 0));
    const bool blank = complete && line.empty();
    if (!started_) {
        // Blank lines before the first From_ line belong to no message.
        if (core::trim(line).empty()) return;
        if (line.substr(0, 5) == "From ") {
            start_message(line, offset, frag.size(), complete);
        } else {
            // Not an mbox after all (standard input sniffed wrongly): keep the bytes.
            started_ = true;
            msg_ = RawMessage{};
            msg_.path = path_;
            msg_.index = index_++;
            span_ = MboxSpan{offset, offset, offset};
            append(frag);
            pending_eol_ = complete ? eol_length(frag) : 0;
        }
        prev_blank_ = false;
        return;
    }
    if (line.substr(0, 5) == "From " && looks_like_from_line(line, prev_blank_)) {
        finish_message(offset, true);
        start_message(line, offset, frag.size(), complete);
        prev_blank_ = false;
        return;
    }
    // mboxrd: ">From " and ">>From " lose one '>'.
    std::size_t quotes = 0;
    while (quotes < line.size() && line[quotes] == '>') ++quotes;
    if (quotes > 0 && line.substr(quotes, 5) == "From ") frag.remove_prefix(1);
    append(frag);
    pending_eol_ = complete ? eol_length(frag) : 0;
    prev_blank_ = blank;
}

void Splitter::continuation(std::string_view frag, bool complete, std::uint64_t offset) {
    prev_blank_ = false;
    if (!started_) return;  // the rest of a blank-looking line before the first From_ line
    if (in_from_line_) {
        if (complete) {
            in_from_line_ = false;
            span_.begin_offset = offset + frag.size();
        }
        return;
    }
    append(frag);
    pending_eol_ = 0;
    if (complete) {
        pending_eol_ = eol_length(frag);
        // CRLF split across two fragments: the CR ended the previous one.
        if (pending_eol_ == 1 && frag.size() == 1 && frag[0] == '\n' && last_byte_ == '\r')
            pending_eol_ = 2;
    }
}

void Splitter::start_message(std::string_view line, std::uint64_t offset, std::size_t frag_size,
                             bool complete) {
    started_ = true;
    in_from_line_ = !complete;
    pending_eol_ = 0;
    msg_ = RawMessage{};
    msg_.path = path_;
    msg_.index = index_++;
    Envelope env = parse_from_line(line.substr(0, kProbeBytes));
    msg_.envelope_from = std::move(env.sender);
    msg_.received_time = env.time;
    span_ = MboxSpan{offset, offset + frag_size, offset + frag_size};
}

void Splitter::finish_message(std::uint64_t end, bool before_from_line) {
    if (!started_) return;
    // The terminator before the next From_ line separates messages; it is not content.
    std::size_t sep = before_from_line ? pending_eol_ : 0;
    if (in_from_line_) {
        span_.begin_offset = end;  // the From_ line ran to the end of the input
        sep = 0;
    }
    span_.end_offset = end - sep;
    if (span_.end_offset < span_.begin_offset) span_.end_offset = span_.begin_offset;
    if (!msg_.truncated && sep <= msg_.bytes.size()) msg_.bytes.resize(msg_.bytes.size() - sep);
    started_ = false;
    in_from_line_ = false;
    emit_(std::move(msg_), span_);
    msg_ = RawMessage{};
}

void Splitter::append(std::string_view bytes) {
    if (msg_.truncated) return;
    const std::size_t room = max_bytes_ - std::min(max_bytes_, msg_.bytes.size());
    if (bytes.size() > room) {
        msg_.bytes.append(bytes.substr(0, room));
        msg_.truncated = true;
        return;
    }
    msg_.bytes.append(bytes);
}

}  // namespace

bool looks_like_from_line(std::string_view line, bool after_blank) {
    if (line.substr(0, 5) != "From ") return false;
    std::string_view rest = line.substr(5);
    std::string_view sender = next_token(rest);
    if (sender.empty() || sender[0] == ':') return false;  // "From : x" is a header field
    std::string_view date = core::trim(rest.substr(0, kProbeBytes));
    if (sender == "-") return date.empty() || has_time(date);
    // git format-patch output, often attached or pasted into mail, opens with
    // "From <commit> Mon Sep 17 00:00:00 2001", a fixed fake date.
    if (sender.size() == 40 && date == "Mon Sep 17 00:00:00 2001") return false;
    if (date.empty()) return after_blank && sender.find('@') != std::string_view::npos;
    if (!has_time(date)) return false;
    return after_blank || has_year(date);
}

Envelope parse_from_line(std::string_view line) {
    Envelope env;
    if (line.substr(0, 5) != "From ") return env;
    std::string_view rest = line.substr(5);
    std::string_view sender = next_token(rest);
    env.sender = std::string(sender.substr(0, kMaxSender));
    env.time = parse_from_date(rest);
    return env;
}

std::optional<std::int64_t> parse_from_date(std::string_view text) {
    int year = -1, month = -1, day = -1, hour = -1, minute = 0, second = 0;
    int zone = 0;
    for (int n = 0; n < kMaxDateTokens; ++n) {
        std::string_view tok = next_token(text);
        if (tok.empty()) break;
        if (int m = month_index(tok); m > 0 && month < 0) {
            month = m;
        } else if (tok.find(':') != std::string_view::npos) {
            if (hour < 0 && !parse_time(tok, hour, minute, second)) hour = -1;
        } else if (tok.size() == 10 && tok[4] == '-' && tok[7] == '-' &&
                   all_digits(tok.substr(0, 4)) && all_digits(tok.substr(5, 2)) &&
                   all_digits(tok.substr(8, 2))) {
            year = to_int(tok.substr(0, 4));
            month = to_int(tok.substr(5, 2));
            day = to_int(tok.substr(8, 2));
        } else if (all_digits(tok) && tok.size() == 4 && year < 0) {
            year = to_int(tok);
        } else if (all_digits(tok) && tok.size() <= 2 && day < 0) {
            day = to_int(tok);
        } else if (auto z = zone_offset(tok)) {
            zone = *z;
        }
    }
    if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0)
        return std::nullopt;
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - zone;
}

void split_mbox(Input& in, const std::string& path, std::size_t max_message_bytes,
                const SpanSink& emit) {
    Splitter splitter(path, max_message_bytes, emit);
    splitter.run(in);
}

}  // namespace kagami::ingest::detail
