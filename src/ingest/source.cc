// Formats and walks: which reader a path needs, and the order messages come out in.
#include "ingest/source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ingest/input.h"
#include "ingest/mbox.h"
#include "ingest/pst.h"
#include "ingest/sniff.h"

namespace kagami::ingest {
namespace fs = std::filesystem;

namespace detail {
namespace {

/// Directory nesting followed before giving up; real mail trees are a few levels deep.
constexpr int kMaxDepth = 64;

Error io_error(const std::string& path, const std::error_code& ec) {
    return Error{Errc::io, path + ": " + ec.message()};
}

Error errno_error(const std::string& path) {
    return io_error(path, std::error_code(errno, std::generic_category()));
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

bool is_maildir(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

/// Entry names of `dir` in byte order (std::string compares as unsigned bytes).
std::vector<std::string> sorted_names(const fs::path& dir, std::error_code& ec) {
    std::vector<std::string> names;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec))
        names.push_back(it->path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// Reads every message of one walk. Sinks are called through deliver()/fail() so that an
/// exception thrown by a sink can be told from one of ours and passed on untouched.
class Reader {
public:
    Reader(const ReadOptions& options, const MessageSink& on_message, const ErrorSink& on_error)
        : options_(options), on_message_(on_message), on_error_(on_error) {}

    void read_top(const std::string& path);
    bool in_sink() const { return in_sink_; }
    void fail(const Error& error);

private:
    enum class NotMail { report, ignore, as_message };

    void read_stdin();
    void read_file(const fs::path& path, NotMail not_mail);
    void read_stream(Input& in, const std::string& name, NotMail not_mail);
    void walk_directory(const fs::path& dir, int depth);
    void read_maildir(const fs::path& dir, int depth);
    void read_entry(const fs::path& path, int depth, NotMail not_mail);
    bool enter(const fs::path& dir, int depth);
    void deliver(RawMessage&& msg);

    const ReadOptions& options_;
    const MessageSink& on_message_;
    const ErrorSink& on_error_;
    std::vector<char> buffer_;
    std::set<fs::path> visited_;
    bool in_sink_ = false;
};

void Reader::deliver(RawMessage&& msg) {
    in_sink_ = true;
    on_message_(std::move(msg));
    in_sink_ = false;
}

void Reader::fail(const Error& error) {
    in_sink_ = true;
    on_error_(error);
    in_sink_ = false;
}

void Reader::read_top(const std::string& path) {
    if (path == "-") {
        read_stdin();
        return;
    }
    read_entry(fs::path(path), 0, NotMail::report);
}

void Reader::read_stdin() {
    // Whatever arrives on standard input was sent to be read: one message unless an mbox.
    Input in(stdin, buffer_);
    if (in.peek(kSniffBytes).empty()) {
        fail(Error{in.failed() ? Errc::io : Errc::format, "-: no input"});
        return;
    }
    read_stream(in, "-", NotMail::as_message);
}

void Reader::read_file(const fs::path& path, NotMail not_mail) {
    const std::string name = path.string();
    FilePtr file(std::fopen(name.c_str(), "rb"));
    if (!file) {
        fail(errno_error(name));
        return;
    }
    Input in(file.get(), buffer_);
    read_stream(in, name, not_mail);
}

void Reader::read_stream(Input& in, const std::string& name, NotMail not_mail) {
    const std::string_view head = in.peek(kSniffBytes);
    Format format = sniff_format(head);
    if (format == Format::not_mail) {
        if (in.failed()) {
            fail(Error{Errc::io, name + ": read error"});
            return;
        }
        if (not_mail == NotMail::ignore) return;
        if (head.empty()) {
            fail(Error{Errc::format, name + ": empty file"});
            return;
        }
        if (not_mail == NotMail::report) {
            fail(Error{Errc::format, name + ": not mail (no mbox From_ line or header fields)"});
            return;
        }
        format = Format::eml;
    }
    if (format == Format::pst) {
        if (name == "-") {
            fail(Error{Errc::format,
                       "-: a PST/OST cannot be read from standard input; give its path"});
            return;
        }
        // libpff opens the file by its path; the sniffing stream is not used further.
        read_pst(
            name, options_.max_message_bytes, [this](RawMessage&& msg) { deliver(std::move(msg)); },
            [this](const Error& error) { fail(error); });
        return;
    }
    if (format == Format::mbox) {
        split_mbox(in, name, options_.max_message_bytes,
                   [this](RawMessage&& msg, const MboxSpan&) { deliver(std::move(msg)); });
    } else {
        RawMessage msg;
        msg.path = name;
        while (true) {
            std::string_view avail = in.peek(1);
            if (avail.empty()) break;
            const std::size_t room = options_.max_message_bytes - msg.bytes.size();
            if (room == 0) {
                msg.truncated = true;  // bytes remain past the limit; they are not read
                break;
            }
            const std::size_t take = std::min(room, avail.size());
            msg.bytes.append(avail.substr(0, take));
            in.consume(take);
        }
        if (!in.failed()) deliver(std::move(msg));
    }
    if (in.failed()) fail(Error{Errc::io, name + ": read error"});
}

bool Reader::enter(const fs::path& dir, int depth) {
    if (depth > kMaxDepth) {
        fail(Error{Errc::io, dir.string() + ": directories nested too deep, skipped"});
        return false;
    }
    // Symbolic links may lead back up the tree or to a directory read already.
    std::error_code ec;
    fs::path canonical = fs::canonical(dir, ec);
    if (ec) {
        fail(io_error(dir.string(), ec));
        return false;
    }
    if (!visited_.insert(canonical).second) {
        fail(Error{Errc::io, dir.string() + ": directory already read (symlink loop), skipped"});
        return false;
    }
    return true;
}

void Reader::read_entry(const fs::path& path, int depth, NotMail not_mail) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec) {
        fail(io_error(path.string(), ec));
        return;
    }
    if (fs::is_directory(st)) {
        if (is_maildir(path))
            read_maildir(path, depth);
        else
            walk_directory(path, depth);
    } else if (fs::is_regular_file(st)) {
        read_file(path, not_mail);
    } else if (not_mail != NotMail::ignore) {
        // FIFOs and devices could block or never end.
        fail(Error{Errc::io, path.string() + ": not a regular file, skipped"});
    }
}

void Reader::walk_directory(const fs::path& dir, int depth) {
    if (!enter(dir, depth)) return;
    std::error_code ec;
    const std::vector<std::string> names = sorted_names(dir, ec);
    if (ec) fail(io_error(dir.string(), ec));
    for (const auto& name : names) read_entry(dir / name, depth + 1, NotMail::report);
}

void Reader::read_maildir(const fs::path& dir, int depth) {
    if (!enter(dir, depth)) return;
    // cur/ then new/; every file there is a message by where it is. tmp/ is mail still
    // being delivered.
    for (const char* sub : {"cur", "new"}) {
        const fs::path subdir = dir / sub;
        std::error_code ec;
        if (!fs::is_directory(subdir, ec)) continue;
        const std::vector<std::string> names = sorted_names(subdir, ec);
        if (ec) fail(io_error(subdir.string(), ec));
        for (const auto& name : names) {
            const fs::path file = subdir / name;
            if (fs::is_regular_file(file, ec)) read_file(file, NotMail::as_message);
        }
    }
    // Then the rest, in name order: Maildir++ folders (".Sent/"), nested folders that other
    // tools keep as plain subdirectories, and stray messages. Server files beside them
    // (dovecot-uidlist, maildirfolder, ...) are not mail and are passed over quietly.
    std::error_code ec;
    const std::vector<std::string> names = sorted_names(dir, ec);
    if (ec) fail(io_error(dir.string(), ec));
    for (const auto& name : names) {
        if (name == "cur" || name == "new" || name == "tmp") continue;
        read_entry(dir / name, depth + 1, NotMail::ignore);
    }
}

}  // namespace
}  // namespace detail

Result<Format> detect_format(const std::string& path) {
    try {
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (ec) return detail::io_error(path, ec);
        if (fs::is_directory(st))
            return detail::is_maildir(path) ? Format::maildir : Format::directory;
        if (!fs::is_regular_file(st)) return Format::not_mail;
        detail::FilePtr file(std::fopen(path.c_str(), "rb"));
        if (!file) return detail::errno_error(path);
        std::vector<char> buffer;
        detail::Input in(file.get(), buffer, detail::kSniffBytes);
        const std::string_view head = in.peek(detail::kSniffBytes);
        if (in.failed()) return Error{Errc::io, path + ": read error"};
        return detail::sniff_format(head);
    } catch (const std::exception& e) {
        return Error{Errc::internal, path + ": " + e.what()};
    }
}

void read_path(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
               const ErrorSink& on_error) {
    detail::Reader reader(options, on_message, on_error);
    try {
        reader.read_top(path);
    } catch (const std::exception& e) {
        if (reader.in_sink()) throw;
        reader.fail(Error{Errc::internal, path + ": " + e.what()});
    } catch (...) {
        if (reader.in_sink()) throw;
        reader.fail(Error{Errc::internal, path + ": unknown error"});
    }
}

}  // namespace kagami::ingest
