#include "detect/sender/signature.h"

#include <algorithm>
#include <array>

#include "core/normalize.h"
#include "core/text.h"

namespace kagami::detect::sender {
namespace {

constexpr std::size_t kMaxText = 256 << 10;
constexpr std::size_t kSignatureLines = 15;
constexpr std::size_t kMaxLineChars = 80;

std::string_view trim_line(std::string_view s) {
    s = core::trim(s);
    // Ideographic spaces pad Japanese signatures.
    constexpr std::string_view kIdeoSpace = "\xE3\x80\x80";
    while (s.substr(0, 3) == kIdeoSpace) s = core::trim(s.substr(3));
    while (s.size() >= 3 && s.substr(s.size() - 3) == kIdeoSpace)
        s = core::trim(s.substr(0, s.size() - 3));
    return s;
}

// Where the first quoted or forwarded message begins (the start of its line), or the
// end: what follows is someone else's text. One pass of memchr-based searches.
std::size_t quote_start(std::string_view text) {
    std::size_t cut = text.size();
    auto line_start = [&](std::size_t pos) {
        std::size_t nl = text.rfind('\n', pos);
        return nl == std::string_view::npos ? 0 : nl + 1;
    };
    auto earliest = [&](std::string_view marker, bool at_line_start) {
        std::size_t from = 0;
        while (from < cut) {
            std::size_t pos = text.find(marker, from);
            if (pos == std::string_view::npos || pos >= cut) return;
            std::size_t ls = line_start(pos == 0 ? 0 : pos - 1);
            if (pos == 0) ls = 0;
            if (!at_line_start || trim_line(text.substr(ls, pos - ls)).empty()) {
                cut = std::min(cut, ls);
                return;
            }
            from = pos + 1;
        }
    };
    static constexpr std::array<std::string_view, 14> kAnywhere = {
        "Original Message",
        "original message",
        "ORIGINAL MESSAGE",
        "Forwarded message",
        "forwarded message",
        "Forwarded Message",
        "Begin forwarded message",
        "転送メッセージ",
        "元のメッセージ",
        "転送されたメッセージ",
        "さんは書きました",
        "wrote:",
        ">:",  // "2024年12月2日(月) 10:00 外務省 <info@mofa.go.jp>:"
        ">："};
    for (auto m : kAnywhere) earliest(m, false);
    static constexpr std::array<std::string_view, 8> kLineStart = {
        ">", "From:", "FROM:", "差出人:", "差出人：", "送信者:", "送信者：", "-----Original"};
    for (auto m : kLineStart) earliest(m, true);
    return cut;
}

std::size_t utf8_len(unsigned char c) {
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

// A line of only rules and ornaments ("━━━━", "――――", "＝＝＝", "-- "), or the
// conventional "--" signature separator.
bool is_delimiter(std::string_view line) {
    if (line == "--") return true;
    static constexpr std::array<std::string_view, 30> kOrnaments = {
        "━",  "─", "―", "—", "–", "‐", "═", "┅", "┄", "＝", "＿", "＊", "～", "〜", "ー",
        "・", "･", "■", "□", "◆", "◇", "●", "○", "★", "☆",  "※",  "┃",  "│",  "◎",  "▲"};
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size();) {
        auto c = static_cast<unsigned char>(line[i]);
        if (c < 0x80) {
            if (c != '-' && c != '=' && c != '_' && c != '*' && c != '~' && c != '#' && c != '+' &&
                c != ' ' && c != '\t')
                return false;
            count += c != ' ' && c != '\t';
            ++i;
            continue;
        }
        std::size_t n = std::min(utf8_len(c), line.size() - i);
        std::string_view ch = line.substr(i, n);
        if (ch != "\xE3\x80\x80" &&
            std::find(kOrnaments.begin(), kOrnaments.end(), ch) == kOrnaments.end())
            return false;
        count += ch != "\xE3\x80\x80";
        i += n;
    }
    return count >= 3;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// Words that make a line a sentence about the organisation, not a signature line:
// Japanese particles right after the name ("外務省の発表", "JAXAは").
bool particle_follows(std::string_view rest) {
    // "Toshiba's new Pocket PC": a possessive is about the organisation.
    if (rest.substr(0, 2) == "'s" || rest.substr(0, 4) == "\u2019s") return true;
    rest = core::trim(rest);
    static constexpr std::array<std::string_view, 12> kParticles = {
        "の", "は", "が", "を", "に", "で", "と", "も", "へ", "や", "から", "より"};
    for (auto p : kParticles)
        if (rest.substr(0, p.size()) == p) return true;
    return false;
}

// Characters a signature line starts with before the name: spaces, bullets, brackets.
std::size_t lead_of(std::string_view line) {
    static constexpr std::array<std::string_view, 16> kLead = {
        "\xE3\x80\x80", "【", "［", "（", "「", "『", "■", "□", "◆", "◇", "●", "○",
        "・",           "◎",  "★",  "☆"};
    std::size_t i = 0;
    while (i < line.size()) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '[' || c == '(' || c == '*' || c == '-' || c == '|' ||
            c == '#') {
            ++i;
            continue;
        }
        bool hit = false;
        for (auto l : kLead)
            if (line.substr(i, l.size()) == l) {
                i += l.size();
                hit = true;
                break;
            }
        if (!hit) break;
    }
    return i;
}

bool separator_before(std::string_view line, std::size_t pos) {
    std::string_view before = core::trim(line.substr(0, pos));
    for (std::string_view s : {"/", "|", ",", "｜", "／", "、", "，", ":", "：", "@"})
        if (before.size() >= s.size() && before.substr(before.size() - s.size()) == s) return true;
    return false;
}

bool affiliation_rest(std::string_view rest) {
    while (!rest.empty()) {
        auto c = static_cast<unsigned char>(rest.front());
        if (c == ' ' || c == '\t' || c == ',' || c == '.' || c == ')' || c == '/' || c == '|' ||
            c == '-' || c == ':')
            rest.remove_prefix(1);
        else if (rest.substr(0, 3) == "\xE3\x80\x80" || rest.substr(0, 3) == "、" ||
                 rest.substr(0, 3) == "）")
            rest.remove_prefix(3);
        else
            break;
    }
    if (rest.empty() || rest.front() == '(' || rest.substr(0, 3) == "（" ||
        rest.substr(0, 3) == "【" || rest.substr(0, 3) == "［")
        return true;
    static constexpr std::array<std::string_view, 44> kUnits = {
        "局",     "課",         "部",       "室",       "所",          "センター",
        "本部",   "事務局",     "グループ", "研究科",   "学部",        "教授",
        "研究員", "主任",       "係",       "班",       "機構",        "大学",
        "部門",   "官",         "長",       "株式会社", "division",    "department",
        "dept",   "bureau",     "office",   "section",  "group",       "laboratory",
        "lab",    "center",     "centre",   "faculty",  "school",      "professor",
        "fellow", "researcher", "director", "manager",  "secretariat", "corporation",
        "co.,",   "ltd"};
    for (auto u : kUnits)
        if (rest.find(u) != std::string_view::npos) return true;
    return false;
}

// Whether the folded line gives the organisation matched at [pos, pos+len) as an
// affiliation: a short line that starts with the name, or names it after a separator or
// with 所属, and is not a sentence about it.
bool is_affiliation_line(std::string_view line, std::size_t pos, std::size_t len) {
    if (code_points(line) > kMaxLineChars) return false;
    for (std::string_view s : {"。", "?", "!", "？", "！"})
        if (line.find(s) != std::string_view::npos) return false;
    std::string_view trimmed = core::trim(line);
    if (!trimmed.empty() && trimmed.back() == '.' && pos + len < line.size() &&
        core::trim(line.substr(pos + len)) != ".") {
        // "Ministry of ... announced a new policy." is a sentence; "Hitachi, Ltd." is a name.
        static constexpr std::array<std::string_view, 5> kAbbrev = {"ltd.", "inc.", "co.", "corp.",
                                                                    "jr."};
        bool abbrev = std::any_of(kAbbrev.begin(), kAbbrev.end(), [&](std::string_view a) {
            return trimmed.size() >= a.size() && trimmed.substr(trimmed.size() - a.size()) == a;
        });
        if (!abbrev) return false;
    }
    std::string_view rest = line.substr(pos + len);
    if (particle_follows(rest)) return false;
    bool tagged = line.find("所属") != std::string_view::npos ||
                  line.find("affiliation") != std::string_view::npos;
    // What follows the name must read as part of an affiliation: nothing, a bracketed
    // abbreviation, or a department or title ("アジア大洋州局", "広報部", "Research Division"),
    // not a product or a headline ("Toshiba PocketPC e310").
    if (!tagged && !affiliation_rest(rest)) return false;
    if (pos == lead_of(line) || tagged) return true;
    return separator_before(line, pos);
}

}  // namespace

std::vector<std::string_view> signature_lines(std::string_view text) {
    text = text.substr(0, kMaxText);
    std::size_t cut = quote_start(text);
    // Walk back from the quote (or the end) to the last kSignatureLines non-empty lines:
    // the cost does not grow with the body.
    std::vector<std::string_view> lines;
    for (std::size_t end = cut; end > 0 && lines.size() < kSignatureLines;) {
        std::size_t nl = text.rfind('\n', end - 1);
        std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
        std::string_view line = trim_line(text.substr(start, end - start));
        if (!line.empty()) lines.push_back(line);
        end = nl == std::string_view::npos ? 0 : nl;
    }
    std::reverse(lines.begin(), lines.end());
    std::vector<std::size_t> delims;
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (is_delimiter(lines[i])) delims.push_back(i);
    std::size_t begin = 0, end = lines.size();
    if (!delims.empty()) {
        std::size_t last = delims.back();
        if (last + 1 < lines.size()) {
            begin = last + 1;
        } else {
            // A signature framed by rules above and below.
            end = last;
            begin = delims.size() >= 2 ? delims[delims.size() - 2] + 1 : 0;
        }
    }
    return {lines.begin() + static_cast<long>(begin), lines.begin() + static_cast<long>(end)};
}

std::vector<Affiliation> signature_affiliations(const Directory::Impl& dir, std::string_view text) {
    std::vector<std::string_view> lines = signature_lines(text);
    if (lines.empty()) return {};
    std::string joined;
    for (auto l : lines) {
        // A line far longer than a signature line cannot be one (HTML text runs long).
        if (l.size() <= 4 * kMaxLineChars) joined.append(l);
        joined += '\n';
    }
    // Folded as one text, so "Ministry of Foreign Affairs" on one line and "Japan" on the
    // next give the ambiguous name its context.
    std::string folded = core::fold_for_match(joined);
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < folded.size(); ++i)
        if (folded[i] == '\n') starts.push_back(i + 1);
    std::vector<Affiliation> out;
    for (const auto& m : dir.find_names(folded)) {
        std::size_t li =
            static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), m.pos) -
                                     starts.begin()) -
            1;
        std::size_t ls = starts[li];
        std::size_t le = folded.find('\n', ls);
        if (le == std::string::npos) le = folded.size();
        if (m.pos + m.len > le) continue;
        if (!is_affiliation_line(std::string_view(folded).substr(ls, le - ls), m.pos - ls, m.len))
            continue;
        std::string original(li < lines.size() ? lines[li] : std::string_view());
        out.push_back({m.org, core::sanitize_utf8(original)});
    }
    return out;
}

}  // namespace kagami::detect::sender
