#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/io/interfaces.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>
#include <arrow/util/type_fwd.h>

#include "floe/io/file_io.h"

namespace parquet {
class FileMetaData;
namespace arrow {
class FileWriter;
}  // namespace arrow
}  // namespace parquet

/// Parquet files, Iceberg-agnostic: field ids travel as `PARQUET:field_id` Arrow field
/// metadata, which the Parquet writer stores in the file schema and the reader restores.
namespace floe::pq {

/// How a Parquet file is written.
struct ParquetWriteOptions {
  /// Codec name, case-insensitive: zstd, snappy, gzip, lz4, brotli, uncompressed (or none).
  std::string compression = "zstd";
  /// Codec level; the codec's default when unset.
  std::optional<int> compression_level;
  /// A row group is flushed once this many bytes of Arrow data are buffered for it.
  int64_t row_group_size_bytes = 128LL * 1024 * 1024;
  /// And at most this many rows go in one row group.
  int64_t row_group_max_rows = 1024 * 1024;
  int64_t page_size_bytes = 1024 * 1024;
  int64_t dictionary_page_size_bytes = 2 * 1024 * 1024;
  /// Top-level columns written without a dictionary (see distinct_columns.h).
  std::vector<std::string> plain_columns;
  /// Extra footer key-value metadata.
  std::map<std::string, std::string> key_value_metadata;
};

/// The Arrow compression codec for a codec name (see ParquetWriteOptions::compression).
arrow::Result<arrow::Compression::type> CompressionFromName(std::string_view name);

/// A finished Parquet file.
struct ParquetWriteResult {
  std::string location;
  int64_t file_size = 0;
  int64_t num_rows = 0;
  std::shared_ptr<::parquet::FileMetaData> metadata;
};

/// Writes Arrow record batches of one schema into one Parquet file at a FileIO location.
/// Decimals are stored as INT32 / INT64 when their precision allows (like the Java and
/// Python Iceberg writers), timestamps and times keep microsecond precision.
class ParquetFileWriter {
 public:
  static arrow::Result<std::unique_ptr<ParquetFileWriter>> Open(
      io::FileIO& io, const std::string& location, std::shared_ptr<arrow::Schema> schema,
      const ParquetWriteOptions& options = {});
  ~ParquetFileWriter();

  /// Appends a batch; its schema must match the writer's (field metadata aside).
  arrow::Status Write(const arrow::RecordBatch& batch);
  /// Bytes the file would have if closed now: bytes already flushed plus the buffered row
  /// group scaled by the compression ratio seen so far. Used to roll files at a target size.
  int64_t EstimatedSize() const;
  int64_t num_rows() const { return num_rows_; }
  const std::string& location() const { return location_; }
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }

  /// Writes the footer and closes the file.
  arrow::Result<ParquetWriteResult> Close();

 private:
  ParquetFileWriter() = default;
  arrow::Status FlushRowGroup();

  std::string location_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::io::OutputStream> sink_;
  std::unique_ptr<::parquet::arrow::FileWriter> writer_;
  int64_t row_group_size_bytes_ = 0;
  int64_t buffered_bytes_ = 0;  // Arrow bytes in the open row group
  int64_t flushed_arrow_bytes_ = 0;
  int64_t flushed_file_bytes_ = 0;
  int64_t num_rows_ = 0;
  bool closed_ = false;
};

}  // namespace floe::pq
