// The engine: wires the stages for one message. The only code that knows them all.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "analyzers/dispatch.h"
#include "detect/detection.h"
#include "detect/header/header_analysis.h"
#include "ingest/source.h"
#include "kagami/limits.h"
#include "kagami/verdict.h"
#include "mime/message.h"
#include "score/score.h"

namespace kagami {

struct EngineOptions {
    Limits limits;
    /// Weights, combinations and thresholds; null: the bundled policy.
    std::shared_ptr<const score::Policy> policy;
    /// Rules, feeds, lexicon and organisations; each detector is off while null
    /// (detect::bundled_content() gives what a fresh install runs with).
    detect::Content detection;
    /// Called with every artifact and its bytes while they are in memory (from the
    /// scanning thread; must be thread-safe when one Engine serves several threads).
    analyzers::ArtifactVisitor on_artifact;
};

struct ScanResult {
    std::string path;        ///< source file ("-" for standard input)
    long index = -1;         ///< position in a mailbox, -1 for a single message
    std::string message_id;  ///< SHA-256 of the raw bytes, hex
    std::size_t size = 0;    ///< raw bytes
    mime::Message message;
    detect::HeaderAnalysis headers;
    std::vector<analyzers::Artifact> artifacts;  ///< attachments and what they contain
    Verdict verdict = Verdict::clean;
    double score = 0;
    score::Thresholds thresholds;   ///< of the policy that gave the verdict
    std::vector<Finding> findings;  ///< every finding, heaviest first
};

/// Passwords for encrypted attachments as the sender wrote them in the subject and text,
/// most likely first.
std::vector<std::string> passwords_in(const mime::Message& message, std::size_t max);

/// Stateless after construction: one Engine serves every thread.
class Engine {
public:
    explicit Engine(EngineOptions options);

    /// `extra_passwords` are tried on encrypted archives after those the message itself
    /// gives (a password sent in a separate mail).
    ScanResult scan(const ingest::RawMessage& raw,
                    std::span<const std::string> extra_passwords = {}) const;

    const EngineOptions& options() const { return options_; }

private:
    EngineOptions options_;
};

}  // namespace kagami
