// Scan results as people and programs read them.
#pragma once

#include <string>

#include "engine.h"

namespace kagami::report {

/// One JSON object on one line (no trailing newline). The shape is a public interface,
/// documented in docs/json-output.md: fields are only ever added.
std::string to_json_line(const ScanResult& r);

/// A short analyst report, several lines ending with a newline.
std::string to_text(const ScanResult& r);

}  // namespace kagami::report
