// Digests of artifacts: the cryptographic ones analysts and feeds quote, and the
// fuzzy ones (ssdeep, TLSH) the campaign stage links similar files by.
#pragma once

#include <string>
#include <string_view>

namespace kagami::core {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
std::string md5_hex(std::string_view data);

/// ssdeep (CTPH) digest, "3:abc:def"; empty if libfuzzy fails.
std::string ssdeep(std::string_view data);

/// TLSH digest ("T1" + 70 hex); empty when the data has too little variety
/// (TLSH needs at least 50 bytes with enough distinct trigrams).
std::string tlsh(std::string_view data);

/// Shannon entropy in bits per byte, 0..8.
double entropy(std::string_view data);

}  // namespace kagami::core
