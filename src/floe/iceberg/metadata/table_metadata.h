#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/metadata/snapshot.h"
#include "floe/iceberg/type/sort_order.h"

namespace floe::iceberg {

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

/// A table or partition statistics file entry (spec: "Table Statistics", "Partition
/// Statistics"). floe does not write them; it carries each entry through as its JSON text.
struct StatisticsFile {
  int64_t snapshot_id = 0;
  std::string statistics_path;
  std::string json;  ///< the whole entry, as read
};

/// An entry of the v3 "encryption-keys" list (spec: "Encryption Keys"). floe does not encrypt;
/// it carries each entry through as its JSON text.
struct EncryptionKey {
  std::string key_id;
  std::string json;  ///< the whole entry, as read
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

/// The table metadata file (spec: "Table Metadata"). floe reads and writes format versions 1,
/// 2 and 3. Immutable once built; changes go through table operations that produce a
/// new TableMetadata.
struct TableMetadata {
  int32_t format_version = 2;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<std::shared_ptr<const Schema>> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = kFirstPartitionFieldId - 1;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int32_t default_sort_order_id = 0;
  std::map<std::string, SnapshotRef> refs;
  /// Statistics files are carried through unchanged (floe does not write them).
  std::vector<StatisticsFile> statistics;
  std::vector<StatisticsFile> partition_statistics;
  /// v3: the row id the next snapshot's first-row-id starts at (spec: "Row Lineage"); 0 for
  /// tables below v3 and tables just upgraded.
  int64_t next_row_id = 0;
  /// v3: carried through unchanged (floe does not encrypt).
  std::vector<EncryptionKey> encryption_keys;

  std::shared_ptr<const Schema> CurrentSchema() const;
  std::shared_ptr<const Schema> SchemaById(int32_t schema_id) const;
  const PartitionSpec* SpecById(int32_t spec_id) const;
  const PartitionSpec& DefaultSpec() const;
  const Snapshot* SnapshotById(int64_t snapshot_id) const;
  const Snapshot* CurrentSnapshot() const;
  /// The snapshot that was current at a time (snapshot log), or nullptr if none was yet.
  const Snapshot* SnapshotAsOf(int64_t timestamp_ms) const;
  /// The snapshot a branch or tag points at, or nullptr.
  const Snapshot* SnapshotForRef(const std::string& ref) const;
  /// The format version of the manifests and manifest lists written for this table: its own
  /// from v2 on (v1 tables get v2 files, as floe has always written).
  int32_t ManifestFormatVersion() const { return format_version >= 3 ? format_version : 2; }
  /// A table property, or the fallback.
  std::string Property(const std::string& key, const std::string& fallback) const;
};

/// The highest table format version floe reads and writes.
inline constexpr int32_t kMaxFormatVersion = 3;

/// Parses table metadata JSON (v1, v2 or v3). Errors name `location` and what is wrong.
arrow::Result<std::shared_ptr<const TableMetadata>> ParseTableMetadata(
    std::string_view json, const std::string& location);
/// Serializes to the JSON of the metadata's format version, with every field the spec
/// requires for it.
std::string SerializeTableMetadata(const TableMetadata& metadata);

}  // namespace floe::iceberg
