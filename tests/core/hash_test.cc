#include "core/hash.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kagami::core {
namespace {

TEST(Hash, CryptographicDigestsMatchKnownVectors) {
    EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

std::string sample_text(int seed) {
    std::string s;
    for (int i = 0; s.size() < 4000; ++i)
        s += "row " + std::to_string((i * 7919 + seed) % 1000) + " value " +
             std::to_string(i * 31) + "\n";
    return s;
}

TEST(Hash, FuzzyDigestsHaveTheirFormatsAndAreStable) {
    auto a = sample_text(0);
    auto d = ssdeep(a);
    // blocksize:hash:hash
    ASSERT_EQ(std::count(d.begin(), d.end(), ':'), 2) << d;
    EXPECT_EQ(d, ssdeep(a));
    auto t = tlsh(a);
    ASSERT_EQ(t.size(), 72u) << t;
    EXPECT_EQ(t.substr(0, 2), "T1");
    EXPECT_EQ(t, tlsh(a));
    EXPECT_NE(t, tlsh(sample_text(500)));
    // Too little variety for TLSH: it declines rather than inventing a digest.
    EXPECT_EQ(tlsh(std::string(1000, 'a')), "");
}

TEST(Hash, EntropyOfUniformAndConstantData) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    EXPECT_DOUBLE_EQ(entropy(all), 8.0);
    EXPECT_DOUBLE_EQ(entropy(std::string(100, 'x')), 0.0);
    EXPECT_DOUBLE_EQ(entropy(""), 0.0);
}

}  // namespace
}  // namespace kagami::core
