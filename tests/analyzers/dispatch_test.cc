// The dispatcher on analyzers the test defines: recursion order, paths, hashes,
// and every bound it puts on what attachments unpack to.
#include "analyzers/dispatch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/hash.h"
#include "support/eval_set.h"

namespace kagami::analyzers {
namespace {

// "BOX <n>|<payload>": a container that holds n copies of <payload>, named box-1.. .
class BoxAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "box"; }
    bool sniff(std::string_view b) const override { return b.rfind("BOX ", 0) == 0; }
    void analyze(const Input& in, Output& out) const override {
        auto bar = in.bytes.find('|');
        if (bar == std::string_view::npos) return out.violation("no payload");
        int n = std::stoi(std::string(in.bytes.substr(4, bar - 4)));
        out.fact("box.count", std::to_string(n));
        for (int i = 1; i <= n; ++i)
            if (!out.child("box-" + std::to_string(i), std::string(in.bytes.substr(bar + 1))))
                return;
    }
};

// "SELF": a quine, it contains itself.
class QuineAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "quine"; }
    bool sniff(std::string_view b) const override { return b == "SELF"; }
    void analyze(const Input& in, Output& out) const override {
        out.child("self", std::string(in.bytes));
    }
};

class ThrowingAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "throws"; }
    bool sniff(std::string_view b) const override { return b == "THROW"; }
    void analyze(const Input&, Output&) const override { throw std::runtime_error("bug"); }
};

// "SLOW": takes longer than a millisecond.
class SlowAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "slow"; }
    bool sniff(std::string_view b) const override { return b == "SLOW"; }
    void analyze(const Input&, Output&) const override {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
};

const BoxAnalyzer kBox;
const SlowAnalyzer kSlow;
const QuineAnalyzer kQuine;
const ThrowingAnalyzer kThrows;
const Analyzer* const kRegistry[] = {&kBox, &kQuine, &kThrows, &kSlow};

Analysis run(std::string_view bytes, std::string name, const Limits& limits = {}) {
    return analyze({{bytes, std::move(name), "2"}}, {}, limits, {}, kRegistry);
}

bool has_finding(const Analysis& a, std::string_view id) {
    for (const auto& f : a.findings)
        if (f.id == id) return true;
    return false;
}

TEST(Dispatch, WalksContainersDepthFirstWithPaths) {
    auto a = run("BOX 2|BOX 1|hello", "outer.box");
    ASSERT_EQ(a.artifacts.size(), 5u);
    EXPECT_EQ(a.artifacts[0].path, "outer.box");
    EXPECT_EQ(a.artifacts[0].type, "box");
    EXPECT_EQ(a.artifacts[0].depth, 0);
    EXPECT_EQ(a.artifacts[1].path, "outer.box \u00bb box-1");
    EXPECT_EQ(a.artifacts[2].path, "outer.box \u00bb box-1 \u00bb box-1");
    EXPECT_EQ(a.artifacts[2].type, "text");
    EXPECT_EQ(a.artifacts[2].depth, 2);
    EXPECT_EQ(a.artifacts[3].path, "outer.box \u00bb box-2");
    for (const auto& art : a.artifacts) EXPECT_EQ(art.part, "2");
    ASSERT_EQ(a.artifacts[0].facts.size(), 2u);  // box.count and file.extension
    EXPECT_EQ(a.artifacts[0].facts[0].name, "box.count");
}

TEST(Dispatch, HashesEveryArtifactAndFuzzyHashesFromFiveHundredTwelveBytes) {
    auto a = run("hello", "a.txt");
    ASSERT_EQ(a.artifacts.size(), 1u);
    EXPECT_EQ(a.artifacts[0].md5, "5d41402abc4b2a76b9719d911017c592");
    EXPECT_EQ(a.artifacts[0].sha1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    EXPECT_EQ(a.artifacts[0].sha256, core::sha256_hex("hello"));
    EXPECT_TRUE(a.artifacts[0].ssdeep.empty());
    EXPECT_TRUE(a.artifacts[0].tlsh.empty());

    std::string text;
    for (int i = 0; text.size() < 600; ++i)
        text += "line " + std::to_string(i * 7919) + " of a report\n";
    auto b = run(text, "b.txt");
    EXPECT_FALSE(b.artifacts[0].ssdeep.empty());
    EXPECT_EQ(b.artifacts[0].tlsh.substr(0, 2), "T1");
    EXPECT_EQ(b.artifacts[0].tlsh.size(), 72u);
}

TEST(Dispatch, CopiesOfOneFileCarryTheSameDigests) {
    std::string text;
    for (int i = 0; text.size() < 800; ++i) text += "entry " + std::to_string(i * 131) + "\n";
    auto a = run("BOX 3|" + text, "copies.box");
    ASSERT_EQ(a.artifacts.size(), 4u);
    for (std::size_t i = 2; i < 4; ++i) {
        EXPECT_EQ(a.artifacts[i].md5, a.artifacts[1].md5);
        EXPECT_EQ(a.artifacts[i].ssdeep, a.artifacts[1].ssdeep);
        EXPECT_EQ(a.artifacts[i].tlsh, a.artifacts[1].tlsh);
    }
    EXPECT_EQ(a.artifacts[1].md5, core::md5_hex(text));
    EXPECT_EQ(a.artifacts[1].ssdeep, core::ssdeep(text));
    EXPECT_NE(a.artifacts[0].md5, a.artifacts[1].md5);
}

TEST(Dispatch, AQuineStopsAtTheDepthLimit) {
    Limits limits;
    limits.max_artifact_depth = 5;
    auto a = run("SELF", "q");
    EXPECT_TRUE(has_finding(a, "limit.artifact.depth"));
    auto b = run("SELF", "q", limits);
    EXPECT_EQ(b.artifacts.size(), 6u);  // depths 0..5
    EXPECT_EQ(b.artifacts.back().depth, 5);
    EXPECT_TRUE(has_finding(b, "limit.artifact.depth"));
}

TEST(Dispatch, UnpackedBytesAreBoundedPerMessage) {
    Limits limits;
    limits.max_total_unpacked_bytes = 1000;
    std::string payload(300, 'x');
    auto a = run("BOX 10|" + payload, "bomb.box", limits);
    EXPECT_TRUE(has_finding(a, "limit.artifact.total_bytes"));
    EXPECT_EQ(a.artifacts.size(), 4u);  // the box and three children of 300 bytes
}

TEST(Dispatch, ArtifactsAreBoundedPerMessage) {
    Limits limits;
    limits.max_archive_entries = 50;
    auto a = run("BOX 100|x", "many.box", limits);
    EXPECT_EQ(a.artifacts.size(), 50u);
    EXPECT_TRUE(has_finding(a, "limit.artifact.entries"));
}

TEST(Dispatch, TimeBudgetSpentLeavesFilesHashedButNotAnalysed) {
    Limits limits;
    limits.max_analysis_ms = 1;
    auto a =
        analyze({{"SLOW", "s.bin", "2"}, {"BOX 1|x", "b.box", "3"}}, {}, limits, {}, kRegistry);
    EXPECT_TRUE(has_finding(a, "limit.artifact.time"));
    ASSERT_EQ(a.artifacts.size(), 2u);  // the box was not opened
    EXPECT_EQ(a.artifacts[1].type, "box");
    EXPECT_TRUE(a.artifacts[1].facts.empty() || a.artifacts[1].facts[0].name != "box.count");
    EXPECT_FALSE(a.artifacts[1].sha256.empty());
}

TEST(Dispatch, AnAnalyzerThatThrowsCostsOnlyItsFile) {
    auto a =
        analyze({{"THROW", "x.bin", "2"}, {"BOX 1|y", "y.box", "3"}}, {}, Limits{}, {}, kRegistry);
    EXPECT_TRUE(has_finding(a, "internal.analyzer_failed"));
    ASSERT_EQ(a.artifacts.size(), 3u);
    EXPECT_EQ(a.artifacts[1].path, "y.box");
}

TEST(Dispatch, VisitorSeesEveryArtifactWithItsBytes) {
    std::vector<std::string> seen;
    analyze(
        {{"BOX 2|abc", "v.box", "2"}}, {}, Limits{},
        [&](const Artifact& a, std::string_view bytes) {
            seen.push_back(a.path + "=" + std::string(bytes));
        },
        kRegistry);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1], "v.box \u00bb box-1=abc");
}

TEST(Dispatch, UnnamedChildrenAndPartsGetPositionalNames) {
    auto a = analyze({{"hello", "", "1.2"}}, {}, Limits{}, {}, kRegistry);
    EXPECT_EQ(a.artifacts[0].path, "part 1.2");
}

TEST(Dispatch, RegistryListsEveryFormatOnce) {
    std::vector<std::string> names;
    for (const auto* a : all()) names.emplace_back(a->name());
    for (std::string_view n : {"archive", "ole2", "tnef", "ooxml", "rtf", "lnk", "pe", "pdf",
                               "html", "script", "url", "ics"}) {
        EXPECT_EQ(std::count(names.begin(), names.end(), n), 1) << n;
        EXPECT_NE(find(n), nullptr);
    }
    // OOXML is a ZIP: it must be asked first.
    auto pos = [&](std::string_view n) { return std::find(names.begin(), names.end(), n); };
    EXPECT_LT(pos("ooxml"), pos("archive"));
    // PDF's sniff is loose ("%PDF-" in the first KiB): fixed-offset magics go first.
    EXPECT_LT(pos("archive"), pos("pdf"));
    EXPECT_LT(pos("ole2"), pos("pdf"));
}

}  // namespace
}  // namespace kagami::analyzers

namespace kagami::analyzers {
namespace {

std::vector<std::string> where_of(const Analysis& a, std::string_view id) {
    std::vector<std::string> out;
    for (const auto& f : a.findings)
        if (f.id == id) out.push_back(f.where);
    return out;
}

TEST(Dispatch, ChecksTheNamesOfEntriesThatCannotBeOpened) {
    // ZipCrypto leaves entry names in clear: without the password the shortcut's
    // disguise is still there to see.
    std::string zip =
        test::eval_encrypted_zip({{"資料.docx.lnk", std::string(120, 'x')}}, "s3cret-Pw");
    auto locked = analyze({{zip, "a.zip", "2"}}, {}, Limits{});
    EXPECT_EQ(where_of(locked, "file.name.double_extension"),
              std::vector<std::string>{"a.zip \u00bb 資料.docx.lnk"});

    // Opened, the entry is a child and its name is checked once, as the child's.
    auto opened = analyze({{zip, "a.zip", "2"}}, {"s3cret-Pw"}, Limits{});
    EXPECT_EQ(where_of(opened, "file.name.double_extension"),
              std::vector<std::string>{"a.zip \u00bb 資料.docx.lnk"});
    EXPECT_EQ(opened.artifacts.size(), 2u);
}

}  // namespace
}  // namespace kagami::analyzers
