#pragma once

// Writes the deletes of a merge-on-read change: position delete files in format v2, deletion
// vectors in format v3 (spec: "Deletion Vectors": one Puffin file per change, one vector per
// data file, merged with the file's earlier vector). Internal to floe_iceberg.

#include <arrow/result.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

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
  std::unique_ptr<PositionDeleteWriter> positions_;  ///< format v2
  std::vector<std::string> referenced_;  ///< data files given deletes
  // Format v3: the positions per data file, the data files, and the vectors they replace.
  bool deletion_vectors_ = false;
  std::string data_location_;
  std::map<std::string, PositionSet> deleted_;
  std::map<std::string, DataFile> data_files_;
  std::vector<DataFile> replaced_;
  std::vector<DataFile> written_;
};

}  // namespace floe::iceberg::row_level_internal
