// Text folded for matching words and names the way a reader sees them: NFKC with
// case folding, so full-width "ＪＡＸＡ" and half-width "ｶﾞｲﾑｼｮｳ" match "jaxa" and
// "ガイムショウ", ligatures and compatibility forms unfold, and case is ignored.
#pragma once

#include <string>
#include <string_view>

namespace kagami::core {

/// Unicode NFKC_Casefold of UTF-8 text (invalid bytes become U+FFFD).
std::string fold_for_match(std::string_view utf8);

}  // namespace kagami::core
