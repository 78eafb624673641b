// kagami query: the questions analysts ask of the store.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace kagami::cli {

struct QueryOptions {
    std::string db;
    std::vector<std::string> verdicts;  ///< any of clean, suspicious, malicious
    std::string since, until;           ///< dates or times as given (parsed by run_query)
    std::string sender, recipient;      ///< an address or @domain
    std::string indicator;              ///< a value of any indicator type
    std::string hash;                   ///< MD5, SHA-1 or SHA-256 of an artifact
    std::string finding;                ///< a finding id or "prefix.*"
    std::string subject;                ///< a substring of the subject
    std::size_t limit = 0;              ///< 0: all
    std::string format = "table";       ///< table or json (JSON lines)
};

/// Adds the `query` subcommand and its options to `app`.
CLI::App* add_query_command(CLI::App& app, QueryOptions& options);

/// Exit status: 0 with matches, 1 with none, 2 on error.
int run_query(const QueryOptions& options);

}  // namespace kagami::cli
