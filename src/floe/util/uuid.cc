#include "floe/util/uuid.h"

#include <cstdint>
#include <random>

#include "floe/util/hex.h"

namespace floe::util {

std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  std::string bytes(16, '\0');
  uint64_t hi = rng(), lo = rng();
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<char>(lo >> (56 - 8 * i));
  }
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return UuidFromBytes(bytes);
}

std::string UuidFromBytes(const std::string& bytes) {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size() && i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    AppendHex(std::string_view(bytes).substr(i, 1), &out);
  }
  return out;
}

std::string UuidToBytes(const std::string& text) {
  std::string out;
  int pending = -1;
  for (char c : text) {
    if (c == '-') continue;
    int v = HexDigitValue(c);
    if (v < 0) return {};
    if (pending < 0) {
      pending = v;
    } else {
      out += static_cast<char>((pending << 4) | v);
      pending = -1;
    }
  }
  if (out.size() != 16 || pending >= 0) return {};
  return out;
}

}  // namespace floe::util
