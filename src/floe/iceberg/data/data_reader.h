#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/name_mapping.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

struct DataReadOptions {
  /// The table's name mapping (property schema.name-mapping.default); used only for files
  /// written without field ids.
  std::optional<NameMapping> name_mapping;
  /// Row groups to read (all when empty), e.g. one split of a file.
  std::vector<int> row_groups;
  int64_t batch_size = 64 * 1024;
};

/// The options a table's properties imply (its name mapping, when it has one).
arrow::Result<DataReadOptions> DataReadOptionsFromProperties(
    const std::map<std::string, std::string>& properties);

/// Reads a Parquet data file, written by anyone, as batches in a projected Iceberg schema
/// (spec: "Column Projection"): columns are found by field id, so renamed columns are read
/// under their new names; columns added after the file was written come back all null;
/// columns not projected, or dropped, are not read; int → long, float → double and wider
/// decimals are promoted. Files without field ids are read by name through the table's
/// name mapping, and are an error without one.
class DataFileReader {
 public:
  static arrow::Result<std::unique_ptr<DataFileReader>> Open(
      io::FileIO& io, const std::string& location, std::shared_ptr<const Schema> projected,
      const DataReadOptions& options = {});
  ~DataFileReader();

  /// The Arrow form of the projected schema (ToArrowSchema).
  const std::shared_ptr<arrow::Schema>& schema() const { return arrow_schema_; }
  /// Whether the file holds the projected top-level field with this id (else it reads as
  /// nulls).
  bool HasColumn(int32_t field_id) const;
  /// The next batch, or nullptr at the end. A batch never spans two row groups, so its rows
  /// sit at consecutive positions of the file.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Next();
  /// The position in the file (0-based, over all row groups) of the first row of the batch
  /// Next last returned; what position deletes (spec: "Position Delete Files") refer to.
  int64_t batch_position() const { return batch_position_; }

 private:
  struct Column;
  DataFileReader() = default;
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Project(const arrow::RecordBatch& batch);
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> NextFileBatch();

  std::string location_;
  std::shared_ptr<const Schema> projected_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  std::shared_ptr<arrow::Schema> file_schema_;  // with ids, from the file or the mapping
  std::unique_ptr<pq::ParquetFileReader> reader_;
  std::unique_ptr<arrow::RecordBatchReader> stream_;
  std::vector<Column> columns_;
  // The row groups read, in reading order: the file position of each one's first row and
  // its row count; and how far reading got (run, rows of it consumed).
  struct Run {
    int64_t start = 0;
    int64_t rows = 0;
  };
  std::vector<Run> runs_;
  size_t run_ = 0;
  int64_t run_consumed_ = 0;
  // The rest of a file batch that crossed into the next row group.
  std::shared_ptr<arrow::RecordBatch> pending_;
  int64_t batch_position_ = 0;
  int64_t batch_size_ = 0;
};

/// Reads a whole data file (or the row groups in options) in the projected schema.
arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadDataFile(
    io::FileIO& io, const std::string& location, const Schema& projected,
    const DataReadOptions& options = {});
/// The same for a manifest's data file; only Parquet data files are supported.
arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadDataFile(
    io::FileIO& io, const DataFile& file, const Schema& projected,
    const DataReadOptions& options = {});

}  // namespace floe::iceberg
