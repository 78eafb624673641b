// mbox splitting: MimeKit's and GMime's recorded offsets, sisimai's upstream split, From_
// line dates, and hostile mailboxes.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ingest/input.h"
#include "ingest/mbox.h"
#include "ingest/source.h"
#include "ingest_test_util.h"
#include "support/test_support.h"

namespace kagami::ingest {
namespace {

namespace fs = std::filesystem;
using testing::read_all;
using testing::TempDir;

struct Split {
    std::vector<RawMessage> messages;
    std::vector<detail::MboxSpan> spans;
};

Split split_file(const fs::path& path, std::size_t max_bytes = 64u << 20,
                 std::size_t chunk = detail::kChunkBytes) {
    Split out;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) return out;
    std::vector<char> buffer;
    detail::Input in(f.get(), buffer, chunk);
    detail::split_mbox(in, path.string(), max_bytes,
                       [&](RawMessage&& m, const detail::MboxSpan& s) {
                           out.messages.push_back(std::move(m));
                           out.spans.push_back(s);
                       });
    return out;
}

Split split_string(const std::string& mbox, std::size_t max_bytes = 64u << 20) {
    TempDir dir;
    return split_file(dir.write("mbox", mbox), max_bytes);
}

/// Top-level spans of a MimeKit *-offsets.json: each entry opens with mboxMarkerOffset,
/// and its first beginOffset/endOffset keys are the message's own (nested parts follow).
std::vector<detail::MboxSpan> mimekit_offsets(const std::string& json) {
    std::vector<detail::MboxSpan> spans;
    auto number_after = [&](const std::string& key, std::size_t from, std::size_t& at) {
        at = json.find("\"" + key + "\":", from);
        if (at == std::string::npos) return std::uint64_t{0};
        at += key.size() + 3;
        return static_cast<std::uint64_t>(std::stoull(json.substr(at, 24)));
    };
    std::size_t pos = 0;
    while ((pos = json.find("\"mboxMarkerOffset\":", pos)) != std::string::npos) {
        detail::MboxSpan s;
        std::size_t at = 0;
        s.marker_offset = number_after("mboxMarkerOffset", pos, at);
        s.begin_offset = number_after("beginOffset", at, at);
        s.end_offset = number_after("endOffset", at, at);
        spans.push_back(s);
        pos = at;
    }
    return spans;
}

std::string lf_to_crlf(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

/// The message bytes a span should give: the raw slice with mboxrd quoting undone.
std::string unquoted_slice(const std::string& file, const detail::MboxSpan& s) {
    std::string raw = file.substr(s.begin_offset, s.end_offset - s.begin_offset);
    std::string out;
    std::size_t i = 0;
    while (i < raw.size()) {
        std::size_t eol = raw.find('\n', i);
        std::size_t end = eol == std::string::npos ? raw.size() : eol + 1;
        std::string line = raw.substr(i, end - i);
        std::size_t q = line.find_first_not_of('>');
        if (q != std::string::npos && q > 0 && line.compare(q, 5, "From ") == 0) line.erase(0, 1);
        out += line;
        i = end;
    }
    return out;
}

fs::path mimekit_mbox_dir() {
    return test::corpora_dir() / "mimekit_testdata/TestData/mbox";
}

void expect_spans(const Split& got, const std::vector<detail::MboxSpan>& want,
                  const std::string& file) {
    ASSERT_EQ(got.spans.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE("message " + std::to_string(i));
        EXPECT_EQ(got.spans[i].marker_offset, want[i].marker_offset);
        EXPECT_EQ(got.spans[i].begin_offset, want[i].begin_offset);
        EXPECT_EQ(got.spans[i].end_offset, want[i].end_offset);
        EXPECT_EQ(got.messages[i].index, static_cast<long>(i));
        EXPECT_EQ(got.messages[i].bytes, unquoted_slice(file, got.spans[i]));
    }
}

TEST(MboxSplit, ReproducesMimeKitUnixOffsets) {
    const fs::path dir = mimekit_mbox_dir();
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    for (const char* name : {"content-length", "issue1189"}) {
        SCOPED_TRACE(name);
        const fs::path mbox = dir / (std::string(name) + ".mbox.txt");
        const auto want =
            mimekit_offsets(test::read_file(dir / (std::string(name) + ".unix-offsets.json")));
        ASSERT_FALSE(want.empty());
        expect_spans(split_file(mbox), want, test::read_file(mbox));
    }
}

TEST(MboxSplit, ReproducesMimeKitDosOffsetsOnCrlfCopy) {
    const fs::path dir = mimekit_mbox_dir();
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    TempDir tmp;
    for (const char* name : {"content-length", "issue1189"}) {
        SCOPED_TRACE(name);
        // MimeKit's DOS offsets are for the same mailbox with CRLF line ends.
        const std::string crlf =
            lf_to_crlf(test::read_file(dir / (std::string(name) + ".mbox.txt")));
        const fs::path mbox = tmp.write(std::string(name) + ".dos", crlf);
        const auto want =
            mimekit_offsets(test::read_file(dir / (std::string(name) + ".dos-offsets.json")));
        ASSERT_FALSE(want.empty());
        const Split got = split_file(mbox);
        expect_spans(got, want, crlf);
        for (const auto& m : got.messages) {  // line ends kept: every LF has its CR
            for (std::size_t at = m.bytes.find('\n'); at != std::string::npos;
                 at = m.bytes.find('\n', at + 1))
                ASSERT_TRUE(at > 0 && m.bytes[at - 1] == '\r');
        }
    }
}

TEST(MboxSplit, SmallChunksGiveTheSameSplit) {
    const fs::path mbox = mimekit_mbox_dir() / "content-length.mbox.txt";
    if (!fs::exists(mbox)) GTEST_SKIP() << "corpora absent";
    // The smallest buffer (64 KiB) makes lines straddle reads more often.
    const Split big = split_file(mbox);
    const Split small = split_file(mbox, 64u << 20, 1);
    ASSERT_EQ(big.messages.size(), small.messages.size());
    for (std::size_t i = 0; i < big.messages.size(); ++i) {
        EXPECT_EQ(big.messages[i].bytes, small.messages[i].bytes);
        EXPECT_EQ(big.spans[i].end_offset, small.spans[i].end_offset);
    }
}

TEST(MboxSplit, RecordsMimeKitEnvelopes) {
    const fs::path dir = mimekit_mbox_dir();
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    const Split gmail = split_file(dir / "issue1189.mbox.txt");
    ASSERT_EQ(gmail.messages.size(), 4u);
    EXPECT_EQ(gmail.messages[0].envelope_from, "1844347792267117879@xxx");
    EXPECT_FALSE(gmail.messages[0].received_time.has_value());
    const Split netscape = split_file(dir / "content-length.mbox.txt");
    ASSERT_EQ(netscape.messages.size(), 29u);
    EXPECT_EQ(netscape.messages[3].envelope_from, "-");
    // "From - Mon Jun  3 12:50:27 1996"
    EXPECT_EQ(netscape.messages[3].received_time, std::optional<std::int64_t>(833806227));
}

TEST(MboxSplit, KeepsUnmungedFromLinesInsideTheBody) {
    const fs::path mbox = mimekit_mbox_dir() / "unmunged.mbox.txt";
    if (!fs::exists(mbox)) GTEST_SKIP() << "corpora absent";
    // Starts with a BOM; "From Russia with love" after a blank line is prose, not a split.
    const Split got = split_file(mbox);
    ASSERT_EQ(got.messages.size(), 2u);
    EXPECT_EQ(got.spans[0].marker_offset, 3u);
    EXPECT_NE(got.messages[0].bytes.find("\n\nFrom Russia with love\n"), std::string::npos);
    EXPECT_NE(got.messages[1].bytes.find("From Russia with love\nYear: 1963"), std::string::npos);
}

TEST(MboxSplit, MatchesGMimeSubstringOffsets) {
    const fs::path dir = test::corpora_dir() / "gmime_testdata/mbox";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    // output/substring.mbox lists "message offsets: FROM_LINE, END" and
    // "header offsets: FIRST_HEADER, ..." per message.
    const std::string expected = test::read_file(dir / "output/substring.mbox");
    std::vector<std::uint64_t> markers, begins;
    std::size_t pos = 0;
    while ((pos = expected.find("message offsets: ", pos)) != std::string::npos) {
        pos += 17;
        markers.push_back(std::stoull(expected.substr(pos, 20)));
        pos = expected.find("header offsets: ", pos) + 16;
        begins.push_back(std::stoull(expected.substr(pos, 20)));
    }
    ASSERT_EQ(markers.size(), 3u);
    const Split got = split_file(dir / "input/substring.mbox");
    ASSERT_EQ(got.spans.size(), markers.size());
    for (std::size_t i = 0; i < markers.size(); ++i) {
        EXPECT_EQ(got.spans[i].marker_offset, markers[i]);
        EXPECT_EQ(got.spans[i].begin_offset, begins[i]);
        EXPECT_EQ(got.messages[i].envelope_from, "-");
    }
}

/// Lines of `s` with CRLF made LF, trailing newlines dropped and Subject lines left out
/// (upstream re-encoded the Subject of a few messages when it split the mailbox).
std::vector<std::string> comparable_lines(std::string s) {
    std::string lf;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) lf += s[i];
    while (!lf.empty() && lf.back() == '\n') lf.pop_back();
    std::vector<std::string> lines;
    std::size_t i = 0;
    while (i <= lf.size()) {
        std::size_t eol = lf.find('\n', i);
        if (eol == std::string::npos) eol = lf.size();
        std::string line = lf.substr(i, eol - i);
        if (line.rfind("Subject:", 0) != 0) lines.push_back(line);
        i = eol + 1;
    }
    return lines;
}

TEST(MboxSplit, MatchesSisimaiUpstreamSplitOfMbox0) {
    const fs::path root = test::corpora_dir() / "sisimai_set_of_emails";
    if (!fs::exists(root)) GTEST_SKIP() << "corpora absent";
    const Split got = split_file(root / "mailbox/mbox-0");
    ASSERT_EQ(got.messages.size(), 37u);
    for (std::size_t i = 0; i < got.messages.size(); ++i) {
        char name[48];
        std::snprintf(name, sizeof name, "make-test-%02zu.eml", i + 1);
        SCOPED_TRACE(name);
        const std::string want = test::read_file(root / "maildir/err" / name);
        ASSERT_FALSE(want.empty());
        EXPECT_EQ(comparable_lines(got.messages[i].bytes), comparable_lines(want));
        // The mailbox is CRLF; the messages keep it.
        EXPECT_NE(got.messages[i].bytes.find("\r\n"), std::string::npos);
    }
    EXPECT_EQ(got.messages[0].envelope_from, "MAILER-DAEMON");
    // "From MAILER-DAEMON Thu Sep 18 17:54:04 2008", no zone: read as UTC.
    EXPECT_EQ(got.messages[0].received_time, std::optional<std::int64_t>(1221760444));
    EXPECT_EQ(got.messages[5].envelope_from, "Postmaster@ezweb.ne.jp");
}

TEST(MboxSplit, ReadsSisimaiTinyMailboxesWithoutCrashing) {
    const fs::path dir = test::corpora_dir() / "sisimai_set_of_emails/mailbox";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    for (const char* name : {"size-0", "size-1", "size-2"}) {
        // Not mailboxes at all: the splitter keeps any non-blank bytes as one message,
        // read_path does not get that far.
        EXPECT_LE(split_file(dir / name).messages.size(), 1u) << name;
        const auto r = read_all(dir / name);
        EXPECT_TRUE(r.messages.empty()) << name;
        ASSERT_EQ(r.errors.size(), 1u) << name;
        EXPECT_NE(r.errors[0].message.find(name), std::string::npos);
    }
    // The folder as a whole: mbox-0 and mbox-1 read, the three tiny files reported.
    const auto all = read_all(dir);
    EXPECT_EQ(all.messages.size(), 38u);
    EXPECT_EQ(all.errors.size(), 3u);
}

TEST(MboxSplit, ReadsSisimaiCrOnlyCopiesAsOneMessage) {
    const fs::path dir = test::corpora_dir() / "sisimai_set_of_emails/maildir/mac";
    if (!fs::exists(dir)) GTEST_SKIP() << "corpora absent";
    const fs::path file = dir / "lhost-x6-01.eml";
    const auto r = read_all(file);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].envelope_from, "mailer-daemon");
    EXPECT_EQ(r.messages[0].bytes.substr(0, 13), "Return-path: ");
    EXPECT_EQ(r.messages[0].bytes.find('\n'), std::string::npos);
}

TEST(MboxSplit, DoesNotSplitAtAttachedGitPatch) {
    const fs::path file =
        test::corpora_dir() / "notmuch_test_corpora/corpora/insert/mbox-attachment.eml";
    if (!fs::exists(file)) GTEST_SKIP() << "corpora absent";
    const auto r = read_all(file);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].envelope_from, "david@tethera.net");
    EXPECT_NE(
        r.messages[0].bytes.find("\nFrom fc88cba7f1f37b9cf3b296eace2422dd0e173502 Mon Sep 17"),
        std::string::npos);
}

TEST(FromLine, ParsesDateVariants) {
    using detail::parse_from_date;
    EXPECT_EQ(parse_from_date("Sat Jan  3 01:05:34 1996"), 820631134);
    EXPECT_EQ(parse_from_date("Sat Jan 3 01:05:34 PST 1996"), 820631134 + 8 * 3600);
    EXPECT_EQ(parse_from_date("Sat Jan  3 01:05:34 1996 -0800"), 820631134 + 8 * 3600);
    EXPECT_EQ(parse_from_date("Mon 1 Jan 2015 00:00:00 +0900"), 1420038000);
    EXPECT_EQ(parse_from_date("Thu Jan 1 00:0:00 2015 +0900"), 1420038000);
    EXPECT_EQ(parse_from_date("2019-10-02 05:04:34 +0000"), 1569992674);
    EXPECT_EQ(parse_from_date("Sat Jan  3 01:05:34 1996 remote from uunet"), 820631134);
    EXPECT_FALSE(parse_from_date("").has_value());
    EXPECT_FALSE(parse_from_date("with love").has_value());
    EXPECT_FALSE(parse_from_date("Sat Jan 3 25:05:34 1996").has_value());
    EXPECT_FALSE(parse_from_date("Sat Foo 3 01:05:34 1996").has_value());
}

TEST(FromLine, TellsEnvelopeLinesFromProse) {
    using detail::looks_like_from_line;
    EXPECT_TRUE(looks_like_from_line("From MAILER-DAEMON Thu Sep 18 17:54:04 2008", false));
    EXPECT_TRUE(looks_like_from_line("From - ", false));
    EXPECT_TRUE(looks_like_from_line("From - Mon Jun  3 12:50:27 1996", false));
    EXPECT_TRUE(looks_like_from_line("From 1844347792267117879@xxx", true));
    EXPECT_FALSE(looks_like_from_line("From 1844347792267117879@xxx", false));
    EXPECT_TRUE(looks_like_from_line("From () 2019-10-02 05:04:34 +0000", true));
    EXPECT_FALSE(looks_like_from_line("From Russia with love", true));
    EXPECT_FALSE(looks_like_from_line("From here on, at 10:30 we meet", false));
    EXPECT_FALSE(looks_like_from_line("From: someone@example.com", true));
    EXPECT_FALSE(looks_like_from_line("From : someone", true));
    EXPECT_FALSE(looks_like_from_line(
        "From fc88cba7f1f37b9cf3b296eace2422dd0e173502 Mon Sep 17 00:00:00 2001", true));
}

TEST(MboxSplit, UnquotesMboxrdOneLevel) {
    const Split got = split_string(
        "From a@b Sat Jan  3 01:05:34 1996\nSubject: x\n\n>From me\n>>From you\n> From no\n"
        "From nothing here\n");
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(got.messages[0].bytes,
              "Subject: x\n\nFrom me\n>From you\n> From no\nFrom nothing here\n");
}

TEST(MboxSplit, SplitsOnlyAtEnvelopeLines) {
    const Split got = split_string(
        "From a@b Sat Jan  3 01:05:34 1996\nSubject: one\n\nbody\n\n"
        "From b@c Sat Jan  3 01:05:35 1996\nSubject: two\n\nFrom the desk of nobody\n");
    ASSERT_EQ(got.messages.size(), 2u);
    EXPECT_EQ(got.messages[0].bytes, "Subject: one\n\nbody\n");
    EXPECT_EQ(got.messages[1].bytes, "Subject: two\n\nFrom the desk of nobody\n");
    EXPECT_EQ(got.messages[1].envelope_from, "b@c");
    EXPECT_EQ(got.messages[1].index, 1);
    EXPECT_EQ(got.messages[1].received_time, std::optional<std::int64_t>(820631135));
}

TEST(MboxHostile, MailboxOfOnlyFromLines) {
    std::string mbox;
    for (int i = 0; i < 1000; ++i) mbox += "From - \n";
    const Split got = split_string(mbox);
    ASSERT_EQ(got.messages.size(), 1000u);
    for (const auto& m : got.messages) EXPECT_TRUE(m.bytes.empty());
    EXPECT_EQ(got.spans.back().end_offset, mbox.size());
}

TEST(MboxHostile, TenMegabyteFromLineWithoutNewline) {
    std::string mbox = "From a@b Sat Jan  3 01:05:34 1996\nSubject: x\n\nbody\n\nFrom ";
    mbox.append(10u << 20, 'x');
    const Split got = split_string(mbox);
    // "From xxxx..." has no date: it is content of the first message, not a new one.
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(got.messages[0].bytes, mbox.substr(34));
    // As the mailbox's first line, it is an envelope whose message is empty.
    const Split alone = split_string("From " + std::string(10u << 20, 'y'));
    ASSERT_EQ(alone.messages.size(), 1u);
    EXPECT_TRUE(alone.messages[0].bytes.empty());
    EXPECT_LE(alone.messages[0].envelope_from.size(), 1024u);
}

TEST(MboxHostile, CrlfSplitAcrossReadsIsOneLineEnd) {
    // With a 64 KiB buffer the CR of this line is the last byte of the first read.
    const std::string mbox =
        "From - \r\n" + std::string(65526, 'a') + "\r\nFrom - \r\nSubject: b\r\n";
    TempDir dir;
    const Split got = split_file(dir.write("mbox", mbox), 64u << 20, 64u << 10);
    ASSERT_EQ(got.messages.size(), 2u);
    EXPECT_EQ(got.messages[0].bytes, std::string(65526, 'a'));
    EXPECT_EQ(got.spans[0].end_offset, 9u + 65526u);
    EXPECT_EQ(got.messages[1].bytes, "Subject: b\r\n");
}

TEST(MboxHostile, TruncatedLastLineIsKept) {
    const Split got = split_string("From - \nSubject: x\n\nlast line without end");
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(got.messages[0].bytes, "Subject: x\n\nlast line without end");
}

TEST(MboxHostile, CrOnlyLineEnds) {
    const Split got = split_string(
        "From a@b Sat Jan  3 01:05:34 1996\rSubject: one\r\rbody\r\r"
        "From b@c Sat Jan  3 01:05:35 1996\rSubject: two\r\r>From x\r");
    ASSERT_EQ(got.messages.size(), 2u);
    EXPECT_EQ(got.messages[0].bytes, "Subject: one\r\rbody\r");
    EXPECT_EQ(got.messages[1].bytes, "Subject: two\r\rFrom x\r");
    EXPECT_EQ(got.messages[1].envelope_from, "b@c");
}

TEST(MboxHostile, CutsLongMessagesAndSkipsToTheNextEnvelope) {
    std::string big = "From - \nSubject: big\n\n";
    for (int i = 0; i < 1000; ++i) big += "0123456789012345678901234567890123456789\n";
    const std::string mbox = big + "\nFrom - \nSubject: small\n\nok\n";
    const Split got = split_string(mbox, 100);
    ASSERT_EQ(got.messages.size(), 2u);
    EXPECT_TRUE(got.messages[0].truncated);
    EXPECT_EQ(got.messages[0].bytes.size(), 100u);
    EXPECT_EQ(got.messages[0].bytes, big.substr(8, 100));
    EXPECT_FALSE(got.messages[1].truncated);
    EXPECT_EQ(got.messages[1].bytes, "Subject: small\n\nok\n");
}

TEST(MboxHostile, BinaryNoiseMakesProgress) {
    std::string noise = "From - \n";
    for (int i = 0; i < 200000; ++i) noise += static_cast<char>((i * 7919) % 256);
    const Split got = split_string(noise);
    ASSERT_GE(got.messages.size(), 1u);
    EXPECT_EQ(got.spans.back().end_offset, noise.size());
}

}  // namespace
}  // namespace kagami::ingest
