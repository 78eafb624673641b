#include "detect/sender/lookalike.h"

#include <gtest/gtest.h>

#include <string>

namespace kagami::detect::sender {
namespace {

const Directory::Impl& impl() {
    static auto d = Directory::bundled();
    return d->impl();
}

// "mofa.go.jp: digit '0' for 'o'" or "" when it is no look-alike.
std::string look(std::string_view domain) {
    auto hit = find_lookalike(impl(), domain);
    if (!hit) return "";
    return hit->domain + ": " + hit->how;
}

TEST(EditDistance, CountsTranspositionsAsOneStep) {
    EXPECT_EQ(edit_distance("mofa", "mofa", 2), 0u);
    EXPECT_EQ(edit_distance("mofa", "mfoa", 2), 1u);
    EXPECT_EQ(edit_distance("jaxa", "jaxxa", 2), 1u);
    EXPECT_EQ(edit_distance("abcdef", "uvwxyz", 2), 3u);
    EXPECT_EQ(edit_distance("", "abc", 5), 3u);
}

TEST(Lookalike, FindsConfusableCharacters) {
    EXPECT_EQ(look("m0fa.go.jp"), "mofa.go.jp: digit '0' for 'o'");
    EXPECT_EQ(look("rnofa.go.jp"), "mofa.go.jp: 'rn' for 'm'");
    EXPECT_EQ(look("jaxa1.jp"), "jaxa.jp: extra '1'");
    EXPECT_EQ(look("rikem.jp").substr(0, 8), "riken.jp");
}

TEST(Lookalike, FindsIdnHomographs) {
    // "mоfa.go.jp" with a Cyrillic о, as Unicode and as punycode.
    std::string cyrillic =
        "m\xD0\xBE"
        "fa.go.jp";
    std::string r = look(cyrillic);
    EXPECT_EQ(r.substr(0, 11), "mofa.go.jp:") << r;
    EXPECT_NE(r.find("U+043E"), std::string::npos) << r;
    std::string ace = idn_to_ascii(cyrillic);
    ASSERT_EQ(ace.substr(0, 4), "xn--");
    EXPECT_EQ(look(ace).substr(0, 11), "mofa.go.jp:");
    // "jахa.jp" with Cyrillic а and х.
    EXPECT_EQ(look("j\xD0\xB0\xD1\x85"
                   "a.jp")
                  .substr(0, 8),
              "jaxa.jp:");
}

TEST(Lookalike, FindsOneOrTwoLettersChanged) {
    EXPECT_EQ(look("jaxxa.jp"), "jaxa.jp: extra 'x'");
    EXPECT_EQ(look("jamstech.go.jp"), "");  // go.jp is vetted: only confusables count
    EXPECT_EQ(look("kyodonevs.jp"), "kyodonews.jp: 'v' for 'w'");
    EXPECT_EQ(look("kyodnoews.jp"), "kyodonews.jp: 'no' for 'on'");
    EXPECT_EQ(look("yomuiri.co.jp").substr(0, 13), "yomiuri.co.jp");
}

TEST(Lookalike, FindsHyphenAndSuffixTricks) {
    EXPECT_EQ(look("mofa-go-jp.com"), "mofa.go.jp: hyphen for dot");
    EXPECT_EQ(look("mofa.go-jp.net"), "mofa.go.jp: hyphen for dot");
    EXPECT_EQ(look("mofa.go.jp.example.com"), "mofa.go.jp: the real name followed by .example.com");
    EXPECT_EQ(look("mofa-jp.org"), "mofa.go.jp: 'jp' added, .org instead of .go.jp");
    EXPECT_EQ(look("mofa.jp"), "mofa.go.jp: .jp instead of .go.jp");
    EXPECT_EQ(look("jaxa.co.jp"), "jaxa.jp: .co.jp instead of .jp");
    EXPECT_EQ(look("jaxa-jp.com"), "jaxa.jp: hyphen for dot");
    EXPECT_EQ(look("mod-go.jp"), "mod.go.jp: hyphen for dot");
    EXPECT_EQ(look("m0fa-go.jp"), "mofa.go.jp: digit '0' for 'o', hyphen for dot");
    EXPECT_EQ(look("secure.u-tokyo-ac.jp"), "u-tokyo.ac.jp: hyphen for dot");
}

TEST(Lookalike, LeavesRealAndUnrelatedDomainsAlone) {
    for (const char* d : {"mofa.go.jp",
                          "www.mofa.go.jp",
                          "MOFA.GO.JP.",
                          "nids.mod.go.jp",
                          "jaxa.jp",
                          "global.jaxa.jp",
                          "example.com",
                          "mofashop.com",
                          "jaxamart.jp",
                          "nhz.or.jp",
                          "nhk.com",
                          "mod.uk",
                          "nec.com.au",
                          "abc-nec.co.jp",
                          "asahi.co.jp",
                          "mext-edu.example",
                          "gmail.com",
                          "localhost",
                          "",
                          "..",
                          "xn--.jp",
                          "a..b",
                          "mofo.go.jp"})
        EXPECT_EQ(look(d), "") << d;
}

}  // namespace
}  // namespace kagami::detect::sender
