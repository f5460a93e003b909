#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/data/position_set.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

class DataWriter;

/// Names of the position delete file columns (their ids are in delete_filter.h).
inline constexpr const char* kDeleteFilePathName = "file_path";
inline constexpr const char* kDeleteFilePosName = "pos";

/// The schema of a position delete file: file_path string and pos long, both required.
std::shared_ptr<const Schema> PositionDeleteSchema();

/// Where and how delete files are written: like data files, under the table's data folder
/// (`<location>/data/<partition path>/`, or write.data.path), with the table's Parquet
/// properties.
struct DeleteWriterOptions {
  /// Put before every file name (see DataWriterOptions::file_prefix).
  std::string file_prefix;
  /// The table's name ("ns.t"), for errors.
  std::string table_name;
};

/// Writes position delete files (spec: "Position Delete Files"; Java's PositionDeleteWriter
/// and the Spark position delta writer's fan-out): takes deleted positions of any data files
/// of the table, and writes one Parquet file per partition of those data files — with the
/// data files' spec and partition tuple — whose rows are (file_path, pos) sorted by file_path
/// then pos, as the spec requires. Metrics are kept in full for file_path and pos except
/// value counts (as Java); when a file names a single data file its file_path bounds are that
/// path and referenced_data_file is set, so readers can tell which file it applies to.
///
/// Rows are held in memory until Close(): a position is 8 bytes, and sorting needs them all.
class PositionDeleteWriter {
 public:
  static arrow::Result<std::unique_ptr<PositionDeleteWriter>> Make(
      std::shared_ptr<io::FileIO> io, const TableMetadata& metadata,
      DeleteWriterOptions options = {});
  ~PositionDeleteWriter();

  /// Deletes row `position` of `data_file` (a live data file of the table).
  arrow::Status Delete(const DataFile& data_file, int64_t position);
  /// Deletes every position in `positions` (sealed or not) of `data_file`.
  arrow::Status Delete(const DataFile& data_file, const PositionSet& positions);

  /// Writes the files and returns them (content kPositionDeletes), one per partition, in the
  /// order partitions were first seen. No file is written for no deletes.
  arrow::Result<std::vector<DataFile>> Close();
  /// Deletes every file written so far (after a failed write or commit).
  arrow::Status Abort();

 private:
  struct Group;
  PositionDeleteWriter() = default;
  arrow::Result<Group*> GroupFor(const DataFile& data_file);
  arrow::Result<DataFile> WriteGroup(Group& group);

  std::shared_ptr<io::FileIO> io_;
  DeleteWriterOptions options_;
  std::map<int32_t, PartitionSpec> specs_;
  std::map<std::string, std::string> properties_;
  std::string data_location_;
  std::string write_uuid_;
  int64_t file_count_ = 0;
  std::map<std::string, std::unique_ptr<Group>> groups_;  // by spec id + partition path
  std::vector<Group*> group_order_;
  std::vector<DataFile> done_;
  bool closed_ = false;
};

/// Writes equality delete files (spec: "Equality Delete Files"; Java's EqualityDeleteWriter):
/// rows whose values in the equality columns delete every data row with equal values (nulls
/// match nulls) of a lower data sequence number in the same partition. Files hold the
/// equality columns and, when not among them, the partition source columns (the spec allows
/// extra columns), under their table field ids; they are partitioned by the table's default
/// spec and carry `equality_ids`.
class EqualityDeleteWriter {
 public:
  /// `equality_field_ids` are top-level primitive columns of the current schema (not float or
  /// double, as the spec forbids).
  static arrow::Result<std::unique_ptr<EqualityDeleteWriter>> Make(
      std::shared_ptr<io::FileIO> io, const TableMetadata& metadata,
      std::vector<int32_t> equality_field_ids, DeleteWriterOptions options = {});
  ~EqualityDeleteWriter();

  /// The schema rows are written in: the equality and partition source columns, in the
  /// table schema's order. Batches given to Write are in its Arrow form (ToArrowSchema).
  const std::shared_ptr<const Schema>& delete_schema() const { return delete_schema_; }
  arrow::Status Write(const arrow::RecordBatch& batch);

  arrow::Result<std::vector<DataFile>> Close();
  arrow::Status Abort();

 private:
  EqualityDeleteWriter() = default;
  std::shared_ptr<const Schema> delete_schema_;
  std::vector<int32_t> equality_ids_;
  std::unique_ptr<DataWriter> writer_;
};

}  // namespace floe::iceberg
