#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <memory>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// The rows of a task's data file that are live — every delete in task.deletes applied, the
/// residual not (a compaction rewrites whole files) — in `schema`, batch by batch. `deletes`
/// is shared by the tasks of one compaction, so each delete file is read once.
inline arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> OpenLiveRows(
    const std::shared_ptr<io::FileIO>& io, const TableMetadata& metadata, const FileScanTask& task,
    const std::shared_ptr<const Schema>& schema, const std::shared_ptr<DeleteLoader>& deletes) {
  TaskReadOptions options;
  ARROW_ASSIGN_OR_RAISE(options.data, DataReadOptionsFromProperties(metadata.properties));
  options.apply_residual = false;
  options.delete_loader = deletes;
  return ReadTask(io, metadata, task, schema, std::move(options));
}

}  // namespace floe::iceberg
