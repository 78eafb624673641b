// ClamAV's unit-test inputs (real archives written by real tools; see the corpus's
// SOURCE.txt): every archive-format container among them must give up clam.exe, the
// harmless 544-byte test program, through archive children alone. Those libarchive
// cannot read are listed with the reason, not skipped silently.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "analyzers/archive/archive.h"
#include "core/hash.h"
#include "support/archive_fixtures.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

constexpr const char* kClamExeSha256 =
    "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
// Upstream XOR-obfuscates the files so that scanners leave its source tree alone
// (unit_tests/input/xor_testfile.py); the same key as tests/corpus/clamav_mail_test.cc.
constexpr std::string_view kXorKey =
    "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrhtwxhz"
    "pjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";

std::string unxor(std::string data) {
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(data[i] ^ kXorKey[i % kXorKey.size()]);
    return data;
}

fs::path clamav_dir() {
    return test::corpora_dir() / "clamav_unit_test_inputs";
}

struct Walked {
    std::vector<std::string> hashes;  // SHA-256 of every file reached
    std::vector<std::string> names;   // "outer » inner" paths
    std::vector<std::string> problems;
    std::string type;
};

// The dispatcher's walk, restricted to the archive analyzer: children that sniff as
// archives are opened in turn, to the same depth limit.
void walk(std::string_view bytes, const std::string& path, int depth, Walked& out) {
    analyzers::ArchiveAnalyzer a;
    if (depth > 0) out.hashes.push_back(core::sha256_hex(bytes));
    if (!a.sniff(bytes) || depth >= 8) return;
    auto r = archive_test::run(bytes);
    if (depth == 0) out.type = r.type;
    for (const auto& f : r.findings) out.problems.push_back(f.id + ": " + f.evidence);
    for (auto& c : r.children) {
        std::string p = path + " » " + c.name;
        out.names.push_back(p);
        walk(c.bytes, p, depth + 1, out);
    }
}

bool reaches_clam_exe(const Walked& w) {
    return std::find(w.hashes.begin(), w.hashes.end(), kClamExeSha256) != w.hashes.end();
}

std::string describe(const Walked& w) {
    std::string s = "type " + w.type + "; files:";
    for (const auto& n : w.names) s += " [" + n + "]";
    s += "; findings:";
    for (const auto& p : w.problems) s += " [" + p + "]";
    return s;
}

// Archive-format containers of clam.exe, and the type the analyzer gives each.
const std::map<std::string, std::string> kReadable = {
    {"clam-v3.rar.xor", "rar"},           {"clam.7z.xor", "7z"},
    {"clam.bin-be.cpio.xor", "cpio"},     {"clam.bin-le.cpio.xor", "cpio"},
    {"clam.newc.cpio.xor", "cpio"},       {"clam.odc.cpio.xor", "cpio"},
    {"clam.bz2.zip.xor", "zip"},          {"clam.cab.xor", "cab"},
    {"clam.exe.bz2.xor", "bzip2"},        {"clam.exe_and_mail.tar.gz.xor", "tar"},
    {"clam.tar.gz.xor", "tar"},           {"clam_cache_emax.tgz.xor", "tar"},
    {"clam.iso.xor", "iso9660"},          {"clamjol.iso.xor", "iso9660"},
    {"clam.split.oneseg.zip.xor", "zip"}, {"clam.zip.xor", "zip"},
};

// Archive-format containers that do not give up clam.exe here, and why. Each is
// checked: if one starts to work, move it to kReadable.
const std::map<std::string, std::string> kExpectedFailures = {
    {"clam-v2.rar.xor", "RAR 2.0 compression: libarchive decodes RAR 2.9+ only ('Prefix found')"},
    {"clam.d64.zip.xor", "ZIP method 9 (Deflate64): libarchive has no decoder"},
    {"clam.impl.zip.xor", "ZIP method 6 (Implode): libarchive has no decoder"},
    {"clam.arj.xor",
     "ARJ method 1: libarchive has no ARJ reader; kagami lists ARJ entries and takes stored "
     "(method 0) ones only"},
    {"clam.exe.szdd.xor", "SZDD (MS COMPRESS.EXE): not a format libarchive reads"},
    {"clam.chm.xor", "CHM (ITSF): not a format libarchive reads"},
    {"clam.sis.xor", "Symbian SIS: not a format libarchive reads"},
};

TEST(ArchiveClamav, EveryReadableContainerGivesUpClamExe) {
    fs::path dir = clamav_dir() / "clamav_hdb_scanfiles";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    for (const auto& [file, type] : kReadable) {
        std::string bytes = unxor(test::read_file(dir / file));
        ASSERT_FALSE(bytes.empty()) << file;
        Walked w;
        walk(bytes, file, 0, w);
        EXPECT_EQ(w.type, type) << file;
        EXPECT_TRUE(reaches_clam_exe(w)) << file << ": " << describe(w);
        for (const auto& p : w.problems)
            EXPECT_EQ(p.find("archive.malformed"), std::string::npos) << file << ": " << p;
    }
}

TEST(ArchiveClamav, KnownUnreadableContainersStayUnreadableForTheStatedReason) {
    fs::path dir = clamav_dir() / "clamav_hdb_scanfiles";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    for (const auto& [file, why] : kExpectedFailures) {
        std::string bytes = unxor(test::read_file(dir / file));
        ASSERT_FALSE(bytes.empty()) << file;
        Walked w;
        walk(bytes, file, 0, w);
        EXPECT_FALSE(reaches_clam_exe(w))
            << file << " now works (" << why << "): move it to kReadable";
    }
}

TEST(ArchiveClamav, ListsTheUnreadableEntriesItCanName) {
    fs::path dir = clamav_dir() / "clamav_hdb_scanfiles";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    // ARJ: kagami's own header walk names the entry and says why it was not unpacked.
    auto arj = archive_test::run(unxor(test::read_file(dir / "clam.arj.xor")));
    EXPECT_EQ(arj.type, "arj");
    ASSERT_EQ(arj.all("archive.entry").size(), 1u);
    EXPECT_EQ(arj.all("archive.entry")[0], "clam.exe (544 bytes)");
    EXPECT_NE(arj.fact("archive.unsupported").find("clam.exe"), std::string::npos);
    // Deflate64 and Implode: libarchive lists the entry and reports the method.
    for (const char* file : {"clam.d64.zip.xor", "clam.impl.zip.xor"}) {
        auto r = archive_test::run(unxor(test::read_file(dir / file)));
        EXPECT_EQ(r.type, "zip");
        ASSERT_EQ(r.all("archive.entry").size(), 1u) << file;
        const Finding* f = r.finding("archive.malformed");
        ASSERT_NE(f, nullptr) << file;
        EXPECT_NE(f->evidence.find("Unsupported ZIP compression method"), std::string::npos)
            << f->evidence;
    }
    // Not archives as far as this analyzer is concerned: other analyzers or none.
    analyzers::ArchiveAnalyzer a;
    for (const char* file : {"clam.exe.szdd.xor", "clam.chm.xor", "clam.sis.xor"})
        EXPECT_FALSE(a.sniff(unxor(test::read_file(dir / file)))) << file;
}

TEST(ArchiveClamav, ReadsTheZstdSamples) {
    fs::path dir = clamav_dir() / "other_scanfiles" / "zstd";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    for (const char* file : {"testfile.txt.zst", "concat.txt.zst", "skip_prefix.txt.zst"}) {
        std::string bytes = test::read_file(dir / file);
        auto r = archive_test::run(bytes, {}, archive_test::untimed(), file);
        EXPECT_EQ(r.type, "zstd") << file;
        ASSERT_EQ(r.children.size(), 1u) << file;
        EXPECT_EQ(r.children[0].name, std::string(file).substr(0, std::string(file).size() - 4));
        EXPECT_FALSE(r.children[0].bytes.empty()) << file;
    }
}

TEST(ArchiveClamav, DecodesJapaneseNamesInLzh) {
    fs::path dir = clamav_dir() / "other_scanfiles" / "lha_lzh";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    // Shift_JIS (default, sjis), EUC-JP, UTF-8, and the CAP hex escapes with 0xFF
    // directory separators of old MS-DOS LHa: all name the same file.
    const std::string kName = "archive_contents/こんにちは世界.txt";
    for (const char* file : {"default.lzh", "default.sjis.lzh", "default.euc.lzh",
                             "default.utf8.lzh", "default.cap.lzh", "lh5.lzh", "lh6.lzh", "lh7.lzh",
                             "traditional.lzh", "general.obsolete.lzh"}) {
        auto r = archive_test::run(test::read_file(dir / file));
        EXPECT_EQ(r.type, "lzh") << file;
        auto names = r.child_names();
        EXPECT_NE(std::find(names.begin(), names.end(), kName), names.end())
            << file << ": " << ::testing::PrintToString(names);
        EXPECT_NE(std::find(names.begin(), names.end(), "archive_contents/images/logo.png"),
                  names.end())
            << file << ": " << ::testing::PrintToString(names);
        for (const auto& f : r.findings) ADD_FAILURE() << file << ": " << f.id << " " << f.evidence;
    }
    // -lh1- (LHarc 1.x) is not decoded by libarchive: the entry is listed, with the reason.
    for (const char* file : {"lh0.lzh", "lh1.lzh", "lh2.lzh"}) {
        auto r = archive_test::run(test::read_file(dir / file));
        auto names = r.child_names();
        EXPECT_NE(std::find(names.begin(), names.end(), kName), names.end()) << file;
        const Finding* f = r.finding("archive.malformed");
        ASSERT_NE(f, nullptr) << file;
        EXPECT_NE(f->evidence.find("-lh1-"), std::string::npos) << f->evidence;
    }
}

TEST(ArchiveClamav, ReadsIsoImagesWithAndWithoutJoliet) {
    fs::path dir = clamav_dir() / "other_scanfiles";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent: " << dir;
    for (const char* file : {"iso_normal.logo.iso", "iso_no_joliet.logo.iso"}) {
        auto r = archive_test::run(test::read_file(dir / file));
        EXPECT_EQ(r.type, "iso9660") << file;
        bool png = false;
        for (const auto& c : r.children) png |= c.bytes.starts_with("\x89PNG");
        EXPECT_TRUE(png) << file << ": " << ::testing::PrintToString(r.child_names());
    }
}

TEST(ArchiveClamav, OpensASevenZipInsideAZip) {
    fs::path file = clamav_dir() / "other_scanfiles" / "v1rusv1rus.7z.zip";
    if (!fs::exists(file)) GTEST_SKIP() << "corpus absent: " << file;
    Walked w;
    walk(test::read_file(file), "v1rusv1rus.7z.zip", 0, w);
    ASSERT_GE(w.names.size(), 2u) << describe(w);
    EXPECT_EQ(w.names[0], "v1rusv1rus.7z.zip » v1rusv1rus.7z");
}

}  // namespace
}  // namespace kagami
