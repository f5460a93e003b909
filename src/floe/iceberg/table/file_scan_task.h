#pragma once

#include <cstdint>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"

namespace floe::iceberg {

/// A delete file (position deletes, a deletion vector or equality deletes) as scan planning
/// found it, with the data sequence number that decides which data files it applies to
/// (spec: "Scan Planning").
struct DeleteFile {
  DataFile file;
  int64_t data_sequence_number = 0;
};

/// A data file to read: the delete files that apply to it, and the part of the row filter its
/// partition does not already decide.
struct FileScanTask {
  DataFile file;
  /// The data file's data sequence number (0 for v1 tables).
  int64_t data_sequence_number = 0;
  /// Position deletes and deletion vectors that may name this file, and equality deletes
  /// with a lower data sequence number in its partition (or global ones).
  std::vector<DeleteFile> deletes;
  /// The bound row filter still to apply to this file's rows; null means every row is kept
  /// (the whole filter).
  ExprPtr residual;
};

}  // namespace floe::iceberg
