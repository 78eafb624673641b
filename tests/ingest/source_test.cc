// Format detection and the walks over files, directories, Maildirs and standard input.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/source.h"
#include "ingest_test_util.h"
#include "support/test_support.h"

namespace kagami::ingest {
namespace {

namespace fs = std::filesystem;
using testing::read_all;
using testing::TempDir;

Format detect_bytes(const std::string& bytes) {
    TempDir dir;
    auto r = detect_format(dir.write("f", bytes).string());
    EXPECT_TRUE(r.has_value());
    return r ? *r : Format::not_mail;
}

std::vector<std::string> names_of(const std::vector<RawMessage>& messages, const fs::path& root) {
    std::vector<std::string> out;
    for (const auto& m : messages)
        out.push_back(fs::path(m.path).lexically_relative(root).string());
    return out;
}

TEST(DetectFormat, RecognisesMessagesByContent) {
    EXPECT_EQ(detect_bytes("Received: from x\n\tby y\nSubject: s\n\nbody\n"), Format::eml);
    EXPECT_EQ(detect_bytes("\xEF\xBB\xBF\r\n\r\nReturn-Path: <a@b>\r\nTo: c\r\n\r\n"), Format::eml);
    EXPECT_EQ(detect_bytes("X-Custom: 1\n"), Format::eml);
    EXPECT_EQ(detect_bytes("Foo-Bar: 1\nBaz: 2\n\nbody"), Format::eml);
    EXPECT_EQ(detect_bytes("Return-Path: <a@b>\rTo: c\r\r"), Format::eml);  // CR only
    EXPECT_EQ(detect_bytes(">From someone Sat Jan  3 01:05:34 1996\nTo: a\n\n"), Format::eml);
}

TEST(DetectFormat, RecognisesMailboxesByContent) {
    EXPECT_EQ(detect_bytes("From a@b Sat Jan  3 01:05:34 1996\nTo: a\n\n"), Format::mbox);
    EXPECT_EQ(detect_bytes("\xEF\xBB\xBF\n\nFrom -\nTo: a\n\n"), Format::mbox);
    EXPECT_EQ(detect_bytes("From a@b Sat Jan  3 01:05:34 1996\r\nTo: a\r\n"), Format::mbox);
    EXPECT_EQ(detect_bytes("From somebody\nSubject: x\n\n"), Format::mbox);
}

TEST(DetectFormat, RejectsWhatIsNotMail) {
    EXPECT_EQ(detect_bytes(""), Format::not_mail);
    EXPECT_EQ(detect_bytes("\n\n  \r\n"), Format::not_mail);
    EXPECT_EQ(detect_bytes("\xEF\xBB\xBF"), Format::not_mail);
    EXPECT_EQ(detect_bytes("From the desk of the president\n\nDear all,\n"), Format::not_mail);
    EXPECT_EQ(detect_bytes(">From here\nnothing\n"), Format::not_mail);
    EXPECT_EQ(detect_bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::not_mail);
    EXPECT_EQ(detect_bytes("Note: odd\nthis is prose\n"), Format::not_mail);
    EXPECT_EQ(detect_bytes("hello world: x\n"), Format::not_mail);
    EXPECT_EQ(detect_bytes("From " + std::string(100000, 'x')), Format::not_mail);
}

TEST(DetectFormat, TellsMaildirsFromDirectories) {
    TempDir dir;
    fs::create_directories(dir.path() / "md/cur");
    fs::create_directories(dir.path() / "md2/new");
    fs::create_directories(dir.path() / "plain/sub");
    EXPECT_EQ(*detect_format((dir.path() / "md").string()), Format::maildir);
    EXPECT_EQ(*detect_format((dir.path() / "md2").string()), Format::maildir);
    EXPECT_EQ(*detect_format((dir.path() / "plain").string()), Format::directory);
}

TEST(DetectFormat, ReportsMissingPathAsIoErrorNamingIt) {
    const std::string missing = "/nonexistent/kagami/nothing.eml";
    auto r = detect_format(missing);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::io);
    EXPECT_EQ(r.error().message.rfind(missing + ": ", 0), 0u);
}

TEST(DetectFormat, ReportsUnreadableFile) {
    TempDir dir;
    const fs::path f = dir.write("secret.eml", "Subject: x\n\n");
    fs::permissions(f, fs::perms::none);
    if (std::FILE* probe = std::fopen(f.c_str(), "rb")) {
        std::fclose(probe);
        GTEST_SKIP() << "running as root: permissions are not enforced";
    }
    auto r = detect_format(f.string());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::io);
    const auto all = read_all(dir.path());
    EXPECT_TRUE(all.messages.empty());
    ASSERT_EQ(all.errors.size(), 1u);
    EXPECT_NE(all.errors[0].message.find("secret.eml"), std::string::npos);
}

TEST(ReadPath, ReadsOneMessageFile) {
    TempDir dir;
    const std::string msg = "Subject: hi\r\n\r\nbody\r\n";
    const auto r = read_all(dir.write("a.eml", msg));
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].bytes, msg);
    EXPECT_EQ(r.messages[0].index, -1);
    EXPECT_FALSE(r.messages[0].truncated);
    EXPECT_TRUE(r.errors.empty());
}

TEST(ReadPath, CutsLargeMessageFile) {
    TempDir dir;
    const std::string msg = "Subject: big\n\n" + std::string(100000, 'a');
    ReadOptions options;
    options.max_message_bytes = 1000;
    const auto r = read_all(dir.write("big.eml", msg), options);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_TRUE(r.messages[0].truncated);
    EXPECT_EQ(r.messages[0].bytes, msg.substr(0, 1000));
    options.max_message_bytes = msg.size();  // exactly at the limit is not cut
    const auto exact = read_all(dir.path() / "big.eml", options);
    ASSERT_EQ(exact.messages.size(), 1u);
    EXPECT_FALSE(exact.messages[0].truncated);
}

TEST(ReadPath, WalksDirectoriesInByteOrderAndReportsNonMail) {
    TempDir dir;
    dir.write("b.eml", "Subject: b\n\n");
    dir.write("B.eml", "Subject: B\n\n");
    dir.write("a/z.eml", "Subject: az\n\n");
    dir.write("notes.txt", "just some notes\n");
    dir.write("c.mbox", "From - \nSubject: c1\n\nFrom - \nSubject: c2\n\n");
    const auto r = read_all(dir.path());
    EXPECT_EQ(names_of(r.messages, dir.path()),
              (std::vector<std::string>{"B.eml", "a/z.eml", "b.eml", "c.mbox", "c.mbox"}));
    EXPECT_EQ(r.messages[4].index, 1);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, Errc::format);
    EXPECT_NE(r.errors[0].message.find("notes.txt"), std::string::npos);
}

TEST(ReadPath, SkipsFifosWithoutBlocking) {
    TempDir dir;
    dir.write("m.eml", "Subject: m\n\n");
    const fs::path fifo = dir.path() / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(*detect_format(fifo.string()), Format::not_mail);
    const auto r = read_all(dir.path());
    ASSERT_EQ(r.messages.size(), 1u);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].message.find("pipe"), std::string::npos);
}

TEST(ReadPath, SurvivesDirectorySymlinkLoops) {
    TempDir dir;
    dir.write("top/m.eml", "Subject: m\n\n");
    std::error_code ec;
    fs::create_directory_symlink(dir.path() / "top", dir.path() / "top/loop", ec);
    fs::create_directory_symlink(dir.path() / "top/self", dir.path() / "top/self", ec);
    ASSERT_FALSE(ec);
    const auto r = read_all(dir.path() / "top");
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.errors.size(), 2u);  // the loop and the link to itself, both named
}

TEST(ReadPath, ReadsMaildirCurThenNewThenFolders) {
    TempDir dir;
    const fs::path md = dir.path() / "Maildir";
    dir.write("Maildir/new/1000.b:2,", "Subject: new\n\n");
    dir.write("Maildir/cur/2000.a:2,S", "Subject: cur2\n\n");
    dir.write("Maildir/cur/1000.c:2,", "Subject: cur1\n\n");
    dir.write("Maildir/tmp/3000.x", "Subject: in delivery\n\n");
    dir.write("Maildir/.Sent/cur/1.y:2,S", "Subject: sent\n\n");
    dir.write("Maildir/dovecot-uidlist", "3 V1 N2\n1 1000.c\n");
    dir.write("Maildir/maildirfolder", "");
    const auto r = read_all(md);
    EXPECT_EQ(names_of(r.messages, md),
              (std::vector<std::string>{"cur/1000.c:2,", "cur/2000.a:2,S", "new/1000.b:2,",
                                        ".Sent/cur/1.y:2,S"}));
    EXPECT_TRUE(r.errors.empty());
    // Inside a directory walk the Maildir is still read as one.
    dir.write("loose.eml", "Subject: loose\n\n");
    const auto walked = read_all(dir.path());
    EXPECT_EQ(walked.messages.size(), 5u);
    EXPECT_EQ(names_of(walked.messages, dir.path()).front(), "Maildir/cur/1000.c:2,");
}

TEST(ReadPath, ReadsNotmuchMaildirTrees) {
    const fs::path root = test::corpora_dir() / "notmuch_test_corpora/corpora";
    if (!fs::exists(root)) GTEST_SKIP() << "corpora absent";
    for (const char* name : {"default", "lkml"}) {
        SCOPED_TRACE(name);
        const fs::path tree = root / name;
        std::size_t files = 0;
        for (const auto& e : fs::recursive_directory_iterator(tree))
            if (e.is_regular_file()) ++files;
        const auto first = read_all(tree);
        EXPECT_EQ(first.messages.size(), files);
        EXPECT_TRUE(first.errors.empty());
        // Same order every time, cur/ first in name order.
        const auto second = read_all(tree);
        EXPECT_EQ(names_of(first.messages, tree), names_of(second.messages, tree));
        ASSERT_FALSE(first.messages.empty());
        EXPECT_EQ(names_of(first.messages, tree)[0].rfind("cur/", 0), 0u);
        for (const auto& m : first.messages) EXPECT_FALSE(m.bytes.empty());
    }
    const auto cur = read_all(root / "default");
    EXPECT_EQ(names_of(cur.messages, root / "default")[0], "cur/29:2,");
}

TEST(ReadPath, ReportsMissingPath) {
    const auto r = read_all("/nonexistent/kagami/dir");
    EXPECT_TRUE(r.messages.empty());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, Errc::io);
    EXPECT_EQ(r.errors[0].message.rfind("/nonexistent/kagami/dir: ", 0), 0u);
}

/// read_path("-") with standard input replaced by `file` for the call.
testing::ReadResult read_stdin_from(const fs::path& file) {
    testing::ReadResult r;
    std::fflush(stdin);
    const int saved = ::dup(0);
    const int fd = ::open(file.c_str(), O_RDONLY);
    ::dup2(fd, 0);
    ::close(fd);
    std::clearerr(stdin);
    r = read_all("-");
    ::dup2(saved, 0);
    ::close(saved);
    std::clearerr(stdin);
    return r;
}

TEST(ReadPath, ReadsStandardInputAsMessageOrMailbox) {
    TempDir dir;
    const auto one = read_stdin_from(dir.write("one", "whatever comes in\n"));
    ASSERT_EQ(one.messages.size(), 1u);
    EXPECT_EQ(one.messages[0].path, "-");
    EXPECT_EQ(one.messages[0].bytes, "whatever comes in\n");
    const auto box =
        read_stdin_from(dir.write("box", "From - \nSubject: a\n\nFrom - \nSubject: b\n"));
    ASSERT_EQ(box.messages.size(), 2u);
    EXPECT_EQ(box.messages[1].bytes, "Subject: b\n");
    EXPECT_EQ(box.messages[1].index, 1);
}

TEST(ReadPath, DetectsEveryCorpusMessageFileAsMail) {
    const fs::path root = test::corpora_dir();
    if (!fs::exists(root / "sisimai_set_of_emails")) GTEST_SKIP() << "corpora absent";
    // Every stored message of these folders must be recognised as mail by content.
    for (const char* sub : {"sisimai_set_of_emails/maildir", "cpython_test_email_data",
                            "ruby_mail_fixtures", "jpmobile_email_fixtures"}) {
        std::size_t mail = 0;
        for (const auto& e : fs::recursive_directory_iterator(root / sub)) {
            if (!e.is_regular_file()) continue;
            const std::string ext = e.path().extension().string();
            if (ext != ".eml" && ext != ".msg" && ext != ".mbox") continue;
            auto f = detect_format(e.path().string());
            ASSERT_TRUE(f.has_value());
            EXPECT_NE(*f, Format::not_mail) << e.path();
            ++mail;
        }
        EXPECT_GT(mail, 0u) << sub;
    }
}

}  // namespace
}  // namespace kagami::ingest
