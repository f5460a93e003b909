#pragma once

#include <arrow/result.h>

#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Evaluates one bound predicate against a single value with Java's Evaluator semantics for
/// nulls: a null fails <, <=, >, >=, =, IN, STARTS WITH and IS NAN, and passes !=, NOT IN,
/// NOT STARTS WITH and NOT NAN. This is a superset of SQL's "predicate is true", so using it
/// for pruning never drops a row that SQL evaluation keeps.
bool EvaluatePredicate(const Expression& predicate, const Literal& value);

/// Decides from a data file's partition tuple whether it may hold rows matching a row filter:
/// the filter is projected onto the spec (ProjectInclusive) and evaluated on the tuple.
class PartitionEvaluator {
 public:
  /// `bound_row_filter` is bound to `schema`; `spec` is the spec the files were written with.
  static arrow::Result<PartitionEvaluator> Make(const PartitionSpec& spec, const Schema& schema,
                                                const ExprPtr& bound_row_filter);

  /// Evaluates an already-projected filter (bound to partition field ids of `spec`).
  PartitionEvaluator(const PartitionSpec& spec, ExprPtr partition_filter);

  /// false only when the partition values prove no row matches. Tuples that do not fit the
  /// spec (wrong arity) might match.
  bool MightMatch(const std::vector<Literal>& partition) const;
  bool MightMatch(const DataFile& file) const { return MightMatch(file.partition); }

  const ExprPtr& partition_filter() const { return filter_; }

 private:
  std::vector<int32_t> field_ids_;  // partition field id at each tuple position
  ExprPtr filter_;
};

/// Decides from a data file's partition tuple whether every row of it matches a row filter:
/// the filter is projected strictly onto the spec (ProjectStrict) and evaluated on the tuple.
class StrictPartitionEvaluator {
 public:
  /// `bound_row_filter` is bound to `schema`; `spec` is the spec the files were written with.
  static arrow::Result<StrictPartitionEvaluator> Make(const PartitionSpec& spec,
                                                      const Schema& schema,
                                                      const ExprPtr& bound_row_filter);

  /// true only when the partition values prove every row matches. Tuples that do not fit the
  /// spec (wrong arity) prove nothing.
  bool MustMatch(const std::vector<Literal>& partition) const;
  bool MustMatch(const DataFile& file) const { return MustMatch(file.partition); }

  const ExprPtr& partition_filter() const { return filter_; }

 private:
  StrictPartitionEvaluator(std::vector<int32_t> field_ids, ExprPtr filter)
      : field_ids_(std::move(field_ids)), filter_(std::move(filter)) {}
  std::vector<int32_t> field_ids_;
  ExprPtr filter_;
};

}  // namespace floe::iceberg
