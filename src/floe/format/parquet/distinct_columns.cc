#include "floe/format/parquet/distinct_columns.h"

#include <arrow/array.h>
#include <arrow/type.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_set>

namespace floe::pq {
namespace {

// Enough rows for a column of a few thousand distinct values to show repeats (where a
// dictionary pays), few enough to cost little beside writing the file.
constexpr int64_t kSampleRows = 4096;
// Fewer sampled values than this: too little to tell, the writer's default stands.
constexpr int64_t kMinSampled = 256;

// Whether nearly all of an evenly spread sample of the non-null values are distinct.
template <typename Key, typename ValueAt>
bool NearlyAllDistinct(const arrow::Array& array, ValueAt value_at) {
  const int64_t n = array.length();
  const int64_t step = n > kSampleRows ? n / kSampleRows : 1;
  std::unordered_set<Key> seen;
  seen.reserve(static_cast<size_t>(std::min(n, kSampleRows)));
  int64_t sampled = 0;
  for (int64_t i = 0; i < n && sampled < kSampleRows; i += step) {
    if (array.IsNull(i)) continue;
    seen.insert(value_at(i));
    ++sampled;
  }
  // 90 %: a dictionary would hold nearly every value once, and its indices come on top.
  return sampled >= kMinSampled && static_cast<int64_t>(seen.size()) * 10 >= sampled * 9;
}

// Fixed-width values, compared by their bits as the dictionary encoder does (NaN equals NaN
// there).
template <typename C>
bool NumbersDistinct(const arrow::Array& array) {
  const C* values = array.data()->GetValues<C>(1);
  return NearlyAllDistinct<uint64_t>(array, [&](int64_t i) {
    uint64_t bits = 0;
    std::memcpy(&bits, &values[i], sizeof(C));
    return bits;
  });
}

template <typename ArrayType>
bool BytesDistinct(const arrow::Array& array) {
  const auto& typed = static_cast<const ArrayType&>(array);
  return NearlyAllDistinct<std::string_view>(array,
                                             [&](int64_t i) { return typed.GetView(i); });
}

bool Distinct(const arrow::Array& array) {
  switch (array.type_id()) {
    case arrow::Type::INT32:
    case arrow::Type::DATE32:
    case arrow::Type::TIME32:
      return NumbersDistinct<int32_t>(array);
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME64:
      return NumbersDistinct<int64_t>(array);
    case arrow::Type::FLOAT:
      return NumbersDistinct<float>(array);
    case arrow::Type::DOUBLE:
      return NumbersDistinct<double>(array);
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
      return BytesDistinct<arrow::BinaryArray>(array);
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      return BytesDistinct<arrow::LargeBinaryArray>(array);
    default:
      return false;
  }
}

}  // namespace

std::vector<std::string> DistinctValuedColumns(const arrow::RecordBatch& batch) {
  std::vector<std::string> out;
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (Distinct(*batch.column(i))) out.push_back(batch.schema()->field(i)->name());
  }
  return out;
}

}  // namespace floe::pq
