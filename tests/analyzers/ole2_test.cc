// SPDX-License-Identifier: Apache-2.0
// Ole2Analyzer on compound files built by CfbBuilder: types, OLE packages, Equation
// Editor objects, Word templates, Excel XLM sheets, PowerPoint objects, Outlook .msg.
#include "analyzers/ole2/ole2.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/ole2/detail.h"
#include "core/hash.h"
#include "support/cfb_builder.h"
#include "support/ole2_support.h"

namespace kagami::analyzers {
namespace {

using test::CfbBuilder;
using test::Ole2Run;

std::string u16(std::string_view ascii) {
    std::string out;
    for (char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

std::string le16(unsigned v) {
    return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
}
std::string le32(std::uint32_t v) {
    return le16(v & 0xFFFF) + le16(v >> 16);
}

std::string ole10native(std::string_view label, std::string_view data) {
    std::string body =
        le16(2) + std::string(label) + '\0' + "C:\\src\\" + std::string(label) + '\0' +
        le32(0x00030000) +
        le32(static_cast<std::uint32_t>(std::string("C:\\tmp\\").size() + label.size() + 1)) +
        "C:\\tmp\\" + std::string(label) + '\0' + le32(static_cast<std::uint32_t>(data.size())) +
        std::string(data);
    return le32(static_cast<std::uint32_t>(body.size())) + body;
}

const std::string kWordClsid("\x06\x09\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46",
                             16);
const std::string kPackageClsid("\x0C\x00\x03\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46",
                                16);
const std::string kEquationClsid("\x02\xCE\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46",
                                 16);

// A WordDocument stream whose FIB points at an SttbfAssoc naming `tmpl` in 1Table.
void add_word(CfbBuilder& b, std::string_view tmpl, bool encrypted = false) {
    std::string sttb = le16(0xFFFF) + le16(18) + le16(0) + le16(0) +
                       le16(static_cast<unsigned>(tmpl.size())) + u16(tmpl);
    for (int i = 2; i < 18; ++i) sttb += le16(0);
    std::string table = std::string(100, '\0') + sttb;
    std::string fib(4096, '\0');
    fib.replace(0, 2, le16(0xA5EC));
    fib.replace(2, 2, le16(0x00C1));
    fib.replace(10, 2, le16(0x0200 | (encrypted ? 0x0100 : 0)));
    fib.replace(32, 2, le16(14));
    fib.replace(62, 2, le16(22));
    fib.replace(152, 2, le16(93));
    fib.replace(154 + 32 * 8, 4, le32(100));
    fib.replace(158 + 32 * 8, 4, le32(static_cast<std::uint32_t>(sttb.size())));
    b.add_stream(0, "WordDocument", fib);
    b.add_stream(0, "1Table", encrypted ? le16(1) + le16(1) + table : table);
}

TEST(Ole2Analyzer, SniffsTheSignatureOnly) {
    Ole2Analyzer a;
    EXPECT_TRUE(a.sniff(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)));
    EXPECT_FALSE(a.sniff(""));
    EXPECT_FALSE(a.sniff("text"));
    EXPECT_FALSE(a.sniff("PK\x03\x04"));
}

TEST(Ole2Analyzer, NamesTypesByTheirStreams) {
    struct Case {
        std::vector<std::string> streams;
        std::string type;
    };
    std::vector<Case> cases = {
        {{"Workbook"}, "xls"},
        {{"Book"}, "xls"},
        {{"PowerPoint Document"}, "ppt"},
        {{"__properties_version1.0"}, "msg"},
        {{"__substg1.0_0037001F"}, "msg"},
        {{"EncryptionInfo", "EncryptedPackage"}, "office-encrypted"},
        {{"Something"}, "ole2"},
    };
    for (const auto& c : cases) {
        CfbBuilder b;
        for (const auto& s : c.streams) b.add_stream(0, s, "");
        Ole2Run run(b.build());
        EXPECT_EQ(run.out.type(), c.type) << c.streams.front();
    }
    CfbBuilder vba;
    int v = vba.add_storage(0, "VBA");
    vba.add_stream(v, "dir", "x");
    vba.add_stream(0, "PROJECT", "ID=\"{}\"");
    Ole2Run run(vba.build());
    EXPECT_EQ(run.out.type(), "vba-project");
    EXPECT_TRUE(run.has_fact("ole2.vba", "VBA"));
}

TEST(Ole2Analyzer, ListsStreamsAndRootClsid) {
    CfbBuilder b;
    b.set_root_clsid(kWordClsid);
    add_word(b, "");
    Ole2Run run(b.build());
    EXPECT_EQ(run.out.type(), "doc");
    EXPECT_TRUE(run.has_fact("ole2.clsid", "{00020906-0000-0000-C000-000000000046}"));
    EXPECT_TRUE(run.has_fact("ole2.clsid_name", "Word.Document.8"));
    EXPECT_TRUE(run.has_fact("ole2.stream", "WordDocument (4096 bytes)"));
    EXPECT_TRUE(run.out.findings().empty()) << run.out.findings().front().id;
}

TEST(Ole2Analyzer, ExtractsOle10NativePackage) {
    CfbBuilder b;
    add_word(b, "");
    int pool = b.add_storage(0, "ObjectPool");
    int obj = b.add_storage(pool, "_1234", kPackageClsid);
    b.add_stream(obj, "\x01Ole10Native", ole10native("invoice.pdf.js", "WScript.Echo 1"));
    Ole2Run run(b.build());
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_EQ(run.out.children()[0].name, "invoice.pdf.js");
    EXPECT_EQ(run.out.children()[0].bytes, "WScript.Echo 1");
    EXPECT_TRUE(run.has_fact("ole2.package.name", "invoice.pdf.js"));
    EXPECT_TRUE(run.has_fact("ole2.package.source_path", "C:\\src\\invoice.pdf.js"));
    EXPECT_TRUE(run.has_fact("ole2.package.temp_path", "C:\\tmp\\invoice.pdf.js"));
    EXPECT_TRUE(run.has_finding("ole2.package.executable"));
}

TEST(Ole2Analyzer, HarmlessPackageIsQuiet) {
    CfbBuilder b;
    int obj = b.add_storage(0, "MBD0001", kPackageClsid);
    b.add_stream(obj, "\x01Ole10Native", ole10native("notes.txt", "hello"));
    Ole2Run run(b.build());
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_TRUE(run.out.findings().empty());
}

TEST(Ole2Analyzer, BrokenPackageStillYieldsData) {
    CfbBuilder b;
    b.add_stream(0, "\x01Ole10Native", le32(10) + "rawobject!");
    Ole2Run run(b.build());
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_EQ(run.out.children()[0].bytes, "rawobject!");
}

TEST(Ole2Analyzer, StopsChildrenAtEntryLimit) {
    CfbBuilder b;
    for (int i = 0; i < 6; ++i) {
        int obj = b.add_storage(0, "MBD" + std::to_string(i), kPackageClsid);
        b.add_stream(obj, "\x01Ole10Native", ole10native("f.txt", "x"));
    }
    Limits limits;
    limits.max_archive_entries = 3;
    Ole2Run run(b.build(), limits);
    // The same limit bounds directory entries and children: both stop, one finding.
    EXPECT_LE(run.out.children().size(), 3u);
    EXPECT_EQ(run.count_findings("limit.ole2.entries"), 1u);
}

TEST(Ole2Analyzer, KeepsPackageNamesWhenTheByteBudgetIsSpent) {
    CfbBuilder b;
    for (int i = 0; i < 3; ++i) {
        int obj = b.add_storage(0, "MBD" + std::to_string(i), kPackageClsid);
        b.add_stream(obj, "\x01Ole10Native",
                     ole10native("f" + std::to_string(i) + ".txt", std::string(5000, 'p')));
    }
    Limits limits;
    limits.max_total_unpacked_bytes = 7000;
    Ole2Run run(b.build(), limits);
    // The first fits; the others would be cut, so they are named but not extracted.
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_EQ(run.out.children()[0].bytes.size(), 5000u);
    EXPECT_EQ(run.count_findings("limit.ole2.bytes"), 1u);
    EXPECT_TRUE(run.has_fact("ole2.package.name", "f2.txt"));
}

TEST(Ole2Analyzer, FlagsEquationEditorByClsidAndStream) {
    {
        CfbBuilder b;
        int pool = b.add_storage(0, "ObjectPool");
        int obj = b.add_storage(pool, "_1", kEquationClsid);
        b.add_stream(obj, "Equation Native", std::string(40, 'e'));
        Ole2Run run(b.build());
        EXPECT_EQ(run.count_findings("ole2.equation_editor"), 1u);
    }
    {
        CfbBuilder b;
        b.set_root_clsid(kEquationClsid);
        Ole2Run run(b.build());
        EXPECT_TRUE(run.has_finding("ole2.equation_editor"));
    }
}

TEST(Ole2Analyzer, EmbeddedOoxmlPackageBecomesChild) {
    CfbBuilder b;
    int pool = b.add_storage(0, "ObjectPool");
    int obj = b.add_storage(pool, "_9", kWordClsid);
    b.add_stream(obj, "Package", std::string("PK\x03\x04", 4) + std::string(100, 'z'));
    Ole2Run run(b.build());
    ASSERT_EQ(run.out.children().size(), 1u);
    EXPECT_EQ(run.out.children()[0].name, "Package");
    EXPECT_TRUE(run.has_fact("ole2.embedded_package", "ObjectPool/_9/Package"));
}

TEST(Ole2Analyzer, ReportsRemoteWordTemplate) {
    for (std::string_view tmpl :
         {"\\\\198.51.100.7\\share\\t.dotm", "https://example.invalid/t.dotm",
          "http://example.invalid/t.dotm", "\\\\host@SSL\\DavWWWRoot\\t.dotm"}) {
        CfbBuilder b;
        add_word(b, tmpl);
        Ole2Run run(b.build());
        EXPECT_TRUE(run.has_fact("ole2.doc.template", std::string(tmpl))) << tmpl;
        EXPECT_TRUE(run.has_finding("ole2.doc.remote_template")) << tmpl;
    }
}

TEST(Ole2Analyzer, LocalWordTemplateIsQuiet) {
    for (std::string_view tmpl :
         {"Normal.dotm", "C:\\Users\\taro\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm"}) {
        CfbBuilder b;
        add_word(b, tmpl);
        Ole2Run run(b.build());
        EXPECT_TRUE(run.has_fact("ole2.doc.template", std::string(tmpl)));
        EXPECT_TRUE(run.out.findings().empty()) << tmpl;
    }
}

TEST(Ole2Analyzer, SttbfAssocOutsideTableIsViolation) {
    CfbBuilder b;
    std::string fib(4096, '\0');
    fib.replace(0, 2, le16(0xA5EC));
    fib.replace(10, 2, le16(0x0200));
    fib.replace(32, 2, le16(14));
    fib.replace(62, 2, le16(22));
    fib.replace(152, 2, le16(93));
    fib.replace(154 + 32 * 8, 4, le32(0xFFFFFF00));
    fib.replace(158 + 32 * 8, 4, le32(0x1000));
    b.add_stream(0, "WordDocument", fib);
    b.add_stream(0, "1Table", "short");
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_finding("ole2.malformed"));
}

TEST(Ole2Analyzer, EncryptedWordDocument) {
    CfbBuilder b;
    add_word(b, "\\\\evil\\t.dotm", true);
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_finding("ole2.encrypted"));
    EXPECT_TRUE(run.has_fact("ole2.encryption", "rc4"));
    EXPECT_FALSE(run.has_finding("ole2.doc.remote_template"));  // the table is encrypted
}

TEST(Ole2Analyzer, RemoteTemplateClassifier) {
    EXPECT_TRUE(ole2::detail::is_remote_template("file://host/share/t.dot"));
    EXPECT_FALSE(ole2::detail::is_remote_template("file:///C:/t.dot"));
    EXPECT_FALSE(ole2::detail::is_remote_template("D:\\Templates\\Report.dotx"));
    EXPECT_FALSE(ole2::detail::is_remote_template(""));
}

std::string biff(std::uint16_t type, std::string data) {
    return le16(type) + le16(static_cast<unsigned>(data.size())) + data;
}

std::string boundsheet(std::string_view name, std::uint8_t state, std::uint8_t type) {
    return biff(0x0085, le32(0) + std::string{static_cast<char>(state), static_cast<char>(type)} +
                            std::string{static_cast<char>(name.size()), '\0'} + std::string(name));
}

TEST(Ole2Analyzer, FlagsXlmMacroSheetAndAutoOpen) {
    std::string auto_open_name = le16(0x0020) + std::string{'\0', 1} + le16(0) + le16(0) + le16(0) +
                                 le32(0) + std::string{'\0', '\x01'};
    std::string wb = biff(0x0809, le16(0x0600) + le16(5) + le32(0) + le32(0) + le32(0)) +
                     boundsheet("Sheet1", 0, 0) + boundsheet("Macro1", 2, 1) +
                     biff(0x0018, auto_open_name) + biff(0x000A, "");
    CfbBuilder b;
    b.add_stream(0, "Workbook", wb);
    Ole2Run run(b.build());
    EXPECT_EQ(run.out.type(), "xls");
    EXPECT_TRUE(run.has_fact("ole2.xls.sheet", "Sheet1 (worksheet, visible)"));
    EXPECT_TRUE(run.has_fact("ole2.xls.macro_sheet", "Macro1 (macro sheet, very hidden)"));
    EXPECT_TRUE(run.has_fact("ole2.xls.very_hidden", "Macro1"));
    EXPECT_TRUE(run.has_finding("ole2.xls.xlm_macro"));
    EXPECT_TRUE(run.has_finding("ole2.xls.auto_open"));
}

TEST(Ole2Analyzer, PlainWorkbookIsQuiet) {
    std::string wb = biff(0x0809, le16(0x0600) + le16(5) + le32(0) + le32(0) + le32(0)) +
                     boundsheet("Sheet1", 0, 0) + boundsheet("Chart1", 1, 2) + biff(0x000A, "");
    CfbBuilder b;
    b.add_stream(0, "Workbook", wb);
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_fact("ole2.xls.sheet", "Chart1 (chart, hidden)"));
    EXPECT_TRUE(run.out.findings().empty());
}

TEST(Ole2Analyzer, FilePassMeansEncrypted) {
    std::string wb = biff(0x0809, le16(0x0600) + le16(5) + le32(0) + le32(0) + le32(0)) +
                     biff(0x002F, le16(1) + le16(2) + le16(2) + std::string(40, 'k')) +
                     boundsheet("Macro1", 2, 1);
    CfbBuilder b;
    b.add_stream(0, "Workbook", wb);
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_finding("ole2.encrypted"));
    EXPECT_TRUE(run.has_fact("ole2.encryption", "rc4-cryptoapi"));
    EXPECT_FALSE(run.has_finding("ole2.xls.xlm_macro"));
}

TEST(Ole2Analyzer, TruncatedBiffRecordIsViolation) {
    std::string wb = biff(0x0809, le16(0x0600) + le16(5)) + le16(0x0085) + le16(500) + "abc";
    CfbBuilder b;
    b.add_stream(0, "Workbook", wb);
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_finding("ole2.malformed"));
}

TEST(Ole2Analyzer, ReportsOfficeCryptoVersion) {
    CfbBuilder b;
    b.add_stream(0, "EncryptionInfo", le16(4) + le16(4) + le32(0x40) + "<encryption/>");
    b.add_stream(0, "EncryptedPackage", std::string(64, 'e'));
    Ole2Run run(b.build());
    EXPECT_EQ(run.out.type(), "office-encrypted");
    EXPECT_TRUE(run.has_fact("ole2.encryption", "agile (4.4)"));
    EXPECT_TRUE(run.has_finding("ole2.encrypted"));
}

std::string ppt_record(std::uint16_t ver_inst, std::uint16_t type, std::string body) {
    return le16(ver_inst) + le16(type) + le32(static_cast<std::uint32_t>(body.size())) + body;
}

TEST(Ole2Analyzer, ReadsObjectsStoredInPowerPointRecords) {
    CfbBuilder inner;
    inner.add_stream(0, "\x01Ole10Native", ole10native("readme.txt", "inner data"));
    std::string inner_bytes = inner.build();
    std::string deflated = test::zlib_compress(inner_bytes);
    std::string doc = ppt_record(0x000F, 0x03E8, ppt_record(0x0000, 0x03E9, std::string(8, 'd'))) +
                      ppt_record(0x0010, 0x1011,
                                 le32(static_cast<std::uint32_t>(inner_bytes.size())) + deflated) +
                      ppt_record(0x0000, 0x1011, inner_bytes);
    CfbBuilder b;
    b.add_stream(0, "PowerPoint Document", doc);
    b.add_stream(0, "Current User", std::string(40, '\0'));
    Ole2Run run(b.build());
    EXPECT_EQ(run.out.type(), "ppt");
    ASSERT_EQ(run.out.children().size(), 2u);
    EXPECT_EQ(run.out.children()[0].name, "readme.txt");
    EXPECT_EQ(run.out.children()[0].bytes, "inner data");
    EXPECT_EQ(run.out.children()[1].bytes, "inner data");
    EXPECT_TRUE(run.out.findings().empty());
}

TEST(Ole2Analyzer, BrokenPowerPointObjectsAreViolations) {
    std::string doc = ppt_record(0x0010, 0x1011, le32(100) + "not zlib at all") +
                      ppt_record(0x0000, 0x1011, "not a cfb");
    CfbBuilder b;
    b.add_stream(0, "PowerPoint Document", doc);
    Ole2Run run(b.build());
    EXPECT_EQ(run.count_findings("ole2.malformed"), 2u);
    EXPECT_TRUE(run.out.children().empty());
}

std::string prop_name(std::uint16_t id, std::uint16_t type) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "__substg1.0_%04X%04X", id, type);
    return buf;
}

void add_message(CfbBuilder& b, int storage, std::string_view subject, std::string_view body) {
    b.add_stream(storage, "__properties_version1.0", std::string(32, '\0'));
    b.add_stream(storage, prop_name(0x0037, 0x001F), u16(subject));
    b.add_stream(storage, prop_name(0x1000, 0x001F), u16(body));
}

TEST(Ole2Analyzer, ReadsOutlookMessage) {
    CfbBuilder b;
    add_message(b, 0, "Invoice", "Please see http://example.invalid/pay now.");
    b.add_stream(0, prop_name(0x0C1A, 0x001F), u16("Taro Yamada"));
    b.add_stream(0, prop_name(0x0C1F, 0x001F), u16("taro@example.invalid"));
    b.add_stream(0, prop_name(0x0E04, 0x001F), u16("Hanako"));
    b.add_stream(0, prop_name(0x007D, 0x001E), "Received: from x\r\nSubject: Invoice\r\n");
    b.add_stream(0, prop_name(0x1013, 0x0102), "<a href=\"https://example.invalid/h\">x</a>");
    int att = b.add_storage(0, "__attach_version1.0_#00000000");
    b.add_stream(att, prop_name(0x3707, 0x001F), u16("report.zip"));
    b.add_stream(att, prop_name(0x3701, 0x0102), std::string("PK\x03\x04zip", 7));
    int att2 = b.add_storage(0, "__attach_version1.0_#00000001");
    b.add_stream(att2, prop_name(0x3707, 0x001F), u16("fwd.msg"));
    int sub = b.add_storage(att2, prop_name(0x3701, 0x000D));
    add_message(b, sub, "Inner", "inner body");
    int inner_att = b.add_storage(sub, "__attach_version1.0_#00000000");
    b.add_stream(inner_att, prop_name(0x3704, 0x001E), "a.lnk");
    b.add_stream(inner_att, prop_name(0x3701, 0x0102), "L\0\0\0lnk");

    Ole2Run run(b.build());
    EXPECT_EQ(run.out.type(), "msg");
    EXPECT_TRUE(run.has_fact("msg.subject", "Invoice"));
    EXPECT_TRUE(run.has_fact("msg.from", "Taro Yamada <taro@example.invalid>"));
    EXPECT_TRUE(run.has_fact("msg.to", "Hanako"));
    EXPECT_TRUE(run.has_fact("msg.header", "Received: from x\nSubject: Invoice\n"));
    EXPECT_TRUE(run.has_fact("msg.body", "Please see http://example.invalid/pay now."));
    EXPECT_TRUE(run.has_fact("msg.url", "http://example.invalid/pay"));
    EXPECT_TRUE(run.has_fact("msg.url", "https://example.invalid/h"));
    EXPECT_TRUE(run.has_fact("msg.embedded.subject", "Inner"));
    std::vector<std::string> names;
    for (const auto& c : run.out.children()) names.push_back(c.name);
    EXPECT_NE(std::find(names.begin(), names.end(), "report.zip"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "a.lnk"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "message.html"), names.end());
    EXPECT_TRUE(run.out.findings().empty());
}

TEST(Ole2Analyzer, BoundsNestedMessages) {
    CfbBuilder b;
    int storage = 0;
    for (int depth = 0; depth < 8; ++depth) {
        add_message(b, storage, "level " + std::to_string(depth), "b");
        int att = b.add_storage(storage, "__attach_version1.0_#00000000");
        storage = b.add_storage(att, prop_name(0x3701, 0x000D));
    }
    Ole2Run run(b.build());
    EXPECT_TRUE(run.has_finding("ole2.malformed"));
    EXPECT_FALSE(run.has_fact("msg.embedded.embedded.embedded.embedded.subject", "level 4"));
}

TEST(Ole2Analyzer, HostileFilesTerminateWithViolations) {
    CfbBuilder b;
    add_word(b, "");
    int pool = b.add_storage(0, "ObjectPool");
    int obj = b.add_storage(pool, "_1", kPackageClsid);
    b.add_stream(obj, "\x01Ole10Native", ole10native("x.txt", std::string(5000, 'p')));
    std::string good = b.build();
    const auto& l = b.layout();
    std::vector<std::string> variants;
    {
        std::string v = good;  // FAT cycle in WordDocument's chain
        CfbBuilder::put32(v, l.offset_of_fat_entry(l.first_sector[1] + 1), l.first_sector[1]);
        variants.push_back(v);
    }
    {
        std::string v = good;  // sibling cycle
        for (std::uint32_t id = 1; id <= 5; ++id)
            CfbBuilder::put32(v, l.offset_of_entry(id) + CfbBuilder::kRight, 1);
        variants.push_back(v);
    }
    {
        std::string v = good;  // sector index past the end
        CfbBuilder::put32(v, l.offset_of_entry(5) + CfbBuilder::kStart, 0x7FFFFFFF);
        variants.push_back(v);
    }
    {
        std::string v = good;  // stream size larger than chain
        CfbBuilder::put64(v, l.offset_of_entry(5) + CfbBuilder::kSize, 1u << 20);
        variants.push_back(v);
    }
    variants.push_back(good.substr(0, good.size() - 3000));  // truncated
    {
        std::string v = good;  // mini stream root outside the file
        CfbBuilder::put32(v, l.offset_of_entry(0) + CfbBuilder::kStart, 0x00100000);
        variants.push_back(v);
    }
    for (std::size_t i = 0; i < variants.size(); ++i) {
        Ole2Run run(variants[i]);
        EXPECT_TRUE(run.has_finding("ole2.malformed")) << "variant " << i;
    }
}

}  // namespace
}  // namespace kagami::analyzers
