// The same mail stored with LF, CRLF and bare CR line ends (sisimai's bsd/, dos/ and mac/
// copies) must give the same parse: headers, tree, file names and text.
#include <gtest/gtest.h>

#include "mime/message.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

// Text compared with its line ends folded to LF.
std::string lf(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string summary(const mime::Message& m) {
    std::string out = "subject=" + m.subject + "\n";
    for (const auto& a : m.from) out += "from=" + a.display_name + " <" + a.address + ">\n";
    mime::for_each_part(m.root, [&](const mime::Part& p) {
        out += p.path + " " + p.content_type + " [" + p.filename + "]\n" + lf(p.text) + "\n";
    });
    return out;
}

TEST(LineEndings, LfCrlfAndCrCopiesParseTheSame) {
    fs::path root = test::corpora_dir() / "sisimai_set_of_emails/maildir";
    if (!fs::exists(root / "mac")) GTEST_SKIP() << "no corpora";
    int compared = 0;
    for (const auto& entry : fs::directory_iterator(root / "dos")) {
        std::string name = entry.path().filename().string();
        if (!fs::exists(root / "bsd" / name) || !fs::exists(root / "mac" / name)) continue;
        std::string bsd =
            summary(mime::parse_message(test::read_file(root / "bsd" / name), Limits{}));
        EXPECT_EQ(summary(mime::parse_message(test::read_file(root / "dos" / name), Limits{})), bsd)
            << name;
        EXPECT_EQ(summary(mime::parse_message(test::read_file(root / "mac" / name), Limits{})), bsd)
            << name;
        ++compared;
    }
    EXPECT_GE(compared, 60);
}

}  // namespace
}  // namespace kagami
