// Runs the built kagami program as users do, for the CLI tests (KAGAMI_BINARY is
// defined for every test program).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace kagami::test {

struct CliRun {
    int status = -1;  ///< exit status; -1 when it did not exit normally
    std::string out, err;
};

/// Runs `kagami ARGS` (shell words) from the source folder, so that paths in the output
/// are stable. `stdin_file` is fed to its standard input; `env` holds "NAME=value "
/// assignments for it.
inline CliRun run_kagami(const std::string& args, const std::string& stdin_file = "",
                         const std::string& env = "") {
    namespace fs = std::filesystem;
    fs::path err_file =
        fs::temp_directory_path() / ("kagami_cli_" + std::to_string(::getpid()) + ".err");
    std::string cmd =
        "cd '" + source_dir().string() + "' && " + env + "'" KAGAMI_BINARY "' " + args;
    if (!stdin_file.empty()) cmd += " < '" + stdin_file + "'";
    cmd += " 2>'" + err_file.string() + "'";
    CliRun run;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return run;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
    int rc = ::pclose(pipe);
    run.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    run.err = read_file(err_file);
    fs::remove(err_file);
    return run;
}

}  // namespace kagami::test
