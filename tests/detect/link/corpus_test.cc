// The link findings on real mail: how often each fires on phishing and on ham.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "detect/link/link_analysis.h"
#include "kagami/limits.h"
#include "support/test_support.h"

namespace kagami::detect::link {
namespace {

namespace fs = std::filesystem;

struct Tally {
    std::size_t messages = 0;
    std::chrono::nanoseconds spent{0};         // in analyze() only
    std::map<std::string, std::size_t> fired;  // finding id -> messages
};

Tally scan(const fs::path& dir, bool verbose) {
    Tally t;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::string raw = test::read_file(entry.path());
        // mbox "From " first line of the SpamAssassin files.
        if (raw.rfind("From ", 0) == 0) raw.erase(0, raw.find('\n') + 1);
        auto msg = mime::parse_message(raw, Limits{});
        ++t.messages;
        auto start = std::chrono::steady_clock::now();
        auto findings = analyze(msg);
        t.spent += std::chrono::steady_clock::now() - start;
        for (const auto& f : findings) {
            ++t.fired[f.id];
            if (verbose)
                std::printf("  %s %s: %s\n", entry.path().filename().c_str(), f.id.c_str(),
                            f.evidence.c_str());
        }
    }
    return t;
}

void report(const char* name, const Tally& t) {
    std::printf("%s: %zu messages, %.1f us per message in analyze()\n", name, t.messages,
                t.spent.count() / 1000.0 / std::max<std::size_t>(t.messages, 1));
    for (const auto& [id, n] : t.fired)
        std::printf("  %-28s %4zu (%.1f%%)\n", id.c_str(), n, 100.0 * n / t.messages);
}

TEST(LinkCorpus, FiresOnPhishingAndStaysQuietOnHam) {
    fs::path root = test::corpora_dir();
    fs::path phish = root / "phishing_pot" / "email";
    fs::path sa = root / "spamassassin_public_corpus";
    if (!fs::is_directory(phish) || !fs::is_directory(sa / "easy-ham-2"))
        GTEST_SKIP() << "corpora not present";
    const bool verbose = std::getenv("KAGAMI_LINK_VERBOSE") != nullptr;

    Tally p = scan(phish, verbose);
    report("phishing_pot", p);
    // Most phishing_pot lures say "Click here": the finding is precise, not frequent.
    EXPECT_GE(p.fired["link.text_domain_mismatch"], 5u);
    EXPECT_GE(p.fired["link.ip_host"], p.messages / 20);

    for (const char* name : {"easy-ham-2", "hard-ham-1"}) {
        Tally h = scan(sa / name, verbose);
        report(name, h);
        EXPECT_LE(h.fired["link.text_domain_mismatch"] * 50, h.messages) << name;
    }
}

}  // namespace
}  // namespace kagami::detect::link
