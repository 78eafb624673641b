// HTML attachments (and .hta applications). A tolerant linear tag scanner collects the
// title, scripts, links, forms and redirects; the scripts are searched for HTML smuggling
// (a file assembled in the browser from base64 or character codes and saved through a
// Blob or a download link, T1027.006), credential forms posting to another site, and
// one level of eval(atob(..)) / unescape(..) obfuscation. A smuggled file is decoded and
// handed back as a child. Plain newsletters and invoices stay quiet.
#include "analyzers/html/html.h"

#include <algorithm>
#include <unordered_set>

#include "analyzers/text_scan.h"
#include "core/hash.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

namespace ts = textscan;

constexpr FindingKind kSmuggling{
    "html.smuggling", "The HTML page assembles a file in the browser and saves it (HTML smuggling)",
    "T1027.006"};
constexpr FindingKind kCredentialForm{
    "html.credential_form",
    "The HTML page asks for a password and sends it to a web site (credential phishing page)",
    "T1566.001"};
constexpr FindingKind kObfuscatedScript{
    "html.obfuscated_script", "The HTML page hides script code behind an encoding", "T1027"};
constexpr FindingKind kTooManyTags{
    "limit.html.tags", "The page has more tags than are read; the rest was not analysed", "T1027"};

constexpr std::size_t kMaxTags = 1'000'000;
constexpr std::size_t kMaxAttrs = 256;
constexpr std::size_t kMaxLinks = 200;
constexpr std::size_t kMaxScripts = 1000;
constexpr std::size_t kMaxScriptFacts = 50;
constexpr std::size_t kMaxChildren = 16;
constexpr std::size_t kMinBlob = 1024;  // encoded characters of a smuggled file
constexpr std::size_t kMaxLiterals = 200'000;
constexpr std::size_t kMaxDecodedFact = 256u << 10;
constexpr int kMaxDocumentDepth = 2;  // the page, and what one decoding layer writes

struct Attr {
    std::string name;  // lower case
    std::string value;
};

const std::string* attr(const std::vector<Attr>& attrs, std::string_view name) {
    for (const auto& a : attrs)
        if (a.name == name) return &a.value;
    return nullptr;
}

// The few character references that matter in URLs and values.
std::string decode_entities(std::string_view s) {
    if (s.find('&') == std::string_view::npos) return std::string(s);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        auto semi = s.find(';', i);
        if (semi == std::string_view::npos || semi - i > 10) {
            out += '&';
            continue;
        }
        std::string_view ent = s.substr(i + 1, semi - i - 1);
        if (ent == "amp")
            out += '&';
        else if (ent == "lt")
            out += '<';
        else if (ent == "gt")
            out += '>';
        else if (ent == "quot")
            out += '"';
        else if (ent == "apos")
            out += '\'';
        else if (ent == "nbsp")
            out += ' ';
        else if (!ent.empty() && ent[0] == '#') {
            std::uint32_t v = 0;
            bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
            bool ok = ent.size() > (hex ? 2u : 1u);
            for (std::size_t k = hex ? 2 : 1; k < ent.size() && ok; ++k) {
                int d = hex ? core::hex_value(ent[k]) : (ts::is_digit(ent[k]) ? ent[k] - '0' : -1);
                if (d < 0 || v > 0x10FFFF)
                    ok = false;
                else
                    v = v * (hex ? 16 : 10) + std::uint32_t(d);
            }
            if (!ok) {
                out += '&';
                continue;
            }
            core::append_utf8(out, v);
        } else {
            out += '&';
            continue;
        }
        i = semi;
    }
    return out;
}

bool is_absolute_web_url(std::string_view u) {
    u = core::trim(u);
    return core::istarts_with(u, "http://") || core::istarts_with(u, "https://") ||
           core::istarts_with(u, "//");
}

bool looks_like_email(std::string_view v) {
    v = core::trim(v);
    auto at = v.find('@');
    if (at == std::string_view::npos || at == 0 || v.size() > 254) return false;
    auto dot = v.find('.', at);
    if (dot == std::string_view::npos || dot == at + 1 || dot + 1 >= v.size()) return false;
    for (char c : v)
        if (core::is_space(c) || c == '<' || c == '>' || c == '"' || c == '{' || c == '$')
            return false;
    return v.find('@', at + 1) == std::string_view::npos;
}

// Names a smuggled payload might carry: "invoice.zip", "report.iso", ...
bool looks_like_payload_name(std::string_view s) {
    if (s.size() < 3 || s.size() > 128) return false;
    for (char c : s)
        if (c == '/' || c == '\\' || c == '<' || c == '>' || c == '"' || c == '\n' || c == ':')
            return false;
    static constexpr std::string_view kExts[] = {
        "zip", "iso", "img", "vhd",  "vhdx", "exe",  "js",  "jse", "vbs",  "vbe", "hta", "lnk",
        "rar", "7z",  "doc", "docm", "xls",  "xlsm", "one", "msi", "dll",  "scr", "pdf", "wsf",
        "bat", "cmd", "ps1", "cab",  "gz",   "tar",  "url", "xll", "html", "htm"};
    std::string ext = ts::extension_of(s);
    for (auto e : kExts)
        if (ext == e) return s.size() > ext.size() + 1;
    return false;
}

std::string_view skip_bom(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    return s;
}

bool is_html_tag_name(std::string_view name) {
    static constexpr std::string_view kTags[] = {
        "html",     "head",     "body",   "script",  "meta",
        "svg",      "div",      "title",  "table",   "style",
        "iframe",   "form",     "p",      "a",       "span",
        "center",   "font",     "img",    "br",      "h1",
        "h2",       "h3",       "link",   "base",    "hta:application",
        "noscript", "frameset", "object", "input",   "button",
        "ul",       "b",        "i",      "section", "header",
        "main",     "pre",      "tr",     "td"};
    for (auto t : kTags)
        if (name == t) return true;
    return false;
}

// The lower-case name of the tag opening at s[0] == '<'.
std::string tag_name_at(std::string_view s) {
    std::size_t i = 1;
    while (i < s.size() && i < 32 &&
           (ts::is_ident(s[i]) || s[i] == ':' || s[i] == '-' || s[i] == '!'))
        ++i;
    return core::to_lower(s.substr(1, i - 1));
}

// ---------------------------------------------------------------------------------------

struct Form {
    std::string action;
    bool password = false;
};

struct Candidate {
    std::string bytes;
    std::string name;  // "" when the script names none
    std::string how;   // "base64", "char codes", "hex escapes", "data: URI"
};

class Scan {
public:
    explicit Scan(Output& out) : out_(out), links_(kMaxLinks) {}

    void document(std::string_view s, int depth);
    void finish();

private:
    void tag(std::string_view name, bool closing, const std::vector<Attr>& attrs, int depth);
    void script(std::string_view code, int depth);
    void data_uri(const std::string& uri, const std::string* download);
    void smuggling(std::string_view code, std::string_view lower);
    void redirects(std::string_view code, std::string_view lower);
    void obfuscation(std::string_view code, std::string_view lower, int depth);
    void emit(Candidate c);
    // Decoded layers and files are cut at the artifact limit; child() enforces the budget.
    std::size_t max_bytes() const { return out_.context().limits().max_artifact_bytes; }
    void link(std::string_view url) {
        auto u = core::trim(url);
        if (core::istarts_with(u, "http://") || core::istarts_with(u, "https://") ||
            core::istarts_with(u, "ftp://") || core::istarts_with(u, "file:") ||
            u.substr(0, 2) == "\\\\")
            links_.add(std::string(u));
    }

    Output& out_;
    ts::UrlCollector links_;
    std::size_t tags_ = 0;
    std::size_t scripts_ = 0;
    std::size_t script_facts_ = 0;
    std::vector<Form> forms_;
    bool in_form_ = false;
    bool orphan_password_ = false;
    std::vector<std::string> post_targets_;  // URLs scripts send data to
    std::vector<std::string> download_names_;
    std::size_t children_ = 0;
    bool stop_children_ = false;
    bool smuggled_ = false;
    bool obfuscated_ = false;
    bool limit_reported_ = false;
    std::unordered_set<std::string> seen_blobs_;
};

void Scan::document(std::string_view s, int depth) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto lt = s.find('<', pos);
        if (lt == std::string_view::npos || lt + 1 >= s.size()) break;
        if (++tags_ > kMaxTags || ((tags_ & 0xFFF) == 0 && out_.context().out_of_time())) {
            if (!limit_reported_) out_.finding(kTooManyTags, std::to_string(kMaxTags));
            limit_reported_ = true;
            return;
        }
        std::string_view rest = s.substr(lt);
        if (rest.substr(0, 4) == "<!--") {
            auto end = s.find("-->", lt + 4);
            if (end == std::string_view::npos) {
                out_.violation("unterminated comment");
                return;
            }
            pos = end + 3;
            continue;
        }
        if (rest[1] == '!' || rest[1] == '?') {
            auto end = s.find('>', lt);
            pos = end == std::string_view::npos ? s.size() : end + 1;
            continue;
        }
        bool closing = rest[1] == '/';
        std::size_t i = lt + (closing ? 2 : 1);
        std::size_t name_start = i;
        while (i < s.size() && (ts::is_ident(s[i]) || s[i] == ':' || s[i] == '-')) ++i;
        if (i == name_start) {
            pos = lt + 1;  // a '<' in text
            continue;
        }
        std::string name = core::to_lower(s.substr(name_start, i - name_start));
        std::vector<Attr> attrs;
        // Attributes up to '>', with quoted values that may hold '>'.
        while (i < s.size() && s[i] != '>') {
            if (core::is_space(s[i]) || s[i] == '/') {
                ++i;
                continue;
            }
            std::size_t an = i;
            while (i < s.size() && !core::is_space(s[i]) && s[i] != '=' && s[i] != '>' &&
                   !(s[i] == '/' && i + 1 < s.size() && s[i + 1] == '>'))
                ++i;
            if (i == an) {
                ++i;
                continue;
            }
            Attr a{core::to_lower(s.substr(an, i - an)), {}};
            std::size_t k = i;
            while (k < s.size() && core::is_space(s[k])) ++k;
            if (k < s.size() && s[k] == '=') {
                ++k;
                while (k < s.size() && core::is_space(s[k])) ++k;
                if (k < s.size() && (s[k] == '"' || s[k] == '\'')) {
                    auto close = s.find(s[k], k + 1);
                    if (close == std::string_view::npos) close = s.size();
                    a.value = decode_entities(s.substr(k + 1, close - k - 1));
                    i = close < s.size() ? close + 1 : close;
                } else {
                    std::size_t vs = k;
                    while (k < s.size() && !core::is_space(s[k]) && s[k] != '>') ++k;
                    a.value = decode_entities(s.substr(vs, k - vs));
                    i = k;
                }
            }
            if (attrs.size() < kMaxAttrs) attrs.push_back(std::move(a));
        }
        pos = i < s.size() ? i + 1 : s.size();
        if (closing) {
            tag(name, true, attrs, depth);
            continue;
        }
        tag(name, false, attrs, depth);
        // Raw text elements: their content is not markup.
        if (name == "script" || name == "style" || name == "title" || name == "textarea" ||
            name == "xmp") {
            std::string close = "</" + name;
            std::size_t end = pos;
            std::string_view body;
            for (;;) {
                end = core::ifind(s, close, end);
                if (end == std::string_view::npos) break;
                std::size_t after = end + close.size();
                if (after >= s.size() || !ts::is_ident(s[after])) break;
                end = after;
            }
            body = s.substr(pos, (end == std::string_view::npos ? s.size() : end) - pos);
            if (name == "script") {
                if (attr(attrs, "src") == nullptr || !core::trim(body).empty()) script(body, depth);
            } else if (name == "title" && depth == 0) {
                std::string t = decode_entities(core::trim(body));
                if (!t.empty()) out_.fact("html.title", ts::clean(t, 512));
            }
            if (end == std::string_view::npos) {
                if (name != "title") out_.violation("unterminated <" + name + ">");
                return;
            }
            auto gt = s.find('>', end);
            pos = gt == std::string_view::npos ? s.size() : gt + 1;
        }
    }
}

void Scan::tag(std::string_view name, bool closing, const std::vector<Attr>& attrs, int depth) {
    if (closing) {
        if (name == "form") in_form_ = false;
        return;
    }
    std::string handlers;
    for (const auto& a : attrs) {
        if (a.name.size() > 2 && a.name.compare(0, 2, "on") == 0) handlers += a.value + ";\n";
        if (a.name == "href" || a.name == "src" || a.name == "action" || a.name == "data" ||
            a.name == "background" || a.name == "formaction")
            link(a.value);
    }
    if (!handlers.empty() && scripts_ < kMaxScripts) script(handlers, depth + 1);
    if (name == "script") {
        ++scripts_;
        if (auto src = attr(attrs, "src")) out_.fact("html.script_src", ts::clean(*src, 2048));
    } else if (name == "form") {
        const std::string* action = attr(attrs, "action");
        forms_.push_back({action ? std::string(core::trim(*action)) : "", false});
        in_form_ = true;
        if (action && !action->empty()) out_.fact("html.form_action", ts::clean(*action, 2048));
    } else if (name == "input") {
        const std::string* type = attr(attrs, "type");
        if (type && core::iequals(core::trim(*type), "password")) {
            if (in_form_ && !forms_.empty())
                forms_.back().password = true;
            else
                orphan_password_ = true;
        }
        const std::string* value = attr(attrs, "value");
        if (value && looks_like_email(*value))
            out_.fact("html.prefilled_email", ts::clean(core::trim(*value), 254));
    } else if (name == "meta") {
        const std::string* equiv = attr(attrs, "http-equiv");
        const std::string* content = attr(attrs, "content");
        if (equiv && content && core::iequals(core::trim(*equiv), "refresh")) {
            auto u = core::ifind(*content, "url=");
            if (u != std::string::npos) {
                std::string target(core::trim(std::string_view(*content).substr(u + 4)));
                if (!target.empty() && (target.front() == '\'' || target.front() == '"'))
                    target = target.substr(1, target.find(target.front(), 1) - 1);
                out_.fact("html.redirect", ts::clean(target, 2048));
                link(target);
            }
        }
    } else if (name == "hta:application") {
        const std::string* app = attr(attrs, "applicationname");
        out_.fact("html.hta", app ? ts::clean(*app, 256) : "HTA:APPLICATION");
        out_.set_type("hta");
    }
    if (name == "a" || name == "area") {
        const std::string* download = attr(attrs, "download");
        if (download && !download->empty() && looks_like_payload_name(*download))
            download_names_.push_back(ts::clean(*download, 255));
    }
    // data: URIs that carry a file (not an inline image or style).
    for (const char* key : {"href", "src", "data"}) {
        const std::string* v = attr(attrs, key);
        if (v && core::istarts_with(core::trim(*v), "data:") &&
            (name == "a" || name == "area" || name == "iframe" || name == "embed" ||
             name == "object" || name == "frame"))
            data_uri(std::string(core::trim(*v)), attr(attrs, "download"));
    }
}

void Scan::data_uri(const std::string& uri, const std::string* download) {
    auto comma = uri.find(',');
    if (comma == std::string::npos) return;
    std::string meta = core::to_lower(std::string_view(uri).substr(5, comma - 5));
    if (meta.find(";base64") == std::string::npos) return;
    std::string mime = meta.substr(0, meta.find(';'));
    if (core::istarts_with(mime, "image/") || mime == "text/css" ||
        core::istarts_with(mime, "font/"))
        return;
    Candidate c;
    c.bytes = ts::base64_decode(std::string_view(uri).substr(comma + 1), max_bytes());
    c.how = "data: URI (" + (mime.empty() ? std::string("no type") : mime) + ")";
    if (download && !download->empty()) c.name = *download;
    bool payload = (download != nullptr) || !ts::file_magic(c.bytes).empty() ||
                   core::istarts_with(mime, "application/");
    if (c.bytes.empty() || !payload) return;
    emit(std::move(c));
}

void Scan::script(std::string_view code, int depth) {
    if (code.empty()) return;
    if (depth == 0 && script_facts_ < kMaxScriptFacts) {
        ++script_facts_;
        out_.fact("html.script_size", std::to_string(code.size()));
    }
    std::string lower = core::to_lower(code);
    redirects(code, lower);
    // Data sent by script: fetch / XMLHttpRequest / jQuery / Telegram bots.
    if (lower.find("fetch(") != std::string::npos ||
        lower.find("xmlhttprequest") != std::string::npos ||
        lower.find("$.ajax") != std::string::npos || lower.find("$.post") != std::string::npos ||
        lower.find("sendbeacon") != std::string::npos ||
        lower.find("api.telegram.org") != std::string::npos) {
        ts::UrlCollector posted(16);
        posted.scan(code);
        for (const auto& u : posted.urls())
            if (is_absolute_web_url(u) && post_targets_.size() < 16) post_targets_.push_back(u);
    }
    smuggling(code, lower);
    obfuscation(code, lower, depth);
    // <script language="JScript.Encode">: the Script Encoder's format (#@~^ ... ^#~@).
    if (lower.find("#@~^") != std::string::npos) {
        for (auto& decoded : ts::decode_encoded_blocks(code, 16, max_bytes())) {
            out_.fact("html.decoded", ts::clean(decoded, kMaxDecodedFact));
            if (!obfuscated_)
                out_.finding(kObfuscatedScript, "Script Encoder: " + ts::clean(decoded, 160));
            obfuscated_ = true;
            links_.scan(decoded);
            if (depth + 1 < kMaxDocumentDepth) script(decoded, depth + 1);
        }
    }
}

void Scan::redirects(std::string_view code, std::string_view lower) {
    for (std::string_view key :
         {"location.href", "window.location", "document.location", "location.replace(",
          "location.assign(", "top.location", "self.location", "window.open("}) {
        for (auto pos = lower.find(key); pos != std::string_view::npos;
             pos = lower.find(key, pos + 1)) {
            std::size_t k = pos + key.size();
            // window.location.href = ...: let the longer key report it.
            while (k < code.size() &&
                   (core::is_space(code[k]) || code[k] == '=' || code[k] == '(')) {
                if (code[k] == '=' && k + 1 < code.size() && code[k + 1] == '=') break;
                ++k;
            }
            if (k >= code.size() || (code[k] != '"' && code[k] != '\'' && code[k] != '`')) continue;
            auto close = code.find(code[k], k + 1);
            if (close == std::string_view::npos || close - k > 4096) continue;
            std::string_view target = code.substr(k + 1, close - k - 1);
            if (target.find("://") == std::string_view::npos && target.substr(0, 1) != "/")
                continue;
            out_.fact("html.redirect", ts::clean(target, 2048));
            link(target);
        }
    }
}

// A base64 run of literals (joined across + , [ ] and "x += "), char-code arrays and hex
// escape strings, decoded; emitted when the script has a saving or decoding marker.
void Scan::smuggling(std::string_view code, std::string_view lower) {
    static constexpr std::string_view kMarkers[] = {
        "mssaveoropenblob", "mssaveblob", "createobjecturl", ".download", "new blob", "atob(",
        "uint8array",       "saveas(",    "fromcharcode"};
    // Decoding alone is common (fonts, images); a file is smuggled when the script saves it.
    static constexpr std::string_view kSaveMarkers[] = {"mssaveoropenblob", "mssaveblob",
                                                        "createobjecturl", ".download", "saveas("};
    bool marker = false;
    for (auto m : kMarkers) marker = marker || lower.find(m) != std::string_view::npos;
    bool saves = false;
    for (auto m : kSaveMarkers) saves = saves || lower.find(m) != std::string_view::npos;
    if (!marker || !saves) return;

    std::vector<ts::Literal> lits;
    ts::js_literals(code, kMaxLiterals, max_bytes(), [&](ts::Literal&& l) {
        lits.push_back(std::move(l));
        return true;
    });
    std::string name;
    for (const auto& l : lits)
        if (looks_like_payload_name(l.value)) {
            name = l.value;
            break;
        }

    auto joinable = [&](std::size_t from, std::size_t to) {
        std::string gap;
        for (std::size_t k = from; k < to && gap.size() < 80; ++k)
            if (!core::is_space(code[k])) gap += code[k];
        if (gap.size() >= 80) return false;
        bool punct = std::all_of(gap.begin(), gap.end(), [](char c) {
            return c == '+' || c == ',' || c == '[' || c == ']' || c == '(' || c == ')';
        });
        if (punct) return true;
        // ";name+=" or ";name=name+"
        std::string_view g = gap;
        if (!g.empty() && g.front() == ';') g.remove_prefix(1);
        std::size_t n = 0;
        while (n < g.size() && ts::is_ident(g[n])) ++n;
        if (n == 0) return false;
        std::string_view ident = g.substr(0, n), tail = g.substr(n);
        if (tail == "+=") return true;
        return tail.size() == ident.size() + 2 && tail.front() == '=' &&
               tail.substr(1, ident.size()) == ident && tail.back() == '+';
    };

    std::vector<Candidate> found;
    for (std::size_t n = 0; n < lits.size();) {
        if (!ts::is_base64_text(lits[n].value, 1) || lits[n].value.size() < 4) {
            // A long binary string of \x escapes is a file too.
            const auto& v = lits[n].value;
            if (v.size() >= kMinBlob && !ts::mostly_printable(v))
                found.push_back({v, name, "hex escapes"});
            ++n;
            continue;
        }
        std::string joined = lits[n].value;
        std::size_t m = n + 1;
        while (m < lits.size() && ts::is_base64_text(lits[m].value, 1) &&
               joinable(lits[m - 1].end, lits[m].begin) && joined.size() < max_bytes()) {
            joined += lits[m].value;
            ++m;
        }
        if (joined.size() >= kMinBlob && ts::is_base64_text(joined, kMinBlob))
            found.push_back({ts::base64_decode(joined, max_bytes()), name, "base64"});
        n = m;
    }
    ts::number_runs(code, 256, max_bytes(),
                    [&](std::size_t, std::size_t, const std::vector<std::uint32_t>& v) {
                        std::string bytes;
                        for (auto c : v) {
                            if (c > 255) return true;
                            bytes += char(c);
                        }
                        found.push_back({std::move(bytes), name, "char codes"});
                        return found.size() < kMaxChildren;
                    });

    // XOR with a constant: numbers right after '^', or short literals used as a key.
    std::vector<std::string> keys;
    if (lower.find('^') != std::string_view::npos) {
        for (std::size_t p = lower.find('^'); p != std::string_view::npos && keys.size() < 32;
             p = lower.find('^', p + 1)) {
            std::size_t k = p + 1;
            while (k < code.size() && core::is_space(code[k])) ++k;
            if (auto v = ts::parse_number(code, k); v && *v > 0 && *v < 256)
                keys.push_back(std::string(1, char(*v)));
        }
        for (const auto& l : lits)
            if (!l.value.empty() && l.value.size() <= 32 && keys.size() < 64)
                keys.push_back(l.value);
    }
    for (auto& c : found) {
        if (!ts::file_magic(c.bytes).empty() || keys.empty()) continue;
        for (const auto& key : keys) {
            std::string head = c.bytes.substr(0, 0x9000);
            for (std::size_t i = 0; i < head.size(); ++i)
                head[i] = char(head[i] ^ key[i % key.size()]);
            if (ts::file_magic(head).empty()) continue;
            for (std::size_t i = 0; i < c.bytes.size(); ++i)
                c.bytes[i] = char(c.bytes[i] ^ key[i % key.size()]);
            c.how += ", XOR";
            break;
        }
    }
    for (auto& c : found) emit(std::move(c));
}

bool is_image(std::string_view b) {
    return b.substr(0, 4) == "\x89PNG" || b.substr(0, 3) == "\xFF\xD8\xFF" ||
           b.substr(0, 4) == "GIF8" || b.substr(0, 4) == "wOFF" || b.substr(0, 4) == "wOF2";
}

void Scan::emit(Candidate c) {
    if (c.bytes.empty() || is_image(c.bytes)) return;
    std::string sha = core::sha256_hex(c.bytes);
    if (!seen_blobs_.insert(sha).second) return;
    if (c.name.empty() && !download_names_.empty()) c.name = download_names_.front();
    if (c.name.empty()) c.name = "smuggled.bin";
    std::string desc = c.name + " (" + std::to_string(c.bytes.size()) + " bytes, " + c.how +
                       ", sha256 " + sha + ")";
    out_.fact("html.smuggled_file", ts::clean(desc, 1024));
    if (!smuggled_) out_.finding(kSmuggling, ts::clean(desc, 1024));
    smuggled_ = true;
    if (stop_children_ || children_ >= kMaxChildren || out_.entries_exhausted()) return;
    ++children_;
    if (!out_.child(ts::clean(c.name, 255), std::move(c.bytes))) stop_children_ = true;
}

// eval(atob('..')), unescape('%..'), document.write(unescape(..)), the p,a,c,k,e,d packer.
void Scan::obfuscation(std::string_view code, std::string_view lower, int depth) {
    auto literal_after = [&](std::size_t k) -> std::optional<std::string_view> {
        while (k < code.size() && core::is_space(code[k])) ++k;
        if (k >= code.size() || (code[k] != '"' && code[k] != '\'')) return std::nullopt;
        auto close = code.find(code[k], k + 1);
        if (close == std::string_view::npos) return std::nullopt;
        return code.substr(k + 1, close - k - 1);
    };
    auto report = [&](std::string_view how, const std::string& decoded) {
        out_.fact("html.decoded", ts::clean(decoded, kMaxDecodedFact));
        if (!obfuscated_)
            out_.finding(kObfuscatedScript, std::string(how) + ": " + ts::clean(decoded, 160));
        obfuscated_ = true;
        links_.scan(decoded);
        // What the decoded layer writes is itself a page (forms, more scripts).
        if (depth + 1 < kMaxDocumentDepth) document(decoded, depth + 1);
    };
    for (std::string_view wrapper : {"eval(", "function(", "document.write(", "settimeout("}) {
        for (auto pos = lower.find(wrapper); pos != std::string_view::npos;
             pos = lower.find(wrapper, pos + 1)) {
            std::size_t k = pos + wrapper.size();
            while (k < lower.size() && core::is_space(lower[k])) ++k;
            std::string_view inner = lower.substr(k, 24);
            std::size_t skip = 0;
            if (inner.substr(0, 7) == "window.") skip = 7;
            inner = inner.substr(skip);
            if (inner.substr(0, 5) == "atob(") {
                auto lit = literal_after(k + skip + 5);
                if (!lit || lit->size() < 8) continue;
                std::string decoded = ts::base64_decode(*lit, max_bytes());
                if (ts::mostly_printable(decoded)) report("atob", decoded);
            } else if (inner.substr(0, 9) == "unescape(" ||
                       inner.substr(0, 19) == "decodeuricomponent(") {
                std::size_t open = inner[0] == 'u' ? 9 : 19;
                auto lit = literal_after(k + skip + open);
                if (!lit || lit->size() < 8) continue;
                report("unescape", ts::percent_decode(*lit, max_bytes()));
            } else if (wrapper == "eval(" && inner.substr(0, 18) == "function(p,a,c,k,e") {
                if (!obfuscated_) out_.finding(kObfuscatedScript, "packed script (p,a,c,k,e,d)");
                obfuscated_ = true;
            }
        }
    }
    // A standalone unescape('%3C%73...') dense with escapes hides markup or code.
    for (auto pos = lower.find("unescape("); pos != std::string_view::npos;
         pos = lower.find("unescape(", pos + 1)) {
        auto lit = literal_after(pos + 9);
        if (!lit || lit->size() < 48) continue;
        std::size_t escapes = 0;
        for (std::size_t i = 0; i + 2 < lit->size(); ++i)
            if ((*lit)[i] == '%' && core::hex_value((*lit)[i + 1]) >= 0) ++escapes;
        if (escapes * 3 * 2 >= lit->size()) {
            std::string decoded = ts::percent_decode(*lit, max_bytes());
            if (!obfuscated_ || depth == 0) {
                out_.fact("html.decoded", ts::clean(decoded, kMaxDecodedFact));
                if (!obfuscated_)
                    out_.finding(kObfuscatedScript, "unescape: " + ts::clean(decoded, 160));
                obfuscated_ = true;
                links_.scan(decoded);
            }
        }
    }
}

void Scan::finish() {
    if (scripts_ > 0) out_.fact("html.script", std::to_string(scripts_));
    for (const auto& u : links_.urls()) out_.fact("html.link", u);
    std::string evidence;
    for (const auto& f : forms_) {
        if (!f.password) continue;
        out_.fact("html.form_password",
                  ts::clean(f.action.empty() ? "(no action)" : f.action, 2048));
        if (evidence.empty() && is_absolute_web_url(f.action)) evidence = f.action;
    }
    bool any_password = orphan_password_ || std::any_of(forms_.begin(), forms_.end(),
                                                        [](const Form& f) { return f.password; });
    if (evidence.empty() && any_password && !post_targets_.empty())
        evidence = post_targets_.front();
    if (!evidence.empty()) out_.finding(kCredentialForm, ts::clean(evidence, 2048));
}

}  // namespace

bool HtmlAnalyzer::sniff(std::string_view bytes) const {
    std::string head_text = ts::to_utf8_text(bytes.substr(0, 2048), 2048);
    std::string_view s = skip_bom(head_text);
    // Skip whitespace, comments, an XML declaration.
    for (int guard = 0; guard < 16; ++guard) {
        while (!s.empty() && core::is_space(s.front())) s.remove_prefix(1);
        if (s.substr(0, 4) == "<!--") {
            auto end = s.find("-->");
            if (end == std::string_view::npos) return false;
            s.remove_prefix(end + 3);
        } else if (s.substr(0, 2) == "<?") {
            auto end = s.find("?>");
            if (end == std::string_view::npos) return false;
            s.remove_prefix(end + 2);
        } else {
            break;
        }
    }
    if (!s.empty() && s.front() == '<') {
        std::string name = tag_name_at(s);
        if (name == "!doctype")
            return core::ifind(s.substr(0, 32), "html") != std::string_view::npos;
        if (is_html_tag_name(name)) return true;
    }
    // Some text first ("Your attachment has been downloaded"), then a page: the first tag in
    // the first KB is an HTML one and the text before it does not look like code.
    std::string_view head = std::string_view(head_text).substr(0, 1024);
    auto lt = head.find('<');
    if (lt == std::string_view::npos) return false;
    std::string_view before = head.substr(0, lt);
    if (before.find_first_of("(){};=\"'\\$%#`") != std::string_view::npos) return false;
    for (char c : before)
        if (static_cast<unsigned char>(c) < 0x20 && !core::is_space(c)) return false;
    std::string name = tag_name_at(head.substr(lt));
    return name == "html" || name == "body" || name == "head" ||
           (name == "!doctype" &&
            core::ifind(head.substr(lt, 32), "html") != std::string_view::npos);
}

void HtmlAnalyzer::analyze(const Input& in, Output& out) const {
    out.set_type("html");
    std::string text = ts::to_utf8_text(in.bytes, out.context().limits().max_artifact_bytes);
    Scan scan(out);
    scan.document(skip_bom(text), 0);
    scan.finish();
}

}  // namespace kagami::analyzers
