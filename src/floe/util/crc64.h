#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace floe::util {

/// CRC-64/XZ (ECMA-182 polynomial, reflected, as xz and Go's hash/crc64 ECMA table compute
/// it), with SIMD through ISA-L. Chains: Crc64(Crc64(0, a), b) == Crc64(0, a + b), so a file
/// read in pieces, or a prefix recorded earlier and the bytes after it, give one checksum.
uint64_t Crc64(uint64_t crc, const void* data, size_t size);
inline uint64_t Crc64(uint64_t crc, std::string_view data) {
  return Crc64(crc, data.data(), data.size());
}

/// 16 lower-case hex digits, and back (false for anything else).
std::string Crc64ToHex(uint64_t crc);
bool Crc64FromHex(std::string_view hex, uint64_t* crc);

}  // namespace floe::util
