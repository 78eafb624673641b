// Charset conversion and detection. The first byte picks the declared label, so that
// every converter (and the mislabelled paths) sees hostile bytes.
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "mime/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr std::string_view kLabels[] = {
        "",       "utf-8",      "iso-2022-jp",  "shift_jis", "cp932", "euc-jp",
        "utf-7",  "iso-8859-1", "windows-1252", "gb2312",    "big5",  "euc-kr",
        "koi8-r", "utf-16",     "us-ascii",     "x-unknown",
    };
    if (size == 0) return 0;
    std::string_view label = kLabels[data[0] % std::size(kLabels)];
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
    auto out = kagami::mime::to_utf8(in, label, 1u << 20);
    if (!kagami::core::is_valid_utf8(out.text) || out.text.size() > (1u << 20)) __builtin_trap();
    (void)kagami::mime::detect_charset(in);
    return 0;
}
