#include "detect/sender/organisations.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace kagami::detect::sender {
namespace {

std::vector<std::string> ids(const std::vector<const Organisation*>& orgs) {
    std::vector<std::string> out;
    for (const auto* o : orgs) out.push_back(o->id);
    return out;
}

const Directory& dir() {
    static auto d = Directory::bundled();
    return *d;
}

TEST(Directory, BundledParsesWithTheTargetedOrganisations) {
    ASSERT_NE(Directory::bundled(), nullptr);
    EXPECT_GT(dir().size(), 80u);
    for (const char* d :
         {"mofa.go.jp",   "mod.go.jp",     "meti.go.jp",    "mext.go.jp",    "npa.go.jp",
          "nisc.go.jp",   "jaxa.jp",       "aist.go.jp",    "riken.jp",      "jiia.or.jp",
          "spf.org",      "u-tokyo.ac.jp", "nhk.or.jp",     "kyodonews.jp",  "jiji.com",
          "asahi.com",    "yomiuri.co.jp", "mainichi.jp",   "nikkei.com",    "sankei.co.jp",
          "jimin.jp",     "jpcert.or.jp",  "shugiin.go.jp", "sangiin.go.jp", "ndl.go.jp",
          "digital.go.jp"})
        EXPECT_NE(dir().owner_of(d), nullptr) << d;
}

TEST(Directory, NamesInJapaneseEnglishAndAbbreviation) {
    EXPECT_EQ(ids(dir().named_in("外務省 総合外交政策局")), std::vector<std::string>{"mofa"});
    EXPECT_EQ(ids(dir().named_in("Ministry of Foreign Affairs of Japan")),
              std::vector<std::string>{"mofa"});
    EXPECT_EQ(ids(dir().named_in("MOFA Press Office")), std::vector<std::string>{"mofa"});
    EXPECT_EQ(ids(dir().named_in("ＪＡＸＡ 広報部")), std::vector<std::string>{"jaxa"});
    EXPECT_EQ(ids(dir().named_in("Yamada (jaxa)")), std::vector<std::string>{"jaxa"});
}

TEST(Directory, AsciiNamesMustStandAsWords) {
    EXPECT_TRUE(dir().named_in("mofaxyz").empty());
    EXPECT_TRUE(dir().named_in("Ajaxa team").empty());
    EXPECT_TRUE(dir().named_in("NHKX").empty());
}

TEST(Directory, AmbiguousNamesNeedJapanAsContext) {
    EXPECT_TRUE(dir().named_in("Ministry of Defence").empty());
    EXPECT_TRUE(dir().named_in("MOD Helpdesk").empty());
    EXPECT_EQ(ids(dir().named_in("Ministry of Defense, Japan")), std::vector<std::string>{"mod"});
    EXPECT_EQ(ids(dir().named_in("日本 MOD")), std::vector<std::string>{"mod"});
}

TEST(Directory, ShortKanjiNamesDoNotMatchInsideLongerWords) {
    EXPECT_TRUE(dir().named_in("東大寺").empty());
    EXPECT_TRUE(dir().named_in("東大阪市").empty());
    EXPECT_TRUE(dir().named_in("物理研究").empty());
    EXPECT_EQ(ids(dir().named_in("東大 山田")), std::vector<std::string>{"utokyo"});
}

TEST(Directory, LongestNameWins) {
    EXPECT_EQ(ids(dir().named_in("JPCERT/CC 早期警戒グループ")),
              std::vector<std::string>{"jpcert"});
    EXPECT_EQ(ids(dir().named_in("日本国際問題研究所")), std::vector<std::string>{"jiia"});
}

TEST(Directory, OwnerOfTakesTheMostSpecificDomain) {
    ASSERT_NE(dir().owner_of("nids.mod.go.jp"), nullptr);
    EXPECT_EQ(dir().owner_of("nids.mod.go.jp")->id, "nids");
    EXPECT_EQ(dir().owner_of("www.nids.mod.go.jp")->id, "nids");
    EXPECT_EQ(dir().owner_of("mail.mod.go.jp")->id, "mod");
    EXPECT_EQ(dir().owner_of("MAIL.MOFA.GO.JP.")->id, "mofa");
    EXPECT_EQ(dir().owner_of("notmofa.go.jp"), nullptr);
    EXPECT_EQ(dir().owner_of("mofa.go.jp.example.com"), nullptr);
    EXPECT_EQ(dir().owner_of(""), nullptr);
}

TEST(Directory, ParsesAUserFile) {
    std::string error;
    auto d = Directory::parse(R"(
[directory]
context = ["Acme"]
[[organisation]]
id = "x"
name = "Example Agency"
kind = "agency"
names = ["Example Agency", "イグザンプル庁"]
ambiguous = ["EA"]
domains = ["Example.GO.JP"]
)",
                              &error);
    ASSERT_NE(d, nullptr) << error;
    EXPECT_EQ(d->size(), 1u);
    EXPECT_EQ(d->organisations()[0].domains[0], "example.go.jp");
    EXPECT_EQ(ids(d->named_in("ｲｸﾞｻﾞﾝﾌﾟﾙ庁")), std::vector<std::string>{"x"});
    EXPECT_TRUE(d->named_in("EA").empty());
    EXPECT_EQ(ids(d->named_in("EA Acme")), std::vector<std::string>{"x"});
}

struct BadFile {
    const char* toml;
    const char* message;
};

TEST(Directory, ReportsErrorsWithTheLine) {
    const BadFile cases[] = {
        {"[[organisation]\n", "line 1"},
        {"x = 1\n", "no [[organisation]]"},
        {"[[organisation]]\nname = \"a\"\nnames=[\"ab\"]\ndomains=[\"a.jp\"]\n", "missing 'id'"},
        {"[[organisation]]\nid=\"a\"\nnames=[\"ab\"]\ndomains=[\"a.jp\"]\n[[organisation]]\nid="
         "\"a\"\n"
         "names=[\"cd\"]\ndomains=[\"c.jp\"]\n",
         "line 5: organisation 'a': duplicate id"},
        {"[[organisation]]\nid=\"a\"\nnames=\"ab\"\ndomains=[\"a.jp\"]\n",
         "line 3: organisation 'a': 'names' must be an array"},
        {"[[organisation]]\nid=\"a\"\nnames=[\"ab\", 3]\ndomains=[\"a.jp\"]\n",
         "must hold strings"},
        {"[[organisation]]\nid=\"a\"\nnames=[\"x\"]\ndomains=[\"a.jp\"]\n", "too short"},
        {"[[organisation]]\nid=\"a\"\nnames=[\"ab\"]\ndomains=[\"not a domain\"]\n",
         "is not a domain"},
        {"[[organisation]]\nid=\"a\"\nnames=[\"ab\"]\n", "no 'domains'"},
        {"[[organisation]]\nid=\"a\"\ndomains=[\"a.jp\"]\n", "no 'names'"},
        {"directory = 3\n[[organisation]]\nid=\"a\"\nnames=[\"ab\"]\ndomains=[\"a.jp\"]\n",
         "[directory] must be a table"},
    };
    for (const auto& c : cases) {
        std::string error;
        EXPECT_EQ(Directory::parse(c.toml, &error), nullptr) << c.toml;
        EXPECT_NE(error.find(c.message), std::string::npos) << error;
    }
    EXPECT_EQ(Directory::parse("[[organisation]\n", nullptr), nullptr);
}

TEST(Directory, IsSharedSafelyBetweenThreads) {
    auto d = Directory::bundled();
    std::vector<std::thread> threads;
    std::vector<int> ok(8, 0);
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                auto m = d->named_in("外務省 アジア大洋州局 / JAXA");
                auto o = d->owner_of("www.jaxa.jp");
                if (m.size() == 2 && m[0]->id == "mofa" && o && o->id == "jaxa") ++ok[t];
            }
        });
    for (auto& th : threads) th.join();
    for (int v : ok) EXPECT_EQ(v, 200);
}

}  // namespace
}  // namespace kagami::detect::sender
