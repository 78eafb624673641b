// Shared helpers for kagami's tests: where the sources and corpora are, reading files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kagami/finding.h"

namespace kagami::test {

/// Root of the source tree.
std::filesystem::path source_dir();

/// ../shared/corpora next to the source tree (tests skip when it is absent).
std::filesystem::path corpora_dir();

/// Whole file as bytes; empty string when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// Lower-case hex SHA-256 of a file's bytes.
std::string sha256_file(const std::filesystem::path& path);

/// The first finding with `id`, or nullptr.
inline const Finding* find_finding(const std::vector<Finding>& findings, std::string_view id) {
    for (const auto& f : findings)
        if (f.id == id) return &f;
    return nullptr;
}

/// "id1 id2 ..." for failure messages.
inline std::string finding_ids(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& f : findings) out += f.id + " ";
    return out;
}

}  // namespace kagami::test
