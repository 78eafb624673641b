// TNEF (winmail.dat, application/ms-tnef): the wrapper Outlook and Exchange put
// around a message's attachments and rich body when they send "Rich Text" mail.
#pragma once

#include "analyzers/analyzer.h"

namespace kagami::analyzers {

class TnefAnalyzer final : public Analyzer {
public:
    std::string_view name() const override { return "tnef"; }
    bool sniff(std::string_view bytes) const override;
    void analyze(const Input& in, Output& out) const override;
};

}  // namespace kagami::analyzers
