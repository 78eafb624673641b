// Shared helpers for kagami's tests: where the sources and corpora are, reading files.
#pragma once

#include <filesystem>
#include <string>

namespace kagami::test {

/// Root of the source tree.
std::filesystem::path source_dir();

/// ../shared/corpora next to the source tree (tests skip when it is absent).
std::filesystem::path corpora_dir();

/// Whole file as bytes; empty string when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// Lower-case hex SHA-256 of a file's bytes.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace kagami::test
