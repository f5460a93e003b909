#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/expression/value_expression.h"
#include "floe/iceberg/metadata/row_level_settings.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// What a row-level statement (UPDATE, MERGE) did; see UpdateRows and MergeRows.
struct RowLevelResult {
  /// The committed snapshot; none when no row was affected (nothing is committed).
  std::optional<Snapshot> snapshot;
  RowLevelMode mode = RowLevelMode::kCopyOnWrite;
  IsolationLevel isolation = IsolationLevel::kSerializable;
  int64_t rows_updated = 0;
  int64_t rows_deleted = 0;
  int64_t rows_inserted = 0;
  int64_t data_files_added = 0;
  int64_t data_files_removed = 0;
  int64_t delete_files_added = 0;
  /// How often the statement ran: more than once when a concurrent commit conflicted with it
  /// and it was executed again on the new table state.
  int executions = 0;
};

/// UPDATE t SET col = expr, … WHERE filter.
struct UpdateOptions {
  std::vector<Assignment> assignments;  ///< ParseAssignments
  ExprPtr filter;                       ///< unbound; null: every row
  /// Overrides write.update.mode / write.update.isolation-level.
  std::optional<RowLevelMode> mode;
  std::optional<IsolationLevel> isolation;
  /// Executions when concurrent commits conflict (1: fail on the first conflict).
  int max_executions = 4;
};

/// Updates the rows matching `filter` on the main branch in one snapshot (Spark's UPDATE on
/// Iceberg): copy-on-write rewrites each data file holding such rows with the updated rows in
/// place; merge-on-read writes position deletes (deletion vectors on format v3) for the old
/// rows and new data files with the updated rows. The commit is a RowDelta validated from the
/// snapshot read, with the filter as conflict filter: serializable isolation also fails on
/// data added meanwhile that the filter covers; both levels fail on concurrent deletes of the
/// rows read or removal of the files rewritten. On such a conflict the update is executed
/// again on the new table state (so its expressions see committed values; never a lost
/// update), up to max_executions times, then fails with ValidationFailed.
arrow::Result<RowLevelResult> UpdateRows(const std::shared_ptr<Table>& table,
                                         const UpdateOptions& options);

}  // namespace floe::iceberg
