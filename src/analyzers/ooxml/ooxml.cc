// Office Open XML: a ZIP of XML parts (ECMA-376 part 2, Open Packaging Conventions),
// also the single-file Flat OPC form and Word/Excel 2003 XML. What matters for
// intrusions is what the package makes Office fetch or run: external relationships
// (remote template injection, linked OLE objects, frames), DDE fields and links,
// VBA projects, Excel 4 macro sheets and embedded OLE objects. The parts that can
// carry them are read; everything else is only counted.
#include "analyzers/ooxml/ooxml.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzers/archive/unpack.h"
#include "analyzers/ooxml/xml_scan.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

using ooxml_detail::attribute;
using ooxml_detail::decode_entities;
using ooxml_detail::XmlScanner;

constexpr FindingKind kRemoteTemplate{
    "ooxml.remote_template",
    "The document loads its template from a remote address when opened (template injection)",
    "T1221"};
constexpr FindingKind kExternalOle{
    "ooxml.external_ole",
    "The document links an OLE object from a remote address that Office fetches when opened",
    "T1221"};
constexpr FindingKind kExternalFrame{
    "ooxml.external_frame",
    "The document pulls in a remote frame, sub-document or file/UNC/MHTML target when opened",
    "T1221"};
constexpr FindingKind kDde{
    "ooxml.dde", "The document holds a DDE field or link that can start a program", "T1559.002"};
constexpr FindingKind kXlmMacro{"ooxml.xlm_macro",
                                "The workbook holds an Excel 4.0 (XLM) macro sheet", "T1059"};
constexpr FindingKind kLimitParts{"limit.ooxml.parts",
                                  "The package has more parts than the entry limit; the rest "
                                  "was not read",
                                  "T1027"};
constexpr FindingKind kLimitBytes{"limit.ooxml.bytes",
                                  "A part of the package was larger than the byte budget and "
                                  "was cut or skipped",
                                  "T1027.001"};

// Caps that keep one hostile document from flooding the report.
constexpr std::size_t kMaxFactsPerName = 200;
constexpr std::size_t kMaxViolations = 20;
constexpr std::size_t kMaxFieldCode = 4096;
constexpr std::size_t kMaxFieldNesting = 64;
constexpr std::size_t kMaxFactValue = 2048;

struct Part {
    std::string name;   ///< as stored, without a leading '/'
    std::string lower;  ///< lower-cased name: OPC part names are case-insensitive
    std::string data;
    bool kept = false;  ///< data was read (only parts we examine are kept)
};

std::string lower_name(std::string_view name) {
    while (!name.empty() && name.front() == '/') name.remove_prefix(1);
    return core::to_lower(name);
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view basename(std::string_view s) {
    auto slash = s.rfind('/');
    return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

// Valid UTF-8 without control characters, cut at `max` bytes on a character boundary.
std::string clean(std::string_view s, std::size_t max = kMaxFactValue) {
    std::string out = core::sanitize_utf8(s.substr(0, std::min(s.size(), max + 4)));
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (out.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out;
}

std::string base64_decode(std::string_view s, std::size_t max) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else if (c == '=')
            break;
        else
            continue;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out.size() >= max) break;
            out += char((acc >> bits) & 0xFF);
        }
    }
    return out;
}

// Where a relationship target points. Local paths (relative, "C:\", file:///C:)
// are how ordinary documents record their own template or linked files.
enum class Reach { Local, Remote, Unc, Mhtml };

Reach reach_of(std::string_view target) {
    std::string t = core::to_lower(core::trim(target));
    if (t.starts_with("\\\\") || t.starts_with("//")) return Reach::Unc;
    if (t.starts_with("mhtml:")) return Reach::Mhtml;
    if (t.starts_with("file:")) {
        std::string_view rest = std::string_view(t).substr(5);
        std::size_t slashes = 0;
        while (slashes < rest.size() && (rest[slashes] == '/' || rest[slashes] == '\\')) ++slashes;
        rest.remove_prefix(slashes);
        bool drive = rest.size() >= 2 && rest[1] == ':' && rest[0] >= 'a' && rest[0] <= 'z';
        if (drive) return Reach::Local;
        // file://host/share or file:////host/share: a network path.
        return slashes == 0 ? Reach::Local : Reach::Unc;
    }
    if (t.size() >= 2 && t[1] == ':' && t[0] >= 'a' && t[0] <= 'z') return Reach::Local;
    // Any other scheme (http, https, ftp, ms-..., search-ms) is fetched from elsewhere.
    auto colon = t.find(':');
    if (colon != std::string::npos && colon > 1) {
        bool scheme = true;
        for (std::size_t i = 0; i < colon; ++i) {
            char c = t[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
                  c == '.'))
                scheme = false;
        }
        if (scheme) return Reach::Remote;
    }
    return Reach::Local;
}

// Collects one finding per kind: the first evidence and how many more there were.
class FindingBatch {
public:
    void add(const FindingKind& kind, std::string evidence) {
        for (auto& e : entries_)
            if (e.kind == &kind) {
                ++e.more;
                return;
            }
        entries_.push_back({&kind, std::move(evidence), 0});
    }
    void emit(Output& out) {
        for (auto& e : entries_) {
            std::string ev = std::move(e.evidence);
            if (e.more > 0) ev += " (+" + std::to_string(e.more) + " more)";
            out.finding(*e.kind, std::move(ev));
        }
        entries_.clear();
    }

private:
    struct Entry {
        const FindingKind* kind;
        std::string evidence;
        std::size_t more;
    };
    std::vector<Entry> entries_;
};

// The analysis of one package, whatever its container.
class Package {
public:
    explicit Package(Output& out) : out_(out) {}

    void fact(const std::string& name, std::string value) {
        auto& n = fact_counts_[name];
        if (n++ >= kMaxFactsPerName) return;
        out_.fact(name, std::move(value));
    }
    void violation(std::string what) {
        if (violations_++ < kMaxViolations) out_.violation(std::move(what));
    }

    std::vector<Part> parts;
    std::unordered_map<std::string, std::string> defaults;   ///< extension -> content type
    std::unordered_map<std::string, std::string> overrides;  ///< lower part name -> type
    bool has_content_types = false;

    void read_content_types(std::string_view xml);
    std::string content_type_of(const std::string& lower) const;
    void classify();
    void relationships(const Part& rels);
    void word_fields(std::string_view xml);
    void excel_dde_xml(std::string_view xml);
    void excel_dde_bin(std::string_view bin);
    void excel2003_dde(std::string_view xml);
    void run();

    Output& out_;
    FindingBatch batch;

private:
    void dde(std::string code) {
        code = clean(core::trim(code));
        fact("ooxml.dde", code);
        batch.add(kDde, code);
    }

    std::unordered_map<std::string, std::size_t> fact_counts_;
    std::size_t violations_ = 0;
    bool children_stopped_ = false;
};

void Package::read_content_types(std::string_view xml) {
    has_content_types = true;
    XmlScanner scan(xml);
    while (auto tag = scan.next()) {
        if (out_.context().out_of_time()) return;
        if (tag->closing) continue;
        if (tag->local == "Default") {
            auto ext = attribute(tag->attrs, "Extension");
            auto ct = attribute(tag->attrs, "ContentType");
            if (ext && ct) defaults.emplace(core::to_lower(*ext), *ct);
        } else if (tag->local == "Override") {
            auto part = attribute(tag->attrs, "PartName");
            auto ct = attribute(tag->attrs, "ContentType");
            if (part && ct) overrides.emplace(lower_name(*part), *ct);
        }
    }
}

std::string Package::content_type_of(const std::string& lower) const {
    if (auto it = overrides.find(lower); it != overrides.end()) return it->second;
    auto dot = lower.rfind('.');
    if (dot != std::string::npos && lower.find('/', dot) == std::string::npos)
        if (auto it = defaults.find(lower.substr(dot + 1)); it != defaults.end()) return it->second;
    return {};
}

struct TypeName {
    const char* content_type;  ///< main part content type, without "+xml"
    const char* type;
};

constexpr TypeName kTypes[] = {
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main", "docx"},
    {"application/vnd.ms-word.document.macroenabled.main", "docm"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main", "dotx"},
    {"application/vnd.ms-word.template.macroenabledtemplate.main", "dotm"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main", "xlsx"},
    {"application/vnd.ms-excel.sheet.macroenabled.main", "xlsm"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main", "xltx"},
    {"application/vnd.ms-excel.template.macroenabled.main", "xltm"},
    {"application/vnd.ms-excel.sheet.binary.macroenabled.main", "xlsb"},
    {"application/vnd.ms-excel.addin.macroenabled.main", "xlam"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation.main", "pptx"},
    {"application/vnd.ms-powerpoint.presentation.macroenabled.main", "pptm"},
    {"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main", "ppsx"},
    {"application/vnd.ms-powerpoint.slideshow.macroenabled.main", "ppsm"},
    {"application/vnd.openxmlformats-officedocument.presentationml.template.main", "potx"},
    {"application/vnd.ms-powerpoint.template.macroenabled.main", "potm"},
    {"application/vnd.ms-package.xps-fixeddocumentsequence", "xps"},
    {"application/oxps", "xps"},
};

const char* type_of(std::string_view content_type) {
    std::string ct = core::to_lower(core::trim(content_type));
    if (ends_with(ct, "+xml")) ct.resize(ct.size() - 4);
    for (const auto& t : kTypes)
        if (ct == t.content_type) return t.type;
    return nullptr;
}

// Type from the package's main part (the officeDocument relationship of /_rels/.rels),
// or failing that from any main-part content type the package declares.
void Package::classify() {
    std::string main_ct;
    for (const auto& p : parts) {
        if (p.lower != "_rels/.rels" || !p.kept) continue;
        XmlScanner scan(p.data);
        while (auto tag = scan.next()) {
            if (tag->closing || tag->local != "Relationship") continue;
            auto type = attribute(tag->attrs, "Type");
            auto target = attribute(tag->attrs, "Target");
            if (!type || !target) continue;
            std::string t = core::to_lower(*type);
            if (ends_with(t, "/officedocument") || ends_with(t, "/fixedrepresentation")) {
                main_ct = content_type_of(lower_name(*target));
                if (!main_ct.empty()) break;
            }
        }
    }
    const char* type = main_ct.empty() ? nullptr : type_of(main_ct);
    if (!type) {
        for (const auto& [part, ct] : overrides)
            if (const char* t = type_of(ct)) {
                type = t;
                main_ct = ct;
                break;
            }
        if (!type)
            for (const auto& [ext, ct] : defaults)
                if (const char* t = type_of(ct)) {
                    type = t;
                    main_ct = ct;
                    break;
                }
    }
    out_.set_type(type ? type : "ooxml");
    if (!main_ct.empty()) fact("ooxml.content_type", clean(main_ct));
}

void Package::relationships(const Part& rels) {
    bool settings = ends_with(rels.lower, "settings.xml.rels");
    XmlScanner scan(rels.data);
    while (auto tag = scan.next()) {
        if (out_.context().out_of_time()) return;
        if (tag->closing || tag->local != "Relationship") continue;
        auto mode = attribute(tag->attrs, "TargetMode");
        if (!mode || !core::iequals(core::trim(*mode), "External")) continue;
        std::string type = attribute(tag->attrs, "Type").value_or("");
        std::string target = attribute(tag->attrs, "Target").value_or("");
        std::string short_type(basename(type));
        std::string shown = clean(short_type) + " -> " + clean(target);
        fact("ooxml.external", shown);
        Reach reach = reach_of(target);
        std::string lower_type = core::to_lower(short_type);
        if (lower_type == "hyperlink") continue;  // links the reader may click: normal
        if (lower_type == "attachedtemplate" || (settings && reach != Reach::Local)) {
            if (reach != Reach::Local) batch.add(kRemoteTemplate, shown);
        } else if (lower_type == "oleobject") {
            if (reach != Reach::Local) batch.add(kExternalOle, shown);
        } else if (lower_type == "frame" || lower_type == "subdocument" || reach == Reach::Unc ||
                   reach == Reach::Mhtml) {
            batch.add(kExternalFrame, shown);
        }
    }
}

// A field code is DDE when its first word is DDE or DDEAUTO (Word ignores case,
// leading blanks and quotes around the word).
bool is_dde_code(std::string_view code) {
    std::size_t i = 0;
    while (i < code.size() && (core::is_space(code[i]) || code[i] == '"' || code[i] == '\'')) ++i;
    std::string_view w = code.substr(i);
    std::size_t n = 0;
    while (n < w.size() && ((w[n] >= 'A' && w[n] <= 'Z') || (w[n] >= 'a' && w[n] <= 'z'))) ++n;
    std::string_view word = w.substr(0, n);
    return core::iequals(word, "DDE") || core::iequals(word, "DDEAUTO");
}

// Word fields: complex fields (fldChar begin / instrText... / separate / end, possibly
// nested and split over many runs) and simple fields (fldSimple w:instr).
void Package::word_fields(std::string_view xml) {
    struct Field {
        std::string code;
        bool done = false;
    };
    std::vector<Field> stack;
    std::size_t depth = 0;  // may exceed the stack when nesting is absurd
    auto finish = [&](Field& f) {
        if (!f.done && is_dde_code(f.code)) dde(f.code);
        f.done = true;
    };
    XmlScanner scan(xml);
    while (auto tag = scan.next()) {
        if (out_.context().out_of_time()) return;
        if (tag->local == "instrText") {
            bool opening = !tag->closing && !tag->empty;
            if (opening && depth > 0 && depth <= stack.size()) {
                auto& f = stack[depth - 1];
                if (!f.done && f.code.size() < kMaxFieldCode) f.code += decode_entities(tag->text);
            }
            continue;
        }
        if (tag->closing) continue;
        if (tag->local == "fldSimple") {
            if (auto instr = attribute(tag->attrs, "instr"); instr && is_dde_code(*instr))
                dde(*instr);
        } else if (tag->local == "fldChar") {
            std::string type = core::to_lower(attribute(tag->attrs, "fldCharType").value_or(""));
            if (type == "begin") {
                ++depth;
                if (stack.size() < kMaxFieldNesting && depth == stack.size() + 1)
                    stack.push_back({});
            } else if (type == "separate") {
                if (depth > 0 && depth <= stack.size()) finish(stack[depth - 1]);
            } else if (type == "end") {
                if (depth > 0) {
                    if (depth <= stack.size()) {
                        finish(stack[depth - 1]);
                        stack.pop_back();
                    }
                    --depth;
                }
            }
        }
    }
    for (auto& f : stack) finish(f);
}

void Package::excel_dde_xml(std::string_view xml) {
    XmlScanner scan(xml);
    while (auto tag = scan.next()) {
        if (out_.context().out_of_time()) return;
        if (tag->closing || tag->local != "ddeLink") continue;
        std::string service = attribute(tag->attrs, "ddeService").value_or("");
        std::string topic = attribute(tag->attrs, "ddeTopic").value_or("");
        dde(service + " " + topic);
    }
}

// BIFF12 (MS-XLSB): records of a 1-2 byte type and a 1-4 byte size, 7 bits a byte.
// BrtBeginSupBook (360) with sbt 1 names a DDE server and topic.
void Package::excel_dde_bin(std::string_view bin) {
    core::ByteReader r(bin);
    auto varint = [&](int max_bytes) -> std::optional<std::uint32_t> {
        std::uint32_t v = 0;
        for (int i = 0; i < max_bytes; ++i) {
            auto b = r.u8();
            if (!b) return std::nullopt;
            v |= std::uint32_t(*b & 0x7f) << (7 * i);
            if (!(*b & 0x80)) break;
        }
        return v;
    };
    while (!r.empty()) {
        auto type = varint(2);
        auto size = varint(4);
        if (!type || !size) return;
        auto body = r.bytes(*size);
        if (!body) return;
        if (*type != 360) continue;
        core::ByteReader b(*body);
        auto sbt = b.u16();
        if (!sbt || *sbt != 1) continue;
        auto wide = [&]() -> std::optional<std::string> {
            auto n = b.u32();
            if (!n) return std::nullopt;
            auto chars = b.bytes(std::uint64_t(*n) * 2);
            if (!chars) return std::nullopt;
            return core::utf16_to_utf8(*chars);
        };
        auto service = wide();
        auto topic = wide();
        if (service && topic) dde(*service + " " + *topic);
    }
}

// Excel 2003 XML: a DDE reference is a formula of the form =server|'topic'!item.
void Package::excel2003_dde(std::string_view xml) {
    XmlScanner scan(xml);
    while (auto tag = scan.next()) {
        if (out_.context().out_of_time()) return;
        if (tag->closing || tag->local != "Cell") continue;
        auto formula = attribute(tag->attrs, "Formula");
        if (!formula) continue;
        auto bar = formula->find('|');
        if (bar == std::string::npos || bar == 0) continue;
        std::size_t s = bar;
        while (s > 0) {
            char c = (*formula)[s - 1];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-'))
                break;
            --s;
        }
        if (s == bar) continue;
        std::string_view f(*formula);
        dde(std::string(f.substr(s)));
    }
}

bool wants_data(std::string_view lower) {
    if (lower == "[content_types].xml" || ends_with(lower, ".rels")) return true;
    if (lower.starts_with("word/") && ends_with(lower, ".xml")) return true;
    if (lower.starts_with("xl/externallinks/")) return true;
    if (ends_with(lower, "vbaproject.bin")) return true;
    if (lower.find("/embeddings/") != std::string_view::npos) return true;
    if (lower.find("/activex/") != std::string_view::npos && ends_with(lower, ".bin")) return true;
    return false;
}

// Word parts that can hold fields seen by the reader.
bool word_story(std::string_view lower) {
    if (!lower.starts_with("word/") || !ends_with(lower, ".xml")) return false;
    std::string_view base = basename(lower);
    for (std::string_view p :
         {"document", "header", "footer", "footnotes", "endnotes", "comments", "glossary"})
        if (base.starts_with(p)) return true;
    return lower.starts_with("word/glossary/");
}

void Package::run() {
    for (const auto& p : parts)
        if (p.kept && p.lower == "[content_types].xml") read_content_types(p.data);
    if (!has_content_types) violation("no [Content_Types].xml part");
    classify();

    std::vector<std::string> xlm;
    for (auto& p : parts) {
        if (out_.context().out_of_time()) break;
        const std::string& l = p.lower;
        if (l.starts_with("xl/macrosheets/") && l.find("/_rels/") == std::string::npos &&
            !basename(l).starts_with("binaryindex") &&
            (ends_with(l, ".xml") || ends_with(l, ".bin")))
            xlm.push_back(p.name);
        if (!p.kept) continue;
        if (ends_with(l, ".rels")) {
            relationships(p);
        } else if (word_story(l)) {
            word_fields(p.data);
        } else if (l.starts_with("xl/externallinks/") && l.find("/_rels/") == std::string::npos) {
            if (ends_with(l, ".bin"))
                excel_dde_bin(p.data);
            else
                excel_dde_xml(p.data);
        }
        std::string ct = core::to_lower(content_type_of(l));
        bool vba = ends_with(l, "vbaproject.bin") || ct == "application/vnd.ms-office.vbaproject";
        bool embedded =
            !vba && (l.find("/embeddings/") != std::string::npos ||
                     (l.find("/activex/") != std::string::npos && ends_with(l, ".bin")));
        if (!vba && !embedded) continue;
        fact(vba ? "ooxml.macros" : "ooxml.embedding", clean(p.name));
        if (p.data.empty() || children_stopped_) continue;
        if (out_.entries_exhausted()) {
            out_.finding(kLimitParts, "children: " + std::to_string(out_.children().size()));
            children_stopped_ = true;
            continue;
        }
        if (!out_.child(p.name, std::move(p.data))) children_stopped_ = true;
        p.data.clear();
    }
    for (const auto& name : xlm) fact("ooxml.xlm_macro", clean(name));
    if (!xlm.empty()) {
        std::string ev = clean(xlm.front());
        if (xlm.size() > 1) ev += " (+" + std::to_string(xlm.size() - 1) + " more)";
        out_.finding(kXlmMacro, ev);
    }
    batch.emit(out_);
}

std::string_view head(std::string_view b, std::size_t n) {
    return b.substr(0, std::min(n, b.size()));
}

bool is_xml_office(std::string_view bytes) {
    std::string_view h = head(bytes, 4096);
    std::size_t i = 0;
    if (h.starts_with("\xEF\xBB\xBF")) i = 3;
    while (i < h.size() && core::is_space(h[i])) ++i;
    if (h.substr(i, 5) != "<?xml") return false;
    if (h.find("<pkg:package") != std::string_view::npos) return true;
    auto mso = h.find("<?mso-application");
    if (mso == std::string_view::npos) return false;
    auto end = h.find("?>", mso);
    std::string_view pi = h.substr(mso, end == std::string_view::npos ? h.npos : end - mso);
    return core::ifind(pi, "Word.Document") != std::string_view::npos ||
           core::ifind(pi, "Excel.Sheet") != std::string_view::npos ||
           core::ifind(pi, "PowerPoint.Show") != std::string_view::npos;
}

// Flat OPC (pkg:package): every pkg:part carries its name, content type and either
// inline XML (pkg:xmlData) or base64 (pkg:binaryData). They become ordinary parts.
void read_flat_opc(std::string_view xml, Package& pkg, Output& out) {
    std::size_t pos = 0;
    std::size_t budget = out.context().bytes_left();
    std::size_t limit = out.context().limits().max_archive_entries;
    while (pos < xml.size()) {
        if (out.context().out_of_time()) return;
        auto start = xml.find("<pkg:part", pos);
        if (start == std::string_view::npos) return;
        auto gt = xml.find('>', start);
        if (gt == std::string_view::npos) return;
        auto end = xml.find("</pkg:part>", gt);
        if (end == std::string_view::npos) end = xml.size();
        pos = end;
        if (pkg.parts.size() >= limit) {
            out.finding(kLimitParts, "parts: " + std::to_string(pkg.parts.size()));
            return;
        }
        std::string_view attrs = xml.substr(start + 9, gt - start - 9);
        std::string_view body = xml.substr(gt + 1, end - gt - 1);
        Part p;
        p.name = attribute(attrs, "name").value_or("");
        while (!p.name.empty() && p.name.front() == '/') p.name.erase(0, 1);
        p.lower = lower_name(p.name);
        if (auto ct = attribute(attrs, "contentType")) pkg.overrides.emplace(p.lower, *ct);
        if (auto x = body.find("<pkg:xmlData>"); x != std::string_view::npos) {
            auto xe = body.find("</pkg:xmlData>", x);
            std::string_view inner =
                body.substr(x + 13, xe == std::string_view::npos ? body.npos : xe - x - 13);
            p.data.assign(head(inner, budget));
        } else if (auto b = body.find("<pkg:binaryData>"); b != std::string_view::npos) {
            auto be = body.find("</pkg:binaryData>", b);
            p.data = base64_decode(
                body.substr(b + 16, be == std::string_view::npos ? body.npos : be - b - 16),
                budget);
        }
        budget -= std::min(budget, p.data.size());
        p.kept = true;
        pkg.parts.push_back(std::move(p));
    }
}

void analyze_xml(const Input& in, Output& out) {
    Package pkg(out);
    std::string_view h = head(in.bytes, 4096);
    if (h.find("<pkg:package") != std::string_view::npos) {
        read_flat_opc(in.bytes, pkg, out);
        pkg.has_content_types = true;  // the content types are on the parts
        pkg.run();
        out.set_type("flat-opc");
        return;
    }
    if (core::ifind(h, "Excel.Sheet") != std::string_view::npos) {
        out.set_type("excel2003-xml");
        pkg.excel2003_dde(in.bytes);
    } else {
        out.set_type(core::ifind(h, "Word.Document") != std::string_view::npos ? "word2003-xml"
                                                                               : "office2003-xml");
        pkg.word_fields(in.bytes);
    }
    pkg.batch.emit(out);
}

bool is_zip_package(std::string_view bytes) {
    if (!bytes.starts_with(std::string_view("PK\x03\x04", 4))) return false;
    // The name sits in the first local headers or in the central directory at the end.
    constexpr std::size_t kWindow = 64 * 1024;
    constexpr std::string_view kName = "[Content_Types].xml";
    if (head(bytes, kWindow).find(kName) != std::string_view::npos) return true;
    if (bytes.size() > kWindow &&
        bytes.substr(bytes.size() - kWindow).find(kName) != std::string_view::npos)
        return true;
    return false;
}

}  // namespace

bool OoxmlAnalyzer::sniff(std::string_view bytes) const {
    return is_zip_package(bytes) || is_xml_office(bytes);
}

void OoxmlAnalyzer::analyze(const Input& in, Output& out) const {
    if (!in.bytes.starts_with(std::string_view("PK", 2)) && is_xml_office(in.bytes)) {
        analyze_xml(in, out);
        return;
    }
    Package pkg(out);
    Context& ctx = out.context();
    std::size_t budget = ctx.bytes_left();
    archive::UnpackOptions opt;
    opt.max_entries = ctx.limits().max_archive_entries;
    opt.max_entry_bytes = std::max<std::size_t>(budget, 1);
    opt.max_ratio = ctx.limits().max_compression_ratio;
    opt.stop = [&ctx] { return ctx.out_of_time(); };
    bool cut_reported = false;
    auto result = archive::unpack(in.bytes, opt, [&](archive::Entry& e) {
        if (e.directory) return true;
        Part p;
        p.name = e.name;
        while (!p.name.empty() && p.name.front() == '/') p.name.erase(0, 1);
        p.lower = lower_name(p.name);
        if (!e.error.empty()) pkg.violation(clean(p.name) + ": " + clean(e.error));
        if (wants_data(p.lower)) {
            if (e.truncated || e.data.size() > budget) {
                if (!cut_reported) {
                    out.finding(kLimitBytes, clean(p.name) + ": " + std::to_string(e.data.size()) +
                                                 " bytes read" +
                                                 (e.ratio_exceeded ? " (compression ratio)" : ""));
                    cut_reported = true;
                }
            }
            if (e.data.size() <= budget) {
                budget -= e.data.size();
                p.data = std::move(e.data);
                p.kept = true;
            }
        }
        pkg.parts.push_back(std::move(p));
        return true;
    });
    if (result.entries_exceeded)
        out.finding(kLimitParts, "parts: more than " + std::to_string(opt.max_entries));
    if (!result.error.empty()) pkg.violation("zip: " + clean(result.error));
    // libarchive reads a ZIP cut before its central directory from the local headers
    // without complaint; a missing end record still means the file was cut.
    constexpr std::size_t kEndWindow = 65535 + 22;
    std::string_view tail =
        in.bytes.size() > kEndWindow ? in.bytes.substr(in.bytes.size() - kEndWindow) : in.bytes;
    auto end_record = tail.rfind(std::string_view("PK\x05\x06", 4));
    if (result.error.empty() && (end_record == tail.npos || tail.size() - end_record < 22))
        pkg.violation("zip: no end of central directory record (truncated?)");
    out.fact("ooxml.parts", std::to_string(pkg.parts.size()));
    pkg.run();
}

}  // namespace kagami::analyzers
