// The scoring policy: the bundled file covers every finding the sources can emit,
// users override it entry by entry, and combinations weigh only when all their
// clauses are met.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "score/policy.h"
#include "score/score.h"
#include "support/test_support.h"

namespace kagami {
namespace {

using score::Policy;

struct DeclaredKind {
    std::string id, attack, file;
};

// Every FindingKind declared in src/: `FindingKind kX{"id", "title" ..., "T1566"}`.
std::vector<DeclaredKind> declared_kinds() {
    static const std::regex kind(
        R"re(FindingKind\s+k\w+\s*\{\s*"([^"]+)"\s*,((?:\s*"(?:[^"\\]|\\.)*")+)\s*,\s*"([^"]*)"\s*\})re");
    std::vector<DeclaredKind> out;
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(std::string(KAGAMI_SOURCE_DIR) + "/src")) {
        if (e.path().extension() != ".cc") continue;
        std::string text = test::read_file(e.path().string());
        for (std::sregex_iterator it(text.begin(), text.end(), kind), end; it != end; ++it)
            out.push_back({(*it)[1], (*it)[3], e.path().filename().string()});
    }
    return out;
}

Finding finding(std::string id) {
    Finding f;
    f.id = std::move(id);
    f.title = "t";
    return f;
}

std::set<std::string> ids_of(const score::Scored& s) {
    std::set<std::string> out;
    for (const auto& f : s.findings) out.insert(f.id);
    return out;
}

TEST(BundledPolicy, GivesEveryDeclaredFindingAWeightAndATechnique) {
    auto policy = Policy::bundled();
    auto kinds = declared_kinds();
    ASSERT_GT(kinds.size(), 100u);  // the regex still reads the declarations
    for (const auto& k : kinds) {
        EXPECT_TRUE(policy->has_weight(k.id)) << k.id << " (" << k.file << ") has no weight";
        EXPECT_FALSE(split_attack(k.attack).empty()) << k.id << " has no ATT&CK technique";
        for (const auto& t : split_attack(k.attack))
            EXPECT_TRUE(std::regex_match(t, std::regex(R"(T\d{4}(\.\d{3})?)")))
                << k.id << ": " << t;
    }
    // Malformed files and YARA matches have ids made at run time.
    EXPECT_TRUE(policy->has_weight("lnk.malformed"));
    EXPECT_TRUE(policy->has_weight("yara.some_user_rule"));
}

TEST(BundledPolicy, NamesOnlyFindingsThatExist) {
    // A weight for an id nothing emits is a typo that silently never scores.
    auto policy = Policy::bundled();
    std::set<std::string> known;
    for (const auto& k : declared_kinds()) known.insert(k.id);
    std::string rules_dir = std::string(KAGAMI_SOURCE_DIR) + "/rules";
    static const std::regex rule(R"(^\s*(?:private\s+|global\s+)*rule\s+(\w+))");
    for (const auto& e : std::filesystem::directory_iterator(rules_dir)) {
        std::istringstream in(test::read_file(e.path().string()));
        std::smatch m;
        for (std::string line; std::getline(in, line);)
            if (std::regex_search(line, m, rule)) known.insert("yara." + m[1].str());
    }
    for (const auto& [id, weight] : policy->weights()) {
        if (id.find('*') != std::string::npos) continue;
        EXPECT_TRUE(known.count(id)) << "data/scores.toml weighs " << id << ", which nothing emits";
    }
}

TEST(BundledPolicy, EveryCombinationCanFire) {
    auto policy = Policy::bundled();
    ASSERT_FALSE(policy->combinations().empty());
    for (const auto& c : policy->combinations()) {
        EXPECT_FALSE(c.attack.empty()) << c.id;
        EXPECT_GT(c.weight, 0) << c.id;
        for (const auto& clause : c.all_of) {
            // Some weighed id or pattern of the policy meets the clause.
            bool met = false;
            for (const auto& [id, w] : policy->weights()) {
                if (w <= 0) continue;
                std::string probe = id;
                if (probe.ends_with(".*")) probe.replace(probe.size() - 1, 1, "x");
                if (probe.starts_with("*.")) probe.replace(0, 1, "x");
                for (const auto& p : clause) met = met || policy->matches(p, probe);
            }
            EXPECT_TRUE(met) << c.id << " has a clause nothing meets";
        }
    }
}

TEST(Policy, LooksUpExactIdsThenTheMostSpecificPatternThenTheDefault) {
    std::string error;
    auto p = Policy::parse(R"(
default_weight = 0.25
[weights]
"yara.*" = 5
"yara.kagami.*" = 2
"*.malformed" = 0.5
"yara.exact" = 9
)",
                           &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->weight_of("yara.exact"), 9);
    EXPECT_EQ(p->weight_of("yara.kagami.lnk"), 2);
    EXPECT_EQ(p->weight_of("yara.other"), 5);
    EXPECT_EQ(p->weight_of("pdf.malformed"), 0.5);
    EXPECT_EQ(p->weight_of("unknown.id"), 0.25);
    EXPECT_FALSE(p->has_weight("unknown.id"));
    // A pattern needs something after its dot.
    EXPECT_FALSE(p->matches("yara.*", "yara."));
    EXPECT_FALSE(p->matches("yara.*", "yarax"));
}

TEST(Policy, UserFileOverridesTheBundledOneEntryByEntry) {
    auto base = Policy::bundled();
    std::string error;
    auto p = Policy::parse(R"(
[thresholds]
malicious = 12
[weights]
"lnk.target.script_host" = 7.5
)",
                           &error, base.get());
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->weight_of("lnk.target.script_host"), 7.5);
    EXPECT_EQ(p->thresholds().malicious, 12);
    EXPECT_EQ(p->thresholds().suspicious, base->thresholds().suspicious);
    // What the file does not name keeps the bundled weight.
    EXPECT_EQ(p->weight_of("vba.auto_exec_suspicious"),
              base->weight_of("vba.auto_exec_suspicious"));
    EXPECT_EQ(p->combinations().size(), base->combinations().size());
}

TEST(Policy, RejectsBadFilesWithTheReason) {
    std::string error;
    EXPECT_FALSE(Policy::parse("[weights]\n\"a\" = \"heavy\"\n", &error));
    EXPECT_NE(error.find("must be a number"), std::string::npos) << error;
    EXPECT_FALSE(Policy::parse("[weights\n", &error));
    EXPECT_NE(error.find("line 1"), std::string::npos) << error;
    EXPECT_FALSE(Policy::parse("[thresholds]\nsuspicious = 9\nmalicious = 3\n", &error));
    EXPECT_FALSE(Policy::parse("[weigths]\n", &error));
    EXPECT_NE(error.find("weigths"), std::string::npos) << error;
    EXPECT_FALSE(Policy::parse(R"([[combinations]]
id = "c"
when = ["@nope"]
weight = 1
)",
                               &error));
    EXPECT_NE(error.find("@nope"), std::string::npos) << error;
    EXPECT_FALSE(Policy::parse("[[combinations]]\nid = \"c\"\nweight = 1\n", &error));
}

TEST(Score, AddsACombinationOnlyWhenEveryClauseIsMet) {
    std::string error;
    auto p = Policy::parse(R"(
[weights]
"lure.theme" = 1
"sender.x" = 2
"lnk.run" = 5
"lnk.quiet" = 0
[groups]
run = ["lnk.run", "vba.*"]
[[combinations]]
id = "combo.all"
title = "All three"
when = ["lure.*", ["sender.x", "header.y"], "@run"]
weight = 6
attack = "T1566.001"
)",
                           &error);
    ASSERT_TRUE(p) << error;
    auto all = score::score({finding("lure.theme"), finding("sender.x"), finding("lnk.run")}, *p);
    EXPECT_EQ(all.score, 14);
    EXPECT_EQ(all.verdict, Verdict::malicious);
    ASSERT_EQ(all.findings.front().id, "combo.all");  // heaviest first
    EXPECT_EQ(all.findings.front().evidence, "lure.theme + sender.x + lnk.run");
    EXPECT_EQ(all.findings.front().attack, std::vector<std::string>{"T1566.001"});

    auto two = score::score({finding("lure.theme"), finding("sender.x"), finding("lnk.quiet")}, *p);
    EXPECT_FALSE(ids_of(two).count("combo.all"));  // a weightless finding meets nothing
    EXPECT_EQ(two.score, 3);
    EXPECT_EQ(two.verdict, Verdict::clean);
}

TEST(Score, CapsWhatTheFindingsOfAGroupAddUpTo) {
    std::string error;
    auto p = Policy::parse(R"(
[weights]
"sender.a" = 3
"sender.b" = 2
"other" = 1
[groups]
claims = ["sender.*"]
[caps]
claims = 4
)",
                           &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(score::score({finding("sender.a"), finding("sender.b"), finding("other")}, *p).score,
              5);
    EXPECT_EQ(score::score({finding("sender.b"), finding("other")}, *p).score, 3);
    EXPECT_FALSE(Policy::parse("[caps]\nnope = 1\n", &error));
    EXPECT_NE(error.find("nope"), std::string::npos) << error;
}

TEST(Score, CountsEachIdOnce) {
    std::string error;
    auto p = Policy::parse("[weights]\n\"a\" = 3\n", &error);
    ASSERT_TRUE(p) << error;
    auto s = score::score({finding("a"), finding("a"), finding("a")}, *p);
    EXPECT_EQ(s.score, 3);
    EXPECT_EQ(s.findings.size(), 3u);  // still all shown
    EXPECT_EQ(s.verdict, Verdict::clean);
}

}  // namespace
}  // namespace kagami
