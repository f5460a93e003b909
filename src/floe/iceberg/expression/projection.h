#pragma once

#include <arrow/result.h>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Inclusive projection of a row filter onto a partition spec (Java's Projections.inclusive):
/// a filter on partition values that holds for every partition that may contain a matching
/// row. Each predicate on a source column becomes the AND of its projections through every
/// partition field of that column, and true when no field can express it:
/// - identity keeps the predicate;
/// - bucket keeps = and IN (on the bucket numbers);
/// - truncate maps ranges to closed ranges on truncated values (a < 15 → a_trunc <= 10 for
///   width 10), =, IN and STARTS WITH to their truncations, and NOT STARTS WITH to itself
///   (prefix shorter than the width) or != (prefix as long as the width);
/// - year / month / day / hour map ranges to closed ranges (ts < X → day(ts) <= day(X - 1µs)),
///   and widen negative (pre-1970) values by one to also match files written by older Java
///   versions that rounded them toward zero;
/// - IS NULL / NOT NULL carry over to every non-void transform.
///
/// The result is bound to the partition type: references name the partition fields, their
/// field ids are partition field ids and their types the transform result types.
/// `bound_filter` must be bound to `schema`.
arrow::Result<ExprPtr> ProjectInclusive(const ExprPtr& bound_filter, const PartitionSpec& spec,
                                        const Schema& schema);

/// Strict projection of a row filter onto a partition spec (Java's Projections.strict): a
/// filter on partition values that, when it holds for a partition, holds for every row in it,
/// with SQL's null rules (a null row matches only IS NULL). Each predicate becomes the OR of
/// its projections through the partition fields of its column, and false when none can prove
/// it:
/// - identity keeps the predicate (with NOT NULL, and NOT NAN for comparisons of floats);
/// - bucket proves only != and NOT IN (a different bucket is a different value);
/// - truncate and year / month / day / hour prove ranges on the partition value strictly
///   beyond the transformed literal (ts >= X → day(ts) > day(X - 1µs)), and != / NOT IN;
///   strings truncated prove STARTS WITH by the partition value itself; a negative time
///   partition proves no lower bound or difference, since older Java writers rounded
///   pre-1970 values toward zero;
/// - IS NULL / NOT NULL carry over to every non-void transform.
/// The result is bound to the partition type, like ProjectInclusive's.
arrow::Result<ExprPtr> ProjectStrict(const ExprPtr& bound_filter, const PartitionSpec& spec,
                                     const Schema& schema);

}  // namespace floe::iceberg
