#pragma once

// Which data files a delete or overwrite can drop whole without reading them: those whose
// partition or column metrics prove that every row matches the filter. Internal to
// floe_iceberg.

#include <arrow/result.h>

#include <map>
#include <memory>

#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/expression/partition_evaluator.h"
#include "floe/iceberg/expression/strict_metrics_evaluator.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/file_scan_task.h"

namespace floe::iceberg::row_level_internal {

class WholeFileMatcher {
 public:
  /// `bound_filter` is bound to `schema`, the schema of `metadata` rows are read with.
  static arrow::Result<WholeFileMatcher> Make(const TableMetadata& metadata, const Schema& schema,
                                              ExprPtr bound_filter);

  /// Whether every row of `file` matches: its partition proves it (strict projection), or its
  /// metrics prove the filter, or the part of it the partition leaves (`residual`, may be
  /// null).
  bool AllRowsMatch(const DataFile& file, const ExprPtr& residual) const;

 private:
  WholeFileMatcher(ExprPtr filter, std::map<int32_t, StrictPartitionEvaluator> partitions)
      : metrics_(filter), partitions_(std::move(partitions)) {}
  StrictMetricsEvaluator metrics_;
  std::map<int32_t, StrictPartitionEvaluator> partitions_;  ///< by partition spec id
};

/// The live rows of a data file dropped whole. Without equality deletes this needs no data
/// file read: the record count less the positions its position deletes or deletion vector
/// remove; with them the file is read (no columns) with its deletes applied.
arrow::Result<int64_t> LiveRows(const std::shared_ptr<io::FileIO>& io, const TableMetadata& md,
                                const FileScanTask& task,
                                const std::shared_ptr<DeleteLoader>& loader);

}  // namespace floe::iceberg::row_level_internal
