#include "floe/iceberg/table/inspect/metadata_tables.h"

#include <functional>

#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

MetadataTables::MetadataTables(const Table& table)
    : MetadataTables(table.metadata_ptr(), table.metadata_location(), table.io()) {}

MetadataTables::MetadataTables(std::shared_ptr<const TableMetadata> metadata,
                               std::string metadata_location, std::shared_ptr<io::FileIO> io)
    : metadata_(std::move(metadata)),
      metadata_location_(std::move(metadata_location)),
      io_(std::move(io)) {}

namespace {

using Read =
    std::function<MetadataTables::Result(const MetadataTables&, MetadataTables::SnapshotId)>;

struct Entry {
  const char* name;
  bool takes_snapshot;
  Read read;
};

// In the order of Java's MetadataTableType, less the tables floe does not have (position
// deletes, all_delete_files' v3 kin).
const std::vector<Entry>& Entries() {
  using T = MetadataTables;
  static const std::vector<Entry> entries = {
      {"entries", true, [](const T& t, T::SnapshotId s) { return t.Entries(s); }},
      {"files", true, [](const T& t, T::SnapshotId s) { return t.Files(s); }},
      {"data_files", true, [](const T& t, T::SnapshotId s) { return t.DataFiles(s); }},
      {"delete_files", true, [](const T& t, T::SnapshotId s) { return t.DeleteFiles(s); }},
      {"history", false, [](const T& t, T::SnapshotId) { return t.History(); }},
      {"metadata_log_entries", false,
       [](const T& t, T::SnapshotId) { return t.MetadataLogEntries(); }},
      {"snapshots", false, [](const T& t, T::SnapshotId) { return t.Snapshots(); }},
      {"refs", false, [](const T& t, T::SnapshotId) { return t.Refs(); }},
      {"manifests", true, [](const T& t, T::SnapshotId s) { return t.Manifests(s); }},
      {"partitions", true, [](const T& t, T::SnapshotId s) { return t.Partitions(s); }},
      {"all_data_files", false, [](const T& t, T::SnapshotId) { return t.AllDataFiles(); }},
      {"all_delete_files", false, [](const T& t, T::SnapshotId) { return t.AllDeleteFiles(); }},
      {"all_files", false, [](const T& t, T::SnapshotId) { return t.AllFiles(); }},
      {"all_manifests", false, [](const T& t, T::SnapshotId) { return t.AllManifests(); }},
      {"all_entries", false, [](const T& t, T::SnapshotId) { return t.AllEntries(); }},
  };
  return entries;
}

const Entry* Find(std::string_view name) {
  for (const auto& e : Entries()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& MetadataTableNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& e : Entries()) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

bool MetadataTableTakesSnapshot(std::string_view name) {
  const Entry* e = Find(name);
  return e != nullptr && e->takes_snapshot;
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadMetadataTable(const MetadataTables& tables,
                                                               std::string_view name,
                                                               std::optional<int64_t> snapshot_id) {
  const Entry* e = Find(name);
  if (e == nullptr) {
    std::string names;
    for (const auto& n : MetadataTableNames()) names += (names.empty() ? "" : ", ") + n;
    return arrow::Status::Invalid("no metadata table named '", name, "'; the tables are ", names);
  }
  if (snapshot_id && !e->takes_snapshot) {
    return arrow::Status::Invalid(
        "the ", name, " metadata table covers the whole table and takes no snapshot id");
  }
  return e->read(tables, snapshot_id);
}

}  // namespace floe::iceberg
