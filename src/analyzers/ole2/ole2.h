// OLE2 / MS-CFB compound files: .doc .xls .ppt .msg vbaProject.bin.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class Ole2Analyzer final : public Analyzer {
public:
    std::string_view name() const override { return "ole2"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
