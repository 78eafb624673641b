// The dispatcher: the only code that recurses. It identifies each artifact, runs
// the analyzer that recognises it, hashes it, and sends its children round again,
// within the message's depth, byte, entry and time budgets.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "kagami/finding.h"
#include "kagami/limits.h"

namespace kagami::analyzers {

/// One file of the message's tree, as reported.
struct Artifact {
    std::string path;  ///< "report.zip » 報告書.docx.lnk"; a mail attachment is its file name
    std::string name;  ///< file name as its container gave it (UTF-8), may be empty
    std::string part;  ///< MIME part path of the attachment it came from
    std::string type;  ///< what the content is ("zip", "lnk", "docm", "png", "text", "data")
    int depth = 0;     ///< 0 for a mail attachment
    std::size_t size = 0;
    std::string md5, sha1, sha256;
    std::string ssdeep, tlsh;  ///< only for artifacts of 512 bytes and more
    std::vector<Fact> facts;
};

/// A mail part handed to the dispatcher.
struct Attachment {
    std::string_view bytes;
    std::string name;  ///< decoded file name, may be empty
    std::string part;  ///< MIME part path
};

struct Analysis {
    std::vector<Artifact> artifacts;  ///< depth-first, containers before their contents
    std::vector<Finding> findings;    ///< `where` is the artifact path
};

/// Called once per artifact with its bytes, after its analyzer ran (the detect
/// stage scans them with YARA there, while the bytes are still in memory).
using ArtifactVisitor = std::function<void(const Artifact&, std::string_view bytes)>;

/// Analyses every attachment and everything inside them. `passwords` are tried on
/// encrypted archives. Never throws; an analyzer that fails becomes a finding.
/// `registry` is the list of analyzers to sniff with (tests pass their own).
Analysis analyze(const std::vector<Attachment>& attachments, std::vector<std::string> passwords,
                 const Limits& limits, const ArtifactVisitor& visit = {},
                 std::span<const Analyzer* const> registry = all());

/// The separator between the levels of an artifact path.
inline constexpr std::string_view kPathSeparator = " \u00bb ";

}  // namespace kagami::analyzers
