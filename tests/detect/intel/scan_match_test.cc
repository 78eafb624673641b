#include <gtest/gtest.h>

#include <string>

#include "detect/intel/indicators.h"

namespace kagami::detect::intel {
namespace {

IndicatorSet mirrorface_set() {
    IndicatorSet set;
    Context c{"eset-mirrorface", {"MirrorFace"}, {"LODEINFO"}, {}, "Operation LiberalFace"};
    set.add(IndicatorType::domain, "ninesmn.com", c);
    set.add(IndicatorType::url, "http://evil.example/dl/a.php?id=7", c);
    set.add(IndicatorType::ipv4, "45.32.13.180", c);
    set.add(IndicatorType::ipv6, "2001:db8::7", c);
    set.add(IndicatorType::email, "sender@evil.example", c);
    set.add(IndicatorType::sha256,
            "5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa", c);
    set.add(IndicatorType::md5, "8d2e1cbd9b6eb953fd151d3193bf5975", c);
    set.add(IndicatorType::file_name, "K7SysMon.Exe.db", c);
    set.add(IndicatorType::file_name, "【参考】選挙管理委員会宛文書（添書分）.exe", c);
    set.add(IndicatorType::file_name, "meeting notes.docx", c);
    return set;
}

std::vector<Hit> scan(const IndicatorSet& set, std::string_view text) {
    std::vector<Hit> hits;
    set.scan_text(text, "body", hits);
    return hits;
}

bool has(const std::vector<Hit>& hits, IndicatorType type, std::string_view indicator) {
    for (const auto& h : hits)
        if (h.type == type && h.indicator == indicator) return true;
    return false;
}

TEST(ScanText, FindsDomainInsideJapaneseText) {
    auto set = mirrorface_set();
    auto hits = scan(set, "詳細はwww.ninesmn.comをご覧ください。");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].type, IndicatorType::domain);
    EXPECT_EQ(hits[0].indicator, "ninesmn.com");
    EXPECT_EQ(hits[0].observed, "www.ninesmn.com");
    EXPECT_EQ(hits[0].where, "body");
    ASSERT_NE(hits[0].context, nullptr);
    EXPECT_EQ(hits[0].context->actors[0], "MirrorFace");
}

TEST(ScanText, NearMissDomainsDoNotFire) {
    auto set = mirrorface_set();
    EXPECT_TRUE(scan(set, "see notninesmn.com and ninesmn.com.evil.org or ninesmn-com.jp").empty());
}

TEST(ScanText, DefangedFormsAndUrls) {
    auto set = mirrorface_set();
    auto hits = scan(set,
                     "IOC: hxxp://evil[.]example/dl/a.php?id=7, C2 45.32.13[.]180:443 and "
                     "(www[.]ninesmn[.]com).");
    EXPECT_TRUE(has(hits, IndicatorType::url, "http://evil.example/dl/a.php?id=7"));
    EXPECT_TRUE(has(hits, IndicatorType::ipv4, "45.32.13.180"));
    EXPECT_TRUE(has(hits, IndicatorType::domain, "ninesmn.com"));
    EXPECT_EQ(hits.size(), 3u);
}

TEST(ScanText, HashesEmailsIpv6AndFileNames) {
    auto set = mirrorface_set();
    auto hits = scan(set,
                     "sha256: 5BC7EB8C12BFBA9D79E843C4ED6CBA8301923F19DE7339ADE0BC12D719F722FA\n"
                     "md5=8d2e1cbd9b6eb953fd151d3193bf5975 from <mailto:Sender@Evil.Example> "
                     "via [2001:db8:0::7] dropped C:\\Users\\Public\\k7sysmon.exe.db");
    EXPECT_TRUE(has(hits, IndicatorType::sha256,
                    "5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa"));
    EXPECT_TRUE(has(hits, IndicatorType::md5, "8d2e1cbd9b6eb953fd151d3193bf5975"));
    EXPECT_TRUE(has(hits, IndicatorType::email, "sender@evil.example"));
    EXPECT_TRUE(has(hits, IndicatorType::ipv6, "2001:db8::7"));
    EXPECT_TRUE(has(hits, IndicatorType::file_name, "k7sysmon.exe.db"));
}

TEST(ScanText, HashNearMissesDoNotFire) {
    auto set = mirrorface_set();
    // One digit more, one less, and the hash inside a longer hex run.
    EXPECT_TRUE(scan(set,
                     "8d2e1cbd9b6eb953fd151d3193bf59750 8d2e1cbd9b6eb953fd151d3193bf597 "
                     "aa8d2e1cbd9b6eb953fd151d3193bf5975")
                    .empty());
}

TEST(ScanText, FileNamesWithSpacesAndJapaneseViaLiterals) {
    auto set = mirrorface_set();
    auto hits = scan(set,
                     "添付の【参考】選挙管理委員会宛文書（添書分）.exeを開いてください。また "
                     "Meeting Notes.DOCX も。");
    // Stored NFKC-casefolded: the full-width parentheses become ASCII ones.
    EXPECT_TRUE(has(hits, IndicatorType::file_name, "【参考】選挙管理委員会宛文書(添書分).exe"));
    EXPECT_TRUE(has(hits, IndicatorType::file_name, "meeting notes.docx"));
    EXPECT_TRUE(scan(set, "my meeting notes.docxx and oldmeeting notes.docx").empty());
}

TEST(ScanText, DeduplicatesAndBoundsHits) {
    auto set = mirrorface_set();
    auto hits = scan(set, "ninesmn.com ninesmn.com a.ninesmn.com NINESMN.COM");
    EXPECT_EQ(hits.size(), 1u);
    IndicatorSet many;
    Context c{"f", {}, {}, {}, {}};
    std::string text;
    for (int i = 0; i < 1000; ++i) {
        std::string d = "host" + std::to_string(i) + ".example";
        many.add(IndicatorType::domain, d, c);
        text += d + " ";
    }
    std::vector<Hit> out;
    many.scan_text(text, "body", out);
    EXPECT_EQ(out.size(), IndicatorSet::kMaxHitsPerText);
}

TEST(ScanText, EmptySetAndHostileText) {
    IndicatorSet empty;
    std::vector<Hit> hits;
    empty.scan_text("evil.example", "body", hits);
    EXPECT_TRUE(hits.empty());
    auto set = mirrorface_set();
    std::string junk(100000, '[');
    junk += std::string(100000, '.');
    junk += std::string(5000, 'a') + ".com";
    set.scan_text(junk, "body", hits);
    EXPECT_TRUE(hits.empty());
}

TEST(Match, TypedItemsAndTextsDeduplicatedPerPlace) {
    auto set = mirrorface_set();
    Observations obs;
    obs.items.push_back({IndicatorType::url, "https://www.ninesmn.com/login", "link 1"});
    obs.items.push_back({IndicatorType::url, "http://evil.example/dl/a.php?id=7#x", "link 2"});
    obs.items.push_back({IndicatorType::email, "Sender@evil.example", "From"});
    obs.items.push_back({IndicatorType::ipv4, "45.32.13.180", "Received[1]"});
    obs.items.push_back({IndicatorType::sha256,
                         "5BC7EB8C12BFBA9D79E843C4ED6CBA8301923F19DE7339ADE0BC12D719F722FA",
                         "part 2"});
    obs.items.push_back({IndicatorType::file_name, "K7SYSMON.EXE.DB", "part 2"});
    obs.items.push_back({IndicatorType::domain, "notninesmn.com", "Reply-To"});
    std::string body = "Visit www.ninesmn.com or www.ninesmn.com today";
    obs.texts.emplace_back(body, "part 1");
    obs.texts.emplace_back(body, "part 1");
    auto hits = match(set, obs);
    EXPECT_TRUE(has(hits, IndicatorType::domain, "ninesmn.com"));
    EXPECT_TRUE(has(hits, IndicatorType::url, "http://evil.example/dl/a.php?id=7"));
    EXPECT_TRUE(has(hits, IndicatorType::email, "sender@evil.example"));
    EXPECT_TRUE(has(hits, IndicatorType::ipv4, "45.32.13.180"));
    EXPECT_TRUE(has(hits, IndicatorType::sha256,
                    "5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa"));
    EXPECT_TRUE(has(hits, IndicatorType::file_name, "k7sysmon.exe.db"));
    // link 1 (host), part 1 (text, once), and no Reply-To near miss.
    int domain_hits = 0;
    for (const auto& h : hits) {
        if (h.type == IndicatorType::domain) ++domain_hits;
        EXPECT_NE(h.where, "Reply-To");
    }
    EXPECT_EQ(domain_hits, 2);
    EXPECT_EQ(hits.size(), 7u);
}

TEST(Findings, OneSentencePerHitWithActorAndAttack) {
    auto set = mirrorface_set();
    Observations obs;
    obs.items.push_back({IndicatorType::url, "https://www.ninesmn.com/x", "link 1"});
    obs.items.push_back({IndicatorType::md5, "8D2E1CBD9B6EB953FD151D3193BF5975", "part 2"});
    obs.items.push_back({IndicatorType::ipv4, "45.32.13.180", "Received"});
    auto findings = findings_for(match(set, obs));
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].id, "intel.domain");
    EXPECT_EQ(findings[0].title,
              "The domain ninesmn.com is on feed eset-mirrorface, tied to MirrorFace (LODEINFO)");
    EXPECT_EQ(findings[0].evidence, "ninesmn.com <- https://www.ninesmn.com/x");
    EXPECT_EQ(findings[0].where, "link 1");
    EXPECT_EQ(findings[1].id, "intel.hash");
    EXPECT_EQ(findings[2].id, "intel.ip");
    for (const auto& f : findings) EXPECT_FALSE(f.attack.empty()) << f.id;
    EXPECT_EQ(findings[0].attack[0], "T1566.002");
}

TEST(Findings, DescriptionWhenNoActorIsKnown) {
    IndicatorSet set;
    set.load_list(
        "ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072;Dark Caracal - "
        "MS Windows HtmlHelp Data\n",
        "hash-iocs");
    std::vector<Hit> hits;
    set.scan_text("ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072", "x", hits);
    auto f = findings_for(hits);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].title,
              "The SHA-256 ce58382119134527... is on feed hash-iocs (Dark Caracal - MS Windows "
              "HtmlHelp Data)");
}

}  // namespace
}  // namespace kagami::detect::intel
