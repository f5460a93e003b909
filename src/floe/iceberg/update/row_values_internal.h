#pragma once

// Arrow values as Iceberg literals, for filters built from data (MERGE's key pruning).
// Internal to floe_iceberg.

#include <arrow/array.h>
#include <arrow/result.h>

#include <optional>
#include <vector>

#include "floe/iceberg/type/literal.h"

namespace floe::iceberg::row_level_internal {

/// The value at `row` (non-null) of `array`, which holds Iceberg `type` in its Arrow form;
/// none for types filters do not prune on (float, double, nested).
std::optional<Literal> ValueAsLiteral(const arrow::Array& array, const TypePtr& type, int64_t row);

/// The distinct non-null values at `rows` of `array`, ascending; none when the type has no
/// literal form (see ValueAsLiteral).
arrow::Result<std::optional<std::vector<Literal>>> DistinctLiterals(
    const arrow::Array& array, const TypePtr& type, const std::vector<int64_t>& rows);

}  // namespace floe::iceberg::row_level_internal
