#include "floe/iceberg/metadata/table_metadata_builder.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <unordered_set>

#include "floe/util/properties.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NewSnapshotId(const TableMetadata& metadata) {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  while (true) {
    // Java derives ids from a UUID and keeps them positive; any unused positive long works.
    auto id = static_cast<int64_t>(rng() & 0x7fffffffffffffffULL);
    if (id != 0 && metadata.SnapshotById(id) == nullptr) return id;
  }
}

TableMetadataBuilder::TableMetadataBuilder(const TableMetadata& base) : metadata_(base) {}

TableMetadataBuilder TableMetadataBuilder::ForCreate(int32_t format_version) {
  TableMetadataBuilder builder;
  builder.is_new_ = true;
  builder.metadata_.format_version = format_version;
  builder.metadata_.last_column_id = 0;
  builder.metadata_.current_schema_id = -1;
  builder.metadata_.default_spec_id = -1;
  builder.metadata_.default_sort_order_id = -1;
  builder.metadata_.last_partition_id = kFirstPartitionFieldId - 1;
  builder.updates_.push_back(iceberg::UpgradeFormatVersion{format_version});
  return builder;
}

arrow::Status TableMetadataBuilder::Fail(const std::string& what) const {
  return arrow::Status::Invalid("cannot update table metadata: ", what);
}

arrow::Status TableMetadataBuilder::Apply(const TableUpdate& update) {
  return std::visit(
      [&](const auto& u) -> arrow::Status {
        using U = std::decay_t<decltype(u)>;
        if constexpr (std::is_same_v<U, iceberg::AssignUuid>) {
          return AssignUuid(u.uuid);
        } else if constexpr (std::is_same_v<U, iceberg::UpgradeFormatVersion>) {
          return UpgradeFormatVersion(u.format_version);
        } else if constexpr (std::is_same_v<U, iceberg::AddSchema>) {
          if (u.schema == nullptr) return Fail("add-schema without a schema");
          return AddSchema(*u.schema, u.last_column_id).status();
        } else if constexpr (std::is_same_v<U, iceberg::SetCurrentSchema>) {
          return SetCurrentSchema(u.schema_id);
        } else if constexpr (std::is_same_v<U, iceberg::AddPartitionSpec>) {
          return AddPartitionSpec(u.spec).status();
        } else if constexpr (std::is_same_v<U, iceberg::SetDefaultSpec>) {
          return SetDefaultSpec(u.spec_id);
        } else if constexpr (std::is_same_v<U, iceberg::AddSortOrder>) {
          return AddSortOrder(u.sort_order).status();
        } else if constexpr (std::is_same_v<U, iceberg::SetDefaultSortOrder>) {
          return SetDefaultSortOrder(u.sort_order_id);
        } else if constexpr (std::is_same_v<U, iceberg::AddSnapshot>) {
          return AddSnapshot(u.snapshot);
        } else if constexpr (std::is_same_v<U, SetSnapshotRef>) {
          return SetRef(u.ref_name, u.ref);
        } else if constexpr (std::is_same_v<U, iceberg::RemoveSnapshots>) {
          return RemoveSnapshots(u.snapshot_ids);
        } else if constexpr (std::is_same_v<U, RemoveSnapshotRef>) {
          return RemoveRef(u.ref_name);
        } else if constexpr (std::is_same_v<U, iceberg::SetLocation>) {
          return SetLocation(u.location);
        } else if constexpr (std::is_same_v<U, iceberg::SetProperties>) {
          return SetProperties(u.updates);
        } else {
          static_assert(std::is_same_v<U, iceberg::RemoveProperties>);
          return RemoveProperties(u.removals);
        }
      },
      update);
}

arrow::Status TableMetadataBuilder::ApplyAll(const std::vector<TableUpdate>& updates) {
  for (const auto& update : updates) ARROW_RETURN_NOT_OK(Apply(update));
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::AssignUuid(const std::string& uuid) {
  if (uuid.empty()) return Fail("assign-uuid with an empty uuid");
  if (uuid == metadata_.table_uuid) return arrow::Status::OK();
  if (!is_new_ && !metadata_.table_uuid.empty()) {
    return Fail("the table uuid cannot change (is " + metadata_.table_uuid + ")");
  }
  metadata_.table_uuid = uuid;
  updates_.push_back(iceberg::AssignUuid{uuid});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::UpgradeFormatVersion(int32_t format_version) {
  if (format_version == metadata_.format_version) return arrow::Status::OK();
  if (format_version < metadata_.format_version) {
    return Fail("cannot downgrade format version " + std::to_string(metadata_.format_version) +
                " to " + std::to_string(format_version));
  }
  if (format_version > kMaxFormatVersion) {
    return Fail("format version " + std::to_string(format_version) +
                " is not supported; floe writes versions up to " +
                std::to_string(kMaxFormatVersion));
  }
  // Java's TableMetadata.Builder.upgradeFormatVersion: nothing else changes. A table reaching
  // v3 starts row lineage at next-row-id 0; its older snapshots and manifests carry no row ids
  // (spec: "Row Lineage", upgrading).
  if (metadata_.format_version < 3 && format_version >= 3) metadata_.next_row_id = 0;
  metadata_.format_version = format_version;
  updates_.push_back(iceberg::UpgradeFormatVersion{format_version});
  return arrow::Status::OK();
}

arrow::Result<int32_t> TableMetadataBuilder::AddSchema(const Schema& schema,
                                                       int32_t last_column_id) {
  if (last_column_id < metadata_.last_column_id) {
    return Fail("last-column-id may not decrease (from " +
                std::to_string(metadata_.last_column_id) + " to " + std::to_string(last_column_id) +
                ")");
  }
  if (schema.HighestFieldId() > last_column_id) {
    return Fail("schema uses field id " + std::to_string(schema.HighestFieldId()) +
                " above last-column-id " + std::to_string(last_column_id));
  }
  if (auto version = schema.CheckFormatVersion(metadata_.format_version); !version.ok()) {
    return Fail(version.message());
  }
  for (int32_t id : schema.identifier_field_ids()) {
    const NestedField* field = schema.FindFieldById(id);
    if (field == nullptr) {
      return Fail("identifier field id " + std::to_string(id) + " is not in the schema");
    }
    if (!field->required || !field->type->is_primitive()) {
      return Fail("identifier field '" + schema.FindColumnName(id) +
                  "' must be a required primitive column");
    }
  }
  // An equal schema is reused rather than added again (spec: schemas are never repeated).
  std::optional<int32_t> found;
  int32_t highest = -1;
  for (const auto& existing : metadata_.schemas) {
    highest = std::max(highest, existing->schema_id());
    if (existing->SameFields(schema)) found = existing->schema_id();
  }
  if (found && last_column_id == metadata_.last_column_id) {
    last_added_schema_id_ = *found;
    return *found;
  }
  int32_t id = found ? *found : highest + 1;
  if (!found) {
    auto added = std::make_shared<const Schema>(id, schema.fields(), schema.identifier_field_ids());
    metadata_.schemas.push_back(added);
    updates_.push_back(iceberg::AddSchema{added, last_column_id});
  } else {
    updates_.push_back(iceberg::AddSchema{metadata_.SchemaById(id), last_column_id});
  }
  added_schema_ids_.insert(id);
  metadata_.last_column_id = last_column_id;
  last_added_schema_id_ = id;
  return id;
}

arrow::Status TableMetadataBuilder::SetCurrentSchema(int32_t schema_id) {
  if (schema_id == kLastAdded) {
    if (!last_added_schema_id_) return Fail("set-current-schema -1 before any add-schema");
    schema_id = *last_added_schema_id_;
  }
  if (metadata_.SchemaById(schema_id) == nullptr) {
    return Fail("no schema with id " + std::to_string(schema_id));
  }
  if (schema_id == metadata_.current_schema_id) return arrow::Status::OK();
  metadata_.current_schema_id = schema_id;
  // "Last added" only names a schema this change's own add-schema carries; a reused one is
  // named by id, or a catalog replaying the list would find nothing added.
  bool last = last_added_schema_id_ == schema_id && added_schema_ids_.count(schema_id);
  updates_.push_back(iceberg::SetCurrentSchema{last ? kLastAdded : schema_id});
  return arrow::Status::OK();
}

arrow::Result<int32_t> TableMetadataBuilder::AddPartitionSpec(const PartitionSpec& spec) {
  auto schema = metadata_.CurrentSchema();
  if (schema == nullptr) return Fail("add-spec before the table has a schema");
  std::unordered_set<std::string> names;
  std::unordered_set<int32_t> ids;
  for (const auto& field : spec.fields()) {
    if (metadata_.format_version >= 2 && field.field_id < kFirstPartitionFieldId) {
      return Fail("partition field '" + field.name + "' has no field id (v2 requires one)");
    }
    if (!ids.insert(field.field_id).second) {
      return Fail("partition field id " + std::to_string(field.field_id) + " is used twice");
    }
    if (field.name.empty() || !names.insert(field.name).second) {
      return Fail("partition field name '" + field.name + "' is empty or used twice");
    }
    const NestedField* source = schema->FindFieldById(field.source_id);
    if (source == nullptr) {
      // A void field may outlive its source column (v1 tables drop fields this way).
      if (field.transform.kind() == Transform::Kind::kVoid) continue;
      return Fail("partition field '" + field.name + "' refers to field id " +
                  std::to_string(field.source_id) + ", which is not in the current schema");
    }
    if (!field.transform.CanTransform(*source->type)) {
      return Fail("partition transform " + field.transform.ToString() +
                  " cannot apply to column '" + schema->FindColumnName(field.source_id) +
                  "' of type " + source->type->ToString());
    }
    // A partition name may equal a column's name only for an identity of that same column.
    const NestedField* same_name = schema->FindFieldByName(field.name);
    if (same_name != nullptr && !(field.transform.kind() == Transform::Kind::kIdentity &&
                                  same_name->id == field.source_id)) {
      return Fail("partition field name '" + field.name + "' conflicts with a column");
    }
  }
  std::optional<int32_t> found;
  int32_t highest = -1;
  for (const auto& existing : metadata_.partition_specs) {
    highest = std::max(highest, existing.spec_id());
    if (existing.CompatibleWith(spec)) found = existing.spec_id();
  }
  if (found) {
    last_added_spec_id_ = *found;
    return *found;
  }
  int32_t id = highest + 1;
  PartitionSpec added(id, spec.fields());
  metadata_.partition_specs.push_back(added);
  metadata_.last_partition_id = std::max(metadata_.last_partition_id, added.LastFieldId());
  updates_.push_back(iceberg::AddPartitionSpec{added});
  added_spec_ids_.insert(id);
  last_added_spec_id_ = id;
  return id;
}

arrow::Status TableMetadataBuilder::SetDefaultSpec(int32_t spec_id) {
  if (spec_id == kLastAdded) {
    if (!last_added_spec_id_) return Fail("set-default-spec -1 before any add-spec");
    spec_id = *last_added_spec_id_;
  }
  if (metadata_.SpecById(spec_id) == nullptr) {
    return Fail("no partition spec with id " + std::to_string(spec_id));
  }
  if (spec_id == metadata_.default_spec_id) return arrow::Status::OK();
  metadata_.default_spec_id = spec_id;
  bool last = last_added_spec_id_ == spec_id && added_spec_ids_.count(spec_id);
  updates_.push_back(iceberg::SetDefaultSpec{last ? kLastAdded : spec_id});
  return arrow::Status::OK();
}

arrow::Result<int32_t> TableMetadataBuilder::AddSortOrder(const SortOrder& order) {
  auto schema = metadata_.CurrentSchema();
  if (schema == nullptr) return Fail("add-sort-order before the table has a schema");
  for (const auto& field : order.fields) {
    const NestedField* source = schema->FindFieldById(field.source_id);
    if (source == nullptr) {
      return Fail("sort field refers to field id " + std::to_string(field.source_id) +
                  ", which is not in the current schema");
    }
    if (!source->type->is_primitive() || !field.transform.CanTransform(*source->type)) {
      return Fail("cannot sort by " + field.transform.ToString() + " of column '" +
                  schema->FindColumnName(field.source_id) + "' of type " +
                  source->type->ToString());
    }
  }
  std::optional<int32_t> found;
  int32_t highest = 0;
  for (const auto& existing : metadata_.sort_orders) {
    highest = std::max(highest, existing.order_id);
    if (existing.fields == order.fields) found = existing.order_id;
  }
  if (!found && order.fields.empty()) found = 0;  // the unsorted order is always id 0
  if (found) {
    if (*found == 0 && metadata_.sort_orders.empty()) {
      metadata_.sort_orders.push_back(SortOrder::Unsorted());
      updates_.push_back(iceberg::AddSortOrder{SortOrder::Unsorted()});
      added_order_ids_.insert(0);
    }
    last_added_order_id_ = *found;
    return *found;
  }
  SortOrder added = order;
  added.order_id = highest + 1;
  metadata_.sort_orders.push_back(added);
  updates_.push_back(iceberg::AddSortOrder{added});
  added_order_ids_.insert(added.order_id);
  last_added_order_id_ = added.order_id;
  return added.order_id;
}

arrow::Status TableMetadataBuilder::SetDefaultSortOrder(int32_t order_id) {
  if (order_id == kLastAdded) {
    if (!last_added_order_id_) return Fail("set-default-sort-order -1 before any add-sort-order");
    order_id = *last_added_order_id_;
  }
  bool known = false;
  for (const auto& order : metadata_.sort_orders) known = known || order.order_id == order_id;
  if (!known) return Fail("no sort order with id " + std::to_string(order_id));
  if (order_id == metadata_.default_sort_order_id) return arrow::Status::OK();
  metadata_.default_sort_order_id = order_id;
  bool last = last_added_order_id_ == order_id && added_order_ids_.count(order_id);
  updates_.push_back(iceberg::SetDefaultSortOrder{last ? kLastAdded : order_id});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::AddSnapshot(const Snapshot& snapshot) {
  if (metadata_.SnapshotById(snapshot.snapshot_id) != nullptr) {
    return Fail("snapshot " + std::to_string(snapshot.snapshot_id) + " already exists");
  }
  if (metadata_.format_version >= 2 && snapshot.sequence_number <= metadata_.last_sequence_number &&
      snapshot.parent_snapshot_id.has_value()) {
    return Fail("snapshot " + std::to_string(snapshot.snapshot_id) + " has sequence number " +
                std::to_string(snapshot.sequence_number) + ", not above the table's last " +
                std::to_string(metadata_.last_sequence_number));
  }
  if (snapshot.schema_id && metadata_.SchemaById(*snapshot.schema_id) == nullptr) {
    return Fail("snapshot " + std::to_string(snapshot.snapshot_id) + " has unknown schema id " +
                std::to_string(*snapshot.schema_id));
  }
  if (metadata_.format_version >= 3) {
    // spec: "Row Lineage" — a v3 snapshot starts at the table's next-row-id, which then
    // advances by the ids the snapshot assigned (Java's Builder.addSnapshot checks the same).
    const std::string id = "snapshot " + std::to_string(snapshot.snapshot_id);
    if (!snapshot.first_row_id || !snapshot.added_rows) {
      return Fail(id + " has no first-row-id or added-rows, which format version 3 requires");
    }
    if (*snapshot.first_row_id < metadata_.next_row_id) {
      return Fail(id + " has first-row-id " + std::to_string(*snapshot.first_row_id) +
                  ", behind the table's next-row-id " + std::to_string(metadata_.next_row_id));
    }
    if (*snapshot.added_rows < 0) return Fail(id + " has negative added-rows");
    metadata_.next_row_id = *snapshot.first_row_id + *snapshot.added_rows;
  }
  metadata_.snapshots.push_back(snapshot);
  metadata_.last_sequence_number =
      std::max(metadata_.last_sequence_number, snapshot.sequence_number);
  last_updated_ms_ = std::max(last_updated_ms_.value_or(0), snapshot.timestamp_ms);
  added_snapshot_ids_.insert(snapshot.snapshot_id);
  updates_.push_back(iceberg::AddSnapshot{snapshot});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::SetRef(const std::string& name, const SnapshotRef& ref) {
  if (name.empty()) return Fail("a branch or tag needs a name");
  const Snapshot* snapshot = metadata_.SnapshotById(ref.snapshot_id);
  if (snapshot == nullptr) {
    return Fail("cannot point '" + name + "' at unknown snapshot " +
                std::to_string(ref.snapshot_id));
  }
  if (name == kMainBranch && ref.type != SnapshotRefType::kBranch) {
    return Fail("'main' must be a branch");
  }
  if (ref.type == SnapshotRefType::kTag && (ref.min_snapshots_to_keep || ref.max_snapshot_age_ms)) {
    return Fail("tag '" + name +
                "' cannot keep snapshots (min-snapshots-to-keep and "
                "max-snapshot-age-ms are for branches)");
  }
  auto it = metadata_.refs.find(name);
  if (it != metadata_.refs.end()) {
    const SnapshotRef& old = it->second;
    if (old.snapshot_id == ref.snapshot_id && old.type == ref.type &&
        old.min_snapshots_to_keep == ref.min_snapshots_to_keep &&
        old.max_snapshot_age_ms == ref.max_snapshot_age_ms &&
        old.max_ref_age_ms == ref.max_ref_age_ms) {
      return arrow::Status::OK();
    }
  }
  metadata_.refs[name] = ref;
  if (name == kMainBranch) {
    metadata_.current_snapshot_id = ref.snapshot_id;
    // The log records when the snapshot became current: its own time if this change made it.
    int64_t when = added_snapshot_ids_.count(ref.snapshot_id) ? snapshot->timestamp_ms : NowMs();
    last_updated_ms_ = std::max(last_updated_ms_.value_or(0), when);
    metadata_.snapshot_log.push_back({when, ref.snapshot_id});
  }
  updates_.push_back(SetSnapshotRef{name, ref});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::RemoveRef(const std::string& name) {
  auto it = metadata_.refs.find(name);
  if (it == metadata_.refs.end()) {
    if (name == kMainBranch && metadata_.current_snapshot_id) {
      metadata_.current_snapshot_id.reset();
      updates_.push_back(RemoveSnapshotRef{name});
    }
    return arrow::Status::OK();
  }
  metadata_.refs.erase(it);
  if (name == kMainBranch) metadata_.current_snapshot_id.reset();
  updates_.push_back(RemoveSnapshotRef{name});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::RemoveSnapshots(const std::vector<int64_t>& snapshot_ids) {
  std::unordered_set<int64_t> remove(snapshot_ids.begin(), snapshot_ids.end());
  std::vector<int64_t> removed;
  std::vector<Snapshot> kept;
  for (auto& snapshot : metadata_.snapshots) {
    if (remove.count(snapshot.snapshot_id)) {
      removed.push_back(snapshot.snapshot_id);
    } else {
      kept.push_back(std::move(snapshot));
    }
  }
  metadata_.snapshots = std::move(kept);
  if (removed.empty()) return arrow::Status::OK();
  updates_.push_back(iceberg::RemoveSnapshots{removed});
  // Refs left pointing at nothing go too (Java does the same).
  std::vector<std::string> dangling;
  for (const auto& [name, ref] : metadata_.refs) {
    if (remove.count(ref.snapshot_id)) dangling.push_back(name);
  }
  for (const auto& name : dangling) ARROW_RETURN_NOT_OK(RemoveRef(name));
  // Statistics of a removed snapshot describe nothing left (Java's removeStatistics).
  for (auto* stats : {&metadata_.statistics, &metadata_.partition_statistics}) {
    std::erase_if(*stats, [&](const StatisticsFile& f) { return remove.count(f.snapshot_id); });
  }
  if (metadata_.current_snapshot_id && remove.count(*metadata_.current_snapshot_id)) {
    metadata_.current_snapshot_id.reset();
  }
  // A snapshot-log entry of a removed snapshot ends the history that can be trusted: keep
  // only what follows the last such entry (spec: snapshot-log; Java's updateSnapshotLog).
  std::vector<SnapshotLogEntry> log;
  for (const auto& entry : metadata_.snapshot_log) {
    if (metadata_.SnapshotById(entry.snapshot_id) == nullptr) {
      log.clear();
    } else {
      log.push_back(entry);
    }
  }
  metadata_.snapshot_log = std::move(log);
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::SetLocation(const std::string& location) {
  std::string trimmed = location;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  if (trimmed.empty()) return Fail("set-location with an empty location");
  if (trimmed == metadata_.location) return arrow::Status::OK();
  metadata_.location = trimmed;
  updates_.push_back(iceberg::SetLocation{trimmed});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::SetProperties(
    const std::map<std::string, std::string>& updates) {
  if (updates.empty()) return arrow::Status::OK();
  if (updates.count(property::kFormatVersion)) {
    return Fail("format-version is not a property; upgrade the format version instead");
  }
  for (const auto& [key, value] : updates) metadata_.properties[key] = value;
  updates_.push_back(iceberg::SetProperties{updates});
  return arrow::Status::OK();
}

arrow::Status TableMetadataBuilder::RemoveProperties(const std::vector<std::string>& removals) {
  if (removals.empty()) return arrow::Status::OK();
  for (const auto& key : removals) metadata_.properties.erase(key);
  updates_.push_back(iceberg::RemoveProperties{removals});
  return arrow::Status::OK();
}

arrow::Result<TableMetadata> TableMetadataBuilder::Build() const {
  TableMetadata md = metadata_;
  if (md.table_uuid.empty()) return Fail("the table has no uuid");
  if (md.location.empty()) return Fail("the table has no location");
  if (md.CurrentSchema() == nullptr) return Fail("the table has no current schema");
  if (md.SpecById(md.default_spec_id) == nullptr) return Fail("the table has no default spec");
  bool order_known = false;
  for (const auto& order : md.sort_orders) {
    order_known = order_known || order.order_id == md.default_sort_order_id;
  }
  if (!order_known) return Fail("the table has no default sort order");
  // Snapshots that were current only between the updates of this change (e.g. the first of
  // two appends in one transaction) are not history anyone saw: leave them out of the log.
  std::vector<SnapshotLogEntry> log;
  for (const auto& entry : md.snapshot_log) {
    bool intermediate = added_snapshot_ids_.count(entry.snapshot_id) &&
                        entry.snapshot_id != md.current_snapshot_id.value_or(-1);
    if (!intermediate) log.push_back(entry);
  }
  md.snapshot_log = std::move(log);
  int64_t now = last_updated_ms_.value_or(NowMs());
  if (!updates_.empty()) md.last_updated_ms = std::max(now, metadata_.last_updated_ms);
  return md;
}

arrow::Result<TableMetadataBuilder> NewTable(const Schema& schema, const PartitionSpec& spec,
                                             const SortOrder& sort_order,
                                             const std::string& location,
                                             std::map<std::string, std::string> properties) {
  int32_t format_version = 2;
  auto version = properties.find(property::kFormatVersion);
  if (version != properties.end()) {
    if (version->second != "2" && version->second != "3") {
      return arrow::Status::Invalid("format-version ", version->second,
                                    " requested; floe creates format version 2 or 3 tables");
    }
    format_version = std::stoi(version->second);
    properties.erase(version);  // reserved: a metadata field, not a property
  }
  TableMetadataBuilder builder = TableMetadataBuilder::ForCreate(format_version);
  ARROW_RETURN_NOT_OK(builder.AssignUuid(util::RandomUuid()));
  ARROW_RETURN_NOT_OK(builder.AddSchema(schema, schema.HighestFieldId()).status());
  ARROW_RETURN_NOT_OK(builder.SetCurrentSchema(kLastAdded));
  ARROW_RETURN_NOT_OK(builder.AddPartitionSpec(PartitionSpec(0, spec.fields())).status());
  ARROW_RETURN_NOT_OK(builder.SetDefaultSpec(kLastAdded));
  ARROW_RETURN_NOT_OK(builder.AddSortOrder(sort_order).status());
  ARROW_RETURN_NOT_OK(builder.SetDefaultSortOrder(kLastAdded));
  ARROW_RETURN_NOT_OK(builder.SetLocation(location));
  ARROW_RETURN_NOT_OK(builder.SetProperties(properties));
  return builder;
}

arrow::Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                              const SortOrder& sort_order,
                                              const std::string& location,
                                              std::map<std::string, std::string> properties) {
  ARROW_ASSIGN_OR_RAISE(auto builder,
                        NewTable(schema, spec, sort_order, location, std::move(properties)));
  return builder.Build();
}

TableMetadata WithMetadataLogEntry(const TableMetadata& updated, const TableMetadata& previous,
                                   const std::string& previous_location) {
  TableMetadata md = updated;
  if (previous_location.empty()) return md;
  md.metadata_log = previous.metadata_log;
  md.metadata_log.push_back({previous.last_updated_ms, previous_location});
  // A malformed setting keeps the default rather than failing the commit.
  int64_t max_entries =
      util::IntPropertyOr(md.properties, property::kMetadataPreviousVersionsMax, 100);
  if (max_entries < 1) max_entries = 1;
  if (static_cast<int64_t>(md.metadata_log.size()) > max_entries) {
    md.metadata_log.erase(md.metadata_log.begin(),
                          md.metadata_log.end() - static_cast<std::ptrdiff_t>(max_entries));
  }
  return md;
}

}  // namespace floe::iceberg
