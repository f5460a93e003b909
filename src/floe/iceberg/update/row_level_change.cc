#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/table.h>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/row_delta.h"
#include "floe/iceberg/update/row_level_change_internal.h"
#include "floe/iceberg/update/row_level_deletes_internal.h"

namespace floe::iceberg::row_level_internal {
namespace {

namespace cp = arrow::compute;

/// The files one execution wrote and the change to commit.
struct Written {
  std::vector<DataFile> added_data;
  std::vector<DataFile> removed_data;
  std::vector<DataFile> added_deletes;
  std::vector<DataFile> removed_deletes;
  std::vector<std::string> referenced_data_files;  ///< by the new position deletes
  int64_t rows_removed = 0;
  int64_t rows_added = 0;

  bool empty() const { return added_data.empty() && removed_data.empty() && added_deletes.empty(); }
  void DeleteFiles(io::FileIO& io) const {
    for (const auto& f : added_data) (void)io.Delete(f.file_path);
    for (const auto& f : added_deletes) (void)io.Delete(f.file_path);
  }
};

arrow::Result<std::vector<DataFile>> WriteRows(
    const Table& table, const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches,
    const std::shared_ptr<arrow::Schema>& schema) {
  if (batches.empty()) return std::vector<DataFile>{};
  ARROW_ASSIGN_OR_RAISE(auto rows, arrow::Table::FromRecordBatches(schema, batches));
  if (rows->num_rows() == 0) return std::vector<DataFile>{};
  return WriteDataFiles(table, *rows);
}

class Executor {
 public:
  Executor(const std::shared_ptr<Table>& table, RowLevelStatement& statement,
           RowLevelSettings settings)
      : table_(table), statement_(statement), settings_(settings) {}

  /// Reads, decides and writes; nothing committed. On error the files written are removed.
  arrow::Result<Written> Run() {
    auto written = RunUnsafe();
    if (!written.ok()) {
      written_.DeleteFiles(*table_->io());
      if (deletes_) (void)deletes_->Abort();
    }
    return written;
  }

  const Snapshot* read_snapshot() const { return read_snapshot_; }

 private:
  arrow::Result<Written> RunUnsafe() {
    const TableMetadata& metadata = table_->metadata();
    ScanOptions options;
    options.filter = statement_.scan_filter();
    ARROW_ASSIGN_OR_RAISE(auto scan, TableScan::Make(*table_, options));
    read_snapshot_ = scan.snapshot();
    schema_ = metadata.CurrentSchema();
    ARROW_ASSIGN_OR_RAISE(arrow_schema_, ToArrowSchema(*schema_));
    ARROW_RETURN_NOT_OK(statement_.Begin(*schema_));
    if (settings_.mode == RowLevelMode::kMergeOnRead) {
      ARROW_ASSIGN_OR_RAISE(deletes_, RowDeleteWriter::Make(table_, metadata));
    }
    ARROW_ASSIGN_OR_RAISE(auto tasks, scan.PlanFiles());
    for (const auto& task : tasks) ARROW_RETURN_NOT_OK(VisitFile(task));
    ARROW_ASSIGN_OR_RAISE(auto finished, statement_.Finish());
    for (auto& b : finished) pending_added_.push_back(std::move(b));
    for (const auto& b : pending_added_) written_.rows_added += b->num_rows();
    ARROW_ASSIGN_OR_RAISE(auto added, WriteRows(*table_, pending_added_, arrow_schema_));
    for (auto& f : added) written_.added_data.push_back(std::move(f));
    if (deletes_) {
      ARROW_ASSIGN_OR_RAISE(auto result, deletes_->Close());
      written_.added_deletes = std::move(result.added);
      for (auto& f : result.removed) written_.removed_deletes.push_back(std::move(f));
      written_.referenced_data_files = std::move(result.referenced_data_files);
    }
    return written_;
  }

  arrow::Status VisitFile(const FileScanTask& task) {
    TaskReadOptions read;
    ARROW_ASSIGN_OR_RAISE(read.data, DataReadOptionsFromProperties(table_->metadata().properties));
    read.apply_residual = false;  // the statement evaluates its own condition
    read.with_row_position = true;
    ARROW_ASSIGN_OR_RAISE(auto reader,
                          ReadTask(table_->io(), table_->metadata(), task, schema_, read));
    PositionSet removed;
    std::vector<std::shared_ptr<arrow::RecordBatch>> kept, added;
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      ARROW_RETURN_NOT_OK(reader->ReadNext(&batch));
      if (!batch) break;
      const int pos_index = batch->num_columns() - 1;
      auto positions = std::static_pointer_cast<arrow::Int64Array>(batch->column(pos_index));
      ARROW_ASSIGN_OR_RAISE(auto rows, batch->RemoveColumn(pos_index));
      rows = arrow::RecordBatch::Make(arrow_schema_, rows->num_rows(), rows->columns());
      ARROW_ASSIGN_OR_RAISE(BatchChange change, statement_.Visit(task, rows));
      if (change.added && change.added->num_rows() > 0) added.push_back(change.added);
      if (!change.removed) {
        if (settings_.mode == RowLevelMode::kCopyOnWrite) kept.push_back(rows);
        continue;
      }
      for (int64_t i = 0; i < rows->num_rows(); ++i) {
        if (change.removed->IsValid(i) && change.removed->Value(i)) {
          removed.Add(positions->Value(i));
        }
      }
      if (settings_.mode == RowLevelMode::kCopyOnWrite) {
        ARROW_ASSIGN_OR_RAISE(auto keep_mask, cp::Invert(change.removed));
        ARROW_ASSIGN_OR_RAISE(auto keep, cp::Filter(rows, keep_mask));
        if (keep.record_batch()->num_rows() > 0) kept.push_back(keep.record_batch());
      }
    }
    removed.Seal();
    const int64_t count = static_cast<int64_t>(removed.positions().size());
    written_.rows_removed += count;
    if (count == 0) {
      // Rows added without removing any (none today) still go in.
      for (auto& b : added) pending_added_.push_back(std::move(b));
      return arrow::Status::OK();
    }
    if (settings_.mode == RowLevelMode::kMergeOnRead) {
      ARROW_RETURN_NOT_OK(deletes_->Delete(task, removed));
      for (auto& b : added) pending_added_.push_back(std::move(b));
      return arrow::Status::OK();
    }
    // Copy-on-write: the file is replaced by its kept rows plus the rows that replace the
    // removed ones, written together.
    for (const auto& b : added) written_.rows_added += b->num_rows();
    for (auto& b : added) kept.push_back(std::move(b));
    ARROW_ASSIGN_OR_RAISE(auto files, WriteRows(*table_, kept, arrow_schema_));
    for (auto& f : files) written_.added_data.push_back(std::move(f));
    written_.removed_data.push_back(task.file);
    // A deletion vector belongs to its one data file and goes with it (spec: "Deletion
    // Vectors"); position delete files may name other files and stay.
    for (const auto& d : task.deletes) {
      if (d.file.is_deletion_vector() &&
          d.file.referenced_data_file == std::optional<std::string>(task.file.file_path)) {
        written_.removed_deletes.push_back(d.file);
      }
    }
    return arrow::Status::OK();
  }

  std::shared_ptr<Table> table_;
  RowLevelStatement& statement_;
  RowLevelSettings settings_;
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  const Snapshot* read_snapshot_ = nullptr;
  std::unique_ptr<RowDeleteWriter> deletes_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> pending_added_;
  Written written_;
};

const char* OperationName(RowLevelOperation op) {
  switch (op) {
    case RowLevelOperation::kDelete:
      return "delete";
    case RowLevelOperation::kUpdate:
      return "update";
    case RowLevelOperation::kMerge:
      return "merge";
  }
  return "change";
}

}  // namespace

arrow::Result<RowLevelOutcome> Execute(const std::shared_ptr<Table>& table,
                                       RowLevelStatement& statement,
                                       const RowLevelOverrides& overrides) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());  // Arrow registers kernels on request
  RowLevelOutcome outcome;
  const char* op = OperationName(statement.operation());
  arrow::Status last;
  for (int execution = 1; execution <= std::max(1, overrides.max_executions); ++execution) {
    if (execution > 1) ARROW_RETURN_NOT_OK(table->Refresh());
    ARROW_ASSIGN_OR_RAISE(auto settings, RowLevelSettings::FromProperties(
                                             table->metadata().properties, statement.operation()));
    if (overrides.mode) settings.mode = *overrides.mode;
    if (overrides.isolation) settings.isolation = *overrides.isolation;
    outcome.mode = settings.mode;
    outcome.isolation = settings.isolation;
    outcome.executions = execution;

    Executor executor(table, statement, settings);
    ARROW_ASSIGN_OR_RAISE(Written written, executor.Run());
    outcome.rows_removed = written.rows_removed;
    outcome.rows_added = written.rows_added;
    outcome.data_files_added = static_cast<int64_t>(written.added_data.size());
    outcome.data_files_removed = static_cast<int64_t>(written.removed_data.size());
    outcome.delete_files_added = static_cast<int64_t>(written.added_deletes.size());
    if (written.empty()) return outcome;

    RowDelta delta(table);
    for (const auto& f : written.added_data) delta.AddRows(f);
    for (const auto& f : written.removed_data) delta.RemoveRows(f);
    for (const auto& f : written.added_deletes) delta.AddDeletes(f);
    for (const auto& f : written.removed_deletes) delta.RemoveDeletes(f);
    if (const Snapshot* read = executor.read_snapshot()) {
      delta.ValidateFromSnapshot(read->snapshot_id);
    }
    if (ExprPtr filter = statement.scan_filter()) delta.ConflictDetectionFilter(filter);
    // Rows added meanwhile that the statement would have seen break serializability; deletes
    // of rows it read, or removal of files it rewrote or references, break both levels.
    if (settings.isolation == IsolationLevel::kSerializable) {
      delta.ValidateNoConflictingDataFiles();
    }
    delta.ValidateNoConflictingDeleteFiles();
    if (!written.referenced_data_files.empty()) {
      delta.ValidateDataFilesExist(written.referenced_data_files);
    }
    delta.SetSummary(std::string("floe.") + op + ".rows-removed",
                     std::to_string(written.rows_removed));
    auto snapshot = delta.Commit();
    if (snapshot.ok()) {
      outcome.snapshot = *snapshot;
      return outcome;
    }
    last = snapshot.status();
    if (IsCommitStateUnknown(last)) return last;
    written.DeleteFiles(*table->io());
    if (!IsValidationFailed(last) && !IsCommitConflict(last)) return last;
  }
  return ValidationFailed(std::string(table->identifier().ToString()) + ": the " + op +
                          " conflicts with concurrent commits and was given up after " +
                          std::to_string(outcome.executions) + " execution(s) (" + last.message() +
                          "); run it again");
}

}  // namespace floe::iceberg::row_level_internal
