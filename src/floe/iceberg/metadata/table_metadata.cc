#include "floe/iceberg/metadata/table_metadata.h"

#include "floe/util/properties.h"

namespace floe::iceberg {

std::shared_ptr<const Schema> TableMetadata::CurrentSchema() const {
  return SchemaById(current_schema_id);
}

std::shared_ptr<const Schema> TableMetadata::SchemaById(int32_t schema_id) const {
  for (const auto& schema : schemas) {
    if (schema->schema_id() == schema_id) return schema;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::SpecById(int32_t spec_id) const {
  for (const auto& spec : partition_specs) {
    if (spec.spec_id() == spec_id) return &spec;
  }
  return nullptr;
}

const PartitionSpec& TableMetadata::DefaultSpec() const {
  if (const PartitionSpec* spec = SpecById(default_spec_id)) return *spec;
  // Parsed metadata always has its default spec; a metadata object still being assembled
  // may not, and then it is unpartitioned.
  static const PartitionSpec kUnpartitioned = PartitionSpec::Unpartitioned();
  return kUnpartitioned;
}

const Snapshot* TableMetadata::SnapshotById(int64_t snapshot_id) const {
  for (const auto& snapshot : snapshots) {
    if (snapshot.snapshot_id == snapshot_id) return &snapshot;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  if (!current_snapshot_id) return nullptr;
  return SnapshotById(*current_snapshot_id);
}

const Snapshot* TableMetadata::SnapshotAsOf(int64_t timestamp_ms) const {
  // The snapshot log records when each snapshot became current (spec: "snapshot-log"); the
  // answer is the last entry at or before the time.
  if (!snapshot_log.empty()) {
    const SnapshotLogEntry* found = nullptr;
    for (const auto& entry : snapshot_log) {
      if (entry.timestamp_ms <= timestamp_ms) found = &entry;
    }
    return found == nullptr ? nullptr : SnapshotById(found->snapshot_id);
  }
  // Without a log (some writers omit it), walk the current snapshot's ancestry instead.
  for (const Snapshot* s = CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (s->timestamp_ms <= timestamp_ms) return s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::SnapshotForRef(const std::string& ref) const {
  auto it = refs.find(ref);
  if (it != refs.end()) return SnapshotById(it->second.snapshot_id);
  if (ref == kMainBranch) return CurrentSnapshot();
  return nullptr;
}

std::string TableMetadata::Property(const std::string& key, const std::string& fallback) const {
  return util::StringProperty(properties, key, fallback);
}

}  // namespace floe::iceberg
