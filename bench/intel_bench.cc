// Threat intel: feed load time and per-message match cost at 1k, 100k and 1M indicators.
// The match cost must stay flat as the feed grows (hash probes, not a scan per indicator).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "detect/intel/indicators.h"

namespace {

using namespace kagami::detect::intel;

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::string hex(std::uint64_t seed, std::size_t digits) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; out.size() < digits; ++i) {
        std::uint64_t v = mix(seed * 131 + i);
        for (int k = 0; k < 16 && out.size() < digits; ++k) out += d[(v >> (k * 4)) & 15];
    }
    return out;
}

// Indicator i of a synthetic feed: domains, URLs, hashes and addresses in a realistic mix.
std::string value(std::size_t i) {
    std::uint64_t r = mix(i);
    switch (i % 10) {
        case 0:
        case 1:
        case 2:
        case 3:
            return "c2-" + hex(r, 10) + ".example";
        case 4:
        case 5:
            return "http://login-" + hex(r, 8) + ".example/auth/" + hex(r + 1, 6) + ".php";
        case 6:
        case 7:
            return hex(r, 64);
        case 8:
            return hex(r, 32);
        default:
            return std::to_string(1 + r % 223) + "." + std::to_string((r >> 8) % 256) + "." +
                   std::to_string((r >> 16) % 256) + "." + std::to_string((r >> 24) % 256);
    }
}

std::string list_feed(std::size_t n) {
    std::string s;
    s.reserve(n * 60);
    for (std::size_t i = 0; i < n; ++i) s += value(i) + (i % 3 == 0 ? ";campaign X\n" : "\n");
    return s;
}

std::string stix_pattern(std::size_t i) {
    std::string v = value(i);
    switch (i % 10) {
        case 0:
        case 1:
        case 2:
        case 3:
            return "[domain-name:value = '" + v + "']";
        case 4:
        case 5:
            return "[url:value = '" + v + "']";
        case 6:
        case 7:
            return "[file:hashes.'SHA-256' = '" + v + "']";
        case 8:
            return "[file:hashes.MD5 = '" + v + "']";
        default:
            return "[ipv4-addr:value = '" + v + "']";
    }
}

// A bundle like a vendor's: each indicator names itself and indicates one of 50 malware
// families, each used by one of 10 intrusion sets.
std::string stix_feed(std::size_t n) {
    std::string s = R"({"type":"bundle","id":"bundle--0","objects":[)";
    s.reserve(n * 420);
    for (int m = 0; m < 50; ++m)
        s += R"({"type":"malware","spec_version":"2.1","id":"malware--)" + std::to_string(m) +
             R"(","name":"Family)" + std::to_string(m) + R"(","is_family":true},)" +
             R"({"type":"relationship","spec_version":"2.1","id":"relationship--u)" +
             std::to_string(m) + R"(","relationship_type":"uses","source_ref":"intrusion-set--)" +
             std::to_string(m % 10) + R"(","target_ref":"malware--)" + std::to_string(m) + "\"},";
    for (int a = 0; a < 10; ++a)
        s += R"({"type":"intrusion-set","spec_version":"2.1","id":"intrusion-set--)" +
             std::to_string(a) + R"(","name":"Actor)" + std::to_string(a) + "\"},";
    for (std::size_t i = 0; i < n; ++i) {
        std::string id = "indicator--" + std::to_string(i);
        s += R"({"type":"indicator","spec_version":"2.1","id":")" + id +
             R"(","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z",)"
             R"("pattern_type":"stix","pattern":")" +
             stix_pattern(i) + R"(","valid_from":"2025-01-01T00:00:00Z"},)";
        s += R"({"type":"relationship","spec_version":"2.1","id":"relationship--)" +
             std::to_string(i) + R"(","relationship_type":"indicates","source_ref":")" + id +
             R"(","target_ref":"malware--)" + std::to_string(i % 50) + "\"}";
        if (i + 1 < n) s += ',';
    }
    return s + "]}";
}

const IndicatorSet& feed_of(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<IndicatorSet>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<IndicatorSet>();
        slot->load_list(list_feed(n), "bench");
        // A few Japanese and spaced file names go to the literal database.
        Context c{"bench", {}, {}, {}, {}};
        slot->add(IndicatorType::file_name, "【参考】会議資料（機密）.exe", c);
        slot->add(IndicatorType::file_name, "meeting notes 2025.docx", c);
    }
    return *slot;
}

// About 30 KB of mail text: Japanese and English prose, links, addresses, a hash, an IP.
std::string synthetic_message() {
    std::string s;
    for (int i = 0; s.size() < 30000; ++i) {
        s += "拝啓　時下ますますご清栄のこととお慶び申し上げます。会議資料を添付いたします。\n";
        s += "Please review the attached agenda before the meeting on Tuesday at 10:30.\n";
        s += "<a href=\"https://www.example.co.jp/news/" + std::to_string(i) +
             "?utm_source=mail\">詳細はこちら</a> contact: info" + std::to_string(i) +
             "@example.org\n";
        s += "Received: from mx" + std::to_string(i) + ".example.net (192.0.2." +
             std::to_string(i % 250) + ")\n";
        if (i % 10 == 0) s += "sha256 " + hex(std::uint64_t(i) + 999999999, 64) + "\n";
        s +=
            "hxxps://cdn[.]example[.]com/assets/img" + std::to_string(i) + ".png version 1.2.3.4\n";
    }
    return s;
}

std::vector<std::string> realistic_texts() {
    std::vector<std::string> texts;
    std::filesystem::path dir = std::filesystem::path(KAGAMI_SOURCE_DIR) / ".." / "shared" /
                                "corpora" / "phishing_pot" / "email";
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
        if (texts.size() == 20) break;
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        texts.push_back(s.str());
    }
    return texts;
}

void BM_LoadList(benchmark::State& state) {
    std::string feed = list_feed(std::size_t(state.range(0)));
    for (auto _ : state) {
        IndicatorSet set;
        auto r = set.load_list(feed, "bench");
        benchmark::DoNotOptimize(r.indicators);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(feed.size()));
}

void BM_LoadStix(benchmark::State& state) {
    std::string feed = stix_feed(std::size_t(state.range(0)));
    for (auto _ : state) {
        IndicatorSet set;
        auto r = set.load_stix(feed, "bench");
        benchmark::DoNotOptimize(r.indicators);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(feed.size()));
}

// One synthetic 30 KB message: every text and a few typed observations.
void BM_MatchSynthetic(benchmark::State& state) {
    const IndicatorSet& set = feed_of(std::size_t(state.range(0)));
    std::string body = synthetic_message();
    Observations obs;
    obs.items.push_back({IndicatorType::email, "info@example.org", "From"});
    obs.items.push_back({IndicatorType::ipv4, "192.0.2.10", "Received"});
    obs.items.push_back({IndicatorType::url, "https://www.example.co.jp/news/1", "link"});
    obs.items.push_back({IndicatorType::sha256, hex(7, 64), "part 2"});
    obs.items.push_back({IndicatorType::file_name, "agenda.docx", "part 2"});
    obs.texts.emplace_back(body, "part 1");
    // One planted indicator so the path that reports a hit is measured too.
    std::string planted = body + " " + value(4) + "\n";
    obs.texts.emplace_back(planted, "part 1.1");
    for (auto _ : state) benchmark::DoNotOptimize(match(set, obs));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size() + planted.size()));
    state.SetItemsProcessed(state.iterations());
}

// The raw bytes of the first 20 phishing_pot mails as texts (one message each).
void BM_MatchPhishingPot(benchmark::State& state) {
    const IndicatorSet& set = feed_of(std::size_t(state.range(0)));
    static const std::vector<std::string> texts = realistic_texts();
    if (texts.empty()) {
        state.SkipWithError("phishing_pot corpus absent");
        return;
    }
    std::size_t bytes = 0, i = 0;
    for (auto _ : state) {
        const std::string& t = texts[i++ % texts.size()];
        Observations obs;
        obs.texts.emplace_back(t, "message");
        benchmark::DoNotOptimize(match(set, obs));
        bytes += t.size();
    }
    state.SetBytesProcessed(int64_t(bytes));
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_LoadList)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadStix)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatchSynthetic)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MatchPhishingPot)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
