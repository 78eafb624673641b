// The whole pipeline over every mail file of every corpus, read the way `kagami scan`
// reads folders: no crash, no sanitizer report, valid JSON for every message, and
// each file either yields messages or is reported as not mail.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine.h"
#include "ingest/source.h"
#include "report/report.h"
#include "support/test_support.h"

namespace kagami {
namespace {

namespace fs = std::filesystem;

struct Tally {
    std::size_t messages = 0, errors = 0, bytes = 0;
};

Tally scan_folder(const fs::path& dir) {
    Engine engine{EngineOptions{}};
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
        },
        [&](const Error&) { ++t.errors; });
    return t;
}

struct Corpus {
    const char* name;
    std::size_t min_messages;  ///< the messages the corpus README counts (mailboxes split)
};

void PrintTo(const Corpus& c, std::ostream* os) {
    *os << c.name;
}

class CorpusScan : public ::testing::TestWithParam<Corpus> {};

TEST_P(CorpusScan, EveryMessageScansWithoutCrash) {
    fs::path dir = test::corpora_dir() / GetParam().name;
    if (!fs::exists(dir)) GTEST_SKIP() << "no corpus " << dir;
    Tally t = scan_folder(dir);
    std::printf("%s: %zu messages, %zu bytes, %zu files not mail\n", GetParam().name, t.messages,
                t.bytes, t.errors);
    EXPECT_GE(t.messages, GetParam().min_messages);
}

INSTANTIATE_TEST_SUITE_P(
    Mail, CorpusScan,
    ::testing::Values(Corpus{"phishing_pot", 1009}, Corpus{"spamassassin_public_corpus", 3546},
                      Corpus{"sisimai_set_of_emails", 832}, Corpus{"notmuch_test_corpora", 321},
                      Corpus{"mimekit_testdata", 100}, Corpus{"gmime_testdata", 10},
                      Corpus{"ruby_mail_fixtures", 105}, Corpus{"jpmobile_email_fixtures", 34},
                      Corpus{"cpython_test_email_data", 45}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace kagami
