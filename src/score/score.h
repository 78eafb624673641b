// Findings -> verdict. Explainable by construction: the verdict is the sum of the
// findings' weights as the policy sets them, and the findings come back heaviest first.
#pragma once

#include <vector>

#include "kagami/finding.h"
#include "kagami/verdict.h"
#include "score/policy.h"

namespace kagami::score {

struct Scored {
    Verdict verdict = Verdict::clean;
    double score = 0;
    std::vector<Finding> findings;  ///< heaviest first; ties keep their order
};

/// Weighs each finding by the policy, adds the combinations the findings meet, and
/// sums. Each finding id counts once, with its heaviest occurrence, so that a message
/// cannot reach a verdict by repeating one weak fact (rspamd counts a symbol once).
Scored score(std::vector<Finding> findings, const Policy& policy);

}  // namespace kagami::score
