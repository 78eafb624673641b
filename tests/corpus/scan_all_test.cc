// The whole pipeline, with the bundled rules, lexicon, organisations and policy, over
// every mail file of every corpus, read the way `kagami scan` reads folders: no crash,
// no sanitizer report, valid JSON for every message, each file either yields messages
// or is reported as not mail, and no benign message is judged malicious.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "engine.h"
#include "engine/bundled_engine.h"
#include "ingest/source.h"
#include "report/report.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

struct Tally {
    std::size_t messages = 0, errors = 0, bytes = 0;
    std::size_t suspicious = 0, malicious = 0;
    std::vector<std::string> malicious_paths;
    std::map<std::string, std::size_t> finding_messages;  ///< id -> messages it fired on
};

Tally scan_folder(const fs::path& dir) {
    const Engine& engine = test::bundled_engine();
    Tally t;
    ingest::read_path(
        dir.string(), ingest::ReadOptions{},
        [&](ingest::RawMessage&& raw) {
            ++t.messages;
            t.bytes += raw.bytes.size();
            ScanResult r = engine.scan(raw);
            auto line = report::to_json_line(r);
            auto j = nlohmann::json::parse(line);  // throws (and fails the test) on invalid JSON
            EXPECT_EQ(j["message_id"].get<std::string>().size(), 64u) << raw.path;
            EXPECT_FALSE(report::to_text(r).empty());
            if (r.verdict == Verdict::suspicious) ++t.suspicious;
            if (r.verdict == Verdict::malicious) {
                ++t.malicious;
                t.malicious_paths.push_back(
                    r.path + (r.index >= 0 ? "#" + std::to_string(r.index) : std::string()));
            }
            std::set<std::string> ids;
            for (const auto& f : r.findings)
                if (f.weight > 0) ids.insert(f.id);
            for (const auto& id : ids) ++t.finding_messages[id];
        },
        [&](const Error&) { ++t.errors; });
    return t;
}

struct Corpus {
    const char* name;
    const char* folder;        ///< under the corpus, "." for all of it
    std::size_t min_messages;  ///< the messages the corpus README counts (mailboxes split)
    bool benign;               ///< ham, bounces, parser test suites: never `malicious`
};

void PrintTo(const Corpus& c, std::ostream* os) {
    *os << c.name << "/" << c.folder;
}

class CorpusScan : public ::testing::TestWithParam<Corpus> {};

TEST_P(CorpusScan, EveryMessageScansAndBenignMailIsNeverMalicious) {
    const Corpus& c = GetParam();
    fs::path dir = test::corpora_dir() / c.name / c.folder;
    if (!fs::exists(dir)) GTEST_SKIP() << "no corpus " << dir;
    Tally t = scan_folder(dir);
    std::printf(
        "%s/%s: %zu messages, %zu bytes, %zu files not mail; %zu suspicious (%.1f%%), "
        "%zu malicious (%.1f%%)\n",
        c.name, c.folder, t.messages, t.bytes, t.errors, t.suspicious,
        100.0 * static_cast<double>(t.suspicious) / static_cast<double>(t.messages), t.malicious,
        100.0 * static_cast<double>(t.malicious) / static_cast<double>(t.messages));
    std::vector<std::pair<std::size_t, std::string>> top;
    for (const auto& [id, n] : t.finding_messages) top.emplace_back(n, id);
    std::sort(top.rbegin(), top.rend());
    for (std::size_t i = 0; i < top.size() && i < 12; ++i)
        std::printf("  %5zu  %s\n", top[i].first, top[i].second.c_str());
    EXPECT_GE(t.messages, c.min_messages);
    if (c.benign) {
        EXPECT_EQ(t.malicious, 0u) << ::testing::PrintToString(t.malicious_paths);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Mail, CorpusScan,
    ::testing::Values(Corpus{"phishing_pot", ".", 1009, false},
                      Corpus{"spamassassin_public_corpus", "spam-1", 500, false},
                      Corpus{"spamassassin_public_corpus", "spam-2", 1396, false},
                      Corpus{"spamassassin_public_corpus", "easy-ham-2", 1400, true},
                      Corpus{"spamassassin_public_corpus", "hard-ham-1", 250, true},
                      Corpus{"sisimai_set_of_emails", ".", 832, true},
                      Corpus{"notmuch_test_corpora", ".", 321, true},
                      Corpus{"mimekit_testdata", ".", 100, true},
                      Corpus{"gmime_testdata", ".", 10, true},
                      Corpus{"ruby_mail_fixtures", ".", 105, true},
                      Corpus{"jpmobile_email_fixtures", ".", 34, true},
                      Corpus{"cpython_test_email_data", ".", 45, true}),
    [](const auto& param_info) {
        std::string name = param_info.param.name;
        if (std::string_view(param_info.param.folder) != ".")
            name += std::string("_") + param_info.param.folder;
        for (auto& ch : name)
            if (ch == '-') ch = '_';
        return name;
    });

}  // namespace
}  // namespace kagami
