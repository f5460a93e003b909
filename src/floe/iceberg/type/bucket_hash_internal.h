#pragma once

// Building blocks of the Appendix B bucket hash shared by Transform::Apply, ApplyArray and
// single-value serialization. Internal to the iceberg layer.

#include <cstdint>

namespace floe::iceberg {

/// hashLong: Murmur3 of the 8 little-endian bytes (ints hash the same as longs).
int32_t HashLong(int64_t v);
/// Murmur3 of the minimal two's-complement big-endian bytes of an unscaled decimal.
int32_t HashDecimal(__int128 unscaled);
/// Writes the minimal two's-complement big-endian form of v (1..16 bytes) and returns its size.
int MinimalBigEndian(__int128 v, uint8_t out[16]);

}  // namespace floe::iceberg
