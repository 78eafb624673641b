// Scan results as people and programs read them.
#pragma once

#include <string>
#include <vector>

#include "engine.h"

namespace kagami::report {

/// One JSON object on one line (no trailing newline). The shape is a public interface,
/// documented in docs/json-output.md: fields are only ever added.
std::string to_json_line(const ScanResult& r);

/// The verdict in plain sentences, strongest evidence first: the verdict against its
/// thresholds, then one sentence per finding id that weighs (at most `max_reasons`).
std::vector<std::string> explain(const ScanResult& r, std::size_t max_reasons = 8);

/// A short analyst report, several lines ending with a newline.
std::string to_text(const ScanResult& r);

}  // namespace kagami::report
