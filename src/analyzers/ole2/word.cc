// SPDX-License-Identifier: Apache-2.0
// Word binary documents (MS-DOC): the FIB at the start of the WordDocument stream
// says whether the document is encrypted and which table stream holds SttbfAssoc,
// whose second string is the attached template (the .doc form of template injection).
#include <algorithm>

#include "analyzers/ole2/detail.h"
#include "analyzers/ole2/text.h"
#include "core/byte_reader.h"
#include "core/text.h"

namespace kagami::analyzers::ole2::detail {
namespace {

constexpr FindingKind kRemoteTemplate{
    "ole2.doc.remote_template",
    "The Word document attaches a template from a remote location (template injection)", "T1221"};

constexpr std::uint16_t kFibIdent = 0xA5EC;
constexpr std::uint16_t kEncryptedFlag = 0x0100;
constexpr std::uint16_t kWhichTableFlag = 0x0200;
constexpr std::uint16_t kObfuscatedFlag = 0x8000;
// FibRgFcLcb97 pairs: fcSttbfAssoc/lcbSttbfAssoc is pair 32 (after fcDop).
constexpr std::size_t kSttbfAssocPair = 32;
constexpr std::size_t kIbstAssocDot = 1;

// Strings of an extended STTB (MS-DOC 2.2.4: fExtend 0xFFFF, UTF-16 strings).
std::vector<std::string> read_sttb(std::string_view bytes, std::size_t want) {
    std::vector<std::string> out;
    core::ByteReader r(bytes);
    auto extend = r.u16();
    auto count = r.u16();
    auto extra = r.u16();
    if (!extend || *extend != 0xFFFF || !count || !extra) return out;
    for (std::size_t i = 0; i < *count && out.size() < want; ++i) {
        auto cch = r.u16();
        if (!cch) break;
        auto chars = r.bytes(std::uint64_t{*cch} * 2);
        if (!chars) break;
        out.push_back(core::utf16_to_utf8(*chars, {.stop_at_nul = true}));
        if (!r.skip(*extra)) break;
    }
    return out;
}

}  // namespace

/// True when a template path points off the machine: UNC, WebDAV or a URL.
bool is_remote_template(std::string_view path) {
    path = core::trim(path);
    if (path.substr(0, 2) == "\\\\" || path.substr(0, 2) == "//") return true;
    if (core::istarts_with(path, "http://") || core::istarts_with(path, "https://") ||
        core::istarts_with(path, "ftp://") || core::istarts_with(path, "webdav://"))
        return true;
    // file://host/share (not file:///C:/...).
    if (core::istarts_with(path, "file://") && !core::istarts_with(path, "file:///")) return true;
    return core::ifind(path, "@SSL\\") != std::string_view::npos ||
           core::ifind(path, "DavWWWRoot") != std::string_view::npos;
}

void analyze_word(cfb::CompoundFile& file, Output& out) {
    int wd = file.child(0, "WordDocument");
    // The FIB with every FibRgFcLcb version fits in the first few KB.
    auto doc = file.read(wd, std::min<std::size_t>(read_cap(out), 4096));
    if (!doc) return;
    core::ByteReader r(*doc);
    auto ident = r.u16();
    if (!ident || *ident != kFibIdent) {
        out.violation("WordDocument stream does not start with a FIB");
        return;
    }
    auto flags = core::le_at<std::uint16_t>(*doc, 10);
    if (!flags) {
        out.violation("FIB truncated");
        return;
    }
    std::string table_name = (*flags & kWhichTableFlag) ? "1Table" : "0Table";
    int table = file.child(0, table_name);

    if (*flags & kEncryptedFlag) {
        std::string scheme = "unknown";
        if (*flags & kObfuscatedFlag) {
            scheme = "xor";
        } else if (auto head = file.read(table, 4); head && head->size() == 4) {
            // MS-OFFCRYPTO 2.3.6.1 / 2.3.5.1: version 1.1 is RC4, x.2 is RC4 CryptoAPI.
            auto major = *core::le_at<std::uint16_t>(*head, 0);
            auto minor = *core::le_at<std::uint16_t>(*head, 2);
            if (major == 1 && minor == 1)
                scheme = "rc4";
            else if (minor == 2)
                scheme = "rc4-cryptoapi";
        }
        out.fact("ole2.encryption", scheme);
        out.finding(kEncrypted, "Word FIB fEncrypted, " + scheme);
        return;  // the table stream is encrypted: nothing more to read
    }

    r.seek(32);
    auto csw = r.u16();
    if (!csw || !r.skip(std::uint64_t{*csw} * 2)) return;
    auto cslw = r.u16();
    if (!cslw || !r.skip(std::uint64_t{*cslw} * 4)) return;
    auto pairs = r.u16();
    if (!pairs || *pairs <= kSttbfAssocPair) return;
    if (!r.skip(kSttbfAssocPair * 8)) return;
    auto fc = r.u32();
    auto lcb = r.u32();
    if (!fc || !lcb || *lcb == 0) return;
    if (table < 0) {
        out.violation("FIB names table stream " + table_name + ", which is missing");
        return;
    }
    auto table_bytes = file.read(table, read_cap(out));
    if (!table_bytes) return;
    core::ByteReader t(*table_bytes);
    auto sttb = t.bytes_at(*fc, *lcb);
    if (!sttb) {
        out.violation("SttbfAssoc lies outside the table stream");
        return;
    }
    auto strings = read_sttb(*sttb, kIbstAssocDot + 1);
    if (strings.size() <= kIbstAssocDot) return;
    std::string tmpl(core::trim(strings[kIbstAssocDot]));
    if (tmpl.empty()) return;
    std::string value = fact_value(tmpl, 2048);
    out.fact("ole2.doc.template", value);
    if (is_remote_template(tmpl)) out.finding(kRemoteTemplate, value);
}

}  // namespace kagami::analyzers::ole2::detail
