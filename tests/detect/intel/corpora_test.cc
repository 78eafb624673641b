// Real feeds written by others (../shared/corpora): MITRE ATT&CK STIX, ESET MISP events
// and lists, Cybereason's defanged CuckooSpear IOCs, JPCERT phishing URLs, signature-base.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "detect/intel/indicators.h"
#include "support/test_support.h"

namespace kagami::detect::intel {
namespace {

namespace fs = std::filesystem;

fs::path corpus(const char* name) {
    return test::corpora_dir() / name;
}

TEST(IntelCorpora, MitreAttackBundleHasNoIndicatorsAndLoads) {
    auto path = corpus("mitre_attack_enterprise_v18.1") / "enterprise-attack-18.1-subset.json";
    if (!fs::exists(path)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    auto r = set.load_file(path, "attack");
    EXPECT_EQ(r.format, "stix");
    EXPECT_EQ(r.indicators, 0u);
    EXPECT_EQ(r.skipped, 0u);
    EXPECT_EQ(set.size(), 0u);
    for (const auto& p : r.problems) ADD_FAILURE() << p;
}

TEST(IntelCorpora, EsetMispEventsLoadWithActors) {
    auto root = corpus("eset_malware_ioc");
    if (!fs::exists(root)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    std::size_t files = 0, total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".json") continue;
        std::string text = test::read_file(entry.path());
        if (text.find("\"Event\"") == std::string::npos) continue;  // not MISP (a DNS blocklist)
        auto r =
            set.load_file(entry.path(), "eset-" + entry.path().parent_path().filename().string());
        EXPECT_EQ(r.format, "misp") << entry.path();
        EXPECT_GT(r.indicators, 0u) << entry.path();
        for (const auto& p : r.problems)
            EXPECT_EQ(p.find("JSON"), std::string::npos) << entry.path() << ": " << p;
        ++files;
        total += r.indicators;
    }
    EXPECT_GE(files, 50u);
    EXPECT_GT(total, 2000u);
    // Turla events name their actor through a threat-actor galaxy tag.
    auto turla = root / "turla" / "misp-turla-outlook-event.json";
    IndicatorSet one;
    auto r = one.load_file(turla, "eset-turla");
    ASSERT_GT(r.indicators, 0u);
    bool turla_actor = false;
    std::string text = test::read_file(turla);
    // Find any domain of the event and check its context.
    for (const auto& h : [&] {
             std::vector<Hit> hits;
             one.scan_text(text, "feed", hits);
             return hits;
         }())
        for (const auto& a : h.context->actors) turla_actor |= a.find("Turla") != std::string::npos;
    EXPECT_TRUE(turla_actor);
}

TEST(IntelCorpora, EsetMirrorFaceHashesAndNetworkIndicators) {
    auto dir = corpus("eset_malware_ioc") / "mirrorface";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    for (const char* f : {"samples.md5", "samples.sha1", "samples.sha256"}) {
        auto r = set.load_file(dir / f, "eset-mirrorface");
        EXPECT_GT(r.indicators, 0u) << f;
        EXPECT_EQ(r.skipped, 0u) << f;
    }
    // The README's network block, defanged ("5.8.95[.]174", "www.ninesmn[.]com").
    std::string readme = test::read_file(dir / "README.adoc");
    auto start = readme.find("== Network indicators");
    ASSERT_NE(start, std::string::npos);
    auto r = set.load_list(readme.substr(start), "eset-mirrorface");
    EXPECT_EQ(r.indicators, 5u);
    EXPECT_NE(set.find_ip("5.8.95.174"), nullptr);
    EXPECT_NE(set.find_domain("www.aesorunwe.com"), nullptr);
    EXPECT_NE(set.find_hash("F4691FF3B3ACD15653684F372285CAC36C8D0AEF"), nullptr);
    EXPECT_EQ(set.find_domain("aesorunwe.com"), nullptr);  // the feed names the www host
}

TEST(IntelCorpora, CuckooSpearDefangedLists) {
    auto dir = corpus("cybereason_cuckoospear") / "iocs";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    auto found = set.load_file(dir / "discovered_iocs.txt", "cuckoospear");
    EXPECT_EQ(found.indicators, 28u);  // 13 domains and 15 MD5s
    EXPECT_EQ(found.skipped, 9u);      // registry keys
    auto dga = set.load_file(dir / "generated_dga_domains.txt", "cuckoospear-dga");
    EXPECT_EQ(dga.indicators, 139u);
    EXPECT_EQ(dga.skipped, 0u);
    EXPECT_NE(set.find_domain("www.aceaeianjqtch.com"), nullptr);
    EXPECT_NE(set.find_domain("x.foeake.org"), nullptr);
    EXPECT_NE(set.find_hash("EA474E87F23CE6575057E76108665FFB"), nullptr);
    std::vector<Hit> hits;
    set.scan_text("beacon to hxxp://c2.foeake[.]org/a and ea474e87f23ce6575057e76108665ffb", "t",
                  hits);
    EXPECT_EQ(hits.size(), 2u);
}

TEST(IntelCorpora, JpcertPhishingUrlsAllRows) {
    auto dir = corpus("jpcert_phishurl_list") / "2025";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    std::size_t loaded = 0, skipped = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        auto r = set.load_file(entry.path(), "jpcert-phishurl");
        loaded += r.indicators;
        skipped += r.skipped;
    }
    EXPECT_EQ(loaded + skipped, 31828u);
    EXPECT_LT(skipped, 50u);
    const Context* c = set.find_url("https://ybrjaouww.com");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->description, "Apple ID");
    EXPECT_EQ(set.find_domain("ybrjaouww.com"), nullptr);
}

TEST(IntelCorpora, SignatureBaseIocLists) {
    auto dir = corpus("signature_base") / "iocs";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpus absent";
    IndicatorSet set;
    auto hashes = set.load_file(dir / "hash-iocs.txt", "sigbase-hash");
    EXPECT_GT(hashes.indicators, 3000u);
    EXPECT_LT(hashes.skipped, 20u);
    auto c2 = set.load_file(dir / "c2-iocs.txt", "sigbase-c2");
    EXPECT_GT(c2.indicators, 1500u);
    EXPECT_NE(set.find_domain("suroot.com"), nullptr);
    // filename-iocs.txt holds regular expressions: skipped and counted, never loaded as names.
    auto names = set.load_file(dir / "filename-iocs.txt", "sigbase-filename");
    EXPECT_GT(names.skipped, 3000u);
    EXPECT_EQ(set.find_file_name("usbclass.sys"), nullptr);
    const Context* h =
        set.find_hash("ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->description, "Dark Caracal - MS Windows HtmlHelp Data");
}

}  // namespace
}  // namespace kagami::detect::intel
