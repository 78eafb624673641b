// HTML attachments: smuggling, scripts, links.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class HtmlAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "html"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
