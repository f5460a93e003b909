#include "floe/util/hex.h"

namespace floe::util {

char HexDigit(unsigned value, HexCase hex_case) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  return (hex_case == HexCase::kLower ? kLower : kUpper)[value & 0xf];
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendHex(std::string_view bytes, std::string* out, HexCase hex_case) {
  const size_t start = out->size();
  out->resize(start + 2 * bytes.size());
  char* p = out->data() + start;
  for (unsigned char b : bytes) {
    *p++ = HexDigit(b >> 4, hex_case);
    *p++ = HexDigit(b, hex_case);
  }
}

std::string ToHex(std::string_view bytes, HexCase hex_case) {
  std::string out;
  AppendHex(bytes, &out, hex_case);
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigitValue(hex[2 * i]);
    const int lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace floe::util
