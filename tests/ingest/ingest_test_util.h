// Helpers shared by the ingest tests: a scratch directory and reading a path into vectors.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/source.h"

namespace kagami::ingest::testing {

/// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "kagami-ingest-XXXXXX").string();
        if (char* made = ::mkdtemp(tmpl.data())) path_ = made;
    }
    ~TempDir() {
        std::error_code ec;
        // chmod 000 files must be readable again to be removed as non-root.
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Writes `bytes` to `relative` (parents created) and returns its full path.
    std::filesystem::path write(const std::string& relative, std::string_view bytes) const {
        std::filesystem::path p = path_ / relative;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return p;
    }

private:
    std::filesystem::path path_;
};

struct ReadResult {
    std::vector<RawMessage> messages;
    std::vector<Error> errors;
};

inline ReadResult read_all(const std::filesystem::path& path, ReadOptions options = {}) {
    ReadResult r;
    read_path(
        path.string(), options, [&](RawMessage&& m) { r.messages.push_back(std::move(m)); },
        [&](const Error& e) { r.errors.push_back(e); });
    return r;
}

}  // namespace kagami::ingest::testing
