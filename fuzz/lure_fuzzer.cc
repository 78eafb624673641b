// SPDX-License-Identifier: Apache-2.0
// Lure lexicon: random text matched against the bundled lexicon, and the first bytes
// parsed as a user lexicon (a hostile rule file) which, when valid, matches the rest.
#include <cstdint>
#include <string_view>

#include "detect/lure/lexicon.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kagami::detect::lure::Lexicon;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    static const auto bundled = Lexicon::bundled();
    if (!bundled) __builtin_trap();
    auto hits = bundled->match(in);
    (void)kagami::detect::lure::findings_for(hits, "body");

    // "<lexicon>\n%%\n<text>" tries the input as a lexicon too.
    auto split = in.find("\n%%\n");
    if (split != std::string_view::npos && split <= 64 * 1024) {
        std::string error;
        if (auto user = Lexicon::parse(in.substr(0, split), &error))
            (void)user->match(in.substr(split + 4));
        else if (error.empty())
            __builtin_trap();
    }
    return 0;
}
