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
};

/// Runs `kagami scan`; returns the exit status (clamscan's: 0 clean, 1 found, 2 error).
int run_scan(const ScanOptions& options);

}  // namespace kagami::cli
