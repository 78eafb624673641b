// The PST/OST reader over arbitrary bytes. libpff opens files by path, so the input goes to a
// memfd and is read through /proc/self/fd/N. A small message limit makes the cut paths run.
// The Unicode header CRCs are recomputed after mutation: otherwise libpff rejects nearly every
// input at the header and the fuzzer never reaches the B-trees, heaps and tables.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/pst.h"

namespace {

/// MS-PST CRC-32: reflected 0xEDB88320 without pre/post inversion.
std::uint32_t pst_crc(const std::uint8_t* p, std::size_t n) {
    std::uint32_t c = 0;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c;
}

void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
    std::vector<std::uint8_t> bytes(input, input + size);
    const bool unicode = size >= 564 && bytes[0] == '!' && bytes[1] == 'B' && bytes[2] == 'D' &&
                         bytes[3] == 'N' && (bytes[10] | (bytes[11] << 8)) >= 23;
    if (unicode) {
        put32(&bytes[4], pst_crc(&bytes[8], 471));
        put32(&bytes[524], pst_crc(&bytes[8], 516));
    }
    const std::uint8_t* data = bytes.data();
    const int fd = memfd_create("pst_fuzz", MFD_CLOEXEC);
    if (fd < 0) return 0;
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    if (done == size) {
        constexpr std::size_t kLimit = 1u << 16;
        const std::string path = "/proc/self/fd/" + std::to_string(fd);
        long last = -1;
        kagami::ingest::detail::read_pst(
            path, kLimit,
            [&](kagami::ingest::RawMessage&& msg) {
                if (msg.bytes.size() > kLimit || msg.index <= last || msg.path != path)
                    __builtin_trap();
                last = msg.index;
            },
            [](const kagami::Error&) {});
    }
    close(fd);
    return 0;
}
