// ClamAV's mail test inputs: eight messages built to hide an attachment from MIME parsers
// (two boundary parameters, a semicolon boundary, comments in header names, several
// Content-Type headers, a boundary in Content-Disposition) and two mailboxes with a base64
// and a uuencoded attachment. Each wraps clam.exe, ClamAV's harmless test program; kagami
// must expose it as a decoded part. The files are XOR-obfuscated upstream (see SOURCE.txt).
#include <gtest/gtest.h>

#include <fstream>

#include "core/hash.h"
#include "engine.h"
#include "ingest/source.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

constexpr const char* kClamExeSha256 =
    "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
constexpr std::string_view kXorKey =
    "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrhtwxhz"
    "pjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";

std::string unxor(std::string data) {
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = char(data[i] ^ kXorKey[i % kXorKey.size()]);
    return data;
}

bool exposes_clam_exe(const mime::Message& msg) {
    bool found = false;
    mime::for_each_part(
        msg, [&](const mime::Part& p) { found |= core::sha256_hex(p.body) == kClamExeSha256; });
    return found;
}

class ClamavMail : public ::testing::TestWithParam<const char*> {};

TEST_P(ClamavMail, AttachmentIsExposed) {
    fs::path file =
        test::corpora_dir() / "clamav_unit_test_inputs/clamav_hdb_scanfiles" / GetParam();
    if (!fs::exists(file)) GTEST_SKIP() << "no corpora";
    ASSERT_EQ(kXorKey.size(), 160u);
    // Read through ingest like `kagami scan` does, so mailboxes are split first.
    fs::path plain = fs::temp_directory_path() / (std::string("kagami_clamav_") + GetParam());
    std::ofstream(plain, std::ios::binary) << unxor(test::read_file(file));
    Engine engine{EngineOptions{}};
    int messages = 0;
    bool exposed = false;
    ingest::read_path(
        plain.string(), {},
        [&](ingest::RawMessage&& raw) {
            ++messages;
            auto r = engine.scan(raw);
            exposed |= exposes_clam_exe(r.message);
            // Whichever reading exposes it, the program is analysed once, not once per reading.
            int artifacts = 0;
            for (const auto& a : r.artifacts) artifacts += a.sha256 == kClamExeSha256;
            EXPECT_LE(artifacts, 1) << GetParam();
            if (exposes_clam_exe(r.message)) {
                EXPECT_EQ(artifacts, 1) << GetParam();
            }
        },
        [&](const Error& e) { ADD_FAILURE() << e.message; });
    fs::remove(plain);
    EXPECT_GE(messages, 1);
    EXPECT_TRUE(exposed) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Evasion, ClamavMail,
                         ::testing::Values("clam.mail.xor",
                                           "clam.mail-boundary-content-disposition.eml.xor",
                                           "clam.mail-comment-header-name.eml.xor",
                                           "clam.mail-disposition-rfc2231-boundary.eml.xor",
                                           "clam.mail-multiple-boundaries.eml.xor",
                                           "clam.mail-multiple-content-type.eml.xor",
                                           "clam.mail-nested-comment-header-name.eml.xor",
                                           "clam.mail-semicolon-boundary.eml.xor",
                                           "clam.exe.mbox.base64.xor", "clam.exe.mbox.uu.xor"),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             for (auto& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

}  // namespace
}  // namespace kagami
