// The scoring policy: what each finding weighs, which combinations weigh more than
// their parts, and where the verdicts begin. The bundled policy (data/scores.toml)
// is compiled in; a user's file overrides it entry by entry.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kagami::score {

struct Thresholds {
    double suspicious = 4.0;  ///< a score at or above this is suspicious
    double malicious = 8.0;   ///< and at or above this malicious
};

/// Findings that together mean more than apart: a lure, an impersonated sender and
/// executable content is the shape of a targeted attack, not three weak facts.
struct Combination {
    std::string id;     ///< "combo.lure_impersonation_executable"
    std::string title;  ///< the sentence the report shows
    /// Every clause must be met by some finding; a clause is a list of patterns (an id,
    /// "prefix.*", "*.suffix", or "@group") of which any one is enough.
    std::vector<std::vector<std::string>> all_of;
    double weight = 0;
    std::vector<std::string> attack;
};

class Policy {
public:
    /// Parses a policy. With a `base`, the text overrides it: weights, groups and caps
    /// by name, combinations by id, thresholds when given. nullptr and `error` on failure.
    static std::shared_ptr<const Policy> parse(std::string_view toml, std::string* error,
                                               const Policy* base = nullptr);
    /// data/scores.toml as compiled in.
    static std::shared_ptr<const Policy> bundled();

    /// The weight of a finding id: its own entry, else the most specific pattern
    /// ("yara.*", "*.malformed"), else the default weight.
    double weight_of(std::string_view id) const;
    /// True when an entry or pattern (not the default) gives `id` its weight.
    bool has_weight(std::string_view id) const;
    /// True when `id` matches `pattern` (an id, "prefix.*", "*.suffix", "*" or "@group").
    bool matches(std::string_view pattern, std::string_view id) const;

    const Thresholds& thresholds() const { return thresholds_; }
    const std::vector<Combination>& combinations() const { return combinations_; }
    const std::map<std::string, std::vector<std::string>, std::less<>>& groups() const {
        return groups_;
    }
    const std::map<std::string, double, std::less<>>& weights() const { return weights_; }
    /// Group -> the most its findings add up to: several findings that show the same
    /// thing (a display name and a signature both claiming a ministry) count as one
    /// strong piece of evidence, not as several (rspamd's group max_score).
    const std::map<std::string, double, std::less<>>& caps() const { return caps_; }

private:
    Thresholds thresholds_;
    double default_weight_ = 1.0;
    std::map<std::string, double, std::less<>> weights_;  ///< ids and patterns
    std::map<std::string, std::vector<std::string>, std::less<>> groups_;
    std::map<std::string, double, std::less<>> caps_;
    std::vector<Combination> combinations_;
};

}  // namespace kagami::score
