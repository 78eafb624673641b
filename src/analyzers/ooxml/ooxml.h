// Office Open XML documents: docx docm xlsx xlsm pptx pptm dotm.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class OoxmlAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "ooxml"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
