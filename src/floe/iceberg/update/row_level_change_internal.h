#pragma once

// The machinery UPDATE and MERGE share (update_rows.h, merge_rows.h): plan the data files that
// may hold affected rows, read their live rows with positions, let the statement decide per
// batch which rows go and which rows replace them, write the result copy-on-write or
// merge-on-read, and commit one RowDelta validated as the table's isolation level asks.
// Internal to floe_iceberg.

#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/metadata/row_level_settings.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg::row_level_internal {

/// What a statement does with one batch of a data file's live rows.
struct BatchChange {
  /// True for the rows removed (deleted, or replaced by updated rows); null: none.
  std::shared_ptr<arrow::BooleanArray> removed;
  /// New rows (updated versions of removed rows), in the table schema's Arrow form.
  std::shared_ptr<arrow::RecordBatch> added;
};

/// A row-level statement. One instance may be run several times: after a conflicting
/// concurrent commit the statement is executed again on the new table state (Begin resets it).
class RowLevelStatement {
 public:
  virtual ~RowLevelStatement() = default;
  virtual RowLevelOperation operation() const = 0;
  /// An unbound filter that every affected row matches (prunes files); null: all rows.
  virtual ExprPtr scan_filter() const = 0;
  /// Called at the start of every execution, with the schema rows are read in.
  virtual arrow::Status Begin(const Schema& schema) = 0;
  /// Decides about one batch of live rows (table schema, no position column) of `task`.
  virtual arrow::Result<BatchChange> Visit(const FileScanTask& task,
                                           const std::shared_ptr<arrow::RecordBatch>& rows) = 0;
  /// Rows added once every file was visited (MERGE's inserts), in the table's Arrow form.
  virtual arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> Finish() = 0;
};

/// Overrides of the table's write.<op>.mode / isolation-level properties.
struct RowLevelOverrides {
  std::optional<RowLevelMode> mode;
  std::optional<IsolationLevel> isolation;
  /// Executions of the statement when concurrent commits conflict with it (1: never again).
  int max_executions = 4;
};

/// What a row-level statement did.
struct RowLevelOutcome {
  /// The committed snapshot; none when nothing changed.
  std::optional<Snapshot> snapshot;
  RowLevelMode mode = RowLevelMode::kCopyOnWrite;
  IsolationLevel isolation = IsolationLevel::kSerializable;
  int64_t rows_removed = 0;  ///< rows the statement's visits removed
  int64_t rows_added = 0;    ///< rows written by visits and Finish
  int64_t data_files_added = 0;
  int64_t data_files_removed = 0;
  int64_t delete_files_added = 0;
  int executions = 0;
};

/// Runs `statement` against the table's main branch and commits its changes in one snapshot.
arrow::Result<RowLevelOutcome> Execute(const std::shared_ptr<Table>& table,
                                       RowLevelStatement& statement,
                                       const RowLevelOverrides& overrides);

}  // namespace floe::iceberg::row_level_internal
