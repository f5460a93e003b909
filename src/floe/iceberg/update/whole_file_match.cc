#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/iceberg/update/whole_file_match_internal.h"

namespace floe::iceberg::row_level_internal {

arrow::Result<WholeFileMatcher> WholeFileMatcher::Make(const TableMetadata& metadata,
                                                       const Schema& schema, ExprPtr bound_filter) {
  std::map<int32_t, StrictPartitionEvaluator> partitions;
  for (const PartitionSpec& spec : metadata.partition_specs) {
    ARROW_ASSIGN_OR_RAISE(auto evaluator,
                          StrictPartitionEvaluator::Make(spec, schema, bound_filter));
    partitions.emplace(spec.spec_id(), std::move(evaluator));
  }
  return WholeFileMatcher(std::move(bound_filter), std::move(partitions));
}

bool WholeFileMatcher::AllRowsMatch(const DataFile& file, const ExprPtr& residual) const {
  if (residual != nullptr && residual->op() == Op::kTrue) return true;
  if (residual != nullptr && residual->op() == Op::kFalse) return false;
  auto it = partitions_.find(file.spec_id);
  if (it != partitions_.end() && it->second.MustMatch(file)) return true;
  if (metrics_.MustMatch(file)) return true;
  return residual != nullptr && StrictMetricsEvaluator(residual).MustMatch(file);
}

arrow::Result<int64_t> LiveRows(const std::shared_ptr<io::FileIO>& io, const TableMetadata& md,
                                const FileScanTask& task,
                                const std::shared_ptr<DeleteLoader>& loader) {
  if (task.deletes.empty()) return task.file.record_count;
  bool positions_only = task.file.record_count >= 0;
  for (const auto& d : task.deletes) {
    positions_only = positions_only && d.file.content == DataFileContent::kPositionDeletes;
  }
  if (positions_only) {
    PositionSet deleted;
    for (const auto& d : task.deletes) {
      ARROW_ASSIGN_OR_RAISE(auto positions, loader->Positions(d.file, task.file.file_path));
      deleted.AddAll(positions);
    }
    deleted.Seal();
    const auto gone = deleted.InRange(0, task.file.record_count);
    return task.file.record_count - static_cast<int64_t>(gone.size());
  }
  TaskReadOptions options;
  options.apply_residual = false;
  options.delete_loader = loader;
  // No column is needed to count rows.
  auto none = std::make_shared<const Schema>(0, std::vector<NestedField>{});
  ARROW_ASSIGN_OR_RAISE(auto reader, ReadTask(io, md, task, none, options));
  int64_t rows = 0;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    rows += batch->num_rows();
  }
  return rows;
}

}  // namespace floe::iceberg::row_level_internal
