#include <gtest/gtest.h>

#include <string>

#include "detect/intel/indicators.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

std::string indicator(const std::string& id, const std::string& pattern,
                      const std::string& extra = "") {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--)" + id +
           R"(","pattern_type":"stix","pattern":")" + pattern + "\"" + extra + "}";
}

std::string relationship(const std::string& type, const std::string& src, const std::string& dst) {
    return R"({"type":"relationship","id":"relationship--)" + src + dst +
           R"(","relationship_type":")" + type + R"(","source_ref":")" + src +
           R"(","target_ref":")" + dst + "\"}";
}

std::string bundle(const std::vector<std::string>& objects) {
    std::string s = R"({"type":"bundle","id":"bundle--1","objects":[)";
    for (std::size_t i = 0; i < objects.size(); ++i) s += (i ? "," : "") + objects[i];
    return s + "]}";
}

TEST(StixPattern, OrGivesSeveralValues) {
    auto p = parse_stix_pattern(
        "[domain-name:value = 'evil.example' OR url:value = 'http://evil.example/a'] OR "
        "[ipv4-addr:value = '192.0.2.1']");
    ASSERT_TRUE(p.error.empty()) << p.error;
    ASSERT_EQ(p.values.size(), 3u);
    EXPECT_EQ(p.values[0].type, IndicatorType::domain);
    EXPECT_EQ(p.values[1].type, IndicatorType::url);
    EXPECT_EQ(p.values[2].value, "192.0.2.1");
}

TEST(StixPattern, HashSpellingsAndEscapedQuotes) {
    auto p = parse_stix_pattern(
        "[file:hashes.'SHA-256' = 'AB' OR file:hashes.SHA256 = 'cd' OR file:hashes.MD5 = 'ef' "
        "OR file:hashes.'SHA-1' = '01' OR file:name = 'it\\'s a \\\\ name.lnk']");
    ASSERT_TRUE(p.error.empty()) << p.error;
    ASSERT_EQ(p.values.size(), 5u);
    EXPECT_EQ(p.values[0].type, IndicatorType::sha256);
    EXPECT_EQ(p.values[1].type, IndicatorType::sha256);
    EXPECT_EQ(p.values[2].type, IndicatorType::md5);
    EXPECT_EQ(p.values[3].type, IndicatorType::sha1);
    EXPECT_EQ(p.values[4].value, "it's a \\ name.lnk");
}

TEST(StixPattern, RefusesWhatASetCannotExpress) {
    EXPECT_FALSE(parse_stix_pattern("[file:name = 'a.exe' AND file:size = 10]").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[url:value LIKE '%evil%']").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[url:value MATCHES '^http']").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[url:value != 'x']").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[domain-name:value = 'a.example'] FOLLOWEDBY "
                                    "[domain-name:value = 'b.example']")
                     .error.empty());
    EXPECT_FALSE(
        parse_stix_pattern("[domain-name:value = 'a.example'] WITHIN 5 SECONDS").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[domain-name:value = 'a.example'").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[domain-name:value = 'unterminated]").error.empty());
    EXPECT_FALSE(parse_stix_pattern("[file:hashes.MD5 = h'0011']").error.empty());
}

TEST(StixPattern, UnsupportedPathsAreCountedNotFatal) {
    auto p = parse_stix_pattern(
        "[windows-registry-key:key = 'HKLM\\\\x' OR domain-name:value = 'evil.example']");
    ASSERT_TRUE(p.error.empty());
    EXPECT_EQ(p.skipped, 1u);
    EXPECT_EQ(p.values.size(), 1u);
    auto cidr = parse_stix_pattern("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
    ASSERT_EQ(cidr.values.size(), 1u);
}

TEST(LoadStix, RelationshipsGiveActorsMalwareAndCampaigns) {
    IndicatorSet set;
    auto r = set.load_stix(
        bundle({indicator("1", "[domain-name:value = 'evil.example']"),
                indicator("2",
                          "[file:hashes.'SHA-256' = "
                          "'5BC7EB8C12BFBA9D79E843C4ED6CBA8301923F19DE7339ADE0BC12D719F722FA']"),
                R"({"type":"malware","id":"malware--m","name":"LODEINFO","is_family":true})",
                R"({"type":"intrusion-set","id":"intrusion-set--a","name":"MirrorFace"})",
                R"({"type":"campaign","id":"campaign--c","name":"Operation LiberalFace"})",
                relationship("indicates", "indicator--1", "malware--m"),
                relationship("uses", "intrusion-set--a", "malware--m"),
                relationship("indicates", "indicator--2", "campaign--c"),
                relationship("attributed-to", "campaign--c", "intrusion-set--a")}),
        "eset-mirrorface");
    EXPECT_EQ(r.format, "stix");
    EXPECT_EQ(r.indicators, 2u);
    EXPECT_EQ(r.skipped, 0u);
    const Context* c = set.find_domain("evil.example");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->feed, "eset-mirrorface");
    EXPECT_EQ(c->malware, std::vector<std::string>{"LODEINFO"});
    EXPECT_EQ(c->actors, std::vector<std::string>{"MirrorFace"});
    const Context* h =
        set.find_hash("5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->campaigns, std::vector<std::string>{"Operation LiberalFace"});
    EXPECT_EQ(h->actors, std::vector<std::string>{"MirrorFace"});
}

TEST(LoadStix, ActorsDoNotLeakToOtherMalwareOfTheActor) {
    IndicatorSet set;
    set.load_stix(bundle({indicator("1", "[domain-name:value = 'evil.example']"),
                          R"({"type":"malware","id":"malware--a","name":"A"})",
                          R"({"type":"malware","id":"malware--b","name":"B"})",
                          R"({"type":"intrusion-set","id":"intrusion-set--x","name":"X"})",
                          relationship("indicates", "indicator--1", "malware--a"),
                          relationship("uses", "intrusion-set--x", "malware--a"),
                          relationship("uses", "intrusion-set--x", "malware--b")}),
                  "f");
    const Context* c = set.find_domain("evil.example");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->malware, std::vector<std::string>{"A"});
    EXPECT_EQ(c->actors, std::vector<std::string>{"X"});
}

TEST(LoadStix, RevokedSkippedExpiredKeptOthersCounted) {
    IndicatorSet set;
    auto r = set.load_stix(
        bundle(
            {indicator("1", "[domain-name:value = 'revoked.example']", R"(,"revoked":true)"),
             indicator("2", "[domain-name:value = 'old.example']",
                       R"(,"valid_until":"2001-01-01T00:00:00Z","name":"old C2")"),
             indicator("3", "[file:name = 'a.exe' AND file:size = 1]"),
             indicator("4", "[url:value LIKE 'x']"),
             R"({"type":"indicator","id":"indicator--5","pattern_type":"yara","pattern":"rule x {condition: true}"})"}),
        "f");
    EXPECT_EQ(r.indicators, 1u);
    EXPECT_EQ(r.skipped, 4u);
    EXPECT_FALSE(r.problems.empty());
    EXPECT_EQ(set.find_domain("revoked.example"), nullptr);
    const Context* old = set.find_domain("old.example");
    ASSERT_NE(old, nullptr);
    EXPECT_NE(old->description.find("expired 2001-01-01"), std::string::npos) << old->description;
}

TEST(LoadStix, BrokenJsonIsAProblemNotACrash) {
    IndicatorSet set;
    for (std::string bad :
         {std::string("{\"type\":\"bundle\",\"objects\":[{"), std::string(""),
          std::string("[1,2,3]"), std::string("{\"objects\":\"no\"}"), std::string("\xff\xfe{}")}) {
        auto r = set.load_stix(bad, "f");
        EXPECT_EQ(r.indicators, 0u);
        EXPECT_FALSE(r.problems.empty()) << bad;
    }
    EXPECT_EQ(set.size(), 0u);
}

TEST(LoadStix, OneBrokenObjectDoesNotLoseTheOthers) {
    IndicatorSet set;
    auto r = set.load_stix(bundle({indicator("1", "[domain-name:value = 'a.example']"),
                                   R"({"type":"indicator","id":"indicator--2","pattern":tru})",
                                   indicator("3", "[domain-name:value = 'c.example']")}),
                           "f");
    EXPECT_EQ(r.indicators, 2u);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_NE(r.problems[0].find("not valid JSON"), std::string::npos);
    EXPECT_NE(set.find_domain("c.example"), nullptr);
}

TEST(LoadStix, SharesOneContextPerSourceObject) {
    IndicatorSet set;
    set.load_stix(bundle({indicator("1",
                                    "[domain-name:value = 'a.example' OR domain-name:value = "
                                    "'b.example']")}),
                  "f");
    EXPECT_EQ(set.find_domain("a.example"), set.find_domain("b.example"));
}

}  // namespace
}  // namespace kagami::detect::intel
