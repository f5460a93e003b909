#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/data_file_metrics.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/sort_order.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {


/// Where and how a DataWriter writes.
struct DataWriterOptions {
  /// The table's base location; files go under `<location>/data/` unless the table property
  /// write.data.path names another folder.
  std::string table_location;
  std::shared_ptr<const Schema> schema;
  PartitionSpec spec;
  std::map<std::string, std::string> properties;
  /// Numbers in the file names `[prefix]<partition_id>-<task_id>-<uuid>-<n>.parquet` (like
  /// Java's).
  int32_t partition_id = 0;
  int64_t task_id = 0;
  /// Put before every file name: a writer's run names its files so that they can be found
  /// again (ingest removes what a killed run wrote and never committed by it).
  std::string file_prefix;
  /// Recorded on every data file when set (the id of `sort_order` when that has fields).
  std::optional<int32_t> sort_order_id;
  /// When it has fields, the rows of every file are sorted by it (the table's default sort
  /// order). The rows of a partition are then held in memory until they reach the target file
  /// size, sorted and written as one file; unsorted tables stream as they come.
  SortOrder sort_order;
  /// The table's name ("ns.t"), for errors: a full disk should say whose file it was.
  std::string table_name;
};

/// The partitioned data writer: takes record batches in the table schema's Arrow form
/// (`ToArrowSchema`; the caller casts), computes each row's partition tuple with the spec's
/// transforms, fans rows out to one open Parquet file per partition under
/// `<data>/<PartitionSpec::PartitionPath>/`, rolls a file once it reaches the target size,
/// and returns the finished files with partition values, counts, sizes and column metrics.
class DataWriter {
 public:
  static arrow::Result<std::unique_ptr<DataWriter>> Make(std::shared_ptr<io::FileIO> io,
                                                         DataWriterOptions options);
  ~DataWriter();

  /// Appends rows. Columns must follow the schema's top-level fields in order with its
  /// Arrow types — a string or binary column may also come dictionary-encoded, which the
  /// Parquet writer takes without hashing each value; required top-level columns must hold
  /// no nulls.
  arrow::Status Write(const arrow::RecordBatch& batch);
  /// Closes every open file and returns all files written, in the order they were finished.
  arrow::Result<std::vector<DataFile>> Close();
  /// Closes and deletes every file written so far (used when a write or commit fails).
  arrow::Status Abort();

 private:
  struct OpenFile;
  struct Partition;

  DataWriter() = default;
  arrow::Status WriteToPartition(Partition* partition,
                                 const std::shared_ptr<arrow::RecordBatch>& rows);
  arrow::Status WriteRows(Partition* partition, const arrow::RecordBatch& rows);
  /// Sorts the rows a partition holds and writes them as one file (sorted tables).
  arrow::Status FlushSorted(Partition* partition);
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Sort(
      const std::shared_ptr<arrow::RecordBatch>& rows) const;
  arrow::Status CloseFile(Partition* partition);
  arrow::Result<std::vector<std::vector<Literal>>> PartitionColumns(
      const arrow::RecordBatch& batch) const;
  std::string NextFileLocation(const Partition& partition);
  /// Adds the table's name to an error of one of its files.
  arrow::Status InTable(const arrow::Status& status) const;

  std::shared_ptr<io::FileIO> io_;
  DataWriterOptions options_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  MetricsConfig metrics_config_;
  pq::ParquetWriteOptions parquet_options_;
  int64_t target_file_size_ = property::kDefaultTargetFileSizeBytes;
  std::string data_location_;
  std::string write_uuid_;
  int64_t file_count_ = 0;
  // Per partition field: the path of top-level / nested struct indices to its source column.
  std::vector<std::vector<int>> source_paths_;
  std::vector<TypePtr> source_types_;
  // Per sort field: the path to its source column and the column's type.
  std::vector<std::vector<int>> sort_paths_;
  std::vector<TypePtr> sort_types_;
  std::unordered_map<std::string, std::unique_ptr<Partition>> partitions_;
  std::vector<Partition*> partition_order_;
  std::vector<DataFile> done_;
  bool closed_ = false;
};

}  // namespace floe::iceberg
