#pragma once
// The metadata tables of a table (Java's MetadataTableType; Spark's `db.t.snapshots`, …;
// PyIceberg's `table.inspect.*`), as Arrow tables.
//
// Column names, order and Arrow types follow PyIceberg 0.12's `table.inspect`, which follows
// Java's tables. Where floe differs from PyIceberg it is on purpose and said in the column's
// comment in the .cc file; in short:
// - times (committed_at, made_current_at, timestamp, last_updated_at) are timestamp[ms, UTC]:
//   Java types them timestamptz, PyIceberg drops the zone (timestamp[ms]) but fills in UTC.
// - strings and binaries inside `partition` and `readable_metrics` are utf8 / binary, as floe's
//   data path types them (ToArrowType); PyIceberg's schema_to_pyarrow makes them large_utf8 /
//   large_binary. A uuid bound is its 16 bytes (fixed_size_binary(16)).
// - readable_metrics has every primitive column by its full name, as Java's MetricsUtil, in
//   schema order, as PyIceberg (Java sorts them by name; PyIceberg lists the top-level columns
//   only). For a schema without nested columns this is PyIceberg's list exactly.
// Java types `content` and `status` as int, PyIceberg as int8 (floe follows PyIceberg); Java's
// entries.data_file has a spec_id that PyIceberg's has not (floe follows PyIceberg).
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

class Table;

/// Reads the metadata tables of one table state. Tables that take a snapshot id read that
/// snapshot (time travel, as PyIceberg's `inspect.files(snapshot_id=…)`); without one, the
/// current snapshot, and an empty table if there is none. An unknown id is a KeyError.
class MetadataTables {
 public:
  explicit MetadataTables(const Table& table);
  MetadataTables(std::shared_ptr<const TableMetadata> metadata, std::string metadata_location,
                 std::shared_ptr<io::FileIO> io);

  using Result = arrow::Result<std::shared_ptr<arrow::Table>>;
  using SnapshotId = std::optional<int64_t>;

  /// Every snapshot: committed_at, snapshot_id, parent_id, operation, manifest_list, summary
  /// (without "operation").
  Result Snapshots() const;
  /// The snapshot log: made_current_at, snapshot_id, parent_id, is_current_ancestor.
  Result History() const;
  /// Branches and tags: name, type (BRANCH / TAG), snapshot_id and the retention settings.
  Result Refs() const;
  /// The metadata log plus the current metadata file, each with the snapshot current then.
  Result MetadataLogEntries() const;

  /// The manifests of a snapshot, with partition_summaries as human-readable bounds.
  Result Manifests(SnapshotId snapshot_id = std::nullopt) const;
  /// The manifests of every snapshot, with reference_snapshot_id (a manifest shared by several
  /// snapshots appears once per snapshot).
  Result AllManifests() const;

  /// Live data and delete files of a snapshot, with readable_metrics.
  Result Files(SnapshotId snapshot_id = std::nullopt) const;
  Result DataFiles(SnapshotId snapshot_id = std::nullopt) const;
  Result DeleteFiles(SnapshotId snapshot_id = std::nullopt) const;
  /// Live files of every manifest of every snapshot, each distinct manifest read once.
  Result AllFiles() const;
  Result AllDataFiles() const;
  Result AllDeleteFiles() const;

  /// Every entry (existing, added and deleted) of the manifests of a snapshot.
  Result Entries(SnapshotId snapshot_id = std::nullopt) const;
  /// Every entry of every distinct manifest of every snapshot.
  Result AllEntries() const;

  /// Records, files and bytes of live data and delete files per partition of a snapshot.
  Result Partitions(SnapshotId snapshot_id = std::nullopt) const;

  const TableMetadata& metadata() const { return *metadata_; }
  const std::string& metadata_location() const { return metadata_location_; }
  io::FileIO& io() const { return *io_; }

 private:
  std::shared_ptr<const TableMetadata> metadata_;
  std::string metadata_location_;
  std::shared_ptr<io::FileIO> io_;
};

/// The names of the metadata tables, as Java's MetadataTableType spells them in lower case:
/// snapshots, history, refs, metadata_log_entries, manifests, all_manifests, files, data_files,
/// delete_files, all_files, all_data_files, all_delete_files, entries, all_entries, partitions.
const std::vector<std::string>& MetadataTableNames();

/// Whether the named table reads one snapshot (and so takes a snapshot id).
bool MetadataTableTakesSnapshot(std::string_view name);

/// The named metadata table; an unknown name is Invalid and lists the names, a snapshot id
/// given to a table that does not take one is Invalid.
arrow::Result<std::shared_ptr<arrow::Table>> ReadMetadataTable(const MetadataTables& tables,
                                                               std::string_view name,
                                                               std::optional<int64_t> snapshot_id);

}  // namespace floe::iceberg
