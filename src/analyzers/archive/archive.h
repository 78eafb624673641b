// Archives and disk images via libarchive: zip 7z rar tar cab cpio lzh iso9660, the
// single-stream compressors (gzip bzip2 xz zstd), and ARJ and UDF recognised by hand.
// Every file inside becomes a child; encrypted archives are opened with the passwords
// the message states (the classic gateway evasion); bombs, overlapping ZIP entries,
// quines and ../ names are bounded and reported.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

/// Reads archives and disk images; every entry is handed back as a child.
class ArchiveAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "archive"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
