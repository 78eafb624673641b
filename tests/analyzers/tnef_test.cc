// The TNEF analyzer on hand-built streams (hostile variants included) and on MimeKit's
// winmail.dat samples, whose expected attachments come with the corpus.
#include "analyzers/tnef/tnef.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/hash.h"
#include "core/text.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

namespace fs = std::filesystem;

// A tiny TNEF writer: attributes with correct (or deliberately wrong) checksums.
struct TnefBuilder {
    std::string bytes = std::string("\x78\x9F\x3E\x22\x01\x00", 6);

    static void u16(std::string& s, std::uint32_t v) {
        s += static_cast<char>(v & 0xFF);
        s += static_cast<char>(v >> 8 & 0xFF);
    }
    static void u32(std::string& s, std::uint32_t v) {
        u16(s, v & 0xFFFF);
        u16(s, v >> 16);
    }
    TnefBuilder& attr(int level, std::uint32_t id, std::string_view data, int checksum_delta = 0) {
        bytes += static_cast<char>(level);
        u32(bytes, id);
        u32(bytes, static_cast<std::uint32_t>(data.size()));
        bytes += data;
        std::uint32_t sum = 0;
        for (unsigned char c : data) sum += c;
        u16(bytes, (sum + static_cast<std::uint32_t>(checksum_delta)) & 0xFFFF);
        return *this;
    }
    // A MAPI property list with one PT_STRING8 PidTagAttachLongFilename.
    static std::string long_name_props(std::string_view name) {
        std::string p;
        u32(p, 1);
        u16(p, 0x001E);
        u16(p, 0x3707);
        u32(p, 1);
        std::string value = std::string(name) + '\0';
        u32(p, static_cast<std::uint32_t>(value.size()));
        p += value;
        while (p.size() % 4) p += '\0';
        return p;
    }
    TnefBuilder& attachment(std::string_view title, std::string_view long_name,
                            std::string_view data) {
        attr(2, 0x00069002, std::string(14, '\0'));
        attr(2, 0x00018010, std::string(title) + '\0');
        attr(2, 0x0006800F, data);
        if (!long_name.empty()) attr(2, 0x00069005, long_name_props(long_name));
        return *this;
    }
};

std::string sample() {
    TnefBuilder b;
    b.attr(1, 0x00089006, std::string("\x00\x00\x01\x00", 4));
    b.attr(1, 0x00078008, std::string("IPM.Microsoft Mail.Note\0", 24));
    b.attr(1, 0x00018004, std::string("Quarterly report\0", 17));
    b.attachment("REPORT~1.TXT", "report for the quarter.txt", "inert text attachment\n");
    b.attachment("NOTES.TXT", "", "second one");
    return b.bytes;
}

struct Scanned {
    Limits limits;
    Context ctx{limits, {}};
    TnefAnalyzer analyzer;
    Output out{analyzer.name(), "winmail.dat", ctx};
    explicit Scanned(std::string_view bytes, std::size_t max_entries = 10'000) {
        limits.max_archive_entries = max_entries;
        analyzer.analyze({bytes, "winmail.dat", "winmail.dat", 0}, out);
    }
    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    bool has_finding(std::string_view id) {
        return std::any_of(out.findings().begin(), out.findings().end(),
                           [&](const Finding& f) { return f.id == id; });
    }
};

TEST(TnefAnalyzer, SniffsTheSignature) {
    TnefAnalyzer a;
    EXPECT_TRUE(a.sniff(sample()));
    EXPECT_FALSE(a.sniff("\x78\x9F\x3E"));
    EXPECT_FALSE(a.sniff("PK\x03\x04"));
}

TEST(TnefAnalyzer, ExtractsAttachmentsWithLongNames) {
    Scanned s(sample());
    ASSERT_EQ(s.out.children().size(), 2u);
    EXPECT_EQ(s.out.children()[0].name, "report for the quarter.txt");
    EXPECT_EQ(s.out.children()[0].bytes, "inert text attachment\n");
    EXPECT_EQ(s.out.children()[1].name, "NOTES.TXT");
    EXPECT_EQ(s.out.children()[1].bytes, "second one");
    EXPECT_EQ(s.facts("tnef.subject"), std::vector<std::string>{"Quarterly report"});
    EXPECT_EQ(s.facts("tnef.message_class"), std::vector<std::string>{"IPM.Microsoft Mail.Note"});
    EXPECT_EQ(s.facts("tnef.attachment"),
              (std::vector<std::string>{"report for the quarter.txt (22 bytes)",
                                        "NOTES.TXT (10 bytes)"}));
    EXPECT_EQ(s.out.type(), "tnef");
    EXPECT_TRUE(s.out.findings().empty());
}

TEST(TnefAnalyzer, ReportsBadChecksumAndKeepsGoing) {
    TnefBuilder b;
    b.attr(1, 0x00018004, std::string("subject\0", 8), 1);
    b.attachment("A.TXT", "", "data");
    Scanned s(b.bytes);
    EXPECT_TRUE(s.has_finding("tnef.malformed"));
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].bytes, "data");
}

TEST(TnefAnalyzer, StopsAtALengthPastTheEnd) {
    TnefBuilder b;
    b.attachment("A.TXT", "", "data");
    b.bytes += '\x02';
    TnefBuilder::u32(b.bytes, 0x0006800F);
    TnefBuilder::u32(b.bytes, 0xFFFFFFF0u);  // claims 4 GiB
    b.bytes += "short";
    Scanned s(b.bytes);
    EXPECT_TRUE(s.has_finding("tnef.malformed"));
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "A.TXT");
}

TEST(TnefAnalyzer, LyingMapiCountsDoNotAllocate) {
    TnefBuilder b;
    std::string props;
    TnefBuilder::u32(props, 0xFFFFFFFFu);  // property count
    TnefBuilder::u16(props, 0x101E);       // multi-valued string
    TnefBuilder::u16(props, 0x3707);
    TnefBuilder::u32(props, 0xFFFFFFFFu);  // value count
    TnefBuilder::u32(props, 0xFFFFFFF0u);  // value length
    b.attr(2, 0x00069002, std::string(14, '\0'));
    b.attr(2, 0x0006800F, "x");
    b.attr(2, 0x00069005, props);
    Scanned s(b.bytes);
    EXPECT_TRUE(s.has_finding("tnef.malformed"));
    ASSERT_EQ(s.out.children().size(), 1u);
    EXPECT_EQ(s.out.children()[0].name, "attachment 1");
}

TEST(TnefAnalyzer, LimitsAttachments) {
    TnefBuilder b;
    for (int i = 0; i < 10; ++i) b.attachment("A.TXT", "", "x");
    Scanned s(b.bytes, 3);
    EXPECT_EQ(s.out.children().size(), 3u);
    EXPECT_TRUE(s.has_finding("limit.tnef.entries"));
}

TEST(TnefAnalyzer, IgnoresATrailingLineBreakButNotGarbage) {
    Scanned clean(sample() + "\r\n");
    EXPECT_TRUE(clean.out.findings().empty());
    Scanned garbage(sample() + "garbage");
    EXPECT_TRUE(garbage.has_finding("tnef.malformed"));
    EXPECT_EQ(garbage.out.children().size(), 2u);
}

TEST(TnefAnalyzer, StopsWhenTheByteBudgetIsSpent) {
    Limits limits;
    limits.max_total_unpacked_bytes = 25;  // the first attachment (22 bytes) fits
    Context ctx(limits, {});
    TnefAnalyzer a;
    Output out(a.name(), "winmail.dat", ctx);
    a.analyze({sample(), "winmail.dat", "winmail.dat", 0}, out);
    ASSERT_EQ(out.children().size(), 1u);
    ASSERT_EQ(out.findings().size(), 1u);
    EXPECT_EQ(out.findings()[0].id, "limit.artifact.total_bytes");
}

TEST(TnefAnalyzer, RejectsWrongSignature) {
    Scanned s("not tnef at all");
    EXPECT_TRUE(s.has_finding("tnef.malformed"));
    EXPECT_TRUE(s.out.children().empty());
}

TEST(TnefAnalyzer, SurvivesEveryTruncationOfABuiltStream) {
    std::string full = sample();
    for (std::size_t n = 0; n < full.size(); ++n) {
        Scanned s(std::string_view(full).substr(0, n));
        ASSERT_LE(s.out.children().size(), 2u);
        // A cut stream yields the attachments it holds whole, and never invents bytes.
        for (const auto& c : s.out.children())
            EXPECT_TRUE(c.bytes == "inert text attachment\n" || c.bytes == "second one" ||
                        c.bytes.empty())
                << n;
        for (const auto& f : s.out.facts()) EXPECT_TRUE(core::is_valid_utf8(f.value)) << n;
        if (n < 6) {  // not even the signature and key
            EXPECT_TRUE(s.has_finding("tnef.malformed")) << n;
        }
    }
}

// The fuzz seeds were written by hand (see the report of the commit adding them) with
// the same layout as TnefBuilder; they also cover what the builder does not write.
std::string seed(std::string_view name) {
    return test::read_file(test::source_dir() / "fuzz/corpus/tnef" / name);
}

TEST(TnefAnalyzer, DecompressesTheRtfBodyAndReadsUnicodeNames) {
    std::string bytes = seed("bodies-unicode-name.tnef");
    ASSERT_FALSE(bytes.empty());
    Scanned s(bytes);
    EXPECT_TRUE(s.out.findings().empty());
    std::map<std::string, std::string> children;
    for (const auto& c : s.out.children()) children[c.name] = c.bytes;
    EXPECT_EQ(children["message.rtf"], "{\\rtf1\\ansi inert body\\par}");
    EXPECT_EQ(children["message.html"], "<html><body>inert</body></html>");
    EXPECT_EQ(children["\u30EC\u30DD\u30FC\u30C8.txt"], "plain");
    EXPECT_EQ(s.facts("tnef.message_class"), std::vector<std::string>{"IPM.Note"});
}

TEST(TnefAnalyzer, HandsBackAnAttachedMessageAsTnef) {
    std::string bytes = seed("embedded-message.tnef");
    ASSERT_FALSE(bytes.empty());
    Scanned s(bytes);
    EXPECT_TRUE(s.out.findings().empty());
    ASSERT_EQ(s.out.children().size(), 2u);  // the placeholder text, then the message
    EXPECT_EQ(s.facts("tnef.embedded_message").size(), 1u);
    const std::string& inner = s.out.children()[1].bytes;
    TnefAnalyzer a;
    ASSERT_TRUE(a.sniff(inner));
    Scanned t(inner);
    ASSERT_EQ(t.out.children().size(), 1u);
    EXPECT_EQ(t.out.children()[0].name, "INNER.TXT");
    EXPECT_EQ(t.out.children()[0].bytes, "inner file");
}

// ----- MimeKit's samples ------------------------------------------------------------

fs::path mimekit_dir() {
    return test::corpora_dir() / "mimekit_testdata/TestData/tnef";
}

// The expected folders were written by a tool that renames duplicates "name.1",
// "name.2" and saves the body as message.rtf/.html/.txt.
std::string strip_dup_suffix(std::string name) {
    auto dot = name.rfind('.');
    if (dot != std::string::npos && dot + 1 < name.size() &&
        std::all_of(name.begin() + static_cast<long>(dot) + 1, name.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
        name.resize(dot);
    return name;
}

// Two differences from the expected files, neither in the TNEF data: the corpus
// snapshot stores text files with LF where the TNEF has CRLF (boot.ini, bookmark.htm,
// the RTF and HTML bodies), so CRs are ignored; and the reference writes OLE-object
// attachments (winmail, MAPI_OBJECT) with the 16-byte IID_IStorage in front, where we
// hand back attAttachData, the compound file itself.
std::string normalize(std::string s) {
    constexpr std::string_view kIidStorage{
        "\x0B\x00\x00\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16};
    if (std::string_view(s).substr(0, 16) == kIidStorage) s.erase(0, 16);
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
}

TEST(TnefAnalyzer, MimeKitSamplesYieldTheExpectedFiles) {
    fs::path dir = mimekit_dir();
    if (!fs::exists(dir)) GTEST_SKIP() << "no corpus " << dir;
    // Samples whose expected folder differs from what we hand back, and why.
    const std::map<std::string, std::string> kMalformed = {
        {"panic", "an attribute length runs past the end (the sample is cut)"},
        {"garbage-at-end", "bytes after the last attribute"},
    };
    int checked = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".tnef") continue;
        std::string stem = e.path().stem().string();
        SCOPED_TRACE(stem);
        std::string bytes = test::read_file(e.path());
        Scanned s(bytes);
        for (const auto& f : s.out.findings())
            if (!kMalformed.count(stem) || f.id != "tnef.malformed")
                ADD_FAILURE() << f.id << ": " << f.evidence;
        // Every expected file must be a child with the same name and bytes.
        fs::path expected = dir / stem;
        std::multiset<std::pair<std::string, std::string>> got;
        for (const auto& c : s.out.children()) got.insert({c.name, normalize(c.bytes)});
        std::multiset<std::pair<std::string, std::string>> want;
        if (fs::exists(expected))
            for (const auto& f : fs::directory_iterator(expected)) {
                std::string name = strip_dup_suffix(f.path().filename().string());
                if (name == "message.txt") continue;  // plain body: a fact, not a child
                want.insert({name, normalize(test::read_file(f.path()))});
            }
        std::vector<std::string> missing, extra;
        for (const auto& w : want)
            if (!got.count(w)) missing.push_back(w.first);
        for (const auto& g : got)
            if (!want.count(g))
                extra.push_back(g.first + " (" + std::to_string(g.second.size()) + ")");
        EXPECT_TRUE(missing.empty() && extra.empty())
            << "missing: " << ::testing::PrintToString(missing)
            << " extra: " << ::testing::PrintToString(extra);
        ++checked;
    }
    EXPECT_GE(checked, 15);
}

// ClamAV's clam.tnef wraps its harmless test program clam.exe (XOR-obfuscated upstream).
TEST(TnefAnalyzer, ClamAvSampleYieldsClamExe) {
    fs::path file =
        test::corpora_dir() / "clamav_unit_test_inputs/clamav_hdb_scanfiles/clam.tnef.xor";
    if (!fs::exists(file)) GTEST_SKIP() << "no corpus " << file;
    constexpr std::string_view kXorKey =
        "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrh"
        "twxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";
    std::string bytes = test::read_file(file);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(bytes[i] ^ kXorKey[i % kXorKey.size()]);
    TnefAnalyzer a;
    ASSERT_TRUE(a.sniff(bytes));
    Scanned s(bytes);
    bool found = false;
    for (const auto& c : s.out.children())
        found = found || core::sha256_hex(c.bytes) ==
                             "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495";
    EXPECT_TRUE(found);
    // ClamAV edited the message class, subject and MAPI properties by hand without
    // fixing their checksums.
    ASSERT_EQ(s.out.findings().size(), 1u);
    EXPECT_EQ(s.out.findings()[0].evidence, "attribute checksum mismatch at offset 73");
    EXPECT_EQ(s.facts("tnef.bad_checksums"), std::vector<std::string>{"3"});
    EXPECT_EQ(s.facts("tnef.message_class"), std::vector<std::string>{"TNEF Test File.ClamAV.1"});
}

TEST(TnefAnalyzer, SurvivesEveryTruncationOfARealSample) {
    fs::path file = mimekit_dir() / "two-files.tnef";
    if (!fs::exists(file)) GTEST_SKIP() << "no corpus " << file;
    std::string full = test::read_file(file);
    for (std::size_t n = 0; n < full.size(); ++n) {
        Scanned s(std::string_view(full).substr(0, n));
        std::size_t total = 0;
        for (const auto& c : s.out.children()) total += c.bytes.size();
        EXPECT_LE(total, full.size() * 4);  // only the RTF body expands
    }
}

}  // namespace
}  // namespace kagami::analyzers
