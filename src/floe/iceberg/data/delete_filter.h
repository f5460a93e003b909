#pragma once

#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "floe/iceberg/data/position_set.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/type/schema.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Field ids of the position delete file columns file_path and pos (spec: "Position Delete
/// Files"; Java's MetadataColumns.DELETE_FILE_PATH / DELETE_FILE_POS). The pos id is also
/// that of the _pos metadata column (MetadataColumns.ROW_POSITION).
inline constexpr int32_t kDeleteFilePathFieldId = 2147483546;
inline constexpr int32_t kDeleteFilePosFieldId = 2147483545;

/// The rows of one equality delete file as keys: the values of its equality columns (in
/// ascending field id order), encoded so that equal values — a null equal to a null, as the
/// spec's "col IS NULL" rule says — give equal keys.
struct EqualityKeySet {
  std::vector<int32_t> field_ids;  ///< ascending
  std::unordered_set<std::string> keys;
};

/// Loads delete files for a scan and keeps them, so that a delete file naming many data
/// files (or an equality delete file applying to a whole partition) is read once.
class DeleteLoader {
 public:
  explicit DeleteLoader(std::shared_ptr<io::FileIO> io);
  ~DeleteLoader();

  /// The positions a position delete file or deletion vector deletes from one data file.
  /// Position delete files are read by their spec field ids (file_path 2147483546, pos
  /// 2147483545); rows naming other data files are kept for their own data files.
  arrow::Result<PositionSet> Positions(const DataFile& delete_file,
                                       const std::string& data_file_path);
  /// The keys of an equality delete file. `key_fields` holds, for each of its equality ids,
  /// the top-level table field that is or contains it, as the data files are read.
  arrow::Result<std::shared_ptr<const EqualityKeySet>> EqualityKeys(
      const DataFile& delete_file, const std::vector<NestedField>& key_fields);

 private:
  std::shared_ptr<io::FileIO> io_;
  // Position delete file → data file path → positions.
  std::map<std::string, std::shared_ptr<std::map<std::string, PositionSet>>> positions_;
  std::map<std::string, std::shared_ptr<const EqualityKeySet>> equality_;
};

/// The deletes of one data file, applied batch by batch as the file is read (spec: "Row-level
/// Deletes"): a row is dropped when its position is deleted, or when its values of the
/// equality columns of an equality delete file equal one of that file's rows.
class DeleteFilter {
 public:
  /// `deletes` are the delete files scan planning found for `data_file_path`; `schemas`, the
  /// table's schemas (the read schema first), resolve equality field ids — also of columns
  /// dropped since the delete was written, which the spec says still apply.
  static arrow::Result<std::unique_ptr<DeleteFilter>> Make(
      DeleteLoader& loader, const std::string& data_file_path, const std::vector<DataFile>& deletes,
      const std::vector<std::shared_ptr<const Schema>>& schemas);

  /// Top-level fields the data file must be read with for the equality deletes.
  const std::vector<NestedField>& equality_fields() const { return equality_fields_; }
  /// The deleted positions (sealed).
  const PositionSet& positions() const { return positions_; }
  bool empty() const { return positions_.empty() && groups_.empty(); }

  /// True for the rows of `batch` that are not deleted, or nullptr when none is. `batch` holds
  /// the fields of `batch_schema` (which include equality_fields()); `first_position` is the
  /// position of its first row in the data file.
  arrow::Result<std::shared_ptr<arrow::BooleanArray>> KeepMask(const arrow::RecordBatch& batch,
                                                               const Schema& batch_schema,
                                                               int64_t first_position) const;

 private:
  struct EqualityGroup {
    std::vector<int32_t> field_ids;
    std::vector<std::shared_ptr<const EqualityKeySet>> sets;
  };
  DeleteFilter() = default;

  PositionSet positions_;
  std::vector<EqualityGroup> groups_;
  std::vector<NestedField> equality_fields_;
};

/// The column of a (possibly nested) field of `batch`, found by id through `batch_schema`; a
/// struct field under a null struct reads as null. An error when the field is not there or
/// sits in a list or map.
arrow::Result<std::shared_ptr<arrow::Array>> ColumnByFieldId(const arrow::RecordBatch& batch,
                                                             const Schema& batch_schema,
                                                             int32_t field_id);

/// Appends the key encoding of row `row` of `column` to `key`: equal values (nulls included)
/// give equal bytes, integers and floats of any width widened first.
arrow::Status AppendKeyValue(const arrow::Array& column, int64_t row, std::string& key);

}  // namespace floe::iceberg
