#pragma once

#include <arrow/result.h>
#include <arrow/table.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/update/update_rows.h"

namespace floe::iceberg {

/// MERGE's WHEN MATCHED action: replace the target row with the source row, delete it, or
/// leave it.
enum class MergeMatchedAction { kUpdate, kDelete, kIgnore };
/// MERGE's WHEN NOT MATCHED action: insert the source row, or not.
enum class MergeNotMatchedAction { kInsert, kIgnore };

/// MERGE INTO t USING source ON t.k = s.k … (Spark's MERGE on Iceberg, keyed by columns).
struct MergeOptions {
  /// Key columns (top-level primitive columns of the table), compared with SQL equality: a
  /// source or target row with a NULL key matches nothing.
  std::vector<std::string> on;
  MergeMatchedAction when_matched = MergeMatchedAction::kUpdate;
  /// WHEN MATCHED THEN UPDATE SET …: the columns listed get their expressions, which read the
  /// target row's columns by name and the source row's as `source.<column>` (SET visits =
  /// visits + source.visits); other columns keep the target's values. Empty: UPDATE SET *
  /// (the source row replaces the target row).
  std::vector<Assignment> matched_set;
  MergeNotMatchedAction when_not_matched = MergeNotMatchedAction::kInsert;
  /// WHEN NOT MATCHED BY SOURCE THEN DELETE: target rows whose key is not in the source are
  /// deleted (this reads the whole table).
  bool delete_not_matched_by_source = false;
  /// Source rows sharing a key are an error unless this names a column: then the row with
  /// the greatest value of it wins (NULL counts as the smallest; on ties the later row).
  std::string dedupe_latest_by;
  /// Overrides write.merge.mode / write.merge.isolation-level.
  std::optional<RowLevelMode> mode;
  std::optional<IsolationLevel> isolation;
  int max_executions = 4;
  /// Up to this many distinct values of a key column prune files with an IN filter; more
  /// prune with the values' range.
  size_t in_filter_limit = 1000;
};

/// Merges `source` (rows in the table schema's Arrow form, see ConformToSchema) into the
/// table's main branch in one snapshot: a hash join of the source keys with the target rows
/// of the data files whose partitions and column metrics may hold those keys (only those are
/// read, unless delete_not_matched_by_source). Matched target rows are replaced by their
/// source row or deleted; source rows that match no target row are inserted. Written
/// copy-on-write or merge-on-read and validated like UpdateRows (write.merge.* properties),
/// executed again on the new table state after a conflicting concurrent commit.
/// RowLevelResult counts rows_updated, rows_deleted and rows_inserted.
arrow::Result<RowLevelResult> MergeRows(const std::shared_ptr<Table>& table,
                                        const arrow::Table& source, const MergeOptions& options);

}  // namespace floe::iceberg
