#include "floe/iceberg/metadata/table_metadata_builder.h"

#include <algorithm>
#include <chrono>
#include <random>

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

arrow::Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                              const SortOrder& sort_order,
                                              const std::string& location,
                                              std::map<std::string, std::string> properties) {
  auto version = properties.find(property::kFormatVersion);
  if (version != properties.end()) {
    if (version->second != "2") {
      return arrow::Status::Invalid("format-version ", version->second,
                                    " requested; floe creates format version 2 tables");
    }
    properties.erase(version);
  }
  for (const auto& field : spec.fields()) {
    const NestedField* source = schema.FindFieldById(field.source_id);
    if (source == nullptr) {
      return arrow::Status::Invalid("partition field '", field.name, "' refers to field id ",
                                    field.source_id, " which is not in the schema");
    }
    if (!field.transform.CanTransform(*source->type)) {
      return arrow::Status::Invalid("partition transform ", field.transform.ToString(),
                                    " cannot apply to column '", source->name, "' of type ",
                                    source->type->ToString());
    }
  }
  TableMetadata md;
  md.format_version = 2;
  md.table_uuid = util::RandomUuid();
  md.location = location;
  while (md.location.size() > 1 && md.location.back() == '/') md.location.pop_back();
  md.last_sequence_number = 0;
  md.last_updated_ms = NowMs();
  md.last_column_id = schema.HighestFieldId();
  md.schemas.push_back(std::make_shared<const Schema>(
      0, schema.fields(), schema.identifier_field_ids()));
  md.current_schema_id = 0;
  md.partition_specs.push_back(PartitionSpec(0, spec.fields()));
  md.default_spec_id = 0;
  md.last_partition_id = spec.LastFieldId();
  SortOrder order = sort_order;
  order.order_id = order.fields.empty() ? 0 : 1;
  md.sort_orders.push_back(order);
  md.default_sort_order_id = order.order_id;
  md.properties = std::move(properties);
  return md;
}

TableMetadata WithSnapshot(const TableMetadata& base, Snapshot snapshot) {
  TableMetadata md = base;
  md.last_sequence_number = std::max(md.last_sequence_number, snapshot.sequence_number);
  md.last_updated_ms = std::max(snapshot.timestamp_ms, base.last_updated_ms);
  md.current_snapshot_id = snapshot.snapshot_id;
  md.snapshot_log.push_back({snapshot.timestamp_ms, snapshot.snapshot_id});
  SnapshotRef main;
  main.snapshot_id = snapshot.snapshot_id;
  main.type = SnapshotRefType::kBranch;
  auto existing = md.refs.find(kMainBranch);
  if (existing != md.refs.end()) {
    main.min_snapshots_to_keep = existing->second.min_snapshots_to_keep;
    main.max_snapshot_age_ms = existing->second.max_snapshot_age_ms;
    main.max_ref_age_ms = existing->second.max_ref_age_ms;
  }
  md.refs[kMainBranch] = main;
  md.snapshots.push_back(std::move(snapshot));
  return md;
}

TableMetadata WithProperties(const TableMetadata& base,
                             const std::map<std::string, std::string>& set,
                             const std::vector<std::string>& remove) {
  TableMetadata md = base;
  for (const auto& key : remove) md.properties.erase(key);
  for (const auto& [key, value] : set) md.properties[key] = value;
  md.last_updated_ms = std::max(NowMs(), base.last_updated_ms);
  return md;
}

TableMetadata WithMetadataLogEntry(const TableMetadata& updated, const TableMetadata& previous,
                                   const std::string& previous_location) {
  TableMetadata md = updated;
  if (previous_location.empty()) return md;
  md.metadata_log = previous.metadata_log;
  md.metadata_log.push_back({previous.last_updated_ms, previous_location});
  int64_t max_entries = 100;
  try {
    max_entries = std::stoll(md.Property(property::kMetadataPreviousVersionsMax, "100"));
  } catch (...) {
    // A malformed property keeps the default rather than failing the commit.
  }
  if (max_entries < 1) max_entries = 1;
  if (static_cast<int64_t>(md.metadata_log.size()) > max_entries) {
    md.metadata_log.erase(md.metadata_log.begin(),
                          md.metadata_log.end() - static_cast<std::ptrdiff_t>(max_entries));
  }
  return md;
}

}  // namespace floe::iceberg
