#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/type/literal.h"

namespace floe::iceberg {

/// What a file in a manifest holds (spec: data_file.content).
enum class DataFileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

/// A data or delete file as a manifest describes it (spec: "Manifests", data_file struct).
struct DataFile {
  DataFileContent content = DataFileContent::kData;
  std::string file_path;
  std::string file_format = "PARQUET";
  int32_t spec_id = 0;             ///< from the manifest that lists it; not stored per entry
  std::vector<Literal> partition;  ///< one value per field of the partition spec, in order
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  /// Bounds in the spec's single-value binary serialization, keyed by field id.
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;
  std::optional<std::string> key_metadata;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;
  std::optional<int32_t> sort_order_id;
  /// v3 row lineage: the row id of the file's first row (spec: "Row Lineage").
  std::optional<int64_t> first_row_id;
  /// For position delete files and deletion vectors: the one data file whose rows they delete.
  std::optional<std::string> referenced_data_file;
  /// Deletion vectors: where the blob sits in its Puffin file.
  std::optional<int64_t> content_offset;
  std::optional<int64_t> content_size_in_bytes;

  /// A deletion vector (v3): position deletes kept as a Puffin blob.
  bool is_deletion_vector() const {
    return content == DataFileContent::kPositionDeletes && file_format == "PUFFIN";
  }
};

/// What tells one manifest entry's file from another: its path, and for a deletion vector also
/// its blob's offset, because one Puffin file holds the vectors of many data files.
inline std::string ContentFileKey(const DataFile& f) {
  return f.content_offset ? f.file_path + "@" + std::to_string(*f.content_offset) : f.file_path;
}

/// spec: manifest_entry.status
enum class ManifestEntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

/// One row of a manifest. Sequence numbers left empty on ADDED entries are inherited from
/// the manifest list when read (spec: "Sequence Number Inheritance").
struct ManifestEntry {
  ManifestEntryStatus status = ManifestEntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;
};

/// spec: manifest_file.content
enum class ManifestContent : int32_t { kData = 0, kDeletes = 1 };

/// Summary of one partition field over a manifest (spec: field_summary).
struct PartitionFieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  ///< single-value serialization
  std::optional<std::string> upper_bound;
};

/// Placeholder sequence number of a manifest written for a snapshot not yet committed; the
/// manifest list writer replaces it with the new snapshot's sequence number.
inline constexpr int64_t kUnassignedSequenceNumber = -1;

/// One row of a manifest list (spec: manifest_file struct).
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<PartitionFieldSummary> partitions;
  std::optional<std::string> key_metadata;
  /// v3 data manifests: the row id of the first row of the manifest's first file without a
  /// first_row_id of its own; assigned by the manifest list writer (spec: "Row Lineage").
  std::optional<int64_t> first_row_id;
};

}  // namespace floe::iceberg
