// ClamAV's container test files, each wrapping its harmless test program clam.exe:
// the dispatcher, recursing through every analyzer, must reach clam.exe inside each
// container format kagami reads. The files are XOR-obfuscated upstream (SOURCE.txt).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "analyzers/dispatch.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kXorKey =
    "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrhtwxhz"
    "pjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";
constexpr std::string_view kClamExe =
    "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";

// Containers kagami does not open, and why. Everything else must yield clam.exe.
const std::map<std::string, std::string, std::less<>> kNotReached = {
    // Executable packers and installers: unpacking them means emulating the unpacker
    // stub (ClamAV's job); the PE analyzer reports the packer instead (pe.packed).
    {"clam-aspack.exe", "packed PE"},
    {"clam-fsg.exe", "packed PE"},
    {"clam-mew.exe", "packed PE"},
    {"clam-nsis.exe", "NSIS installer"},
    {"clam-pespin.exe", "packed PE"},
    {"clam-petite.exe", "packed PE"},
    {"clam-upack.exe", "packed PE"},
    {"clam-upx.exe", "packed PE"},
    {"clam-wwpack.exe", "packed PE"},
    {"clam-yc.exe", "packed PE"},
    {"clam.ea05.exe", "AutoIt-compiled script"},
    {"clam.ea06.exe", "AutoIt-compiled script"},
    // Archive methods libarchive 3.6 does not decode (the entries are still listed).
    {"clam-v2.rar", "RAR 2.0 compression"},
    {"clam.arj", "ARJ method 1"},
    {"clam.d64.zip", "Deflate64"},
    {"clam.impl.zip", "PKWARE Implode"},
    // Formats not read yet: rare in mail today.
    {"clam.chm", "compiled HTML help"},
    {"clam.sis", "Symbian installer"},
    {"clam.exe.szdd", "MS-DOS COMPRESS (SZDD)"},
    {"clam.exe.binhex", "BinHex 4.0"},
    {"clam.exe.webapp-export.one", "OneNote"},
};

std::string unxor(std::string data) {
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(data[i] ^ kXorKey[i % kXorKey.size()]);
    return data;
}

TEST(ClamAvContainers, EveryReadableContainerYieldsClamExe) {
    fs::path dir = test::corpora_dir() / "clamav_unit_test_inputs/clamav_hdb_scanfiles";
    if (!fs::exists(dir)) GTEST_SKIP() << "no corpus " << dir;
    int reached = 0, checked = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (!name.ends_with(".xor")) continue;
        name.resize(name.size() - 4);
        // Mail files are messages, not attachments: tests/corpus/clamav_mail_test.cc.
        if (name.find(".mail") != std::string::npos || name.find(".mbox") != std::string::npos)
            continue;
        ++checked;
        std::string bytes = unxor(test::read_file(e.path()));
        auto analysis = analyzers::analyze({{bytes, name, "1"}}, {}, Limits{});
        bool found = false;
        std::string types;
        for (const auto& a : analysis.artifacts) {
            found = found || a.sha256 == kClamExe;
            types += " " + a.path + "=" + a.type;
        }
        for (const auto& f : analysis.findings)
            EXPECT_NE(f.id, "internal.analyzer_failed") << name << ": " << f.evidence;
        auto expected_miss = kNotReached.find(name);
        if (expected_miss == kNotReached.end()) {
            EXPECT_TRUE(found) << name << " did not yield clam.exe; artifacts:" << types;
        } else {
            EXPECT_FALSE(found) << name << " now yields clam.exe: remove it from kNotReached ("
                                << expected_miss->second << ")";
        }
        reached += found;
    }
    EXPECT_GE(checked, 40);
    EXPECT_EQ(static_cast<std::size_t>(checked - reached), kNotReached.size());
}

}  // namespace
}  // namespace kagami
