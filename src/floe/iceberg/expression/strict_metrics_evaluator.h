#pragma once

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"

namespace floe::iceberg {

/// Decides from a data file's column metrics whether every row of the file matches a row
/// filter (Java's StrictMetricsEvaluator), so that a delete or overwrite can drop the file
/// whole without reading it. It answers "must match" only when the counts and bounds prove it,
/// under the SQL semantics floe evaluates filters with: a null row matches only IS NULL, so
/// every other predicate needs a null count of 0; NaN matches only IS NAN (and the NaN-blind
/// != and NOT IN, which are not relied on), so comparisons on float columns need a NaN count of
/// 0. Missing counts or bounds, unreadable or NaN bounds, and NOTs left in the tree prove
/// nothing. Bounds are only used as bounds (lower ≤ every value ≤ upper), which truncated
/// string and binary bounds still are: equality needs lower = upper = the literal, and
/// STARTS WITH needs both bounds to start with the prefix.
class StrictMetricsEvaluator {
 public:
  /// `bound_filter` is a filter bound to the table schema (see Bind).
  explicit StrictMetricsEvaluator(ExprPtr bound_filter);

  /// true only when the metrics prove every row of `file` matches (vacuously for an empty
  /// file; never for a file whose record count is unknown).
  bool MustMatch(const DataFile& file) const;

  /// IN / NOT IN with more values than this are not checked against bounds (as in Java).
  static constexpr size_t kInPredicateLimit = 200;

 private:
  ExprPtr filter_;
};

}  // namespace floe::iceberg
