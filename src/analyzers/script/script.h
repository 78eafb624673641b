// script files: .js .vbs .wsf .hta .ps1 .bat.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class ScriptAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "script"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
