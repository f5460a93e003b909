#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "floe/iceberg/type/transform.h"

namespace floe::iceberg {

enum class SortDirection { kAsc, kDesc };
enum class NullOrder { kNullsFirst, kNullsLast };

struct SortField {
  Transform transform;
  int32_t source_id = 0;
  SortDirection direction = SortDirection::kAsc;
  NullOrder null_order = NullOrder::kNullsFirst;
  bool operator==(const SortField& other) const = default;
};

/// A sort order (spec: "Sort Orders"); order id 0 is reserved for the unsorted order.
struct SortOrder {
  int32_t order_id = 0;
  std::vector<SortField> fields;
  static SortOrder Unsorted() { return SortOrder{}; }
  bool operator==(const SortOrder& other) const = default;
};

}  // namespace floe::iceberg
