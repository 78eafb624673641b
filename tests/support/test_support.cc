#include "support/test_support.h"

#include "core/hash.h"

#include <fstream>
#include <sstream>

namespace kagami::test {

std::filesystem::path source_dir() {
    return KAGAMI_SOURCE_DIR;
}

std::filesystem::path corpora_dir() {
    return KAGAMI_CORPORA_DIR;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string sha256_file(const std::filesystem::path& path) {
    return core::sha256_hex(read_file(path));
}

}  // namespace kagami::test
