#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/array.h>
#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// A partition transform (spec: "Partition Transforms"): identity, bucket[N], truncate[W],
/// year, month, day, hour, void.
class Transform {
 public:
  enum class Kind { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour, kVoid };

  static Transform Identity() { return Transform(Kind::kIdentity, 0); }
  static Transform Bucket(int32_t n) { return Transform(Kind::kBucket, n); }
  static Transform Truncate(int32_t width) { return Transform(Kind::kTruncate, width); }
  static Transform Year() { return Transform(Kind::kYear, 0); }
  static Transform Month() { return Transform(Kind::kMonth, 0); }
  static Transform Day() { return Transform(Kind::kDay, 0); }
  static Transform Hour() { return Transform(Kind::kHour, 0); }
  static Transform Void() { return Transform(Kind::kVoid, 0); }

  /// Parses the metadata JSON form: "identity", "bucket[16]", "truncate[4]", "day", …
  static arrow::Result<Transform> Parse(std::string_view text);

  Transform() = default;
  Kind kind() const { return kind_; }
  int32_t param() const { return param_; }  ///< N of bucket, W of truncate
  /// The metadata JSON form.
  std::string ToString() const;
  bool operator==(const Transform& other) const = default;

  /// Whether this transform applies to a source column of this type.
  bool CanTransform(const Type& source) const;
  /// The partition value type for a source type (int for bucket/year/month/hour, date for
  /// day, the source type for identity/truncate/void).
  arrow::Result<TypePtr> ResultType(const TypePtr& source) const;
  /// Transforms one value; null maps to null.
  arrow::Result<Literal> Apply(const Literal& value) const;
  /// Transforms a whole column (Arrow array of the source type) into partition values; the
  /// result's element i is Apply(row i). Used by the writers to fan out rows.
  arrow::Result<std::vector<Literal>> ApplyArray(const TypePtr& source,
                                                 const arrow::Array& values) const;
  /// Whether order on the source implies order on the result (all but bucket and void).
  bool PreservesOrder() const;
  /// The human form of a partition value used in file paths ("2024-03-01", "2024-03-01-07",
  /// "2024-03", "2024", bucket numbers, identity values); "null" for null.
  std::string ToHumanString(const Literal& result) const;

 private:
  Transform(Kind kind, int32_t param) : kind_(kind), param_(param) {}
  Kind kind_ = Kind::kIdentity;
  int32_t param_ = 0;
};

/// Murmur3 x86 32-bit hash with seed 0 (spec Appendix B), over raw bytes.
int32_t Murmur3Hash32(const void* data, size_t len);

/// The spec's bucket hash of a non-null value: ints and longs and dates/times/timestamps hash
/// as 8-byte little-endian longs, decimals by their minimal two's-complement big-endian bytes,
/// strings by UTF-8 bytes, uuids by their 16 bytes, binary/fixed by their bytes.
arrow::Result<int32_t> BucketHash(const Literal& value);

}  // namespace floe::iceberg
