#include "analyzers/file_name.h"

#include <gtest/gtest.h>

#include "analyzers/file_type.h"

namespace kagami::analyzers {
namespace {

std::vector<std::string> ids(std::string_view name, std::string_view type) {
    std::vector<Fact> facts;
    std::vector<Finding> findings;
    check_file_name(name, type, "where", facts, findings);
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.id);
    return out;
}

bool has(const std::vector<std::string>& v, std::string_view id) {
    return std::find(v.begin(), v.end(), id) != v.end();
}

TEST(FileName, ExtensionIsWhatWindowsReads) {
    EXPECT_EQ(file_extension("report.PDF"), "pdf");
    EXPECT_EQ(file_extension("dir/sub\\報告書.docx.lnk"), "lnk");
    EXPECT_EQ(file_extension("invoice.exe. . "), "exe");
    EXPECT_EQ(file_extension("README"), "");
    EXPECT_EQ(file_extension(".hidden"), "hidden");
    EXPECT_EQ(file_extension("a.b c"), "");
}

TEST(FileName, OrdinaryDocumentsAreQuiet) {
    EXPECT_TRUE(ids("議事録.docx", "docx").empty());
    EXPECT_TRUE(ids("photo.jpg", "jpeg").empty());
    EXPECT_TRUE(ids("", "data").empty());
    EXPECT_TRUE(ids("setup.exe", "pe") == std::vector<std::string>{"file.name.executable"});
}

TEST(FileName, DoubleExtensionBeforeAnExecutableOne) {
    auto f = ids("報告書.docx.lnk", "lnk");
    EXPECT_TRUE(has(f, "file.name.double_extension"));
    EXPECT_TRUE(has(f, "file.name.executable"));
    EXPECT_TRUE(
        has(ids("【参考】選挙管理委員会宛文書.pdf.exe", "pe"), "file.name.double_extension"));
    EXPECT_FALSE(has(ids("version.1.2.exe", "pe"), "file.name.double_extension"));
    EXPECT_FALSE(has(ids("archive.tar.gz", "gzip"), "file.name.double_extension"));
}

TEST(FileName, RightToLeftOverrideIsShownInTheEvidence) {
    std::vector<Fact> facts;
    std::vector<Finding> findings;
    check_file_name("invoice\u202Efdp.exe", "pe", "x", facts, findings);
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0].id, "file.name.bidi");
    EXPECT_EQ(findings[0].evidence, "invoice<U+202E>fdp.exe");
    EXPECT_EQ(findings[0].attack, std::vector<std::string>{"T1036.002"});
    EXPECT_TRUE(has(ids("a\u2067b.txt", "text"), "file.name.bidi"));
}

TEST(FileName, PaddingHidesTheExtension) {
    EXPECT_TRUE(
        has(ids("請求書.pdf                                   .exe", "pe"), "file.name.padding"));
    EXPECT_TRUE(has(ids("資料\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000.scr", "pe"),
                    "file.name.padding"));
    EXPECT_FALSE(has(ids("Quarterly report final.docx", "docx"), "file.name.padding"));
}

TEST(FileName, ExecutableContentUnderADocumentName) {
    EXPECT_TRUE(has(ids("invoice.pdf", "pe"), "file.type_mismatch.executable"));
    EXPECT_TRUE(has(ids("photo.jpg", "lnk"), "file.type_mismatch.executable"));
    EXPECT_FALSE(has(ids("tool.dll", "pe"), "file.type_mismatch.executable"));
    EXPECT_FALSE(has(ids("overlay", "pe"), "file.type_mismatch.executable"));
    // An RTF saved as .doc is ordinary; only executables under other names are flagged.
    EXPECT_TRUE(ids("letter.doc", "rtf").empty());
}

TEST(FileName, DiskImagesLoseTheMarkOfTheWeb) {
    EXPECT_TRUE(has(ids("資料.iso", "iso9660"), "file.disk_image"));
    EXPECT_TRUE(has(ids("", "udf"), "file.disk_image"));
    EXPECT_TRUE(has(ids("disk.img", "data"), "file.disk_image"));
}

TEST(FileType, KnownMagicAndText) {
    EXPECT_EQ(identify_type("\x89PNG\r\n\x1a\nrest"), "png");
    EXPECT_EQ(identify_type(std::string_view("\0\0\1\0\1\0", 6)), "ico");
    EXPECT_EQ(identify_type("\x7f"
                            "ELF\2\1\1"),
              "elf");
    EXPECT_EQ(identify_type("plain words\r\nand lines\n"), "text");
    EXPECT_EQ(identify_type("\xef\xbb\xbfUTF-8 text"), "text");
    EXPECT_EQ(identify_type(std::string_view("bin\0ary", 7)), "data");
    EXPECT_EQ(identify_type(""), "data");
    EXPECT_EQ(identify_type("PK\5\6"), "data");  // short of a magic we know
}

}  // namespace
}  // namespace kagami::analyzers
