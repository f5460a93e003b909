#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "floe/io/file_io.h"

namespace parquet {
class FileMetaData;
namespace arrow {
class FileReader;
}  // namespace arrow
}  // namespace parquet

namespace floe::pq {

/// Arrow field metadata key holding a Parquet field id.
inline constexpr const char* kFieldIdKey = "PARQUET:field_id";

/// The field id stored in an Arrow field's metadata, or nullopt.
std::optional<int32_t> FieldIdOf(const arrow::Field& field);

struct ParquetReadOptions {
  /// Rows per returned batch.
  int64_t batch_size = 64 * 1024;
};

/// Reads a Parquet file at a FileIO location as Arrow data.
class ParquetFileReader {
 public:
  static arrow::Result<std::unique_ptr<ParquetFileReader>> Open(
      io::FileIO& io, const std::string& location, const ParquetReadOptions& options = {});
  ~ParquetFileReader();

  const std::string& location() const { return location_; }
  /// The file's Arrow schema; fields carry `PARQUET:field_id` metadata where the file has
  /// field ids (nested fields, list elements and map keys / values too).
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  const std::shared_ptr<::parquet::FileMetaData>& metadata() const { return metadata_; }
  int num_row_groups() const;
  int64_t num_rows() const;
  /// Rows in one row group.
  int64_t row_group_num_rows(int row_group) const;

  /// Streams the given top-level columns (indices into schema(), in that order; all columns
  /// when empty) of the given row groups (all when empty). The reader must outlive the
  /// returned stream.
  arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ReadBatches(
      const std::vector<int>& columns, const std::vector<int>& row_groups = {});
  /// Reads them all into memory.
  arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadAll(
      const std::vector<int>& columns, const std::vector<int>& row_groups = {});

 private:
  ParquetFileReader() = default;

  std::string location_;
  std::unique_ptr<::parquet::arrow::FileReader> reader_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<::parquet::FileMetaData> metadata_;
};

}  // namespace floe::pq
