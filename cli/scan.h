#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "engine.h"

namespace kagami::cli {

enum class OutputFormat { text, json };

struct ScanOptions {
    std::vector<std::string> paths;
    OutputFormat format = OutputFormat::text;
    unsigned threads = 0;  ///< 0 = all cores
    EngineOptions engine;
    detect::ContentOptions content;  ///< rules, feeds, lexicon and organisations to load
    std::string policy_file;         ///< overrides the bundled policy entry by entry
    /// When set, every artifact is written here as <sha256> (never under a name taken
    /// from the mail, which could hold ../ or a device name).
    std::string extract_dir;
};

/// Adds --rules, --no-bundled-rules and --rules-cache to `cmd`.
void add_rule_options(CLI::App& cmd, ScanOptions& scan);

/// Adds the rule options and those choosing feeds, policy, lexicon and organisations
/// (scan and hunt share them).
void add_content_options(CLI::App& cmd, ScanOptions& scan);

/// Runs `kagami scan`; returns the exit status (clamscan's: 0 clean, 1 found, 2 error).
int run_scan(const ScanOptions& options);

/// Loads the rules, feeds, lexicon, organisations and policy `options` name into
/// `engine`, telling stderr what was left out. False when one cannot be used.
bool load_detection(const ScanOptions& options, EngineOptions& engine, bool verbose);

/// Runs `kagami rules`: compiles the rules and lists the files left out and why;
/// returns 0 when every file compiled, 1 when some were left out, 2 on error.
int run_rules_check(const ScanOptions& options);

}  // namespace kagami::cli
