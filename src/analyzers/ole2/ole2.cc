// SPDX-License-Identifier: Apache-2.0
// The OLE2 analyzer: opens the compound file with our own reader (cfb.h), names the
// document type by its streams, and looks at what sits inside any compound file:
// OLE1 packages, embedded OOXML packages, Equation Editor objects, VBA projects and
// Office encryption. Format-specific parts are in word.cc, excel.cc, ppt.cc, msg.cc.
#include "analyzers/ole2/ole2.h"

#include <algorithm>
#include <array>

#include "analyzers/ole2/cfb.h"
#include "analyzers/ole2/detail.h"
#include "analyzers/ole2/text.h"
#include "analyzers/ole2/vba.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace ole2::detail {

const FindingKind kEncrypted{"ole2.encrypted",
                             "The Office document is encrypted, so its content cannot be scanned",
                             "T1027"};
const FindingKind kEntriesLimit{
    "limit.ole2.entries",
    "The compound file holds more entries than the limit allows; the rest was not analysed",
    "T1027"};

bool give_child(Output& out, std::string name, std::string bytes) {
    if (out.entries_exhausted()) {
        bool reported = std::any_of(out.findings().begin(), out.findings().end(),
                                    [](const Finding& f) { return f.id == kEntriesLimit.id; });
        if (!reported)
            out.finding(kEntriesLimit, "children: " + std::to_string(out.children().size()));
        return false;
    }
    return out.child(std::move(name), std::move(bytes));
}

std::size_t read_cap(Output& out) {
    return out.context().bytes_left();
}

const FindingKind kBytesLimit{
    "limit.ole2.bytes",
    "An embedded file is larger than the unpacked-bytes limit allows; it was not extracted",
    "T1027"};

bool fits_budget(Output& out, std::uint64_t size, std::string_view what) {
    if (size <= read_cap(out)) return true;
    bool reported = std::any_of(out.findings().begin(), out.findings().end(),
                                [](const Finding& f) { return f.id == kBytesLimit.id; });
    if (!reported)
        out.finding(kBytesLimit, std::string(what) + ": " + std::to_string(size) + " bytes");
    return false;
}

}  // namespace ole2::detail

namespace {

using ole2::fact_value;
using namespace ole2::detail;

constexpr FindingKind kEquationEditor{
    "ole2.equation_editor",
    "The document embeds an Equation Editor object, the vector of CVE-2017-11882 and "
    "CVE-2018-0802",
    "T1203"};
constexpr FindingKind kPackageExecutable{
    "ole2.package.executable",
    "The document embeds a file that runs when opened (OLE Package with an executable or "
    "script name)",
    "T1204.002"};

constexpr std::string_view kEquationClsids[] = {"{0002CE02-0000-0000-C000-000000000046}",
                                                "{0002CE03-0000-0000-C000-000000000046}"};

struct KnownClsid {
    std::string_view clsid;
    std::string_view name;
};
constexpr KnownClsid kKnownClsids[] = {
    {"{00020906-0000-0000-C000-000000000046}", "Word.Document.8"},
    {"{00020900-0000-0000-C000-000000000046}", "Word.Document.6"},
    {"{00020820-0000-0000-C000-000000000046}", "Excel.Sheet.8"},
    {"{00020810-0000-0000-C000-000000000046}", "Excel.Sheet.5"},
    {"{64818D10-4F9B-11CF-86EA-00AA00B929E8}", "PowerPoint.Show.8"},
    {"{0003000C-0000-0000-C000-000000000046}", "Package"},
    {"{0002CE02-0000-0000-C000-000000000046}", "Equation.3"},
    {"{0002CE03-0000-0000-C000-000000000046}", "Equation.3"},
    {"{00020D0B-0000-0000-C000-000000000046}", "Outlook.Message"},
    {"{000C1084-0000-0000-C000-000000000046}", "Msi.Package"},
    {"{000C1086-0000-0000-C000-000000000046}", "Msi.Patch"},
    {"{000C1082-0000-0000-C000-000000000046}", "Msi.Transform"},
    {"{F4754C9B-64F5-4B40-8AF4-679732AC0607}", "Word.Document.12"},
    {"{00020830-0000-0000-C000-000000000046}", "Excel.Sheet.12"},
    {"{00020832-0000-0000-C000-000000000046}", "Excel.SheetMacroEnabled.12"},
    {"{CF4F55F4-8F87-4D47-80BB-5808164BB3F8}", "PowerPoint.Show.12"},
};

std::string_view clsid_name(std::string_view clsid) {
    for (const auto& k : kKnownClsids)
        if (k.clsid == clsid) return k.name;
    return {};
}

// Extensions that run when an embedded package is double-clicked.
bool runs_when_opened(std::string_view name) {
    static constexpr std::string_view kExt[] = {
        ".exe", ".scr", ".com", ".pif", ".bat", ".cmd", ".lnk", ".js",         ".jse", ".vbs",
        ".vbe", ".wsf", ".wsh", ".hta", ".ps1", ".cpl", ".dll", ".msi",        ".jar", ".chm",
        ".url", ".iso", ".img", ".vhd", ".reg", ".inf", ".sct", ".application"};
    for (auto ext : kExt)
        if (name.size() >= ext.size() && core::iequals(name.substr(name.size() - ext.size()), ext))
            return true;
    return false;
}

// An OLE1 Package object (the \x01Ole10Native stream): label, source path, temp path,
// then the file itself. Layout as documented by oletools' oleobj and MS-OLEDS 2.3.
struct Package {
    std::string label;
    std::string source;
    std::string temp;
    std::string_view data;
};

std::string read_cstring(core::ByteReader& r, std::size_t max) {
    std::string out;
    while (out.size() < max) {
        auto c = r.u8();
        if (!c || *c == 0) break;
        out += static_cast<char>(*c);
    }
    return ole2::cp1252_to_utf8(out);
}

std::optional<Package> parse_package(std::string_view native) {
    core::ByteReader r(native);
    auto total = r.u32();
    auto kind = r.u16();
    if (!total || !kind) return std::nullopt;
    Package p;
    p.label = read_cstring(r, 260);
    p.source = read_cstring(r, 1024);
    auto unknown = r.u32();  // two 16-bit fields, 0 and 3 in every sample
    auto temp_len = r.u32();
    if (!unknown || !temp_len || *temp_len > r.remaining()) return std::nullopt;
    auto temp = r.bytes(*temp_len);
    p.temp = ole2::cp1252_to_utf8(*temp);
    auto size = r.u32();
    if (!size) return std::nullopt;
    // A stream cut by the read limit (or by its writer) keeps the data it has.
    p.data = *r.bytes(std::min<std::uint64_t>(*size, r.remaining()));
    // Newer writers append UTF-16 copies (temp path, label, source path), each with a
    // character count; they hold the real names where the ANSI ones show '?'.
    std::string wide[3];
    for (auto& w : wide) {
        auto cch = r.u32();
        if (!cch || *cch > r.remaining() / 2) return p;
        w = core::utf16_to_utf8(*r.bytes(std::uint64_t{*cch} * 2), {.stop_at_nul = true});
    }
    if (!wide[1].empty()) p.label = wide[1];
    if (!wide[2].empty()) p.source = wide[2];
    if (!wide[0].empty()) p.temp = wide[0];
    return p;
}

// Looks at everything embedded anywhere in `f`. `prefix` names where `f` sits when it
// is itself embedded ("PowerPoint Document/ExOleObjStg 1/"). Returns true when it
// found something it understands (package, OOXML package, VBA project).
bool walk_embedded(cfb::CompoundFile& f, Output& out, std::string_view prefix) {
    bool found = false;
    bool stop_children = false;
    bool equation_reported = false;
    const auto count = f.entries().size();
    for (std::size_t i = 0; i < count; ++i) {
        if (out.context().out_of_time()) break;
        const cfb::Entry& e = f.entries()[i];
        int index = static_cast<int>(i);
        std::string where = std::string(prefix) + fact_value(e.path, 512);

        std::string clsid = cfb::clsid_string(e.clsid);
        bool equation_clsid = std::find(std::begin(kEquationClsids), std::end(kEquationClsids),
                                        clsid) != std::end(kEquationClsids);
        if (!equation_reported &&
            (equation_clsid || (e.is_stream() && e.name == "Equation Native"))) {
            equation_reported = true;
            out.fact("ole2.equation", where);
            out.finding(kEquationEditor, where + (clsid.empty() ? "" : " " + clsid));
        }
        if (e.is_storage() && i != 0 && !clsid.empty()) {
            auto name = clsid_name(clsid);
            out.fact("ole2.embedded",
                     where + " " + clsid + (name.empty() ? "" : " " + std::string(name)));
        }

        if (e.is_stream() && e.name == "\x01Ole10Native") {
            // A package that cannot be extracted whole still names itself in its first bytes.
            bool whole = !stop_children && fits_budget(out, e.size, where);
            auto native = f.read(index, whole ? read_cap(out) : 65536);
            if (!native) continue;
            found = true;
            auto pkg = parse_package(*native);
            if (!pkg) {
                // Not a Package: an OLE1 object of another class; its data follows the size.
                if (whole && native->size() > 4)
                    stop_children = !give_child(out, "Ole10Native.bin", native->substr(4));
                continue;
            }
            std::string name = fact_value(pkg->label, 260);
            out.fact("ole2.package.name", name);
            if (!pkg->source.empty())
                out.fact("ole2.package.source_path", fact_value(pkg->source, 1024));
            if (!pkg->temp.empty()) out.fact("ole2.package.temp_path", fact_value(pkg->temp, 1024));
            if (runs_when_opened(pkg->label))
                out.finding(kPackageExecutable, name + " in " + where);
            if (whole) stop_children = !give_child(out, pkg->label, std::string(pkg->data));
        } else if (e.is_stream() && core::iequals(e.name, "Package") && e.parent > 0) {
            // An embedded OOXML document: the stream is the whole zip.
            auto head = f.read(index, 2);
            if (!head || *head != "PK" || stop_children || !fits_budget(out, e.size, where))
                continue;
            auto pkg = f.read(index, read_cap(out));
            if (!pkg) continue;
            found = true;
            out.fact("ole2.embedded_package", where);
            if (!stop_children) stop_children = !give_child(out, "Package", std::move(*pkg));
        } else if (e.is_storage() && core::iequals(e.name, "VBA")) {
            int dir = f.child(index, "dir");
            if (dir < 0 || !f.entries()[static_cast<std::size_t>(dir)].is_stream()) continue;
            found = true;
            out.fact("ole2.vba", where);
            int parent = e.parent;
            auto reader = [&f, index, parent,
                           &out](std::string_view name) -> std::optional<std::string> {
                int s = f.child(index, name);
                // PROJECT and PROJECTwm sit next to the VBA storage, not in it.
                if (s < 0) s = f.child(parent, name);
                if (s < 0) return std::nullopt;
                return f.read(s, read_cap(out));
            };
            auto project = vba::read_project(reader, read_cap(out));
            vba::report(project, out);
        }
    }
    return found;
}

std::string detect_type(const cfb::CompoundFile& f) {
    auto has = [&](std::string_view name) { return f.child(0, name) >= 0; };
    if (has("EncryptionInfo") && has("EncryptedPackage")) return "office-encrypted";
    if (has("WordDocument")) return "doc";
    if (has("Workbook") || has("Book")) return "xls";
    if (has("PowerPoint Document")) return "ppt";
    if (has("__properties_version1.0")) return "msg";
    for (int c : f.entries()[0].children)
        if (core::istarts_with(f.entries()[static_cast<std::size_t>(c)].name, "__substg1.0_"))
            return "msg";
    int vba = f.child(0, "VBA");
    if (vba >= 0 && f.entries()[static_cast<std::size_t>(vba)].is_storage() && has("PROJECT"))
        return "vba-project";
    auto name = clsid_name(cfb::clsid_string(f.entries()[0].clsid));
    if (core::istarts_with(name, "Msi.")) return "msi";
    return "ole2";
}

// An encrypted OOXML file in a compound file (MS-OFFCRYPTO 2.3.4): EncryptionInfo's
// version says which scheme.
void report_offcrypto(cfb::CompoundFile& f, Output& out) {
    auto info = f.read("EncryptionInfo", 8);
    std::string scheme = "unknown";
    if (info && info->size() >= 4) {
        auto major = *core::le_at<std::uint16_t>(*info, 0);
        auto minor = *core::le_at<std::uint16_t>(*info, 2);
        if (minor == 4 && major == 4)
            scheme = "agile";
        else if (minor == 2 && major >= 2 && major <= 4)
            scheme = "standard";
        else if (minor == 3 && (major == 3 || major == 4))
            scheme = "extensible";
        scheme += " (" + std::to_string(major) + "." + std::to_string(minor) + ")";
    }
    out.fact("ole2.encryption", scheme);
    out.finding(kEncrypted, "EncryptionInfo/EncryptedPackage: " + scheme);
}

void analyze_inner_cfb(std::string_view bytes, std::string_view label, Output& out);

}  // namespace

bool Ole2Analyzer::sniff(std::string_view bytes) const {
    return cfb::has_signature(bytes);
}

void Ole2Analyzer::analyze(const Input& in, Output& out) const {
    cfb::CompoundFile f(in.bytes, out.context().limits().max_archive_entries);
    if (!f.ok()) {
        for (const auto& e : f.errors()) out.violation(fact_value(e));
        return;
    }
    std::string type = f.entries().empty() ? "ole2" : detect_type(f);
    out.set_type(type);
    if (!f.entries().empty()) {
        std::string clsid = cfb::clsid_string(f.entries()[0].clsid);
        if (!clsid.empty()) {
            out.fact("ole2.clsid", clsid);
            auto name = clsid_name(clsid);
            if (!name.empty()) out.fact("ole2.clsid_name", std::string(name));
        }
    }
    // Stream list: enough for an analyst to see the layout, capped for huge files.
    constexpr std::size_t kMaxStreamFacts = 200;
    std::size_t streams = 0;
    for (const auto& e : f.entries()) {
        if (!e.is_stream()) continue;
        if (++streams <= kMaxStreamFacts)
            out.fact("ole2.stream",
                     fact_value(e.path, 512) + " (" + std::to_string(e.size) + " bytes)");
    }
    if (streams > kMaxStreamFacts) out.fact("ole2.stream_count", std::to_string(streams));
    if (f.entries_cut())
        out.finding(kEntriesLimit, "directory entries: " + std::to_string(f.entries().size()));

    if (type == "office-encrypted") report_offcrypto(f, out);
    walk_embedded(f, out, "");
    if (type == "doc") analyze_word(f, out);
    if (type == "xls") {
        int wb = f.child(0, "Workbook");
        if (wb < 0) wb = f.child(0, "Book");
        analyze_excel(f, wb, out);
    }
    if (type == "ppt") analyze_ppt(f, out, &analyze_inner_cfb);
    if (type == "msg") analyze_msg(f, out);

    for (const auto& e : f.errors()) out.violation(fact_value(e));
}

namespace {

// A compound file stored inside a PowerPoint record: its embedded objects and VBA are
// reported here; anything else (an embedded .doc or .xls) goes back as a child.
void analyze_inner_cfb(std::string_view bytes, std::string_view label, Output& out) {
    cfb::CompoundFile inner(bytes, out.context().limits().max_archive_entries);
    if (!inner.ok()) {
        for (const auto& e : inner.errors())
            out.violation(std::string(label) + ": " + fact_value(e));
        return;
    }
    std::string prefix = std::string(label) + "/";
    if (inner.entries_cut())
        out.finding(kEntriesLimit,
                    prefix + " directory entries: " + std::to_string(inner.entries().size()));
    bool found = walk_embedded(inner, out, prefix);
    if (!found) give_child(out, "oleObject.bin", std::string(bytes));
    for (const auto& e : inner.errors()) out.violation(prefix + fact_value(e));
}

}  // namespace
}  // namespace kagami::analyzers
