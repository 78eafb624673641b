// Links as a phishing page's lure shows them: the text says one site, the link goes
// to another; the host is a bare IP address; the link hides behind a redirector.
#pragma once

#include <vector>

#include "kagami/finding.h"
#include "mime/message.h"

namespace kagami::detect::link {

/// Findings about the links of `message` (mime::Message::links). Pure, thread-safe.
std::vector<Finding> analyze(const mime::Message& message);

}  // namespace kagami::detect::link
