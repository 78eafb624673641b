// kagami hunt: archives into the store, and feeds against everything stored.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/scan.h"

namespace kagami::cli {

struct HuntOptions {
    std::string db;
    ScanOptions scan;  ///< paths, threads, rules, feeds, policy and limits
    std::string format = "text";
    std::string password_window = "24h";
    std::string progress = "auto";  ///< auto (a bar on a terminal), bar, lines, none
};

/// Adds the `hunt` subcommand and its options to `app`.
CLI::App* add_hunt_command(CLI::App& app, HuntOptions& options);

/// Exit status: 0 no feed hit, 1 hits, 2 error (the store is left resumable), 130 when
/// interrupted.
int run_hunt(const HuntOptions& options);

}  // namespace kagami::cli
