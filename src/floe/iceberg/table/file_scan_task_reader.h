#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>

#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// The _pos metadata column: a row's position in its data file (Java's
/// MetadataColumns.ROW_POSITION; the id of the pos column of position delete files).
inline constexpr int32_t kRowPositionFieldId = kDeleteFilePosFieldId;
inline constexpr const char* kRowPositionColumn = "_pos";

struct TaskReadOptions {
  DataReadOptions data;
  /// Drop the rows task.residual rejects (else only deleted rows are dropped).
  bool apply_residual = true;
  /// Append a trailing int64 column "_pos" (field id 2147483545) with each row's position
  /// in the data file.
  bool with_row_position = false;
  /// The schema task.residual is bound to; the metadata's current schema when null.
  std::shared_ptr<const Schema> residual_schema;
  /// Delete files read so far, shared by the tasks of one scan so that each is read once; a
  /// fresh one per call when null.
  std::shared_ptr<DeleteLoader> delete_loader;
};

/// Reads one scan task (Java's DeleteFilter + the data reader of a FileScanTask): the data
/// file's rows in `projected`, without the rows its delete files delete (positions from
/// position delete files and deletion vectors, keys from equality deletes, whose columns are
/// read even when not projected) and, with apply_residual, without the rows task.residual
/// rejects. Batches come one at a time; the file stays open until the reader is done.
arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ReadTask(
    std::shared_ptr<io::FileIO> io, const TableMetadata& metadata, const FileScanTask& task,
    std::shared_ptr<const Schema> projected, TaskReadOptions options = {});

}  // namespace floe::iceberg
