#include "floe/iceberg/update/delete_rows.h"

#include <arrow/compute/api.h>
#include <arrow/table.h>

#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/data/delete_writer.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/conflict_validation.h"
#include "floe/iceberg/update/row_delta.h"
#include "floe/iceberg/update/row_level_deletes_internal.h"
#include "floe/iceberg/update/whole_file_match_internal.h"
#include "floe/util/failpoint.h"

namespace floe::iceberg {
namespace {

// The rows of one data file split by the filter.
struct FileSplit {
  int64_t live = 0;                                       ///< rows not already deleted
  int64_t matched = 0;                                    ///< live rows the filter matches
  PositionSet positions;                                  ///< of the matched rows
  std::vector<std::shared_ptr<arrow::RecordBatch>> kept;  ///< live rows not matched
};

arrow::Result<FileSplit> Split(const std::shared_ptr<io::FileIO>& io, const TableMetadata& md,
                               const FileScanTask& task,
                               const std::shared_ptr<const Schema>& schema, const ExprPtr& bound,
                               bool keep_rows, const std::shared_ptr<DeleteLoader>& loader) {
  TaskReadOptions options;
  ARROW_ASSIGN_OR_RAISE(options.data, DataReadOptionsFromProperties(md.properties));
  options.apply_residual = false;
  options.with_row_position = true;
  options.residual_schema = schema;
  options.delete_loader = loader;
  ARROW_ASSIGN_OR_RAISE(auto reader, ReadTask(io, md, task, schema, options));
  FileSplit split;
  const int data_columns = static_cast<int>(schema->fields().size());
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    split.live += batch->num_rows();
    auto positions = std::static_pointer_cast<arrow::Int64Array>(batch->column(data_columns));
    ARROW_ASSIGN_OR_RAISE(auto rows, batch->RemoveColumn(data_columns));
    ARROW_ASSIGN_OR_RAISE(auto matches, FilterMask(bound, *schema, *rows));
    for (int64_t i = 0; i < matches->length(); ++i) {
      if (matches->Value(i)) split.positions.Add(positions->Value(i));
    }
    split.matched += matches->true_count();
    if (keep_rows && matches->true_count() < rows->num_rows()) {
      ARROW_ASSIGN_OR_RAISE(auto keep_mask, arrow::compute::Invert(matches));
      ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Filter(rows, keep_mask));
      split.kept.push_back(kept.record_batch());
    }
  }
  split.positions.Seal();
  return split;
}

}  // namespace

arrow::Result<DeleteRowsResult> DeleteRows(const std::shared_ptr<Table>& table, ExprPtr filter,
                                           const DeleteRowsOptions& options) {
  if (filter == nullptr) filter = Expression::True();
  const auto metadata = table->metadata_ptr();  // kept: the commit replaces the table's state
  const TableMetadata& md = *metadata;
  const std::string name = table->identifier().ToString();
  ARROW_ASSIGN_OR_RAISE(
      auto settings, RowLevelSettings::FromProperties(md.properties, RowLevelOperation::kDelete));
  DeleteRowsResult result;
  result.mode = options.mode.value_or(settings.mode);
  result.isolation = options.isolation.value_or(settings.isolation);
  const Snapshot* start = md.SnapshotForRef(options.branch);
  if (start == nullptr) {
    if (options.branch != kMainBranch && md.refs.count(options.branch) == 0) {
      return arrow::Status::KeyError("table ", name, " has no branch '", options.branch, "'");
    }
    return result;  // an empty table: nothing to delete
  }
  if (result.mode == RowLevelMode::kMergeOnRead && md.format_version < 2) {
    return arrow::Status::Invalid("table ", name,
                                  " is format version 1, which has no delete files; upgrade its "
                                  "format-version to 2 or use write.delete.mode=copy-on-write");
  }

  ScanOptions scan_options;
  scan_options.filter = filter;
  scan_options.snapshot_id = start->snapshot_id;
  ARROW_ASSIGN_OR_RAISE(auto scan, TableScan::Make(*table, scan_options));
  ARROW_ASSIGN_OR_RAISE(auto tasks, scan.PlanFiles());
  auto schema = md.CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(filter, *schema));
  bound = RewriteNot(bound);
  ARROW_ASSIGN_OR_RAISE(auto whole_files,
                        row_level_internal::WholeFileMatcher::Make(md, *schema, bound));
  auto io = table->io();
  auto loader = std::make_shared<DeleteLoader>(io);

  RowDelta delta(table);
  std::vector<std::string> written;  // removed again if the commit fails
  // Position delete files (v2) or deletion vectors (v3), created only for merge-on-read.
  std::unique_ptr<row_level_internal::RowDeleteWriter> position_deletes;
  auto remove_whole = [&](const FileScanTask& task) {
    delta.RemoveRows(task.file);
    ++result.data_files_removed;
    for (const auto& d : task.deletes) {
      if (DeleteFileOnlyFor(d.file, task.file.file_path)) {
        delta.RemoveDeletes(d.file);
        ++result.delete_files_removed;
      }
    }
  };
  auto cleanup = [&] {
    for (const auto& f : written) (void)io->Delete(f);
  };

  for (const auto& task : tasks) {
    if (task.residual != nullptr && task.residual->op() == Op::kFalse) continue;
    if (whole_files.AllRowsMatch(task.file, task.residual)) {
      // The partition or the metrics prove every row matches: drop the file unread.
      auto live = row_level_internal::LiveRows(io, md, task, loader);
      if (!live.ok()) return live.status();
      result.rows_deleted += *live;
      remove_whole(task);
      continue;
    }
    const bool copy_on_write = result.mode == RowLevelMode::kCopyOnWrite;
    auto split = Split(io, md, task, schema, bound, copy_on_write, loader);
    if (!split.ok()) {
      cleanup();
      return split.status();
    }
    if (split->matched == 0) continue;
    result.rows_deleted += split->matched;
    if (split->matched == split->live) {
      remove_whole(task);
      continue;
    }
    if (copy_on_write) {
      auto kept = arrow::Table::FromRecordBatches(split->kept);
      auto files = kept.ok() ? WriteDataFiles(*table, **kept)
                             : arrow::Result<std::vector<DataFile>>(kept.status());
      if (!files.ok()) {
        cleanup();
        return files.status();
      }
      remove_whole(task);
      --result.data_files_removed;
      ++result.data_files_rewritten;
      for (auto& f : *files) {
        written.push_back(f.file_path);
        delta.AddRows(std::move(f));
        ++result.data_files_added;
      }
    } else {
      if (!position_deletes) {
        ARROW_ASSIGN_OR_RAISE(position_deletes,
                              row_level_internal::RowDeleteWriter::Make(table, md));
      }
      ARROW_RETURN_NOT_OK(position_deletes->Delete(task, split->positions));
    }
  }
  std::vector<std::string> referenced;
  if (position_deletes) {
    auto delete_files = position_deletes->Close();
    if (!delete_files.ok()) {
      (void)position_deletes->Abort();
      cleanup();
      return delete_files.status();
    }
    for (auto& f : delete_files->added) {
      written.push_back(f.file_path);
      delta.AddDeletes(std::move(f));
      ++result.delete_files_added;
    }
    for (auto& f : delete_files->removed) {
      delta.RemoveDeletes(std::move(f));
      ++result.delete_files_removed;
    }
    referenced = std::move(delete_files->referenced_data_files);
  }
  if (result.rows_deleted == 0) return result;

  delta.ValidateFromSnapshot(start->snapshot_id)
      .ConflictDetectionFilter(filter)
      .ValidateNoConflictingDeleteFiles()
      .ValidateDataFilesExist(std::move(referenced));
  if (result.isolation == IsolationLevel::kSerializable) delta.ValidateNoConflictingDataFiles();
  delta.ToBranch(options.branch);
  util::PausePoint("before-delete-commit");
  auto snapshot = delta.Commit();
  if (!snapshot.ok()) {
    if (!IsCommitStateUnknown(snapshot.status())) cleanup();
    return snapshot.status();
  }
  result.snapshot = std::move(*snapshot);
  return result;
}

}  // namespace floe::iceberg
