// HTML visible text and links, plus URLs in plain text.
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "mime/html.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto view = kagami::mime::html_view(in, 1u << 16, 256);
    if (!kagami::core::is_valid_utf8(view.text) || view.links.size() > 256) __builtin_trap();
    auto urls = kagami::mime::text_urls(in, 256);
    if (urls.size() > 256) __builtin_trap();
    return 0;
}
