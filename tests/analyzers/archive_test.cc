#include "analyzers/archive/archive.h"

#include <gtest/gtest.h>

#include "analyzers/archive/unpack.h"
#include "core/hash.h"
#include "core/text.h"
#include "support/archive_fixtures.h"
#include "support/zip_builder.h"

namespace kagami {
namespace {

using archive_test::File;
using archive_test::run;
using archive_test::untimed;
using archive_test::write_archive;
using archive_test::WriteOptions;

const std::string kPayload = "MZ inert test payload: this program only names things\n";

std::vector<File> two_files() {
    return {{"docs", "", true}, {"docs/請求書.pdf.lnk", kPayload}, {"readme.txt", "hello\n"}};
}

// ---- recognising formats ----------------------------------------------------------

TEST(ArchiveAnalyzer, SniffsArchiveMagicsButNotOtherFiles) {
    analyzers::ArchiveAnalyzer a;
    EXPECT_TRUE(a.sniff(write_archive(two_files())));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "7zip"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "ustar"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "ustar", .filter = "gzip"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "ustar", .filter = "bzip2"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "ustar", .filter = "xz"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "cpio"})));
    EXPECT_TRUE(a.sniff(write_archive(two_files(), {.format = "iso9660"})));
    EXPECT_TRUE(a.sniff(std::string("Rar!\x1A\x07\x01\x00", 8) + std::string(40, '\0')));
    EXPECT_TRUE(a.sniff(std::string("MSCF\0\0\0\0", 8) + std::string(40, '\0')));
    EXPECT_TRUE(a.sniff(std::string("\x28\xB5\x2F\xFD", 4) + std::string(10, '\0')));
    std::string lzh = std::string("\x22\x00-lh5-", 7) + std::string(30, '\0');
    EXPECT_TRUE(a.sniff(lzh));
    EXPECT_FALSE(a.sniff("%PDF-1.7\n"));
    EXPECT_FALSE(a.sniff("Hello, this is plain text that mentions PK and 7z."));
    EXPECT_FALSE(a.sniff(""));
    EXPECT_FALSE(a.sniff("PK"));
    EXPECT_FALSE(a.sniff(std::string("\xC7\x71", 2) + std::string(10, 'x')));  // bare cpio magic
}

// ---- reading entries --------------------------------------------------------------

TEST(ArchiveAnalyzer, HandsBackEveryFileOfAZipWithItsName) {
    auto r = run(write_archive(two_files()));
    EXPECT_EQ(r.type, "zip");
    ASSERT_EQ(r.children.size(), 2u);
    EXPECT_EQ(r.children[0].name, "docs/請求書.pdf.lnk");
    EXPECT_EQ(r.children[0].bytes, kPayload);
    EXPECT_EQ(r.children[1].name, "readme.txt");
    EXPECT_EQ(r.fact("archive.entries"), "3");
    EXPECT_NE(r.fact("archive.format").find("ZIP"), std::string::npos);
    auto entries = r.all("archive.entry");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[1], "docs/請求書.pdf.lnk (" + std::to_string(kPayload.size()) + " bytes)");
    EXPECT_TRUE(r.findings.empty()) << r.findings[0].id;
}

TEST(ArchiveAnalyzer, ReadsSevenZipCpioAndIso) {
    for (const char* format : {"7zip", "cpio", "iso9660"}) {
        auto r = run(write_archive(two_files(), {.format = format}));
        std::vector<std::string> names = r.child_names();
        ASSERT_EQ(names.size(), 2u) << format;
        // ISO 9660 level 1 upper-cases and shortens names unless Joliet or Rock Ridge
        // keeps them; the payload itself must come through.
        bool found = false;
        for (const auto& c : r.children) found |= c.bytes == kPayload;
        EXPECT_TRUE(found) << format;
    }
    EXPECT_EQ(run(write_archive(two_files(), {.format = "7zip"})).type, "7z");
    EXPECT_EQ(run(write_archive(two_files(), {.format = "cpio"})).type, "cpio");
}

TEST(ArchiveAnalyzer, ShowsTarGzAsATarWithItsCompression) {
    auto r = run(write_archive(two_files(), {.format = "ustar", .filter = "gzip"}));
    EXPECT_EQ(r.type, "tar");
    EXPECT_EQ(r.fact("archive.compression"), "gzip");
    ASSERT_EQ(r.children.size(), 2u);
    EXPECT_EQ(r.children[0].bytes, kPayload);
    auto xz = run(write_archive(two_files(), {.format = "ustar", .filter = "xz"}));
    EXPECT_EQ(xz.type, "tar");
    EXPECT_EQ(xz.fact("archive.compression"), "xz");
}

TEST(ArchiveAnalyzer, UnpacksALoneGzipStreamAsOneChild) {
    std::string gz =
        write_archive({{"payload.exe", kPayload}}, {.format = "raw", .filter = "gzip"});
    ASSERT_FALSE(gz.empty());
    auto r = run(gz, {}, untimed(), "payload.exe.gz");
    EXPECT_EQ(r.type, "gzip");
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_EQ(r.children[0].bytes, kPayload);
    EXPECT_EQ(r.children[0].name, "payload.exe");
}

TEST(ArchiveAnalyzer, ReportsDiskImageHoldingAShortcutAndItsLabel) {
    std::string iso = write_archive({{"Document.pdf.lnk", kPayload}},
                                    {.format = "iso9660", .options = "volume-id=MIRROR_LURE"});
    ASSERT_FALSE(iso.empty());
    auto r = run(iso);
    EXPECT_EQ(r.type, "iso9660");
    EXPECT_EQ(r.fact("archive.volume_label"), "MIRROR_LURE");
    ASSERT_TRUE(r.has_finding("archive.disk_image_executable"));
    EXPECT_NE(r.finding("archive.disk_image_executable")->evidence.find("Document.pdf.lnk"),
              std::string::npos);
    // A disk image of photos stays quiet.
    auto photos = run(write_archive({{"photo.jpg", "\xFF\xD8\xFF jpeg"}}, {.format = "iso9660"}));
    EXPECT_FALSE(photos.has_finding("archive.disk_image_executable"));
}

TEST(ArchiveAnalyzer, ReportsTheZipComment) {
    auto zip = test::zip::Builder().add("a.txt", "text").comment("解凍してください").build();
    auto r = run(zip);
    EXPECT_EQ(r.fact("archive.comment"), "解凍してください");
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_TRUE(r.findings.empty());
}

TEST(ArchiveAnalyzer, DecodesShiftJisNamesWithoutTheUtf8Flag) {
    // "日本語.txt" in CP932 (what Japanese Windows zip tools write) and EUC-JP.
    auto zip = test::zip::Builder()
                   .add("\x93\xFA\x96\x7B\x8C\xEA.txt", "sjis")
                   .add("\xC6\xFC\xCB\xDC\xB8\xEC.txt", "euc")
                   .add("caf\xE9.txt", "latin-1")
                   .build();
    auto r = run(zip);
    ASSERT_EQ(r.children.size(), 3u);
    EXPECT_EQ(r.children[0].name, "日本語.txt");
    EXPECT_EQ(r.children[1].name, "日本語.txt");
    EXPECT_EQ(r.children[2].name, "café.txt");
}

TEST(ArchiveDecodeName, KeepsUtf8AndDecodesJapaneseCodePages) {
    EXPECT_EQ(analyzers::archive::decode_name("plain.txt"), "plain.txt");
    EXPECT_EQ(analyzers::archive::decode_name("報告書.docx"), "報告書.docx");
    EXPECT_EQ(analyzers::archive::decode_name("\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD"),
              "こんにちは");
    EXPECT_EQ(analyzers::archive::decode_name("\xA4\xB3\xA4\xF3\xA4\xCB\xA4\xC1\xA4\xCF"),
              "こんにちは");
    EXPECT_TRUE(core::is_valid_utf8(analyzers::archive::decode_name("\xFF\xFE\x80\x81")));
}

// ---- encryption -------------------------------------------------------------------

class EncryptedZip : public ::testing::TestWithParam<const char*> {};

TEST_P(EncryptedZip, OpensWithThePasswordFromTheMessage) {
    std::string options = std::string("zip:encryption=") + GetParam();
    std::string zip = write_archive({{"請求書.pdf.lnk", kPayload}, {"memo.txt", "memo"}},
                                    {.options = options.c_str(), .passphrase = "Kagami2025!"});
    ASSERT_FALSE(zip.empty());
    auto r = run(zip, {"wrong-one", "Kagami2025!", "later"});
    EXPECT_EQ(r.fact("archive.password"), "Kagami2025!");
    const Finding* f = r.finding("archive.encrypted_password_in_message");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("2 tried"), std::string::npos) << f->evidence;
    EXPECT_FALSE(r.has_finding("archive.encrypted"));
    ASSERT_EQ(r.children.size(), 2u);
    EXPECT_EQ(r.children[0].name, "請求書.pdf.lnk");
    EXPECT_EQ(r.children[0].bytes, kPayload);
    // The names are listed even before decryption.
    EXPECT_EQ(r.all("archive.entry")[0],
              "請求書.pdf.lnk (" + std::to_string(kPayload.size()) + " bytes, encrypted)");
}

TEST_P(EncryptedZip, ReportsAnArchiveNoStatedPasswordOpens) {
    std::string options = std::string("zip:encryption=") + GetParam();
    std::string zip = write_archive({{"請求書.pdf.lnk", kPayload}},
                                    {.options = options.c_str(), .passphrase = "Kagami2025!"});
    auto none = run(zip);
    ASSERT_TRUE(none.has_finding("archive.encrypted"));
    EXPECT_NE(none.finding("archive.encrypted")->evidence.find("0 password(s)"), std::string::npos);
    EXPECT_TRUE(none.children.empty());
    EXPECT_EQ(none.all("archive.entry").size(), 1u);  // still listed
    auto wrong = run(zip, {"password1", "2025Kagami"});
    ASSERT_TRUE(wrong.has_finding("archive.encrypted"));
    EXPECT_NE(wrong.finding("archive.encrypted")->evidence.find("2 password(s)"),
              std::string::npos);
    EXPECT_FALSE(wrong.has_finding("archive.encrypted_password_in_message"));
    EXPECT_TRUE(wrong.fact("archive.password").empty());
}

INSTANTIATE_TEST_SUITE_P(ZipCryptoAndAes, EncryptedZip,
                         ::testing::Values("zipcrypt", "aes128", "aes256"));

TEST(ArchiveAnalyzer, TriesManyWrongZipCryptoPasswordsWithoutAFalseOpen) {
    // ZipCrypto checks one byte of the key: about one wrong password in 256 passes it,
    // and only the CRC at the end tells. None of these may count as the password.
    std::string zip = write_archive({{"a.bin", std::string(4096, 'A') + kPayload}},
                                    {.options = "zip:encryption=zipcrypt", .passphrase = "right"});
    std::vector<std::string> wrong;
    for (int i = 0; i < 600; ++i) wrong.push_back("guess" + std::to_string(i));
    Limits limits = untimed();
    limits.max_password_candidates = wrong.size();
    auto r = run(zip, wrong, limits);
    EXPECT_TRUE(r.has_finding("archive.encrypted"));
    EXPECT_TRUE(r.children.empty());
}

// ---- hostile ZIPs -----------------------------------------------------------------

TEST(ArchiveAnalyzer, ReportsNamesThatClimbOutOfTheFolder) {
    auto zip = test::zip::Builder()
                   .add("../../Startup/run.lnk", kPayload)
                   .add("/etc/cron.d/x", "x")
                   .add("ok/file..txt", "fine")
                   .build();
    auto r = run(zip);
    const Finding* f = r.finding("archive.path_traversal");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("../../Startup/run.lnk"), std::string::npos);
    EXPECT_NE(f->evidence.find("/etc/cron.d/x"), std::string::npos);
    EXPECT_EQ(f->evidence.find("ok/file..txt"), std::string::npos);
}

TEST(ArchiveAnalyzer, FlagsOverlappingEntriesAndBoundsThem) {
    test::zip::Builder b;
    b.add("kernel.bin", std::string(1000, 'K'));
    for (int i = 0; i < 20; ++i) b.alias("copy" + std::to_string(i) + ".bin", 0);
    auto r = run(b.build());
    const Finding* f = r.finding("archive.overlapping_entries");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->evidence.find("20 entries overlap"), std::string::npos) << f->evidence;
    // libarchive reads one entry per local header: the aliases add nothing.
    EXPECT_EQ(r.children.size(), 1u);
}

TEST(ArchiveAnalyzer, ReportsACentralDirectoryPastTheEnd) {
    auto zip = test::zip::Builder().add("a.txt", "alpha").shift_directory(1u << 20).build();
    auto r = run(zip);
    ASSERT_TRUE(r.has_finding("archive.malformed"));
    bool said = false;
    for (const auto& f : r.findings) said |= f.evidence.find("past the end") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(ArchiveAnalyzer, ReportsSizesThatDifferBetweenHeaderAndDirectory) {
    test::zip::Item liar;
    liar.name = "liar.txt";
    liar.data = "short";
    liar.cd_size = 1u << 30;
    liar.cd_packed = 5;
    auto r = run(test::zip::Builder().add(liar).build());
    bool said = false;
    for (const auto& f : r.findings)
        said |=
            f.id == "archive.malformed" && f.evidence.find("different sizes") != std::string::npos;
    EXPECT_TRUE(said);
    for (const auto& c : r.children) EXPECT_LE(c.bytes.size(), 64u);
}

TEST(ArchiveAnalyzer, ReadsAZipBehindPrependedBytes) {
    auto zip = test::zip::Builder().prefix(std::string(4096, 'S')).add("in.txt", "inside").build();
    auto r = run(zip);
    // Not sniffed as ZIP (no PK at 0), but analysing it directly must still work.
    ASSERT_EQ(r.children.size(), 1u);
    EXPECT_EQ(r.children[0].bytes, "inside");
}

TEST(ArchiveAnalyzer, KeepsWhatItReadOfATruncatedZip) {
    std::string zip = write_archive(
        {{"first.txt", std::string(3000, 'a')}, {"second.txt", std::string(3000, 'b')}},
        {.options = "zip:compression=store"});
    ASSERT_FALSE(zip.empty());
    for (std::size_t cut : {zip.size() - 10, zip.size() / 2, std::size_t{40}, std::size_t{4}}) {
        auto r = run(std::string_view(zip).substr(0, cut));
        EXPECT_TRUE(r.has_finding("archive.malformed")) << cut;
    }
    auto half = run(std::string_view(zip).substr(0, zip.size() - 60));
    ASSERT_FALSE(half.children.empty());
    EXPECT_EQ(half.children[0].bytes, std::string(3000, 'a'));
}

TEST(ArchiveAnalyzer, CutsADecompressionBombInBoundedMemory) {
    // 200 MiB of zeros deflate to about 200 KiB: a ratio near 1000.
    std::string bomb = archive_test::zeros_zip(200u << 20);
    ASSERT_FALSE(bomb.empty());
    ASSERT_LT(bomb.size(), 1u << 20);
    auto r = run(bomb);
    const Finding* f = r.finding("limit.archive.ratio");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(r.children.size(), 1u);
    // Cut just past 100 x the archive's size (one 64 KiB read block of slack).
    EXPECT_LE(r.children[0].bytes.size(), bomb.size() * 100 + (64u << 10));
    EXPECT_GT(r.children[0].bytes.size(), bomb.size() * 100);
}

TEST(ArchiveAnalyzer, CutsAnEntryAtTheUnpackedBytesBudget) {
    std::string zip = write_archive({{"big.bin", std::string(300000, 'x')}, {"next.txt", "n"}},
                                    {.options = "zip:compression=store"});
    Limits limits = untimed();
    limits.max_total_unpacked_bytes = 100000;
    auto r = run(zip, {}, limits);
    ASSERT_TRUE(r.has_finding("limit.archive.bytes"));
    ASSERT_FALSE(r.children.empty());
    EXPECT_EQ(r.children[0].bytes.size(), 100000u);
    std::size_t total = 0;
    for (const auto& c : r.children) total += c.bytes.size();
    EXPECT_LE(total, 100000u);
}

TEST(ArchiveAnalyzer, StopsAtTheEntryLimit) {
    std::vector<File> files;
    for (int i = 0; i < 50; ++i) files.push_back({"f" + std::to_string(i) + ".txt", "x"});
    Limits limits = untimed();
    limits.max_archive_entries = 10;
    auto r = run(write_archive(files), {}, limits);
    EXPECT_TRUE(r.has_finding("limit.archive.entries"));
    EXPECT_LE(r.children.size(), 10u);
}

// The dispatcher recurses; here a bounded walk through archive children only, as the
// dispatcher would, shows each level hands back exactly the next one.
TEST(ArchiveAnalyzer, UnpacksDeeplyNestedZipsOneLevelAtATime) {
    std::string inner = kPayload;
    for (int level = 0; level < 20; ++level)
        inner = test::zip::Builder().add("level" + std::to_string(level) + ".zip", inner).build();
    analyzers::ArchiveAnalyzer a;
    Limits limits = untimed();
    int depth = 0;
    std::string current = inner;
    while (a.sniff(current) && depth < limits.max_artifact_depth) {
        auto r = run(current, {}, limits);
        ASSERT_EQ(r.children.size(), 1u) << depth;
        current = std::move(r.children[0].bytes);
        ++depth;
    }
    EXPECT_EQ(depth, limits.max_artifact_depth);
    EXPECT_TRUE(a.sniff(current));  // more levels remain: the dispatcher's depth limit stops it
}

TEST(ArchiveAnalyzer, SurvivesGarbageAfterEveryMagic) {
    for (std::string magic :
         {std::string("PK\x03\x04"), std::string("7z\xBC\xAF\x27\x1C"),
          std::string("Rar!\x1A\x07\x00", 7), std::string("Rar!\x1A\x07\x01\x00", 8),
          std::string("MSCF\0\0\0\0", 8), std::string("\x1F\x8B\x08"), std::string("BZh91AY&SY"),
          std::string("\xFD"
                      "7zXZ\0",
                      6),
          std::string("\x28\xB5\x2F\xFD"), std::string("\x60\xEA\x20\x00"),
          std::string("070701")}) {
        std::string junk = magic + std::string(300, '\x5A');
        auto r = run(junk);
        EXPECT_TRUE(r.children.size() <= 1u);
        EXPECT_TRUE(r.has_finding("archive.malformed")) << r.type;
    }
}

}  // namespace
}  // namespace kagami
