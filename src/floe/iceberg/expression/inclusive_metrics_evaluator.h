#pragma once

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/expression/expression.h"

namespace floe::iceberg {

/// Decides from a data file's column metrics whether the file may hold rows matching a row
/// filter (Java's InclusiveMetricsEvaluator). It answers "might match" whenever the metrics
/// cannot rule rows out: missing counts or bounds, unreadable bounds, NaN bounds, NOT / != /
/// NOT IN predicates. Bounds may be truncated (strings and binary under the default
/// truncate(16) metrics mode), so equality and STARTS WITH only use them as inclusive limits.
class InclusiveMetricsEvaluator {
 public:
  /// `bound_filter` is a filter bound to the table schema (see Bind).
  explicit InclusiveMetricsEvaluator(ExprPtr bound_filter);

  /// false only when the metrics prove no row of `file` matches.
  bool MightMatch(const DataFile& file) const;

  /// IN / NOT IN with more values than this are not checked against bounds (as in Java).
  static constexpr size_t kInPredicateLimit = 200;

 private:
  ExprPtr filter_;
};

}  // namespace floe::iceberg
