#pragma once

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
    /// When set, every artifact is written here as <sha256> (never under a name taken
    /// from the mail, which could hold ../ or a device name).
    std::string extract_dir;
};

/// Runs `kagami scan`; returns the exit status (clamscan's: 0 clean, 1 found, 2 error).
int run_scan(const ScanOptions& options);

}  // namespace kagami::cli
