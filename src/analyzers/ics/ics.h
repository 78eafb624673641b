// iCalendar invitations (.ics).
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class IcsAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "ics"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
