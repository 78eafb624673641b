#include "cli/query.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "core/text.h"
#include "core/time.h"
#include "store/query.h"

namespace kagami::cli {
namespace {

using json = nlohmann::ordered_json;

// ---- table cells ------------------------------------------------------------------------

// Next code point of valid UTF-8 at s[i]; advances i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto b = [&](std::size_t k) { return char32_t(static_cast<unsigned char>(s[k])); };
    char32_t c = b(i);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > s.size()) n = 1;
    if (n == 2) c = (c & 0x1F) << 6 | (b(i + 1) & 0x3F);
    if (n == 3) c = (c & 0x0F) << 12 | (b(i + 1) & 0x3F) << 6 | (b(i + 2) & 0x3F);
    if (n == 4)
        c = (c & 0x07) << 18 | (b(i + 1) & 0x3F) << 12 | (b(i + 2) & 0x3F) << 6 | (b(i + 3) & 0x3F);
    i += n;
    return c;
}

// Characters a mail can carry that would move the cursor, recolour the terminal or
// reorder the line: C0 and C1 controls, DEL, bidirectional overrides, line separators.
bool is_unsafe(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 ||
           c == 0x2029 || c == 0xFEFF;
}

// Terminal columns of a code point: 0 for combining marks, 2 for East Asian wide and
// full-width characters (Japanese subjects), else 1.
int columns(char32_t c) {
    struct Range {
        char32_t first, last;
    };
    static constexpr Range kZero[] = {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
                                      {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0x3099, 0x309A},
                                      {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}};
    static constexpr Range kWide[] = {{0x1100, 0x115F},   {0x2E80, 0x303E},  {0x3041, 0x33FF},
                                      {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},  {0xA000, 0xA4CF},
                                      {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},  {0xFE30, 0xFE4F},
                                      {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},  {0x1F300, 0x1F64F},
                                      {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}};
    for (auto r : kZero)
        if (c >= r.first && c <= r.last) return 0;
    for (auto r : kWide)
        if (c >= r.first && c <= r.last) return 2;
    return 1;
}

struct Cell {
    std::string text;
    std::size_t width = 0;  // terminal columns
};

// `s` made safe to print, cut to `max` columns (0: no cut) with "..." at the end.
Cell cell(std::string_view s, std::size_t max = 0) {
    std::string clean = core::sanitize_utf8(s);
    Cell out;
    std::size_t cut_at = 0, cut_width = 0;  // where "..." goes if the text is too wide
    for (std::size_t i = 0; i < clean.size();) {
        std::size_t start = i;
        char32_t c = next_code_point(clean, i);
        if (is_unsafe(c)) {
            out.text += ' ';
            out.width += 1;
        } else {
            out.text.append(clean, start, i - start);
            out.width += std::size_t(columns(c));
        }
        if (max && out.width + 3 <= max) {
            cut_at = out.text.size();
            cut_width = out.width;
        }
        if (max && out.width > max) {
            out.text.resize(std::min(cut_at, out.text.size()));
            out.text += "...";
            out.width = cut_width + 3;
            break;
        }
    }
    return out;
}

std::size_t terminal_width() {
    winsize ws{};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (const char* env = std::getenv("COLUMNS")) {
        char* end = nullptr;
        long n = std::strtol(env, &end, 10);
        if (end != env && *end == 0 && n > 0 && n < 100000) return std::size_t(n);
    }
    return 0;
}

std::optional<std::int64_t> message_time(const store::MessageSummary& m) {
    return m.date ? m.date : m.received;
}

std::string score_text(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", score);
    return buf;
}

void print_table(const std::vector<store::MessageSummary>& messages) {
    static constexpr std::size_t kMaxAddress = 40;
    static constexpr std::size_t kMaxSubjectOffTerminal = 80;
    std::vector<std::array<Cell, 7>> rows;
    rows.push_back({cell("DATE"), cell("VERDICT"), cell("SCORE"), cell("SENDER"),
                    cell("RECIPIENTS"), cell("SUBJECT"), cell("MESSAGE_ID")});
    for (const auto& m : messages) {
        auto t = message_time(m);
        std::string recipients = m.recipients.empty() ? "-" : m.recipients.front();
        if (m.recipients.size() > 1) recipients += " +" + std::to_string(m.recipients.size() - 1);
        rows.push_back(
            {cell(t ? core::iso8601_utc(*t) : "-"), cell(m.verdict), cell(score_text(m.score)),
             cell(m.sender.empty() ? "-" : m.sender, kMaxAddress), cell(recipients, kMaxAddress),
             cell(m.subject), cell(std::string_view(m.sha256).substr(0, 12))});
    }
    std::array<std::size_t, 7> width{};
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].width);
    // The subject takes what the other columns leave of the terminal.
    std::size_t others = 0;
    for (std::size_t c = 0; c < width.size(); ++c)
        if (c != 5) others += width[c] + 2;
    std::size_t term = terminal_width();
    std::size_t subject_max = term ? std::max<std::size_t>(16, term > others ? term - others : 0)
                                   : kMaxSubjectOffTerminal;
    if (width[5] > subject_max) {
        width[5] = 0;
        for (auto& r : rows) {
            r[5] = cell(r[5].text, subject_max);
            width[5] = std::max(width[5], r[5].width);
        }
    }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            std::size_t pad = width[c] - r[c].width;
            if (c == 2) {  // numbers right-aligned
                line.append(pad, ' ');
                pad = 0;
            }
            line += r[c].text;
            if (c + 1 < r.size()) line.append(pad + 2, ' ');
        }
        out += line + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
}

// ---- JSON lines -------------------------------------------------------------------------

json optional_time(const std::optional<std::int64_t>& t) {
    return t ? json(core::iso8601_utc(*t)) : json(nullptr);
}

std::string json_line(const store::MessageDetail& d, bool with_matches) {
    const auto& m = d.summary;
    json source{{"path", m.source}};
    if (m.index >= 0) source["index"] = m.index;
    json findings = json::array();
    for (const auto& f : d.findings)
        findings.push_back(json{{"id", f.id},
                                {"title", f.title},
                                {"weight", f.weight},
                                {"attack", f.attack},
                                {"evidence", f.evidence},
                                {"where", f.where}});
    json artifacts = json::array();
    for (const auto& a : d.artifacts)
        artifacts.push_back(json{{"path", a.path},
                                 {"name", a.name},
                                 {"type", a.type},
                                 {"depth", a.depth},
                                 {"size", a.size},
                                 {"md5", a.md5},
                                 {"sha1", a.sha1},
                                 {"sha256", a.sha256}});
    json j{{"source", std::move(source)},
           {"message_id", m.sha256},
           {"date", optional_time(m.date)},
           {"received", optional_time(m.received)},
           {"sender", m.sender},
           {"recipients", m.recipients},
           {"subject", m.subject},
           {"verdict", m.verdict},
           {"score", m.score},
           {"key_from", d.key_from_sha256 ? json(*d.key_from_sha256) : json(nullptr)},
           {"findings", std::move(findings)},
           {"artifacts", std::move(artifacts)}};
    if (with_matches) {
        json matched = json::array();
        for (const auto& i : d.matched)
            matched.push_back(json{{"type", i.type}, {"value", i.value}, {"where", i.where}});
        j["matched_indicators"] = std::move(matched);
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

int fail(const std::string& message) {
    std::fprintf(stderr, "kagami query: %s\n", message.c_str());
    return 2;
}

}  // namespace

CLI::App* add_query_command(CLI::App& app, QueryOptions& o) {
    auto* cmd = app.add_subcommand(
        "query", "Search the store: by verdict, time, sender, recipient, indicator, hash, finding");
    cmd->add_option("--db", o.db, "Store: SQLite file or postgresql:// URL")->required();
    cmd->add_option("--verdict", o.verdicts, "clean, suspicious or malicious; repeatable (any)")
        ->check(CLI::IsMember({"clean", "suspicious", "malicious"}));
    cmd->add_option("--since", o.since,
                    "From this time: 2024-05-01, 2024-05-01T03:04:05Z or 2024-05-01T12:04:05+09:00 "
                    "(UTC when no zone)");
    cmd->add_option("--until", o.until, "Up to this time, inclusive (a date: to its end)");
    cmd->add_option("--sender", o.sender, "From address, or @domain (subdomains too)");
    cmd->add_option("--recipient", o.recipient, "To or Cc address, or @domain (subdomains too)");
    cmd->add_option("--indicator", o.indicator,
                    "Domain (subdomains too), URL, IP, email, hash, file name or analyzer value "
                    "(defanged forms accepted)");
    cmd->add_option("--hash", o.hash, "MD5, SHA-1 or SHA-256 of any attachment or unpacked file");
    cmd->add_option("--finding", o.finding, "Finding id, or a prefix like archive.*");
    cmd->add_option("--subject", o.subject, "Substring of the subject (ASCII case ignored)");
    cmd->add_option("--limit", o.limit, "Most messages shown (0: all)");
    cmd->add_option("--format", o.format, "table or json (JSON lines)")
        ->check(CLI::IsMember({"table", "json"}));
    return cmd;
}

int run_query(const QueryOptions& o) {
    store::MessageFilter filter;
    filter.verdicts = o.verdicts;
    for (auto [text, bound, end_of_day, name] :
         {std::tuple{&o.since, &filter.since, false, "--since"},
          std::tuple{&o.until, &filter.until, true, "--until"}}) {
        if (text->empty()) continue;
        *bound = store::parse_utc_time(*text, end_of_day);
        if (!*bound)
            return fail(std::string(name) + ": not a date or time: \"" + *text +
                        "\" (use 2024-05-01, 2024-05-01T03:04:05Z or 2024-05-01T12:04:05+09:00)");
    }
    if (filter.since && filter.until && *filter.since > *filter.until)
        return fail("--since is after --until");
    filter.sender = o.sender;
    filter.recipient = o.recipient;
    filter.indicator = o.indicator;
    filter.artifact_hash = o.hash;
    filter.finding = o.finding;
    filter.subject = o.subject;
    filter.limit = o.limit;

    // Opening a missing SQLite file would create an empty store: a typo is an error.
    if (!store::is_postgresql(o.db)) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.db, ec))
            return fail("no store at " + o.db + " (kagami hunt --db creates one)");
    }
    auto opened = store::Store::open(o.db);
    if (!opened) return fail("cannot open the store " + o.db + ": " + opened.error().message);
    store::Store& db = *opened;

    auto found = store::find_messages(db, filter);
    if (!found) return fail(found.error().message);
    if (found->empty()) {
        if (o.format == "table") std::fprintf(stderr, "kagami query: no message matched\n");
        return 1;
    }
    if (o.format == "table") {
        print_table(*found);
    } else {
        for (const auto& m : *found) {
            auto detail = store::message_detail(db, m, filter);
            if (!detail) return fail(detail.error().message);
            std::string line = json_line(*detail, !filter.indicator.empty()) + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace kagami::cli
