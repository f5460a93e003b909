#include "floe/util/crc64.h"

#include <isa-l/crc64.h>

#include "floe/util/hex.h"

namespace floe::util {

uint64_t Crc64(uint64_t crc, const void* data, size_t size) {
  return crc64_ecma_refl(crc, static_cast<const unsigned char*>(data), size);
}

std::string Crc64ToHex(uint64_t crc) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, crc >>= 4) out[i] = HexDigit(static_cast<unsigned>(crc));
  return out;
}

bool Crc64FromHex(std::string_view hex, uint64_t* crc) {
  if (hex.size() != 16) return false;
  uint64_t v = 0;
  for (char c : hex) {
    const int d = HexDigitValue(c);
    if (d < 0 || (c >= 'A' && c <= 'F')) return false;  // only the form Crc64ToHex writes
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *crc = v;
  return true;
}

}  // namespace floe::util
