#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/expression/partition_evaluator.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// The part of a row filter a data file's partition does not decide (Java's
/// ResidualEvaluator; spec: "Scan Planning", note 1): each predicate on a partition source
/// column becomes false when the partition values prove no row of the file matches it (the
/// inclusive projection fails), and true — for identity partitions — when they prove every
/// row does; the rest of the filter stays and is applied to the file's rows.
///
/// Differences from Java kept on purpose: a null or NaN identity partition value decides only
/// IS NULL / NOT NULL and the comparisons both null semantics reject, so that rows are still
/// filtered with SQL's rules (a null never matches !=); strict projections of non-identity
/// transforms are not used, so those predicates never become true (the residual is then
/// larger than Java's, never wrong).
class ResidualEvaluator {
 public:
  /// `bound_filter` is bound to `schema` with NOTs rewritten; `spec` is the data files' spec.
  static arrow::Result<ResidualEvaluator> Make(const PartitionSpec& spec, const Schema& schema,
                                               ExprPtr bound_filter);

  /// The residual for a data file with this partition tuple (one value per spec field).
  ExprPtr ResidualFor(const std::vector<Literal>& partition) const;

 private:
  ResidualEvaluator() = default;
  ExprPtr Visit(const ExprPtr& expr, const std::vector<Literal>& partition) const;
  ExprPtr VisitPredicate(const ExprPtr& pred, const std::vector<Literal>& partition) const;

  ExprPtr filter_;
  size_t arity_ = 0;
  /// Source field id → tuple positions of its identity partition fields.
  std::unordered_map<int32_t, std::vector<size_t>> identity_;
  /// Predicates on a column with non-identity partition fields → their inclusive projection.
  std::unordered_map<const Expression*, PartitionEvaluator> projected_;
};

}  // namespace floe::iceberg
