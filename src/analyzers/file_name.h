// What a file name says, set against what the content is: the disguises of
// attachment lures (報告書.pdf.exe, a right-to-left override, a name padded with
// spaces so the real extension falls off screen, an executable named .docx).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "kagami/finding.h"

namespace kagami::analyzers {

/// The extension of `name` as Windows reads it: lower-case, after the last dot of the
/// last path component, trailing dots and spaces ignored; empty when there is none.
std::string file_extension(std::string_view name);

/// Facts and findings about `name` (UTF-8) for an artifact whose content is `type`
/// (an analyzer name or identify_type() result). `where` is the artifact path.
void check_file_name(std::string_view name, std::string_view type, std::string_view where,
                     std::vector<Fact>& facts, std::vector<Finding>& findings);

}  // namespace kagami::analyzers
