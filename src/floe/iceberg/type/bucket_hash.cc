// Murmur3 x86 32-bit and the per-type bucket hash of spec Appendix B.

#include <cmath>
#include <cstring>

#include "floe/iceberg/type/bucket_hash_internal.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/iceberg/type/transform.h"

namespace floe::iceberg {
namespace {

constexpr uint32_t kC1 = 0xcc9e2d51;
constexpr uint32_t kC2 = 0x1b873593;

inline uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

inline uint32_t MixK1(uint32_t k1) {
  k1 *= kC1;
  k1 = Rotl(k1, 15);
  return k1 * kC2;
}

inline uint32_t MixH1(uint32_t h1, uint32_t k1) {
  h1 ^= k1;
  h1 = Rotl(h1, 13);
  return h1 * 5 + 0xe6546b64;
}

inline uint32_t Fmix(uint32_t h, uint32_t len) {
  h ^= len;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

int32_t Murmur3Hash32(const void* data, size_t len) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  uint32_t h1 = 0;  // seed 0 (Appendix B)
  const size_t blocks = len / 4;
  for (size_t i = 0; i < blocks; ++i) {
    // Blocks are read little-endian regardless of the host, as in the reference.
    const uint8_t* p = bytes + 4 * i;
    uint32_t k1 = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                  (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    h1 = MixH1(h1, MixK1(k1));
  }
  const uint8_t* tail = bytes + 4 * blocks;
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      h1 ^= MixK1(k1);
  }
  return static_cast<int32_t>(Fmix(h1, static_cast<uint32_t>(len)));
}

int32_t HashLong(int64_t v) {
  uint8_t buf[8];
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<uint8_t>(u >> (8 * i));
  return Murmur3Hash32(buf, 8);
}

int32_t HashDecimal(__int128 unscaled) {
  uint8_t buf[16];
  int n = MinimalBigEndian(unscaled, buf);
  return Murmur3Hash32(buf, static_cast<size_t>(n));
}

int MinimalBigEndian(__int128 v, uint8_t out[16]) {
  auto u = static_cast<unsigned __int128>(v);
  uint8_t full[16];
  for (int i = 0; i < 16; ++i) full[15 - i] = static_cast<uint8_t>(u >> (8 * i));
  // Drop leading sign-extension bytes while the next byte still carries the sign bit.
  int start = 0;
  while (start < 15) {
    bool redundant = (full[start] == 0x00 && (full[start + 1] & 0x80) == 0) ||
                     (full[start] == 0xff && (full[start + 1] & 0x80) != 0);
    if (!redundant) break;
    ++start;
  }
  int n = 16 - start;
  std::memcpy(out, full + start, static_cast<size_t>(n));
  return n;
}

namespace {
// doubleToLongBits with NaN and -0.0 canonicalized (Appendix B note 4).
int32_t HashDouble(double d) {
  if (std::isnan(d)) return HashLong(0x7ff8000000000000LL);
  if (d == 0.0) d = 0.0;
  int64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return HashLong(bits);
}
}  // namespace

arrow::Result<int32_t> BucketHash(const Literal& value) {
  if (value.is_null()) return arrow::Status::Invalid("bucket hash of a null value");
  const auto& v = value.value();
  if (auto* b = std::get_if<bool>(&v)) return HashLong(*b ? 1 : 0);
  if (auto* i = std::get_if<int32_t>(&v)) return HashLong(*i);
  if (auto* l = std::get_if<int64_t>(&v)) {
    // Nanosecond timestamps hash as their microseconds, as timestamps do (spec Appendix B).
    if (value.type() && IsNanosTimestamp(value.type()->id())) {
      return HashLong(FloorDiv(*l, kNanosPerMicro));
    }
    return HashLong(*l);
  }
  if (auto* f = std::get_if<float>(&v)) return HashDouble(*f);
  if (auto* d = std::get_if<double>(&v)) return HashDouble(*d);
  if (auto* s = std::get_if<std::string>(&v)) return Murmur3Hash32(s->data(), s->size());
  if (auto* dec = std::get_if<__int128>(&v)) return HashDecimal(*dec);
  return arrow::Status::Invalid("bucket hash: unsupported value ", value.ToString());
}

}  // namespace floe::iceberg
