#pragma once

// Writes the deletes of a merge-on-read change: position delete files for format v2, and
// deletion vectors for v3 (spec: "Deletion Vectors": at most one per data file, so a data
// file's existing vector is merged into the new one and replaced). Internal to floe_iceberg.

#include <memory>
#include <map>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/data/position_set.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {
class PositionDeleteWriter;
}

namespace floe::iceberg::row_level_internal {

class RowDeleteWriter {
 public:
  static arrow::Result<std::unique_ptr<RowDeleteWriter>> Make(const std::shared_ptr<Table>& table,
                                                              const TableMetadata& metadata);
  ~RowDeleteWriter();

  /// Deletes `positions` (sealed) of the task's data file.
  arrow::Status Delete(const FileScanTask& task, const PositionSet& positions);

  struct Result {
    std::vector<DataFile> added;    ///< new delete files
    std::vector<DataFile> removed;  ///< deletion vectors the new ones replace
    std::vector<std::string> referenced_data_files;
  };
  arrow::Result<Result> Close();
  /// Removes the files written (after a failure).
  arrow::Status Abort();

 private:
  RowDeleteWriter() = default;
  std::shared_ptr<Table> table_;
  std::unique_ptr<PositionDeleteWriter> positions_;
  std::vector<std::string> referenced_;  ///< data files given deletes
};

}  // namespace floe::iceberg::row_level_internal
