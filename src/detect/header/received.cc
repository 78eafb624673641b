#include "detect/header/received.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

#include "core/text.h"

namespace kagami::detect {

namespace {

// Header values longer than this are hostile or broken; the tail is never looked at.
constexpr std::size_t kMaxValueBytes = 64 * 1024;
// A date needs at most weekday, day, month, year, time, zone and one spare.
constexpr std::size_t kMaxDateTokens = 12;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

bool has_digit(std::string_view s) {
    for (char c : s)
        if (is_digit(c)) return true;
    return false;
}

// Only called on short all-digit strings, so it cannot overflow.
int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar. Eras of 400 years make the
// leap-year rule periodic, and counting from March puts the leap day at the end of the year.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[std::size_t(m - 1)];
}

// 1..12 for "Jan", "JANUARY", "sept"...; 0 otherwise.
int month_of(std::string_view s) {
    static constexpr std::array<std::string_view, 12> kFull = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    if (s.size() < 3) return 0;
    const std::string l = core::to_lower(s);
    for (std::size_t i = 0; i < kFull.size(); ++i) {
        // Any prefix of the full name from three letters on: "Jan", "Sept", "March".
        if (l.size() <= kFull[i].size() && kFull[i].substr(0, l.size()) == l) return int(i) + 1;
    }
    return 0;
}

struct Zone {
    int offset_minutes = 0;
    bool known = false;
};

// "+hhmm", "+hh:mm" or "+hh" at the front of `s`; trailing junk ("+0000-62495-238") is
// ignored because real mail has it. nullopt for impossible offsets.
std::optional<Zone> numeric_zone(std::string_view s) {
    const int sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && n < 4 && is_digit(s[n])) ++n;
    int hh = 0, mm = 0;
    if (n == 4) {
        hh = to_int(s.substr(0, 2));
        mm = to_int(s.substr(2, 2));
    } else if (n == 2 && s.size() >= 5 && s[2] == ':' && is_digit(s[3]) && is_digit(s[4])) {
        hh = to_int(s.substr(0, 2));
        mm = to_int(s.substr(3, 2));
    } else if ((n == 1 || n == 2) && (n == s.size() || !is_digit(s[n]))) {
        hh = to_int(s.substr(0, n));
    } else {
        return Zone{};  // a sign with no usable digits: written, but meaningless
    }
    if (hh > 23 || mm > 59) return std::nullopt;
    // RFC 5322 3.3: "-0000" says the local offset is unknown.
    if (sign < 0 && hh == 0 && mm == 0) return Zone{0, false};
    return Zone{sign * (hh * 60 + mm), true};
}

std::optional<Zone> parse_zone(std::string_view s) {
    if (s.empty()) return Zone{};  // no zone at all: treated like "-0000"
    if (s[0] == '+' || s[0] == '-') return numeric_zone(s);
    std::size_t n = 0;
    while (n < s.size() && is_alpha(s[n])) ++n;
    if (n == 0) return Zone{};
    const std::string name = core::to_lower(s.substr(0, n));
    // "GMT+0900", "UTC-5": the number is what counts.
    if (n < s.size() && (s[n] == '+' || s[n] == '-') && (name == "gmt" || name == "utc"))
        return numeric_zone(s.substr(n));
    struct Named {
        std::string_view name;
        int hours;
    };
    // RFC 5322 4.3 names, plus the ones seen in real mail whose meaning is not ambiguous.
    static constexpr std::array<Named, 34> kNames = {{
        {"gmt", 0},  {"ut", 0},    {"utc", 0},   {"z", 0},     {"est", -5},  {"edt", -4},
        {"cst", -6}, {"cdt", -5},  {"mst", -7},  {"mdt", -6},  {"pst", -8},  {"pdt", -7},
        {"ast", -4}, {"adt", -3},  {"akst", -9}, {"akdt", -8}, {"hst", -10}, {"jst", 9},
        {"kst", 9},  {"hkt", 8},   {"sgt", 8},   {"cet", 1},   {"cest", 2},  {"met", 1},
        {"mest", 2}, {"eet", 2},   {"eest", 3},  {"wet", 0},   {"west", 1},  {"bst", 1},
        {"msk", 3},  {"aest", 10}, {"aedt", 11}, {"nzst", 12},
    }};
    for (const auto& z : kNames)
        if (z.name == name) return Zone{z.hours * 60, true};
    // Military letters and unknown names: RFC 5322 4.3 says to treat them as "-0000".
    return Zone{};
}

struct Time {
    int h = 0, m = 0, s = 0;
    std::string_view rest;  // zone glued to the time, as in "00:00:00+0900" or "...Z"
};

// "H:MM", "HH:MM:SS", "HH:MM:SS.fraction".
std::optional<Time> parse_time(std::string_view t) {
    Time out;
    std::size_t i = 0;
    auto field = [&](std::size_t min_len, std::size_t max_len) -> std::optional<int> {
        std::size_t start = i;
        while (i < t.size() && is_digit(t[i]) && i - start < max_len) ++i;
        if (i - start < min_len) return std::nullopt;
        return to_int(t.substr(start, i - start));
    };
    auto h = field(1, 2);
    if (!h || i >= t.size() || t[i] != ':') return std::nullopt;
    ++i;
    auto m = field(2, 2);
    if (!m) return std::nullopt;
    out.h = *h;
    out.m = *m;
    if (i < t.size() && t[i] == ':') {
        ++i;
        auto s = field(2, 2);
        if (!s) return std::nullopt;
        out.s = *s;
        if (i < t.size() && t[i] == '.') {
            ++i;
            while (i < t.size() && is_digit(t[i])) ++i;
        }
    }
    if (i < t.size() && is_digit(t[i])) return std::nullopt;
    // A leap second (60) is legal in RFC 5322; it simply lands on the next minute.
    if (out.h > 23 || out.m > 59 || out.s > 60) return std::nullopt;
    out.rest = t.substr(i);
    return out;
}

int expand_year(std::string_view y) {
    const int v = to_int(y);
    if (y.size() == 2) return v < 50 ? 2000 + v : 1900 + v;  // RFC 5322 4.3
    if (y.size() == 3) return 1900 + v;                      // RFC 5322 4.3 ("119" = 2019)
    return v;
}

// Splits on white space and commas, with comments removed.
std::vector<std::string_view> date_tokens(std::string_view s) {
    std::vector<std::string_view> out;
    int depth = 0;
    std::size_t start = std::string_view::npos;
    for (std::size_t i = 0; i <= s.size() && out.size() < kMaxDateTokens; ++i) {
        const char c = i < s.size() ? s[i] : ' ';
        const bool sep = core::is_space(c) || c == ',' || c == '(' || c == ')';
        if (sep || depth > 0) {
            if (start != std::string_view::npos) {
                out.push_back(s.substr(start, i - start));
                start = std::string_view::npos;
            }
            if (c == '(')
                ++depth;
            else if (c == ')' && depth > 0)
                --depth;
            else if (c == '\\' && depth > 0 && i + 1 < s.size())
                ++i;
            continue;
        }
        if (start == std::string_view::npos) start = i;
    }
    return out;
}

// Splits "1-Jan-2019" / "2019-01-01" into three parts; false when it is not that shape.
bool split3(std::string_view t, char sep, std::array<std::string_view, 3>& parts) {
    const std::size_t a = t.find(sep);
    if (a == std::string_view::npos) return false;
    const std::size_t b = t.find(sep, a + 1);
    if (b == std::string_view::npos) return false;
    parts = {t.substr(0, a), t.substr(a + 1, b - a - 1), t.substr(b + 1)};
    return !parts[0].empty() && !parts[1].empty() && !parts[2].empty();
}

std::string lower_host(std::string_view s) {
    std::string out = core::to_lower(s);
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

std::optional<MailDate> date_from(const std::vector<std::string_view>& t, std::size_t i) {
    auto at = [&](std::size_t k) { return k < t.size() ? t[k] : std::string_view(); };

    std::string_view day_s, year_s, time_s, zone_s;
    int month = 0;
    std::array<std::string_view, 3> p;
    if (all_digits(at(i)) && at(i).size() <= 2 && month_of(at(i + 1)) != 0) {
        // RFC 5322: "1 Jan 2019 00:00:00 +0000".
        day_s = at(i);
        month = month_of(at(i + 1));
        year_s = at(i + 2);
        time_s = at(i + 3);
        zone_s = at(i + 4);
    } else if (split3(at(i), '-', p) && month_of(p[1]) != 0) {
        // "1-Jan-2019 00:00:00 +0000" (IMAP internal date style).
        day_s = p[0];
        month = month_of(p[1]);
        year_s = p[2];
        time_s = at(i + 1);
        zone_s = at(i + 2);
    } else if (split3(at(i), '-', p) && p[0].size() == 4 && all_digits(p[0]) && all_digits(p[1])) {
        // ISO 8601 "2019-01-01 00:00:00 +0000" or "2019-01-01T00:00:00Z".
        year_s = p[0];
        month = p[1].size() <= 2 ? to_int(p[1]) : 0;
        const std::size_t tpos = p[2].find_first_of("Tt");
        day_s = p[2].substr(0, tpos);
        if (tpos != std::string_view::npos) {
            time_s = p[2].substr(tpos + 1);
            zone_s = at(i + 1);
        } else {
            time_s = at(i + 1);
            zone_s = at(i + 2);
        }
    } else if (month_of(at(i)) != 0 && all_digits(at(i + 1)) && at(i + 1).size() <= 2) {
        month = month_of(at(i));
        day_s = at(i + 1);
        if (all_digits(at(i + 2))) {
            // "Jan 1 2019 00:00:00 +0000".
            year_s = at(i + 2);
            time_s = at(i + 3);
            zone_s = at(i + 4);
        } else if (all_digits(at(i + 3))) {
            // asctime: "Jan  1 00:00:00 2019".
            time_s = at(i + 2);
            year_s = at(i + 3);
            zone_s = at(i + 4);
        } else {
            // date(1): "Jan  1 00:00:00 JST 2019".
            time_s = at(i + 2);
            zone_s = at(i + 3);
            year_s = at(i + 4);
        }
    } else {
        return std::nullopt;
    }

    if (month < 1 || month > 12 || !all_digits(day_s) || day_s.size() > 2) return std::nullopt;
    if (!all_digits(year_s) || year_s.size() < 2 || year_s.size() > 4) return std::nullopt;
    const int year = expand_year(year_s);
    const int day = to_int(day_s);
    if (year < 1970 || year > 9999) return std::nullopt;
    if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
    auto time = parse_time(time_s);
    if (!time) return std::nullopt;
    // A zone glued to the time wins over the next token.
    if (!time->rest.empty()) zone_s = time->rest;
    auto zone = parse_zone(zone_s);
    if (!zone) return std::nullopt;

    MailDate out;
    out.offset_minutes = zone->offset_minutes;
    out.offset_known = zone->known;
    out.utc = days_from_civil(year, month, day) * 86400 + time->h * 3600 + time->m * 60 + time->s -
              std::int64_t(zone->offset_minutes) * 60;
    return out;
}

}  // namespace

std::optional<MailDate> parse_mail_date(std::string_view s) {
    if (s.size() > kMaxValueBytes) s = s.substr(0, kMaxValueBytes);
    const std::vector<std::string_view> t = date_tokens(s);
    if (t.empty()) return std::nullopt;
    // The day of week may be misspelled, in another charset or missing; it carries nothing
    // we need. A leading month-like word ("Mar" is Tuesday in Spanish) gets both readings.
    if (has_digit(t[0])) return date_from(t, 0);
    if (month_of(t[0]) == 0) return date_from(t, 1);
    if (auto d = date_from(t, 0)) return d;
    return date_from(t, 1);
}

namespace {

// One lexical item of a Received value: a word, or a (possibly nested) comment.
struct RToken {
    std::string_view text;  // comment text excludes the outer parentheses
    bool comment = false;
};

std::vector<RToken> received_tokens(std::string_view s) {
    std::vector<RToken> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (core::is_space(c) || c == ')' || c == ';') {
            // A stray ')' or an early ';' ("id 1;") is junk; skipping it keeps the scan moving.
            ++i;
        } else if (c == '(') {
            auto comment = core::read_comment(s, i);
            out.push_back({comment.text, true});
            i = comment.next;
        } else {
            const std::size_t start = i;
            while (i < s.size() && !core::is_space(s[i]) && s[i] != '(' && s[i] != ')' &&
                   s[i] != ';')
                ++i;
            out.push_back({s.substr(start, i - start), false});
        }
    }
    return out;
}

// Accepts "1.2.3.4", "IPv6:2001:db8::1", "fe80::1%8" and returns the bare address, lower-case;
// empty when it is not an IP literal.
std::string ip_literal(std::string_view s) {
    s = core::trim(s);
    if (core::istarts_with(s, "ipv6:")) s.remove_prefix(5);
    const std::size_t pct = s.find('%');
    if (pct != std::string_view::npos) s = s.substr(0, pct);
    if (s.empty() || s.size() > 45) return {};
    const std::string z(s);
    unsigned char buf[16];
    if (inet_pton(AF_INET, z.c_str(), buf) == 1) return z;
    if (inet_pton(AF_INET6, z.c_str(), buf) == 1) return core::to_lower(z);
    return {};
}

// "[1.2.3.4]" -> "1.2.3.4" when the brackets hold an IP literal; empty otherwise.
std::string bracket_ip(std::string_view w) {
    if (w.size() < 3 || w.front() != '[') return {};
    const std::size_t close = w.find(']');
    if (close == std::string_view::npos) return {};
    const std::string_view inner = w.substr(1, close - 1);
    std::string ip = ip_literal(inner);
    // SparkPost and others write the client port inside the brackets: "[192.0.2.1:4237]".
    const std::size_t colon = inner.find(':');
    if (ip.empty() && colon != std::string_view::npos && inner.find(':', colon + 1) == inner.npos)
        ip = ip_literal(inner.substr(0, colon));
    return ip;
}

enum class Clause { none, from, by, via, with, id, for_ };

Clause clause_of(std::string_view w) {
    if (core::iequals(w, "from")) return Clause::from;
    if (core::iequals(w, "by")) return Clause::by;
    if (core::iequals(w, "via")) return Clause::via;
    if (core::iequals(w, "with")) return Clause::with;
    if (core::iequals(w, "id")) return Clause::id;
    if (core::iequals(w, "for")) return Clause::for_;
    return Clause::none;
}

// What the comments of the "from" clause say about the client.
struct FromInfo {
    std::string word;        // first word after "from"
    std::string tcp_ip;      // bracketed IP inside a comment (Postfix, Sendmail, Gmail)
    std::string tcp_rdns;    // host name next to tcp_ip
    std::string bare_ip;     // un-bracketed IP comment (Exchange "(1.2.3.4)", qmail)
    std::string outside_ip;  // "from host [1.2.3.4]" with no comment
    std::string helo;        // Exim "helo=", qmail "HELO "
};

void read_from_comment(std::string_view c, FromInfo& info) {
    // Split the comment into words; nested comments are left as words and never match.
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < c.size() && words.size() < 16) {
        while (i < c.size() && core::is_space(c[i])) ++i;
        const std::size_t start = i;
        while (i < c.size() && !core::is_space(c[i])) ++i;
        if (i > start) words.push_back(c.substr(start, i - start));
    }
    for (std::size_t k = 0; k < words.size(); ++k) {
        std::string_view w = words[k];
        if (core::istarts_with(w, "helo=") && info.helo.empty()) {
            info.helo = lower_host(w.substr(5));
        } else if (core::iequals(w, "helo") && k + 1 < words.size() && info.helo.empty()) {
            info.helo = lower_host(words[k + 1]);
            ++k;
        } else if (!w.empty() && w.front() == '[' && info.tcp_ip.empty()) {
            std::string ip = bracket_ip(w);
            if (ip.empty()) continue;
            info.tcp_ip = ip;
            if (k > 0) {
                std::string_view name = words[k - 1];
                // Sendmail puts the ident user in front: "(root@localhost [127.0.0.1])".
                const std::size_t at = name.rfind('@');
                if (at != std::string_view::npos) name.remove_prefix(at + 1);
                // Zoho and others repeat the address where no name was found.
                if (!core::iequals(name, "unknown") && name.find('=') == std::string_view::npos &&
                    !name.empty() && ip_literal(name).empty())
                    info.tcp_rdns = lower_host(name);
            }
        }
    }
    if (info.bare_ip.empty() && words.size() == 1) {
        // Exchange "(10.0.0.1)" / "(2603:10b6::1)", qmail "(user@10.0.0.1)".
        std::string_view w = words[0];
        const std::size_t at = w.rfind('@');
        if (at != std::string_view::npos) w.remove_prefix(at + 1);
        info.bare_ip = ip_literal(w);
    }
}

std::optional<MailDate> trailing_date(std::string_view s) {
    // No ';' (SendGrid, some relays): the date is the longest tail of words that parses.
    std::vector<std::size_t> starts;
    std::size_t i = s.size();
    while (i > 0 && starts.size() < 10) {
        while (i > 0 && core::is_space(s[i - 1])) --i;
        while (i > 0 && !core::is_space(s[i - 1])) --i;
        starts.push_back(i);
    }
    for (auto it = starts.rbegin(); it != starts.rend(); ++it)
        if (auto d = parse_mail_date(s.substr(*it))) return d;
    return std::nullopt;
}

}  // namespace

ReceivedHop parse_received(std::string_view value) {
    ReceivedHop hop;
    if (value.size() > kMaxValueBytes) value = value.substr(0, kMaxValueBytes);
    // Unfold: a line break followed by white space goes; any other line break becomes a space.
    std::string raw;
    raw.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c != '\r' && c != '\n') {
            raw += c;
            continue;
        }
        std::size_t j = i;
        while (j < value.size() && (value[j] == '\r' || value[j] == '\n')) ++j;
        if (j < value.size() && value[j] != ' ' && value[j] != '\t') raw += ' ';
        i = j - 1;
    }
    hop.raw = std::string(core::trim(raw));
    const std::string_view v = hop.raw;

    // The date follows the last ';' that is not inside a comment.
    std::size_t semi = std::string_view::npos, any_semi = std::string_view::npos;
    int depth = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '\\' && depth > 0)
            ++i;
        else if (c == '(')
            ++depth;
        else if (c == ')' && depth > 0)
            --depth;
        else if (c == ';') {
            any_semi = i;
            if (depth == 0) semi = i;
        }
    }
    if (semi == std::string_view::npos) semi = any_semi;
    std::string_view clauses = v;
    if (semi != std::string_view::npos) {
        hop.date = parse_mail_date(v.substr(semi + 1));
        clauses = v.substr(0, semi);
    } else {
        hop.date = trailing_date(v);
    }

    FromInfo from;
    Clause cur = Clause::none;
    bool value_seen = false, with_closed = false;
    for (const RToken& t : received_tokens(clauses)) {
        if (t.comment) {
            if (cur == Clause::from) read_from_comment(t.text, from);
            // A comment ends the multi-word protocol name of "with Microsoft SMTP Server (...)".
            if (cur == Clause::with) value_seen = true;
            continue;
        }
        const Clause k = clause_of(t.text);
        if (k != Clause::none) {
            // Only the first "with" clause names the protocol.
            if (cur == Clause::with && !hop.with.empty()) with_closed = true;
            cur = k;
            value_seen = false;
            continue;
        }
        switch (cur) {
            case Clause::from:
                if (!value_seen)
                    from.word = std::string(t.text);
                else if (from.outside_ip.empty())
                    from.outside_ip = bracket_ip(t.text);
                break;
            case Clause::by:
                if (!value_seen) hop.by_host = lower_host(t.text);
                break;
            case Clause::with:
                // Bounded: a protocol name is at most a few words.
                if (!value_seen && !with_closed && hop.with.size() < 64) {
                    if (!hop.with.empty()) hop.with += ' ';
                    hop.with += t.text;
                }
                continue;  // keep value_seen false so the following words join
            default:
                break;
        }
        value_seen = true;
    }

    const std::string word_ip = bracket_ip(from.word);
    hop.from_host = word_ip.empty() ? lower_host(from.word) : core::to_lower(from.word);
    if (!from.tcp_ip.empty())
        hop.from_ip = from.tcp_ip;
    else if (!from.bare_ip.empty())
        hop.from_ip = from.bare_ip;
    else if (!from.outside_ip.empty())
        hop.from_ip = from.outside_ip;
    else if (!word_ip.empty())
        hop.from_ip = word_ip;
    else
        hop.from_ip = ip_literal(from.word);  // qmail/Exchange sometimes write a bare IP
    hop.from_rdns = from.tcp_rdns;
    if (!from.helo.empty()) {
        // Exim and qmail put the verified name first and the HELO name in the comment.
        if (from.tcp_rdns.empty() && word_ip.empty() && !core::iequals(from.word, "unknown") &&
            ip_literal(from.word).empty())
            hop.from_rdns = lower_host(from.word);
        hop.from_host = from.helo;
    }
    return hop;
}

}  // namespace kagami::detect
