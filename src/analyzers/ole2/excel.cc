// SPDX-License-Identifier: Apache-2.0
// Excel binary workbooks (MS-XLS, BIFF8; BIFF5 'Book' streams too): the globals
// substream lists the sheets (BOUNDSHEET: an Excel 4.0 macro sheet is XLM code), the
// defined names (a built-in Auto_Open runs at open) and FILEPASS when encrypted.
#include "analyzers/ole2/detail.h"
#include "analyzers/ole2/text.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers::ole2::detail {
namespace {

constexpr FindingKind kXlmMacro{
    "ole2.xls.xlm_macro",
    "The workbook holds an Excel 4.0 (XLM) macro sheet, a way to run code without VBA", "T1059"};
constexpr FindingKind kAutoOpen{"ole2.xls.auto_open",
                                "The workbook defines Auto_Open, which runs a macro when opened",
                                "T1204.002"};

constexpr std::uint16_t kBof = 0x0809;
constexpr std::uint16_t kEof = 0x000A;
constexpr std::uint16_t kFilePass = 0x002F;
constexpr std::uint16_t kBoundSheet = 0x0085;
constexpr std::uint16_t kName = 0x0018;
constexpr std::size_t kMaxSheetFacts = 256;

std::string_view sheet_kind(std::uint8_t dt) {
    switch (dt) {
        case 0:
            return "worksheet";
        case 1:
            return "macro sheet";
        case 2:
            return "chart";
        case 6:
            return "VBA module";
        default:
            return "unknown";
    }
}

std::string_view visibility(std::uint8_t state) {
    switch (state & 3) {
        case 0:
            return "visible";
        case 1:
            return "hidden";
        case 2:
            return "very hidden";
        default:
            return "unknown";
    }
}

// ShortXLUnicodeString (BIFF8) or an 8-bit counted string (BIFF5) at `r`.
std::string read_sheet_name(core::ByteReader& r, bool biff8) {
    auto cch = r.u8();
    if (!cch) return "";
    bool wide = false;
    if (biff8) {
        auto high = r.u8();
        if (!high) return "";
        wide = (*high & 1) != 0;
    }
    auto chars = r.bytes(wide ? std::uint64_t{*cch} * 2 : *cch);
    if (!chars) return "";
    return wide ? core::utf16_to_utf8(*chars, {.stop_at_nul = true}) : cp1252_to_utf8(*chars);
}

}  // namespace

void analyze_excel(cfb::CompoundFile& file, int workbook, Output& out) {
    if (workbook < 0) return;
    bool biff5 = core::iequals(file.entries()[static_cast<std::size_t>(workbook)].name, "Book");
    auto wb = file.read(workbook, read_cap(out));
    if (!wb) return;
    core::ByteReader r(*wb);
    bool first = true;
    std::size_t sheets = 0;
    bool macro_sheet = false;
    bool auto_open = false;
    while (r.remaining() >= 4) {
        if (out.context().out_of_time()) return;
        auto type = *r.u16();
        auto len = *r.u16();
        auto data = r.bytes(len);
        if (!data) {
            out.violation("Workbook record of type " + std::to_string(type) +
                          " runs past the stream");
            return;
        }
        if (first) {
            first = false;
            if (type != kBof && type != 0x0409 && type != 0x0209) {
                out.violation("Workbook stream does not start with a BOF record");
                return;
            }
            auto version = core::le_at<std::uint16_t>(*data, 0);
            if (version && *version == 0x0500) biff5 = true;
            continue;
        }
        core::ByteReader d(*data);
        if (type == kEof) break;  // end of the globals substream
        if (type == kFilePass) {
            std::string scheme = "xor";
            auto kind = d.u16();
            if (!biff5 && kind && *kind == 1) {
                auto major = d.u16();
                scheme = (major && *major == 1) ? "rc4" : "rc4-cryptoapi";
            }
            out.fact("ole2.encryption", scheme);
            out.finding(kEncrypted, "Excel FILEPASS record, " + scheme);
            return;  // the records after FILEPASS are encrypted
        }
        if (type == kBoundSheet) {
            d.skip(4);  // lbPlyPos
            auto state = d.u8();
            auto dt = d.u8();
            if (!state || !dt) continue;
            std::string name = fact_value(read_sheet_name(d, !biff5), 256);
            std::string desc = name + " (" + std::string(sheet_kind(*dt)) + ", " +
                               std::string(visibility(*state)) + ")";
            if (++sheets <= kMaxSheetFacts) out.fact("ole2.xls.sheet", desc);
            if ((*state & 3) == 2) out.fact("ole2.xls.very_hidden", name);
            if (*dt == 1) {
                out.fact("ole2.xls.macro_sheet", desc);
                if (!macro_sheet) out.finding(kXlmMacro, desc);
                macro_sheet = true;
            }
            continue;
        }
        if (type == kName) {
            auto flags = d.u16();
            d.skip(1);  // chKey
            auto cch = d.u8();
            if (!flags || !cch || !d.skip(10)) continue;
            bool wide = false;
            if (!biff5) {
                auto high = d.u8();
                if (!high) continue;
                wide = (*high & 1) != 0;
            }
            auto chars = d.bytes(wide ? std::uint64_t{*cch} * 2 : *cch);
            if (!chars || chars->empty()) continue;
            bool builtin = (*flags & 0x0020) != 0;
            std::string name =
                wide ? core::utf16_to_utf8(*chars, {.stop_at_nul = true}) : cp1252_to_utf8(*chars);
            // Built-in name 0x01 is Auto_Open; some writers spell it out instead.
            bool is_auto_open = builtin ? (static_cast<unsigned char>((*chars)[0]) == 0x01)
                                        : core::istarts_with(name, "auto_open");
            if (is_auto_open && !auto_open) {
                auto_open = true;
                out.fact("ole2.xls.auto_open",
                         builtin ? "Auto_Open (built-in name)" : fact_value(name));
                out.finding(kAutoOpen, builtin ? "built-in name Auto_Open" : fact_value(name));
            }
        }
    }
}

}  // namespace kagami::analyzers::ole2::detail
