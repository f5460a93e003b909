#pragma once

// Per-value transform kernels on native values. Transform::Apply (one Literal) and
// Transform::ApplyArray (an Arrow column) both go through these, so they agree by
// construction. Internal to the iceberg layer; callers have checked CanTransform.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/transform.h"

namespace floe::iceberg::internal {

/// Byte length of the first `code_points` UTF-8 code points of s (all of s when shorter).
/// Continuation bytes (10xxxxxx) never start a code point, so malformed input still yields a
/// prefix that does not split a well-formed sequence.
inline size_t Utf8PrefixBytes(std::string_view s, int64_t code_points) {
  if (code_points <= 0) return 0;
  int64_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == code_points) return i;
      ++seen;
    }
  }
  return s.size();
}

/// Values whose source type is int, long, date (days), time, timestamp, timestamptz (µs).
Literal ApplyIntegral(const Transform& t, const TypePtr& source, int64_t v);
/// Unscaled values of a decimal source.
Literal ApplyDecimal(const Transform& t, const TypePtr& source, __int128 v);
/// Bytes of a string, binary, fixed or uuid source.
Literal ApplyBytes(const Transform& t, const TypePtr& source, std::string_view v);

}  // namespace floe::iceberg::internal
