#include "support/test_support.h"

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

}  // namespace kagami::test
