// The extension point for attachment formats. An analyzer recognises its format
// by content, reads one artifact, and reports facts, findings and the child
// artifacts inside it. Only dispatch.cc recurses: analyzers never call each other,
// so a ZIP analyzer hands an LNK back as a child and the dispatcher sends it on.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kagami/finding.h"
#include "kagami/limits.h"

namespace kagami::analyzers {

/// One named observation about an artifact ("lnk.machine_id" = "desktop-4c1b").
/// Names are dotted, analyzer first; one name may occur several times.
struct Fact {
    std::string name;
    std::string value;  ///< UTF-8
};

/// What an analyzer is given: the bytes of one artifact and where it sits.
struct Input {
    std::string_view bytes;
    std::string_view name;  ///< file name given by the container (UTF-8), may be empty
    std::string_view path;  ///< "report.zip » 報告書.docx.lnk"
    int depth = 0;          ///< 0 for a mail attachment
};

/// Per-message state shared by every analyzer call: limits, the passwords found
/// in the message, and the byte and time budgets. Not thread-safe; one per message.
class Context {
public:
    Context(const Limits& limits, std::vector<std::string> passwords);

    const Limits& limits() const { return limits_; }

    /// Passwords found in the message text, most likely first.
    std::span<const std::string> passwords() const { return passwords_; }

    /// True once the message's time budget is spent. Long loops check it and stop.
    bool out_of_time();

    /// Bytes a child may still take: the smaller of max_artifact_bytes and what is
    /// left of max_total_unpacked_bytes. Decompressors read at most this much.
    std::size_t bytes_left() const;

    /// Charges `n` unpacked bytes to the message; false when the total is exceeded.
    bool charge(std::size_t n);

    std::size_t unpacked_bytes() const { return unpacked_; }

private:
    const Limits& limits_;
    std::vector<std::string> passwords_;
    std::chrono::steady_clock::time_point deadline_;
    bool timed_ = false;
    bool expired_ = false;
    std::size_t unpacked_ = 0;
};

/// A file found inside an artifact, handed back to the dispatcher.
struct Child {
    std::string name;  ///< as the container names it (UTF-8); "" when it has none
    std::string bytes;
};

/// What an analyzer reports about one artifact.
class Output {
public:
    Output(std::string_view analyzer, std::string_view path, Context& ctx)
        : analyzer_(analyzer), path_(path), ctx_(ctx) {}

    /// The precise type, when finer than the analyzer's name ("docm", "vba-project").
    void set_type(std::string type) { type_ = std::move(type); }
    void fact(std::string name, std::string value);
    /// A finding about this artifact; `where` is the artifact's path.
    void finding(const FindingKind& kind, std::string evidence);
    /// Malformed input: a "<analyzer>.malformed" finding with what was wrong. The
    /// analyzer keeps what it read so far and goes on or returns.
    void violation(std::string what);
    /// Hands back a child artifact. Returns false, and records a limit finding, when
    /// the message's unpacked-bytes budget refuses it; the analyzer should then stop.
    bool child(std::string name, std::string bytes);
    /// A contained file whose content cannot be read (encrypted without a known
    /// password, an unsupported method): its name is still checked (報告書.docx.lnk).
    void unread_child(std::string name) { unread_.push_back(std::move(name)); }

    /// Child artifacts must be fewer than this; the analyzer records limit.archive.entries.
    bool entries_exhausted() const { return children_.size() >= ctx_.limits().max_archive_entries; }

    Context& context() { return ctx_; }
    std::string_view path() const { return path_; }

    const std::string& type() const { return type_; }
    std::vector<Fact>& facts() { return facts_; }
    std::vector<Finding>& findings() { return findings_; }
    std::vector<Child>& children() { return children_; }
    std::vector<std::string>& unread_children() { return unread_; }

private:
    std::string_view analyzer_;
    std::string_view path_;
    Context& ctx_;
    std::string type_;
    std::vector<Fact> facts_;
    std::vector<Finding> findings_;
    std::vector<Child> children_;
    std::vector<std::string> unread_;
    bool budget_reported_ = false;
};

/// Understands one file format. Stateless: one instance serves every thread.
class Analyzer {
public:
    virtual ~Analyzer() = default;

    /// Stable short id: the type of what it recognises and the prefix of its
    /// finding ids ("lnk", "ole2").
    virtual std::string_view name() const = 0;

    /// Cheap check of the content (magic bytes, structure), never the file name.
    /// `bytes` is the whole artifact.
    virtual bool sniff(std::string_view bytes) const = 0;

    /// Reads `in` and reports into `out`. Malformed input goes to out.violation(),
    /// never an exception; long loops stop when out.context().out_of_time().
    virtual void analyze(const Input& in, Output& out) const = 0;
};

/// Every analyzer, in sniff order (see registry.cc).
std::span<const Analyzer* const> all();

/// The analyzer called `name`, or nullptr.
const Analyzer* find(std::string_view name);

}  // namespace kagami::analyzers
