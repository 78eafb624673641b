// The mailbox splitter and the format sniffer. A small read buffer makes lines straddle
// reads, and a small message limit makes the cut-and-skip path reachable.
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "ingest/mbox.h"
#include "ingest/sniff.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    (void)kagami::ingest::detail::sniff_format(in);
    if (size == 0) return 0;
    std::FILE* file = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
    if (!file) return 0;
    std::vector<char> buffer;
    kagami::ingest::detail::Input input(file, buffer, 4096);
    std::uint64_t last_end = 0;
    kagami::ingest::detail::split_mbox(
        input, "fuzz", 8192,
        [&](kagami::ingest::RawMessage&& msg, const kagami::ingest::detail::MboxSpan& span) {
            if (msg.bytes.size() > 8192 || span.begin_offset > span.end_offset ||
                span.end_offset > size || span.marker_offset < last_end)
                __builtin_trap();
            last_end = span.end_offset;
        });
    std::fclose(file);
    return 0;
}
