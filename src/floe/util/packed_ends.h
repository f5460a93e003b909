#pragma once

// A text's end bytes packed into two words, so that short texts hash and compare as integers:
// the first and last eight bytes (overlapping below sixteen), the first and last four below
// eight, and the first, middle and last byte below four. Texts alike at both ends and of one
// length pack alike; a caller that must tell them apart compares the length and the middle.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace floe::util {

struct PackedEnds {
  uint64_t head = 0;
  uint64_t tail = 0;
};

inline PackedEnds PackEnds(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  PackedEnds out;
  if (n >= 8) {
    std::memcpy(&out.head, p, 8);
    std::memcpy(&out.tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t a = 0, b = 0;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    out.head = a;
    out.tail = b;
  } else if (n > 0) {
    out.head = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
               static_cast<unsigned char>(p[n - 1]) << 16;
  }
  return out;
}

}  // namespace floe::util
