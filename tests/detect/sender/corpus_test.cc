// Real mail written by others: ham from 2002-2005 must stay (almost) clean; the phishing
// honeypot is counted per finding. Counts are printed for the record.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "detect/sender/sender_analysis.h"
#include "support/test_support.h"

namespace kagami::detect::sender {
namespace {

namespace fs = std::filesystem;

struct Tally {
    std::size_t messages = 0;
    std::size_t with_findings = 0;
    std::map<std::string, std::size_t> by_id;
    std::map<std::string, std::string> example;  // id -> file:evidence
    double sender_seconds = 0;
};

Tally scan(const fs::path& dir) {
    Tally t;
    auto d = Directory::bundled();
    if (!fs::exists(dir)) return t;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::string raw = test::read_file(e.path());
        // mbox "From " separator lines in front of some SpamAssassin files.
        if (raw.rfind("From ", 0) == 0) raw.erase(0, raw.find('\n') + 1);
        mime::Message msg = mime::parse_message(raw, Limits{});
        HeaderAnalysis h = analyze_headers(msg);
        auto start = std::chrono::steady_clock::now();
        auto fs_ = analyze(msg, h, *d);
        t.sender_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ++t.messages;
        if (!fs_.empty()) ++t.with_findings;
        for (const auto& f : fs_) {
            ++t.by_id[f.id];
            t.example.emplace(f.id,
                              e.path().filename().string() + ": " + f.evidence.substr(0, 160));
        }
    }
    return t;
}

void print(const char* name, const Tally& t) {
    std::printf("%s: %zu messages, %zu with sender findings, %.1f us/message in sender::analyze\n",
                name, t.messages, t.with_findings,
                t.messages ? 1e6 * t.sender_seconds / static_cast<double>(t.messages) : 0.0);
    for (const auto& [id, n] : t.by_id)
        std::printf("  %-50s %4zu  e.g. %s\n", id.c_str(), n, t.example.at(id).c_str());
}

TEST(SenderCorpus, SpamAssassinHamStaysClean) {
    fs::path root = test::corpora_dir() / "spamassassin_public_corpus";
    if (!fs::exists(root)) GTEST_SKIP() << "no corpus at " << root;
    for (const char* folder : {"easy-ham-2", "hard-ham-1"}) {
        Tally t = scan(root / folder);
        print(folder, t);
        // Free mail alone is context, not an alarm; everything else must be near zero.
        std::size_t alarms = 0;
        for (const auto& [id, n] : t.by_id)
            if (id != "sender.freemail") alarms += n;
        EXPECT_LE(alarms * 100, t.messages) << folder;
    }
}

TEST(SenderCorpus, PhishingPotIsCounted) {
    fs::path dir = test::corpora_dir() / "phishing_pot" / "email";
    if (!fs::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
    Tally t = scan(dir);
    print("phishing_pot", t);
    EXPECT_GT(t.messages, 1000u);
}

}  // namespace
}  // namespace kagami::detect::sender
