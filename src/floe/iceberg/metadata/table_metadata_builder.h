#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/iceberg/metadata/table_update.h"

namespace floe::iceberg {

/// Applies metadata updates to a base metadata, validating each as the spec and Java's
/// TableMetadata.Builder do, and records the updates it applied: the list a catalog commits.
///
/// Every change goes through here, both when it is planned (an operation calls the typed
/// methods against the table it sees) and when a catalog applies a received update list to the
/// table as it is at commit time (Apply). Methods that would change nothing record nothing, so
/// re-adding an equal schema or spec reuses it, as the spec asks.
class TableMetadataBuilder {
 public:
  /// Changes to an existing table.
  explicit TableMetadataBuilder(const TableMetadata& base);
  /// A new table: start from nothing (format version `format_version`), then add a schema,
  /// spec, sort order, location and properties (see NewTable below).
  static TableMetadataBuilder ForCreate(int32_t format_version = 2);

  /// Applies one update of the REST model.
  arrow::Status Apply(const TableUpdate& update);
  arrow::Status ApplyAll(const std::vector<TableUpdate>& updates);

  arrow::Status AssignUuid(const std::string& uuid);
  /// Raises the format version (1 -> 2 -> 3, or straight to 3); never lowers it. Reaching v3
  /// starts row lineage at next-row-id 0.
  arrow::Status UpgradeFormatVersion(int32_t format_version);
  /// Adds a schema (field ids as given) or finds an equal one; returns its id. The schema id
  /// given is ignored: a new schema gets one past the highest. `last_column_id` may not move
  /// backwards and must cover the schema's highest field id.
  arrow::Result<int32_t> AddSchema(const Schema& schema, int32_t last_column_id);
  /// kLastAdded: the schema added last by this builder.
  arrow::Status SetCurrentSchema(int32_t schema_id);
  /// Adds a partition spec or finds a compatible one; returns its id. The spec id given is
  /// ignored. Fields must have ids (v2); each source field must exist in the current schema
  /// and its type accept the transform; names must be unique and not shadow another column.
  arrow::Result<int32_t> AddPartitionSpec(const PartitionSpec& spec);
  arrow::Status SetDefaultSpec(int32_t spec_id);
  /// Adds a sort order or finds an equal one; returns its id (0 for the unsorted order).
  arrow::Result<int32_t> AddSortOrder(const SortOrder& order);
  arrow::Status SetDefaultSortOrder(int32_t order_id);
  /// Adds a snapshot (not yet referenced by any branch). Its id must be new, its sequence
  /// number above the table's last one (v2), its parent (if any) a snapshot of the table. In
  /// v3 it must carry first-row-id (at or past the table's next-row-id) and added-rows, and
  /// the table's next-row-id moves to first-row-id + added-rows.
  arrow::Status AddSnapshot(const Snapshot& snapshot);
  /// Creates or moves a branch or tag. Moving `main` makes the snapshot current and adds it to
  /// the snapshot log.
  arrow::Status SetRef(const std::string& name, const SnapshotRef& ref);
  arrow::Status RemoveRef(const std::string& name);
  /// Removes snapshots, and the refs left pointing at none of them.
  arrow::Status RemoveSnapshots(const std::vector<int64_t>& snapshot_ids);
  arrow::Status SetLocation(const std::string& location);
  arrow::Status SetProperties(const std::map<std::string, std::string>& updates);
  arrow::Status RemoveProperties(const std::vector<std::string>& removals);

  /// The metadata as the updates so far make it (valid between calls; for operations of a
  /// transaction that build on the ones before).
  const TableMetadata& current() const { return metadata_; }
  /// The updates applied, in order, with "last added" ids where the spec uses them.
  const std::vector<TableUpdate>& updates() const { return updates_; }
  bool empty() const { return updates_.empty(); }

  /// The finished metadata: last-updated-ms set, and snapshot-log entries of snapshots that
  /// were current only in the middle of this change dropped (as Java does).
  arrow::Result<TableMetadata> Build() const;

 private:
  TableMetadataBuilder() = default;
  arrow::Status Fail(const std::string& what) const;

  TableMetadata metadata_;
  std::vector<TableUpdate> updates_;
  bool is_new_ = false;
  std::optional<int32_t> last_added_schema_id_;
  std::optional<int32_t> last_added_spec_id_;
  std::optional<int32_t> last_added_order_id_;
  /// What this builder itself added (and so may be named "last added" in its updates).
  std::set<int32_t> added_schema_ids_;
  std::set<int32_t> added_spec_ids_;
  std::set<int32_t> added_order_ids_;
  std::set<int64_t> added_snapshot_ids_;
  std::optional<int64_t> last_updated_ms_;
};

/// The update list of a new table (assign-uuid, upgrade-format-version, add-schema,
/// set-current-schema, add-spec, set-default-spec, add-sort-order, set-default-sort-order,
/// set-location, set-properties), applied to a builder. Field ids of the schema are kept;
/// the spec and sort order are numbered as the table's first (spec id 0; order id 1 if sorted,
/// else 0). The `format-version` property, if given, picks the version (2, the default, or 3) and is
/// not stored among the properties.
arrow::Result<TableMetadataBuilder> NewTable(const Schema& schema, const PartitionSpec& spec,
                                             const SortOrder& sort_order,
                                             const std::string& location,
                                             std::map<std::string, std::string> properties);

/// NewTable(...).Build().
arrow::Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                              const SortOrder& sort_order,
                                              const std::string& location,
                                              std::map<std::string, std::string> properties);

/// Records `previous_location` in the metadata log of a metadata about to replace it, keeping
/// at most `write.metadata.previous-versions-max` entries.
TableMetadata WithMetadataLogEntry(const TableMetadata& updated, const TableMetadata& previous,
                                   const std::string& previous_location);

/// A fresh snapshot id: positive, random, not used by the table yet.
int64_t NewSnapshotId(const TableMetadata& metadata);

/// Milliseconds since the epoch, now.
int64_t NowMs();

}  // namespace floe::iceberg
