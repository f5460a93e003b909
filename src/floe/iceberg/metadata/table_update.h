#pragma once

// A table change as the Iceberg REST protocol describes it (spec: rest-catalog-open-api.yaml,
// "TableUpdate" and "TableRequirement"): a list of metadata updates, applied in order to the
// table's current metadata, and requirements that must hold on that metadata for the change to
// be valid. Every catalog commits through this model, so a change planned here is the same list
// whether the SQL catalog applies it locally or a REST catalog applies it on the server.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <arrow/status.h>

#include "floe/iceberg/metadata/snapshot.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/sort_order.h"

namespace floe::iceberg {

struct TableMetadata;

/// "Use the schema, spec or sort order added last in this change" (the spec's -1).
inline constexpr int32_t kLastAdded = -1;

// ---- Metadata updates (the REST "action" of each in a comment) ----

struct AssignUuid {  // assign-uuid
  std::string uuid;
};
struct UpgradeFormatVersion {  // upgrade-format-version
  int32_t format_version = 2;
};
struct AddSchema {  // add-schema
  std::shared_ptr<const Schema> schema;
  /// The table's last-column-id after this schema (the REST field "last-column-id").
  int32_t last_column_id = 0;
};
struct SetCurrentSchema {  // set-current-schema
  int32_t schema_id = kLastAdded;
};
struct AddPartitionSpec {  // add-spec
  PartitionSpec spec;
};
struct SetDefaultSpec {  // set-default-spec
  int32_t spec_id = kLastAdded;
};
struct AddSortOrder {  // add-sort-order
  SortOrder sort_order;
};
struct SetDefaultSortOrder {  // set-default-sort-order
  int32_t sort_order_id = kLastAdded;
};
struct AddSnapshot {  // add-snapshot
  Snapshot snapshot;
};
struct SetSnapshotRef {  // set-snapshot-ref
  std::string ref_name;
  SnapshotRef ref;
};
struct RemoveSnapshots {  // remove-snapshots
  std::vector<int64_t> snapshot_ids;
};
struct RemoveSnapshotRef {  // remove-snapshot-ref
  std::string ref_name;
};
struct SetLocation {  // set-location
  std::string location;
};
struct SetProperties {  // set-properties
  std::map<std::string, std::string> updates;
};
struct RemoveProperties {  // remove-properties
  std::vector<std::string> removals;
};

using TableUpdate =
    std::variant<AssignUuid, UpgradeFormatVersion, AddSchema, SetCurrentSchema, AddPartitionSpec,
                 SetDefaultSpec, AddSortOrder, SetDefaultSortOrder, AddSnapshot, SetSnapshotRef,
                 RemoveSnapshots, RemoveSnapshotRef, SetLocation, SetProperties,
                 RemoveProperties>;

/// The REST "action" name of an update, e.g. "add-schema".
const char* UpdateAction(const TableUpdate& update);

// ---- Requirements (the REST "type" of each in a comment) ----

struct AssertCreate {};  // assert-create: the table must not exist
struct AssertTableUuid {  // assert-table-uuid
  std::string uuid;
};
/// assert-ref-snapshot-id: the ref points at the snapshot, or does not exist when none.
struct AssertRefSnapshotId {
  std::string ref_name;
  std::optional<int64_t> snapshot_id;
};
struct AssertLastAssignedFieldId {  // assert-last-assigned-field-id
  int32_t last_assigned_field_id = 0;
};
struct AssertCurrentSchemaId {  // assert-current-schema-id
  int32_t current_schema_id = 0;
};
struct AssertLastAssignedPartitionId {  // assert-last-assigned-partition-id
  int32_t last_assigned_partition_id = 0;
};
struct AssertDefaultSpecId {  // assert-default-spec-id
  int32_t default_spec_id = 0;
};
struct AssertDefaultSortOrderId {  // assert-default-sort-order-id
  int32_t default_sort_order_id = 0;
};

using TableRequirement =
    std::variant<AssertCreate, AssertTableUuid, AssertRefSnapshotId, AssertLastAssignedFieldId,
                 AssertCurrentSchemaId, AssertLastAssignedPartitionId, AssertDefaultSpecId,
                 AssertDefaultSortOrderId>;

/// The REST "type" name of a requirement, e.g. "assert-ref-snapshot-id".
const char* RequirementType(const TableRequirement& requirement);

/// Checks a requirement against the table as it is now (`current` is nullptr when the table
/// does not exist). A failed requirement is a commit conflict (IsCommitConflict): the table
/// moved on since the change was planned, and the caller re-plans it against the fresh table.
arrow::Status CheckRequirement(const TableRequirement& requirement, const TableMetadata* current);
arrow::Status CheckRequirements(const std::vector<TableRequirement>& requirements,
                                const TableMetadata* current);

/// The requirements that make `updates`, planned against `base`, safe to apply to whatever the
/// table is at commit time (Java's UpdateRequirements): the table is the same table, and every
/// piece of metadata the updates were derived from is unchanged. `base` nullptr means a new
/// table (assert-create).
std::vector<TableRequirement> RequirementsFor(const TableMetadata* base,
                                              const std::vector<TableUpdate>& updates);

}  // namespace floe::iceberg
