#include "floe/util/crc64.h"

#include <isa-l/crc64.h>

namespace floe::util {

uint64_t Crc64(uint64_t crc, const void* data, size_t size) {
  return crc64_ecma_refl(crc, static_cast<const unsigned char*>(data), size);
}

std::string Crc64ToHex(uint64_t crc) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, crc >>= 4) out[i] = kDigits[crc & 0xf];
  return out;
}

bool Crc64FromHex(std::string_view hex, uint64_t* crc) {
  if (hex.size() != 16) return false;
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *crc = v;
  return true;
}

}  // namespace floe::util
