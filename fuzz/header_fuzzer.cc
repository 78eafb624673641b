// Header value decoders: RFC 2047 text, RFC 2231 parameters, address lists.
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "mime/header_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto text = kagami::mime::decode_header_text(in);
    if (!kagami::core::is_valid_utf8(text)) __builtin_trap();
    for (const auto& p : kagami::mime::parse_header_params(in))
        if (!kagami::core::is_valid_utf8(p.value)) __builtin_trap();
    for (const auto& a : kagami::mime::parse_address_list(in)) {
        if (!kagami::core::is_valid_utf8(a.display_name)) __builtin_trap();
        (void)kagami::mime::address_domain(a.address);
    }
    return 0;
}
