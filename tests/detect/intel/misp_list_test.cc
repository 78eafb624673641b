#include <gtest/gtest.h>

#include <string>

#include "detect/intel/indicators.h"

namespace kagami::detect::intel {
namespace {

constexpr const char* kEvent = R"({"Event": {
  "info": "Operation LiberalFace spear-phishing",
  "Tag": [{"name": "misp-galaxy:threat-actor=\"MirrorFace\""}, {"name": "tlp:white"}],
  "Galaxy": [{"type": "malpedia", "name": "Malpedia",
              "GalaxyCluster": [{"type": "malpedia", "value": "LODEINFO"}]}],
  "Attribute": [
    {"type": "domain", "value": "www.ninesmn.com"},
    {"type": "ip-dst|port", "value": "45.32.13.180|443"},
    {"type": "domain|ip", "value": "www.aesorunwe.com|103.175.16.39"},
    {"type": "email-src", "value": "Sender@Evil.Example"},
    {"type": "filename|sha256", "value": "K7SysMon.Exe.db|5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa"},
    {"type": "url", "value": "hxxp://evil[.]example/dl"},
    {"type": "regkey", "value": "HKCU\\Software\\x"},
    {"type": "link", "value": "https://www.welivesecurity.com/report"},
    {"type": "md5", "value": "8d2e1cbd9b6eb953fd151d3193bf5975", "deleted": true}
  ],
  "Object": [{"name": "file", "Attribute": [
    {"type": "sha1", "value": "F4691FF3B3ACD15653684F372285CAC36C8D0AEF"},
    {"type": "filename", "value": "31558_n.dll"}]}]
}})";

TEST(LoadMisp, AttributesObjectsTagsAndGalaxies) {
    IndicatorSet set;
    auto r = set.load_misp(kEvent, "eset-mirrorface");
    EXPECT_EQ(r.format, "misp");
    EXPECT_EQ(r.indicators, 10u);
    EXPECT_EQ(r.skipped, 2u);  // regkey and link
    const Context* c = set.find_domain("www.ninesmn.com");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->actors, std::vector<std::string>{"MirrorFace"});
    EXPECT_EQ(c->malware, std::vector<std::string>{"LODEINFO"});
    EXPECT_EQ(c->description, "Operation LiberalFace spear-phishing");
    EXPECT_NE(set.find_ip("45.32.13.180"), nullptr);
    EXPECT_NE(set.find_ip("103.175.16.39"), nullptr);
    EXPECT_NE(set.find_domain("www.aesorunwe.com"), nullptr);
    EXPECT_NE(set.find_email("sender@evil.example"), nullptr);
    EXPECT_NE(set.find_file_name("k7sysmon.exe.db"), nullptr);
    EXPECT_NE(set.find_hash("5BC7EB8C12BFBA9D79E843C4ED6CBA8301923F19DE7339ADE0BC12D719F722FA"),
              nullptr);
    EXPECT_NE(set.find_url("http://evil.example/dl"), nullptr);
    EXPECT_NE(set.find_hash("f4691ff3b3acd15653684f372285cac36c8d0aef"), nullptr);
    EXPECT_NE(set.find_file_name("31558_N.DLL"), nullptr);
    EXPECT_EQ(set.find_hash("8d2e1cbd9b6eb953fd151d3193bf5975"), nullptr);  // deleted
    EXPECT_EQ(set.find_domain("www.welivesecurity.com"), nullptr);          // a reference
}

TEST(LoadMisp, ResponseListsAndMitreClusterNames) {
    IndicatorSet set;
    auto r = set.load_misp(R"({"response": [{"Event": {"info": "a", "Attribute": [
        {"type": "hostname", "value": "a.example"}],
        "Tag": [{"name": "misp-galaxy:mitre-intrusion-set=\"menuPass - G0045\""},
                {"name": "misp-galaxy:mitre-malware=\"UPPERCUT - S0275\""}]}},
        {"Event": {"info": "b", "Attribute": [{"type": "sha1", "value": "e888a552b00d810b5521002304d4f11bc249d8ed"}]}}]})",
                           "feed");
    EXPECT_EQ(r.indicators, 2u);
    const Context* c = set.find_domain("x.a.example");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->actors, std::vector<std::string>{"menuPass"});
    EXPECT_EQ(c->malware, std::vector<std::string>{"UPPERCUT"});
    EXPECT_NE(set.find_hash("e888a552b00d810b5521002304d4f11bc249d8ed"), nullptr);
}

TEST(LoadMisp, BrokenJsonReportsProblems) {
    IndicatorSet set;
    auto r = set.load_misp(R"({"Event": {"Attribute": [{"type": "domain", "value": )", "f");
    EXPECT_EQ(r.indicators, 0u);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_NE(r.problems[0].find("JSON"), std::string::npos);
    auto none = set.load_misp(R"({"something": 1})", "f");
    EXPECT_FALSE(none.problems.empty());
    auto bad_values = set.load_misp(
        R"({"Event": {"Attribute": [{"type": "domain", "value": 5}, {"type": "ip-dst", "value": "999.1.1.1"}]}})",
        "f");
    EXPECT_EQ(bad_values.indicators, 0u);
    EXPECT_EQ(bad_values.skipped, 2u);
}

TEST(LoadList, InfersTypesAndReadsComments) {
    IndicatorSet set;
    auto r = set.load_list(
        "# MirrorFace network indicators\n"
        "\n"
        "5.8.95[.]174\n"
        "www.ninesmn[.]com  # C2\n"
        "// a comment\n"
        "hxxps://evil[.]example/a?x=1,2\n"
        "5bc7eb8c12bfba9d79e843c4ed6cba8301923f19de7339ade0bc12d719f722fa;LODEINFO loader\n"
        "ed051a55602192b625e9ff1ecd90ef90,dropper\n"
        "phish[at]evil[.]example\tsender\n"
        "- `K7SysMon.Exe.db`\n"
        "2001:db8::/32\n"
        "HKEY_CURRENT_USER\\Software\\Licenses\n"
        "\\\\usbclass\\.sys;80\n",
        "cuckoo");
    EXPECT_EQ(r.format, "list");
    EXPECT_EQ(r.indicators, 8u);
    EXPECT_EQ(r.skipped, 2u);  // registry key and regex
    EXPECT_NE(set.find_ip("5.8.95.174"), nullptr);
    EXPECT_NE(set.find_domain("www.ninesmn.com"), nullptr);
    EXPECT_NE(set.find_url("https://evil.example/a?x=1,2"), nullptr);
    const Context* h =
        set.find_hash("5BC7EB8C12BFBA9D79E843C4ED6CBA8301923F19DE7339ADE0BC12D719F722FA");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->description, "LODEINFO loader");
    EXPECT_EQ(h->feed, "cuckoo");
    EXPECT_NE(set.find_email("PHISH@evil.example"), nullptr);
    EXPECT_NE(set.find_file_name("k7sysmon.exe.db"), nullptr);
    std::string matched;
    EXPECT_NE(set.find_ip("2001:db8:1::5", &matched), nullptr);
    EXPECT_EQ(matched, "2001:db8::/32");
    bool regex_noted = false;
    for (const auto& p : r.problems)
        regex_noted |= p.find("regular expression") != std::string::npos;
    EXPECT_TRUE(regex_noted);
}

TEST(LoadList, CsvWithHeaderUsesTheUrlColumn) {
    IndicatorSet set;
    auto r = set.load_list(
        "date,URL,description\n"
        "2025/01/06 09:56:00,https://ybrjaouww.example/,Apple ID\n"
        "2025/01/06 09:56:00,\"https://x.example/a,b\",\"三井住友カード\"\n",
        "jpcert");
    EXPECT_EQ(r.indicators, 2u);
    const Context* c = set.find_url("https://x.example/a,b");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->description, "三井住友カード");
    EXPECT_NE(set.find_url("HTTPS://YBRJAOUWW.EXAMPLE"), nullptr);
    // A URL indicator does not make its host a domain indicator.
    EXPECT_EQ(set.find_domain("ybrjaouww.example"), nullptr);
}

TEST(LoadList, Ipv4NetworksByPrefix) {
    IndicatorSet set;
    set.load_list("198.51.100.0/24\n10.0.0.0/8\n192.0.2.7/32\n", "nets");
    std::string m;
    EXPECT_NE(set.find_ip("198.51.100.77", &m), nullptr);
    EXPECT_EQ(m, "198.51.100.0/24");
    EXPECT_NE(set.find_ip("10.200.3.4", &m), nullptr);
    EXPECT_EQ(m, "10.0.0.0/8");
    EXPECT_NE(set.find_ip("192.0.2.7"), nullptr);
    EXPECT_EQ(set.find_ip("192.0.2.8"), nullptr);
    EXPECT_EQ(set.find_ip("198.51.101.1"), nullptr);
    EXPECT_EQ(set.find_ip("11.0.0.1"), nullptr);
}

TEST(LoadFile, SniffsTheFormat) {
    IndicatorSet set;
    EXPECT_EQ(set.load_text(kEvent, "x").format, "misp");
    EXPECT_EQ(set.load_text(R"({"type":"bundle","objects":[]})", "x").format, "stix");
    EXPECT_EQ(set.load_text("evil.example\n", "x").format, "list");
    auto missing = set.load_file("/nonexistent/feed.txt");
    EXPECT_FALSE(missing.problems.empty());
}

TEST(Lookup, SubdomainAwareWithNearMisses) {
    IndicatorSet set;
    Context c{"feed", {}, {}, {}, {}};
    ASSERT_TRUE(set.add(IndicatorType::domain, "Evil.Example.", c));
    std::string m;
    EXPECT_NE(set.find_domain("evil.example"), nullptr);
    EXPECT_NE(set.find_domain("a.b.EVIL.example.", &m), nullptr);
    EXPECT_EQ(m, "evil.example");
    EXPECT_EQ(set.find_domain("notevil.example"), nullptr);
    EXPECT_EQ(set.find_domain("evil.example.com"), nullptr);
    EXPECT_EQ(set.find_domain("example"), nullptr);
    EXPECT_EQ(set.find_domain("evil-example"), nullptr);
    // Unicode host against a punycode indicator.
    ASSERT_TRUE(set.add(IndicatorType::domain, "xn--bcher-kva.example", c));
    EXPECT_NE(set.find_domain("www.bücher.example"), nullptr);
    EXPECT_FALSE(set.add(IndicatorType::domain, "not a domain", c));
}

TEST(Lookup, UrlsExactAfterNormalisation) {
    IndicatorSet set;
    Context c{"feed", {}, {}, {}, {}};
    ASSERT_TRUE(set.add(IndicatorType::url, "http://evil.example/login/index.php?id=1", c));
    EXPECT_NE(set.find_url("HTTP://EVIL.example:80/login/./x/../index.php?id=1#top"), nullptr);
    EXPECT_NE(set.find_url("http://evil.example/%6Cogin/index.php?id=1"), nullptr);
    EXPECT_EQ(set.find_url("http://evil.example/login/index.php?id=2"), nullptr);
    EXPECT_EQ(set.find_url("http://evil.example/login/index.php"), nullptr);
    EXPECT_EQ(set.find_url("https://evil.example/login/index.php?id=1"), nullptr);
    EXPECT_EQ(set.find_domain("evil.example"), nullptr);
}

TEST(Lookup, Ipv6FormsMeet) {
    IndicatorSet set;
    Context c{"feed", {}, {}, {}, {}};
    ASSERT_TRUE(set.add(IndicatorType::ipv6, "2001:0db8:0000:0000:0000:0000:0000:0001", c));
    EXPECT_NE(set.find_ip("2001:db8::1"), nullptr);
    EXPECT_NE(set.find_ip("2001:DB8:0:0:0:0:0:1"), nullptr);
    EXPECT_NE(set.find_ip("[2001:db8::1]"), nullptr);
    EXPECT_EQ(set.find_ip("2001:db8::2"), nullptr);
    ASSERT_TRUE(set.add(IndicatorType::ipv4, "192.0.2.1", c));
    EXPECT_NE(set.find_ip("::ffff:192.0.2.1"), nullptr);
}

}  // namespace
}  // namespace kagami::detect::intel
