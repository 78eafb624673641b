// SPDX-License-Identifier: Apache-2.0
// The bundled lexicon over real mail written by others: benign 2002-era mail rarely hits
// a lure theme, and no message makes match() fail.
#include <gtest/gtest.h>

#include <filesystem>

#include "detect/lure/lexicon.h"
#include "support/test_support.h"

namespace kagami::detect::lure {
namespace {

struct Share {
    std::size_t files = 0;
    std::size_t hit = 0;
};

// Raw message files (headers and undecoded bodies): a rough but independent count.
Share share_hitting(const std::filesystem::path& dir) {
    Share s;
    auto lexicon = Lexicon::bundled();
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        ++s.files;
        if (!lexicon->match(test::read_file(e.path())).empty()) ++s.hit;
    }
    return s;
}

TEST(LexiconCorpus, FewHamMessagesHitATheme) {
    auto root = test::corpora_dir() / "spamassassin_public_corpus";
    if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
    Share ham;
    for (const char* dir : {"easy-ham-2", "hard-ham-1"}) {
        auto s = share_hitting(root / dir);
        ham.files += s.files;
        ham.hit += s.hit;
    }
    ASSERT_GT(ham.files, 1000u);
    // 38 of 1,650 when written (2.3%): newsletters about chips, space and politics.
    EXPECT_LT(ham.hit * 100, ham.files * 5) << ham.hit << " of " << ham.files;
}

TEST(LexiconCorpus, PhishingPotMatchesWithoutTrouble) {
    auto dir = test::corpora_dir() / "phishing_pot" / "email";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
    auto s = share_hitting(dir);
    EXPECT_GT(s.files, 1000u);
    // Commodity phishing is not about these themes (13 of 1,009 when written).
    EXPECT_LT(s.hit * 100, s.files * 5) << s.hit << " of " << s.files;
}

}  // namespace
}  // namespace kagami::detect::lure
