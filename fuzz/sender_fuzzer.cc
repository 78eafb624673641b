// Sender analysis: a message's From, Reply-To, links and signature against the bundled
// organisation directory (names, look-alike domains, time zones).
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "detect/header/header_analysis.h"
#include "detect/sender/lookalike.h"
#include "detect/sender/sender_analysis.h"
#include "detect/sender/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    static const auto directory = kagami::detect::sender::Directory::bundled();
    if (!directory) __builtin_trap();
    kagami::Limits limits;
    limits.max_message_bytes = 1 << 20;
    auto msg = kagami::mime::parse_message(in, limits);
    auto headers = kagami::detect::analyze_headers(msg);
    for (const auto& f : kagami::detect::sender::analyze(msg, headers, *directory))
        if (!kagami::core::is_valid_utf8(f.evidence) || !kagami::core::is_valid_utf8(f.title) ||
            f.attack.empty())
            __builtin_trap();
    // The pieces on raw bytes too: a domain and a text that never went through MIME.
    const auto& impl = directory->impl();
    std::string_view first_line = in.substr(0, in.find('\n'));
    if (auto hit = kagami::detect::sender::find_lookalike(impl, first_line.substr(0, 300)))
        if (hit->org >= directory->size()) __builtin_trap();
    for (const auto& a : kagami::detect::sender::signature_affiliations(impl, in))
        if (a.org >= directory->size()) __builtin_trap();
    (void)directory->named_in(in.substr(0, 4096));
    (void)directory->owner_of(first_line.substr(0, 300));
    return 0;
}
