// Findings -> verdict. Explainable by construction: the verdict is the sum of the
// findings' weights, and the findings come back ordered by weight.
#pragma once

#include <vector>

#include "kagami/finding.h"
#include "kagami/verdict.h"

namespace kagami::score {

struct Thresholds {
    double suspicious = 4.0;  ///< a score at or above this is suspicious
    double malicious = 8.0;   ///< and at or above this malicious
};

struct Scored {
    Verdict verdict = Verdict::clean;
    double score = 0;
    std::vector<Finding> findings;  ///< heaviest first; ties keep their order
};

/// Each finding id counts once, with its heaviest occurrence, so that a message cannot
/// reach a verdict by repeating one weak fact (rspamd counts a symbol once).
Scored score(std::vector<Finding> findings, const Thresholds& thresholds);

}  // namespace kagami::score
