#pragma once

// The corpus generator's random numbers: xoshiro256** seeded through splitmix64, with integer
// range reduction done here so the same seed gives the same corpus on every platform and
// standard library (std distributions are not specified bit for bit).

#include <cstdint>
#include <string>

#include "floe/util/hex.h"

namespace floe::testing::corpus {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  /// A generator for one purpose (`stream`) of one corpus (`seed`): streams are independent,
  /// so adding draws to one part of the corpus does not shift the rest.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t sm = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (auto& word : s_) word = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, n) by multiply-shift (n > 0; the tiny bias is irrelevant here).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  /// Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  /// Uniform in [0, 1) with 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  /// `n` lower-case hex digits.
  std::string Hex(int n) {
    std::string out(n, '0');
    uint64_t bits = 0;
    for (int i = 0; i < n; ++i) {
      if (i % 16 == 0) bits = Next();
      out[i] = util::HexDigit(static_cast<unsigned>(bits));
      bits >>= 4;
    }
    return out;
  }

  /// A random (version 4) UUID in its text form.
  std::string Uuid() {
    std::string h = Hex(32);
    h[12] = '4';
    h[16] = "89ab"[Below(4)];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
           h.substr(16, 4) + "-" + h.substr(20);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace floe::testing::corpus
