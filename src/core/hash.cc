#include "core/hash.h"

#include <fuzzy.h>
#include <openssl/evp.h>
#include <tlsh.h>

#include <array>
#include <cmath>

namespace kagami::core {
namespace {

std::string digest_hex(std::string_view data, const EVP_MD* md) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (unsigned i = 0; i < len; ++i) {
        out[2 * i] = kHex[digest[i] >> 4];
        out[2 * i + 1] = kHex[digest[i] & 15];
    }
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    return digest_hex(data, EVP_sha256());
}
std::string sha1_hex(std::string_view data) {
    return digest_hex(data, EVP_sha1());
}
std::string md5_hex(std::string_view data) {
    return digest_hex(data, EVP_md5());
}

std::string ssdeep(std::string_view data) {
    char out[FUZZY_MAX_RESULT];
    if (fuzzy_hash_buf(reinterpret_cast<const unsigned char*>(data.data()),
                       static_cast<std::uint32_t>(data.size()), out) != 0)
        return {};
    return out;
}

std::string tlsh(std::string_view data) {
    Tlsh t;
    // TLSH takes unsigned int lengths: feed in chunks so that >4 GiB never wraps.
    constexpr std::size_t kChunk = 1u << 30;
    for (std::size_t off = 0; off < data.size(); off += kChunk) {
        auto n = std::min(kChunk, data.size() - off);
        t.update(reinterpret_cast<const unsigned char*>(data.data() + off),
                 static_cast<unsigned>(n));
    }
    t.final();
    const char* hash = t.getHash();
    if (hash == nullptr || *hash == '\0') return {};
    return std::string("T1") + hash;
}

double entropy(std::string_view data) {
    if (data.empty()) return 0;
    std::array<std::size_t, 256> counts{};
    for (unsigned char c : data) ++counts[c];
    double h = 0;
    const double n = static_cast<double>(data.size());
    for (auto c : counts) {
        if (c == 0) continue;
        double p = static_cast<double>(c) / n;
        h -= p * std::log2(p);
    }
    return h;
}

}  // namespace kagami::core
