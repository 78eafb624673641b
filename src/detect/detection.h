// The detect stage for one message: YARA over every artifact (raw and decoded) and
// over the message, threat intel over everything the message names, the lure
// lexicon over its text, and the sender analysis. The content (rules, feeds,
// lexicon, organisations) is loaded once and shared by every scanning thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzers/dispatch.h"
#include "detect/header/header_analysis.h"
#include "detect/yara/rules.h"
#include "kagami/finding.h"
#include "kagami/limits.h"
#include "mime/message.h"

namespace kagami::detect {

namespace intel {
class IndicatorSet;
}
namespace lure {
class Lexicon;
}
namespace sender {
class Directory;
}

/// What the detectors judge with. A null member turns that detector off.
struct Content {
    std::shared_ptr<const yara::RuleSet> rules;
    std::shared_ptr<const intel::IndicatorSet> intel;
    std::shared_ptr<const lure::Lexicon> lures;
    std::shared_ptr<const sender::Directory> organisations;
    /// Run the rules over the raw message and its decoded text too, not only over the
    /// artifacts: on when the user brought rules (public sets have rules for phishing
    /// pages and mail); the bundled ones are written for artifacts and skip the cost.
    bool rules_on_message = false;
};

struct ContentOptions {
    bool bundled_rules = true;
    std::vector<std::filesystem::path> rule_paths;  ///< folders (recursive) or single files
    /// Compiled rules are cached here; empty: $XDG_CACHE_HOME/kagami (or ~/.cache/kagami);
    /// "none": no cache.
    std::filesystem::path rule_cache;
    std::vector<std::string> intel;       ///< "FILE" or "NAME=FILE": STIX, MISP or a list
    std::filesystem::path lures;          ///< replaces the bundled lexicon
    std::filesystem::path organisations;  ///< replaces the bundled directory
};

struct ContentLoad {
    Content content;
    std::vector<std::string> errors;    ///< the content cannot be used as asked
    std::vector<std::string> warnings;  ///< a rule file or feed entries were left out
    std::vector<std::string> notes;     ///< what was loaded
};

/// The rule files `options` names (bundled first, then each --rules folder or file, in
/// path order); what cannot be read is described in `unreadable`.
std::vector<yara::RuleFile> rule_files(const ContentOptions& options,
                                       std::vector<std::string>& unreadable);

/// Loads the bundled content and the user's. Never throws.
ContentLoad load_content(const ContentOptions& options);

/// The bundled rules, lexicon and organisations (no intel); loaded once.
const Content& bundled_content();

/// Findings about one message, gathered while its stages run.
class MessageDetection {
public:
    MessageDetection(const Content& content, const Limits& limits)
        : content_(content), limits_(limits) {}

    /// Called by the dispatcher for every artifact while its bytes are in memory.
    void on_artifact(const analyzers::Artifact& artifact, std::string_view bytes);

    /// Everything else, once the message is parsed and its attachments analysed.
    /// Returns every finding of this stage.
    std::vector<Finding> finish(std::string_view raw, const mime::Message& message,
                                const HeaderAnalysis& headers,
                                const std::vector<analyzers::Artifact>& artifacts);

private:
    const Content& content_;
    const Limits& limits_;
    std::vector<Finding> findings_;
    std::vector<std::pair<std::string, std::string>> views_;  ///< artifact path, decoded view
};

}  // namespace kagami::detect
