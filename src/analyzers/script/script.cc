// Script files sent as attachments (.js .jse .vbs .vbe .wsf .ps1 .bat .cmd), recognised
// by content: a score of language markers over the first few KB, so that prose, CSV,
// JSON and other languages' source stay out. The analyzer peels one or two layers of
// the usual wrappers (powershell -EncodedCommand, FromBase64String, Chr()/fromCharCode
// chains, string reversal, replace tricks, the Script Encoder's #@~^ format) and reports
// what the script reaches for: URLs with a download API, process execution.
#include "analyzers/script/script.h"

#include <algorithm>
#include <array>

#include "analyzers/text_scan.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

namespace ts = textscan;

constexpr FindingKind kPresent{"script.present",
                               "A script file arrived by mail; opening it runs it on Windows",
                               "T1059,T1204.002"};
constexpr FindingKind kEncodedCommand{
    "script.encoded_command", "The script runs a base64-encoded command", "T1059.001,T1027"};
constexpr FindingKind kDownloader{"script.downloader",
                                  "The script downloads from a URL with a download API", "T1105"};
constexpr FindingKind kObfuscated{
    "script.obfuscated", "The script hides its code (encoding, character codes, string tricks)",
    "T1027"};
constexpr FindingKind kExecution{
    "script.execution", "The script starts processes or evaluates code it builds", "T1059"};
constexpr FindingKind kTooManyLayers{"limit.script.layers",
                                     "The script has more decoded layers than are read", "T1027"};

constexpr std::size_t kSniffBytes = 8192;
constexpr std::size_t kMaxLayers = 32;
constexpr int kMaxRounds = 3;
constexpr std::size_t kMaxDecodedBytes = 16u << 20;
constexpr std::size_t kMaxLiterals = 200'000;
constexpr std::size_t kMaxUrls = 200;
constexpr std::size_t kMaxIocs = 200;
constexpr std::size_t kMaxDecodedFact = 256u << 10;

// ---------------------------------------------------------------------------------------
// Language recognition

enum class Lang { none, powershell, vbscript, jscript, batch };

struct Marker {
    std::string_view text;  // lower case
    int weight;
    bool line_start;  // must begin a line (after indentation)
};

constexpr Marker kPowerShell[] = {{"$env:", 3, false},
                                  {"invoke-expression", 3, false},
                                  {"iex(", 2, false},
                                  {"invoke-webrequest", 3, false},
                                  {"invoke-restmethod", 3, false},
                                  {"new-object ", 2, false},
                                  {"[system.", 2, false},
                                  {"[convert]::", 3, false},
                                  {"-encodedcommand", 3, false},
                                  {"set-strictmode", 3, false},
                                  {"write-host", 2, false},
                                  {"write-output", 2, false},
                                  {"get-childitem", 2, false},
                                  {"start-process", 2, false},
                                  {"$psscriptroot", 3, false},
                                  {"| out-null", 2, false},
                                  {"$_.", 2, false},
                                  {"foreach-object", 2, false},
                                  {"where-object", 2, false},
                                  {"-erroraction", 3, false},
                                  {"add-type", 2, false},
                                  {"[byte[]]", 3, false},
                                  {"$null", 2, false},
                                  {"param(", 1, true},
                                  {"[string]", 1, false},
                                  {"[cmdletbinding", 3, false},
                                  {"$true", 1, false},
                                  {"$false", 1, false},
                                  {" -eq ", 1, false},
                                  {" -ne ", 1, false},
                                  {" -join", 1, false},
                                  {"[char]", 2, false},
                                  {"-bxor", 2, false},
                                  {"start-bitstransfer", 3, false}};

constexpr Marker kVbScript[] = {{"dim ", 2, true},
                                {"createobject(", 2, false},
                                {"end sub", 3, false},
                                {"end function", 3, false},
                                {"on error resume next", 4, false},
                                {"end if", 2, false},
                                {"msgbox", 1, false},
                                {"wscript.", 1, false},
                                {"& vbcrlf", 2, false},
                                {"sub ", 1, true},
                                {"option explicit", 3, false},
                                {"= createobject(", 2, false},
                                {"elseif ", 1, false},
                                {"wend", 2, true},
                                {"next", 1, true},
                                {"chr(", 1, false},
                                {"chrw(", 2, false},
                                {"strreverse(", 2, false},
                                {"executeglobal", 3, false},
                                {"set ", 1, true},
                                {"const ", 1, true}};

constexpr Marker kJScript[] = {{"new activexobject(", 4, false},
                               {"wscript.createobject(", 2, false},
                               {"var ", 1, true},
                               {"function ", 1, false},
                               {"function(", 1, false},
                               {"eval(", 1, false},
                               {"string.fromcharcode", 2, false},
                               {"wscript.shell", 1, false},
                               {"};", 1, false},
                               {"=== ", 1, false},
                               {"!==", 1, false},
                               {"document.", 1, false},
                               {"window.", 1, false},
                               {"typeof ", 1, false},
                               {".prototype.", 2, false},
                               {"\"use strict\"", 3, false},
                               {"'use strict'", 3, false},
                               {"console.log(", 1, false},
                               {"json.parse(", 1, false},
                               {"let ", 1, true},
                               {"wscript.echo(", 1, false},
                               {"wscript.sleep(", 1, false},
                               {".charcodeat(", 1, false},
                               {"try {", 1, false}};

constexpr Marker kBatch[] = {{"@echo off", 5, true},      {"echo ", 1, true},
                             {"set ", 1, true},           {"goto ", 2, true},
                             {":eof", 2, false},          {"%~dp0", 3, false},
                             {"%comspec%", 3, false},     {"start \"\"", 2, false},
                             {"start /", 2, false},       {"if exist ", 2, false},
                             {"if not exist ", 2, false}, {"errorlevel", 2, false},
                             {"rem ", 1, true},           {"%%", 1, false},
                             {"cmd /c", 2, false},        {"cmd.exe /c", 2, false},
                             {"setlocal", 3, true},       {"endlocal", 2, true},
                             {"exit /b", 3, false},       {"pause", 1, true},
                             {"del /", 2, false},         {"call :", 3, false},
                             {"for /f", 3, false},        {"@echo", 3, true},
                             {"%temp%", 2, false},        {"%appdata%", 2, false},
                             {"%userprofile%", 2, false}};

bool at_line_start(std::string_view s, std::size_t pos) {
    while (pos > 0 && (s[pos - 1] == ' ' || s[pos - 1] == '\t')) --pos;
    return pos == 0 || s[pos - 1] == '\n' || s[pos - 1] == '\r' || s[pos - 1] == ':';
}

bool has_marker(std::string_view lower, const Marker& m) {
    for (std::size_t pos = lower.find(m.text); pos != std::string_view::npos;
         pos = lower.find(m.text, pos + 1)) {
        if (!m.line_start || at_line_start(lower, pos)) return true;
    }
    return false;
}

struct Score {
    int points = 0;
    int markers = 0;
};

template <std::size_t N>
Score score(std::string_view lower, const Marker (&markers)[N]) {
    Score s;
    for (const auto& m : markers)
        if (m.weight > 0 && has_marker(lower, m)) {
            s.points += m.weight;
            ++s.markers;
        }
    return s;
}

// Text, not binary: few control characters (invalid UTF-8 is allowed: code pages).
bool is_text(std::string_view s) {
    if (s.empty()) return false;
    std::size_t bad = 0;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        // DEL is allowed: the Script Encoder's tables produce it.
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++bad;
    }
    return bad * 100 <= s.size();
}

Lang classify(std::string_view head_lower) {
    const std::pair<Lang, Score> scores[] = {{Lang::powershell, score(head_lower, kPowerShell)},
                                             {Lang::vbscript, score(head_lower, kVbScript)},
                                             {Lang::jscript, score(head_lower, kJScript)},
                                             {Lang::batch, score(head_lower, kBatch)}};
    Lang best = Lang::none;
    Score top;
    for (const auto& [lang, s] : scores)
        if (s.points > top.points) {
            top = s;
            best = lang;
        }
    // Enough evidence: two distinct markers worth five points, or a decisive "@echo off".
    if (top.points >= 5 && top.markers >= 2) return best;
    if (best == Lang::batch && has_marker(head_lower, {"@echo off", 5, true})) return best;
    return Lang::none;
}

// Skips a BOM-less prefix of whitespace, an XML declaration and comments.
std::string_view skip_prolog(std::string_view s) {
    for (int guard = 0; guard < 32; ++guard) {
        while (!s.empty() && core::is_space(s.front())) s.remove_prefix(1);
        if (s.substr(0, 5) == "<?xml") {
            auto end = s.find("?>");
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 2);
        } else if (s.substr(0, 4) == "<!--") {
            auto end = s.find("-->");
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 3);
        } else {
            break;
        }
    }
    return s;
}

bool is_wsf(std::string_view head_lower) {
    std::string_view s = skip_prolog(head_lower);
    return (s.substr(0, 4) == "<job" || s.substr(0, 8) == "<package") &&
           s.find("<script") != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Deobfuscation: each function reads one text and appends what it decoded.

struct Layer {
    std::string kind;  // "base64", "encodedcommand", "chr", "reverse", "replace", "screnc"
    std::string text;
    bool command = false;  // a base64-decoded command (script.encoded_command)
};

// Base64 that decodes to UTF-16LE text (PowerShell's -EncodedCommand) or UTF-8 text.
std::optional<std::string> base64_text(std::string_view b64) {
    std::string raw = ts::base64_decode(b64, kMaxDecodedBytes);
    if (raw.size() < 4) return std::nullopt;
    std::string text =
        ts::looks_utf16le(raw) ? core::utf16_to_utf8(raw, {.max_out = kMaxDecodedBytes}) : raw;
    if (!ts::mostly_printable(text)) return std::nullopt;
    return text;
}

bool is_prefix_of_encodedcommand(std::string_view flag) {
    constexpr std::string_view kFull = "encodedcommand";
    if (flag == "ec") return true;
    return !flag.empty() && flag.size() <= kFull.size() && kFull.substr(0, flag.size()) == flag;
}

void decode_encoded_command(std::string_view text, std::string_view lower,
                            std::vector<Layer>& out) {
    for (std::size_t i = 1; i < lower.size() && out.size() <= kMaxLayers; ++i) {
        if ((lower[i] != '-' && lower[i] != '/') || !core::is_space(lower[i - 1])) continue;
        std::size_t j = i + 1;
        while (j < lower.size() && ts::is_alpha(lower[j]) && j - i < 16) ++j;
        if (!is_prefix_of_encodedcommand(lower.substr(i + 1, j - i - 1))) continue;
        std::size_t k = j;
        while (k < lower.size() && core::is_space(lower[k])) ++k;
        if (k < lower.size() && (lower[k] == '"' || lower[k] == '\'')) ++k;
        std::size_t start = k;
        while (k < text.size() && (core::base64_value(text[k]) >= 0 || text[k] == '=')) ++k;
        if (k - start < 16) continue;
        if (auto decoded = base64_text(text.substr(start, k - start)))
            out.push_back({"encodedcommand", std::move(*decoded), true});
        i = k;
    }
}

// FromBase64String('...'), atob('...'), base64_decode("...") with a literal argument.
void decode_base64_calls(std::string_view text, std::string_view lower, std::vector<Layer>& out) {
    for (std::string_view fn : {"frombase64string(", "atob(", "base64decode(", "base64_decode("}) {
        for (std::size_t pos = lower.find(fn);
             pos != std::string_view::npos && out.size() <= kMaxLayers;
             pos = lower.find(fn, pos + 1)) {
            std::size_t k = pos + fn.size();
            while (k < text.size() && core::is_space(text[k])) ++k;
            if (k >= text.size() || (text[k] != '"' && text[k] != '\'')) continue;
            char q = text[k];
            auto close = text.find(q, k + 1);
            if (close == std::string_view::npos || close - k < 9) continue;
            std::string_view b64 = text.substr(k + 1, close - k - 1);
            if (auto decoded = base64_text(b64)) {
                out.push_back({"base64", std::move(*decoded), true});
            } else {
                std::string raw = ts::base64_decode(b64, kMaxDecodedBytes);
                auto magic = ts::file_magic(raw);
                out.push_back({"base64",
                               "binary, " + std::to_string(raw.size()) + " bytes" +
                                   (magic.empty() ? "" : ", " + std::string(magic)),
                               false});
            }
        }
    }
}

// Chr(72) & ChrW(101) ..., [char]72 + [char]0x65 ...: runs of at least four.
void decode_char_calls(std::string_view text, std::string_view lower, std::vector<Layer>& out) {
    struct Form {
        std::string_view open, close;
    };
    for (Form f : {Form{"chr", ")"}, Form{"[char]", ""}}) {
        std::size_t pos = 0;
        while (out.size() <= kMaxLayers) {
            pos = lower.find(f.open, pos);
            if (pos == std::string_view::npos) break;
            std::string decoded;
            std::size_t count = 0, k = pos;
            while (k < lower.size() && lower.compare(k, f.open.size(), f.open) == 0 &&
                   decoded.size() < kMaxDecodedBytes) {
                std::size_t j = k + f.open.size();
                if (!f.close.empty()) {
                    if (j < lower.size() && (lower[j] == 'w' || lower[j] == 'b')) ++j;
                    if (j >= lower.size() || lower[j] != '(') break;
                    ++j;
                }
                while (j < lower.size() && core::is_space(lower[j])) ++j;
                auto v = ts::parse_number(text, j);
                if (!v) break;
                while (j < lower.size() && core::is_space(lower[j])) ++j;
                if (!f.close.empty()) {
                    if (j >= lower.size() || lower[j] != ')') break;
                    ++j;
                }
                core::append_utf8(decoded, *v);
                ++count;
                k = j;
                while (k < lower.size() && (core::is_space(lower[k]) || lower[k] == '&' ||
                                            lower[k] == '+' || lower[k] == ',' || lower[k] == '_'))
                    ++k;
            }
            if (count >= 4) out.push_back({"chr", std::move(decoded), false});
            pos = std::max(k, pos + 1);
        }
    }
    // Comma-separated code runs (String.fromCharCode(..), [char[]](..), arrays) only when the
    // script converts codes to characters at all: plain number tables are common.
    if (lower.find("fromcharcode") == std::string_view::npos &&
        lower.find("[char") == std::string_view::npos &&
        lower.find("chr") == std::string_view::npos)
        return;
    ts::number_runs(text, 8, kMaxDecodedBytes,
                    [&](std::size_t, std::size_t, const std::vector<std::uint32_t>& v) {
                        std::string s;
                        for (auto c : v) {
                            if (c > 0x10FFFF || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))
                                return true;  // not text
                            core::append_utf8(s, c);
                        }
                        out.push_back({"chr", std::move(s), false});
                        return out.size() <= kMaxLayers;
                    });
}

// Literal-level tricks: StrReverse("..."), "...".split("").reverse().join(""),
// '...'[-1..-N] -join '', "p#o#w".replace("#", ""), Replace("p#o#w", "#", ""),
// 'p#o#w' -replace '#',''.
void decode_literal_tricks(std::string_view text, std::string_view lower, std::vector<Layer>& out) {
    std::vector<ts::Literal> lits;
    ts::js_literals(text, kMaxLiterals, 1u << 20, [&](ts::Literal&& l) {
        lits.push_back(std::move(l));
        return true;
    });
    auto after = [&](std::size_t pos) {
        while (pos < text.size() && core::is_space(text[pos])) ++pos;
        return pos;
    };
    auto replace_all = [](std::string s, std::string_view from, std::string_view to) {
        if (from.empty()) return s;
        std::string r;
        std::size_t p = 0;
        for (auto q = s.find(from); q != std::string::npos; q = s.find(from, p)) {
            r.append(s, p, q - p);
            r.append(to);
            p = q + from.size();
        }
        r.append(s, p, std::string::npos);
        return r;
    };
    for (std::size_t n = 0; n < lits.size() && out.size() <= kMaxLayers; ++n) {
        const auto& lit = lits[n];
        if (lit.value.size() < 4) continue;
        // StrReverse( "..." )
        if (lit.begin >= 11) {
            std::size_t b = lit.begin;
            while (b > 0 && core::is_space(text[b - 1])) --b;
            if (b >= 11 && lower.compare(b - 11, 11, "strreverse(") == 0) {
                out.push_back(
                    {"reverse", std::string(lit.value.rbegin(), lit.value.rend()), false});
                continue;
            }
        }
        std::size_t a = after(lit.end);
        std::string_view rest = lower.substr(a, 64);
        if (rest.substr(0, 7) == ".split(" && rest.find(".reverse()") != std::string_view::npos) {
            out.push_back({"reverse", std::string(lit.value.rbegin(), lit.value.rend()), false});
            continue;
        }
        if (rest.substr(0, 4) == "[-1.") {
            out.push_back({"reverse", std::string(lit.value.rbegin(), lit.value.rend()), false});
            continue;
        }
        // "..." .replace("x", "y")  /  -replace 'x','y'
        if ((rest.substr(0, 9) == ".replace(" || rest.substr(0, 8) == "-replace") &&
            n + 2 < lits.size()) {
            const auto& from = lits[n + 1];
            const auto& to = lits[n + 2];
            if (from.begin - lit.end < 16 && to.begin - from.end < 8 && !from.value.empty()) {
                std::string r = replace_all(lit.value, from.value, to.value);
                if (r != lit.value) out.push_back({"replace", std::move(r), false});
                n += 2;
                continue;
            }
        }
        // Replace("...", "x", "y")
        if (lit.begin >= 8 && n + 2 < lits.size()) {
            std::size_t b = lit.begin;
            while (b > 0 && core::is_space(text[b - 1])) --b;
            if (b >= 8 && lower.compare(b - 8, 8, "replace(") == 0 &&
                (b == 8 || !ts::is_ident(lower[b - 9]) || lower[b - 9] == '.')) {
                const auto& from = lits[n + 1];
                const auto& to = lits[n + 2];
                if (from.begin - lit.end < 8 && to.begin - from.end < 8 && !from.value.empty()) {
                    std::string r = replace_all(lit.value, from.value, to.value);
                    if (r != lit.value) out.push_back({"replace", std::move(r), false});
                    n += 2;
                }
            }
        }
    }
}

// Tokens typical of hand-rolled obfuscation: short literals glued with + or &, escapes,
// PowerShell backticks inside words, batch carets and %var:~n,m% substrings.
std::size_t obfuscation_tokens(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 1; i + 2 < text.size(); ++i) {
        char c = text[i];
        if ((c == '+' || c == '&') && (text[i - 1] == '"' || text[i - 1] == '\'') &&
            (text[i + 1] == '"' || text[i + 1] == '\''))
            ++n;
        else if ((c == '+' || c == '&') && text[i - 1] == ' ' && i >= 2 &&
                 (text[i - 2] == '"' || text[i - 2] == '\'') && text[i + 1] == ' ' &&
                 (text[i + 2] == '"' || text[i + 2] == '\''))
            ++n;
        else if (c == '\\' && (text[i + 1] == 'x' || text[i + 1] == 'u') &&
                 core::hex_value(text[i + 2]) >= 0)
            ++n;
        else if ((c == '`' || c == '^') && ts::is_alpha(text[i - 1]) && ts::is_alpha(text[i + 1]))
            ++n;
        else if (c == ':' && text[i - 1] != ':' && text[i + 1] == '~' && text[i - 1] != ' ')
            ++n;
    }
    return n;
}

// ---------------------------------------------------------------------------------------
// Indicators

bool has_word(std::string_view lower, std::string_view word) {
    for (auto pos = lower.find(word); pos != std::string_view::npos;
         pos = lower.find(word, pos + 1)) {
        bool left = pos == 0 || !ts::is_ident(lower[pos - 1]);
        std::size_t end = pos + word.size();
        bool right = end >= lower.size() || !ts::is_ident(lower[end]);
        if (left && right) return true;
    }
    return false;
}

constexpr std::string_view kDownloadApis[] = {"invoke-webrequest",
                                              "invoke-restmethod",
                                              "net.webclient",
                                              "downloadstring",
                                              "downloadfile",
                                              "downloaddata",
                                              "start-bitstransfer",
                                              "msxml2.xmlhttp",
                                              "msxml2.serverxmlhttp",
                                              "microsoft.xmlhttp",
                                              "winhttp.winhttprequest",
                                              "urldownloadtofile",
                                              "-urlcache",
                                              "bitsadmin",
                                              "adodb.stream",
                                              "system.net.http.httpclient"};
constexpr std::string_view kDownloadWords[] = {"iwr",  "irm",      "curl",
                                               "wget", "curl.exe", "wget.exe"};

constexpr std::string_view kExecApis[] = {"invoke-expression",
                                          "start-process",
                                          "shellexecute",
                                          "win32_process",
                                          "invoke-item",
                                          "executeglobal",
                                          "cmd /c",
                                          "cmd.exe /c",
                                          "cmd /k",
                                          "mshta",
                                          "rundll32",
                                          "regsvr32",
                                          "wmic process",
                                          "powershell -",
                                          "powershell.exe -",
                                          "[scriptblock]::create"};

std::string exec_evidence(std::string_view lower) {
    for (auto api : kExecApis)
        if (lower.find(api) != std::string_view::npos) return std::string(api);
    if (has_word(lower, "iex")) return "iex";
    if (lower.find("wscript.shell") != std::string_view::npos &&
        (lower.find(".run") != std::string_view::npos ||
         lower.find(".exec") != std::string_view::npos))
        return "WScript.Shell Run/Exec";
    if (lower.find("shell.application") != std::string_view::npos) return "Shell.Application";
    return "";
}

std::string download_evidence(std::string_view lower) {
    for (auto api : kDownloadApis)
        if (lower.find(api) != std::string_view::npos) return std::string(api);
    for (auto w : kDownloadWords)
        if (has_word(lower, w)) return std::string(w);
    return "";
}

// Dotted-quad IPv4 addresses and file names with executable extensions.
void collect_iocs(std::string_view text, std::vector<std::string>& out,
                  std::unordered_set<std::string>& seen) {
    auto push = [&](std::string v) {
        if (out.size() < kMaxIocs && seen.insert(v).second) out.push_back(std::move(v));
    };
    for (std::size_t i = 0; i < text.size() && out.size() < kMaxIocs; ++i) {
        if (!ts::is_digit(text[i]) || (i > 0 && (ts::is_ident(text[i - 1]) || text[i - 1] == '.')))
            continue;
        std::size_t j = i;
        int parts = 0;
        bool ok = true;
        while (parts < 4) {
            std::size_t start = j;
            unsigned v = 0;
            while (j < text.size() && ts::is_digit(text[j]) && j - start < 3)
                v = v * 10 + (text[j++] - '0');
            if (j == start || v > 255) {
                ok = false;
                break;
            }
            ++parts;
            if (parts < 4) {
                if (j >= text.size() || text[j] != '.') {
                    ok = false;
                    break;
                }
                ++j;
            }
        }
        bool boundary = j >= text.size() ||
                        (!ts::is_ident(text[j]) &&
                         !(text[j] == '.' && j + 1 < text.size() && ts::is_digit(text[j + 1])));
        if (ok && parts == 4 && boundary) push(std::string(text.substr(i, j - i)));
        i = std::max(i, j > 0 ? j - 1 : 0);
    }
    // file.ext names: scan for '.', take the word around it.
    for (std::size_t i = 1; i + 2 < text.size() && out.size() < kMaxIocs; ++i) {
        if (text[i] != '.' || !ts::is_ident(text[i - 1])) continue;
        std::size_t e = i + 1;
        while (e < text.size() && (ts::is_alpha(text[e]) || ts::is_digit(text[e])) && e - i <= 5)
            ++e;
        if (e < text.size() && (ts::is_ident(text[e]))) continue;
        std::string ext = core::to_lower(text.substr(i + 1, e - i - 1));
        static constexpr std::string_view kIocExts[] = {"exe", "dll", "scr", "ps1", "bat", "cmd",
                                                        "vbs", "vbe", "js",  "jse", "hta", "msi",
                                                        "lnk", "wsf", "cpl", "jar"};
        bool hit = false;
        for (auto x : kIocExts) hit = hit || ext == x;
        if (!hit) continue;
        std::size_t b = i;
        while (b > 0 && (ts::is_ident(text[b - 1]) || text[b - 1] == '-' || text[b - 1] == '.') &&
               i - b < 128)
            --b;
        std::string name(text.substr(b, e - b));
        // "WScript.Shell"-like members are not files; require the name part to not be an API.
        if (name.size() > ext.size() + 1) push(ts::clean(name, 256));
    }
}

std::string_view lang_name(Lang l) {
    switch (l) {
        case Lang::powershell:
            return "powershell";
        case Lang::vbscript:
            return "vbscript";
        case Lang::jscript:
            return "jscript";
        case Lang::batch:
            return "batch";
        case Lang::none:
            break;
    }
    return "";
}

struct Recognised {
    std::string type;      // set_type value, "" when not a script
    std::string language;  // script.language
};

Recognised recognise(std::string_view head) {
    if (!is_text(head)) return {};
    std::string lower = core::to_lower(head);
    if (is_wsf(lower)) {
        std::string lang = lower.find("vbscript") != std::string::npos ? "vbscript" : "jscript";
        return {"wsf", lang};
    }
    auto enc = lower.find("#@~^");
    if (enc != std::string::npos) {
        auto blocks = ts::decode_encoded_blocks(head.substr(enc), 1, kMaxDecodedBytes);
        std::string decoded = blocks.empty() ? "" : core::to_lower(blocks.front());
        // Decoded text is short: compare the two languages' points without a threshold.
        int vb_points = score(decoded, kVbScript).points;
        int js_points = score(decoded, kJScript).points;
        bool vb = vb_points > js_points ||
                  (vb_points == js_points && lower.find("jscript.encode") == std::string::npos);
        return {vb ? "vbe" : "jse", vb ? "vbscript" : "jscript"};
    }
    Lang l = classify(lower);
    if (l == Lang::none) return {};
    return {std::string(lang_name(l)), std::string(lang_name(l))};
}

}  // namespace

bool ScriptAnalyzer::sniff(std::string_view bytes) const {
    std::string head = ts::to_utf8_text(bytes.substr(0, kSniffBytes), kSniffBytes);
    return !recognise(head).type.empty();
}

void ScriptAnalyzer::analyze(const Input& in, Output& out) const {
    std::string text = ts::to_utf8_text(in.bytes, out.context().limits().max_artifact_bytes);
    Recognised r = recognise(std::string_view(text).substr(0, kSniffBytes));
    out.set_type(r.type.empty() ? "script" : r.type);
    if (!r.language.empty()) out.fact("script.language", r.language);
    out.finding(kPresent, r.type.empty() ? std::string(in.name) : r.type);

    // Layer 0 is the file; each round decodes the layers of the round before.
    std::vector<Layer> layers;
    for (auto& block : ts::decode_encoded_blocks(text, 16, kMaxDecodedBytes))
        layers.push_back({"screnc", std::move(block), false});
    bool obfuscated = !layers.empty();
    std::string obfuscation_evidence = obfuscated ? "Script Encoder (#@~^)" : "";
    bool limit_hit = false;
    std::size_t decoded_bytes = 0;
    std::vector<std::string> texts{text};
    for (auto& l : layers) texts.push_back(l.text);
    std::size_t round_begin = 0;
    for (int round = 0; round < kMaxRounds; ++round) {
        std::size_t round_end = texts.size();
        for (std::size_t t = round_begin; t < round_end; ++t) {
            if (out.context().out_of_time()) break;
            std::vector<Layer> found;
            std::string lower = core::to_lower(texts[t]);
            decode_encoded_command(texts[t], lower, found);
            decode_base64_calls(texts[t], lower, found);
            decode_char_calls(texts[t], lower, found);
            decode_literal_tricks(texts[t], lower, found);
            for (auto& f : found) {
                if (layers.size() >= kMaxLayers ||
                    decoded_bytes + f.text.size() > kMaxDecodedBytes) {
                    limit_hit = true;
                    break;
                }
                decoded_bytes += f.text.size();
                texts.push_back(f.text);
                layers.push_back(std::move(f));
            }
        }
        round_begin = round_end;
        if (round_begin == texts.size()) break;
    }
    if (limit_hit) out.finding(kTooManyLayers, std::to_string(kMaxLayers) + " layers");

    std::string command_evidence;
    for (const auto& l : layers) {
        out.fact("script.decoded", l.kind + ": " + ts::clean(l.text, kMaxDecodedFact));
        if (l.command && command_evidence.empty()) command_evidence = ts::clean(l.text, 200);
        if (!l.command && l.kind != "base64" && !obfuscated) {
            obfuscated = true;
            obfuscation_evidence = l.kind + ": " + ts::clean(l.text, 120);
        }
    }
    std::size_t tokens = obfuscation_tokens(text);
    if (!obfuscated && tokens >= 40 && tokens * 1024 / std::max<std::size_t>(text.size(), 1) >= 8) {
        obfuscated = true;
        obfuscation_evidence = std::to_string(tokens) + " concatenation/escape tokens";
    }

    ts::UrlCollector urls(kMaxUrls);
    std::vector<std::string> iocs;
    std::unordered_set<std::string> seen_iocs;
    std::string download, exec;
    for (const auto& t : texts) {
        urls.scan(t);
        collect_iocs(t, iocs, seen_iocs);
        std::string lower = core::to_lower(t);
        if (download.empty()) download = download_evidence(lower);
        if (exec.empty()) exec = exec_evidence(lower);
    }
    for (const auto& u : urls.urls()) out.fact("script.url", u);
    for (const auto& i : iocs) out.fact("script.ioc", i);

    if (!command_evidence.empty()) out.finding(kEncodedCommand, command_evidence);
    if (!download.empty() && !urls.urls().empty())
        out.finding(kDownloader, download + " " + urls.urls().front());
    if (obfuscated) out.finding(kObfuscated, obfuscation_evidence);
    if (!exec.empty()) out.finding(kExecution, exec);
}

}  // namespace kagami::analyzers
