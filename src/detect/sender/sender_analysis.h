// Who the message claims to come from against who sent it: impersonation of a
// known organisation in the display name or signature, look-alike domains of those
// organisations (TS #39 confusable skeletons, edit distance, hyphen and TLD tricks),
// and a sending time zone that differs from the one the claimed sender works in.
#pragma once

#include <vector>

#include "detect/header/header_analysis.h"
#include "detect/sender/organisations.h"
#include "kagami/finding.h"
#include "mime/message.h"

namespace kagami::detect::sender {

std::vector<Finding> analyze(const mime::Message& message, const HeaderAnalysis& headers,
                             const Directory& directory);

}  // namespace kagami::detect::sender
