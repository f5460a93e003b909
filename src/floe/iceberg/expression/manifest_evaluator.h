#pragma once

#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Decides from a manifest's partition field summaries (manifest list) whether the manifest may
/// list files with rows matching a row filter (Java's ManifestEvaluator): the filter is
/// projected onto the manifest's spec and checked against each field's contains_null,
/// contains_nan and lower / upper bounds. A summary without bounds means the field's values
/// are all null (or NaN).
class ManifestEvaluator {
 public:
  /// `bound_row_filter` is bound to `schema`; `spec` is the manifest's partition spec.
  static arrow::Result<ManifestEvaluator> Make(const PartitionSpec& spec, const Schema& schema,
                                               const ExprPtr& bound_row_filter);

  /// `partition_filter` is bound to the partition fields of `spec` (see ProjectInclusive).
  static arrow::Result<ManifestEvaluator> MakeForPartitionFilter(const PartitionSpec& spec,
                                                                 const Schema& schema,
                                                                 ExprPtr partition_filter);

  /// false only when the summaries prove no listed file matches. Manifests without summaries
  /// (or with a different number of them than the spec has fields) might match.
  bool MightMatch(const ManifestFile& manifest) const;

  const ExprPtr& partition_filter() const { return filter_; }

 private:
  ManifestEvaluator() = default;

  std::vector<int32_t> field_ids_;  // partition field id at each summary position
  std::vector<TypePtr> types_;      // partition value type at each position
  ExprPtr filter_;
};

}  // namespace floe::iceberg
