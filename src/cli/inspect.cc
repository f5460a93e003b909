// The metadata tables of a table, as listings: snapshots, history, files, manifests, partitions.
#include "cli/inspect.h"

#include <iostream>
#include <map>

#include "cli/output.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::cli {
namespace {

using iceberg::DataFile;
using iceberg::ManifestEntry;
using iceberg::ManifestEntryStatus;
using iceberg::ManifestFile;
using iceberg::Table;

arrow::Result<std::shared_ptr<Table>> Load(CliContext& ctx, const std::string& name) {
  auto id = iceberg::TableIdentifier::Parse(name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  return catalog->LoadTable(*id);
}

nlohmann::json OptionalId(const std::optional<int64_t>& id) {
  return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
}

arrow::Status Snapshots(CliContext& ctx, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, name));
  const auto& md = table->metadata();
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"committed_at", "snapshot_id", "parent_id", "operation", "added_records",
                 "total_records", "manifest_list"},
                {}};
  for (const auto& s : md.snapshots) {
    doc.push_back({{"committed_at", FormatMillis(s.timestamp_ms)},
                   {"timestamp_ms", s.timestamp_ms},
                   {"snapshot_id", s.snapshot_id},
                   {"parent_id", OptionalId(s.parent_snapshot_id)},
                   {"sequence_number", s.sequence_number},
                   {"operation", s.operation()},
                   {"manifest_list", s.manifest_list},
                   {"summary", s.summary}});
    auto get = [&](const char* k) {
      auto it = s.summary.find(k);
      return it == s.summary.end() ? std::string("0") : it->second;
    };
    out.rows.push_back({FormatMillis(s.timestamp_ms), std::to_string(s.snapshot_id),
                        s.parent_snapshot_id ? std::to_string(*s.parent_snapshot_id) : "",
                        s.operation(), get("added-records"), get("total-records"),
                        s.manifest_list});
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

// The snapshot-log with whether each entry is an ancestor of the current snapshot
// (the `history` metadata table).
arrow::Status History(CliContext& ctx, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, name));
  const auto& md = table->metadata();
  std::set<int64_t> ancestors;
  for (const auto* s = md.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? md.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    ancestors.insert(s->snapshot_id);
  }
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"}, {}};
  for (const auto& entry : md.snapshot_log) {
    const auto* s = md.SnapshotById(entry.snapshot_id);
    // -1 when unknown: keeps GCC 12 from a false maybe-uninitialized on std::optional.
    int64_t parent = s && s->parent_snapshot_id ? *s->parent_snapshot_id : -1;
    bool ancestor = ancestors.count(entry.snapshot_id) > 0;
    doc.push_back({{"made_current_at", FormatMillis(entry.timestamp_ms)},
                   {"timestamp_ms", entry.timestamp_ms},
                   {"snapshot_id", entry.snapshot_id},
                   {"parent_id", parent >= 0 ? nlohmann::json(parent) : nlohmann::json(nullptr)},
                   {"is_current_ancestor", ancestor}});
    out.rows.push_back({FormatMillis(entry.timestamp_ms), std::to_string(entry.snapshot_id),
                        parent >= 0 ? std::to_string(parent) : "", ancestor ? "true" : "false"});
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

arrow::Result<std::vector<ManifestFile>> CurrentManifests(Table& table) {
  const auto* current = table.metadata().CurrentSnapshot();
  if (current == nullptr) return std::vector<ManifestFile>{};
  return iceberg::ReadManifestList(*table.io(), current->manifest_list);
}

// Live entries (ADDED or EXISTING) of the current snapshot, with their partition specs.
arrow::Result<std::vector<ManifestEntry>> LiveEntries(Table& table) {
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(table));
  const auto& md = table.metadata();
  std::vector<ManifestEntry> out;
  for (const auto& m : manifests) {
    const auto* spec = md.SpecById(m.partition_spec_id);
    iceberg::TypePtr partition_type;
    if (spec != nullptr) {
      ARROW_ASSIGN_OR_RAISE(partition_type, spec->PartitionType(*md.CurrentSchema()));
    }
    ARROW_ASSIGN_OR_RAISE(auto entries,
                          iceberg::ReadManifestEntries(*table.io(), m, partition_type));
    for (auto& e : entries) {
      if (e.status != ManifestEntryStatus::kDeleted) out.push_back(std::move(e));
    }
  }
  return out;
}

std::string PartitionText(const iceberg::TableMetadata& md, const DataFile& f) {
  const auto* spec = md.SpecById(f.spec_id);
  if (spec == nullptr || spec->fields().empty()) return "";
  return spec->PartitionPath(f.partition);
}

nlohmann::json PartitionJson(const iceberg::TableMetadata& md, const DataFile& f) {
  nlohmann::json out = nlohmann::json::object();
  const auto* spec = md.SpecById(f.spec_id);
  if (spec == nullptr) return out;
  for (size_t i = 0; i < spec->fields().size() && i < f.partition.size(); ++i) {
    const auto& v = f.partition[i];
    out[spec->fields()[i].name] =
        v.is_null() ? nlohmann::json(nullptr) : nlohmann::json(v.ToString());
  }
  return out;
}

nlohmann::json BoundsJson(const iceberg::Schema& schema, const std::map<int32_t, std::string>& b) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [id, bytes] : b) {
    const auto* field = schema.FindFieldById(id);
    if (field == nullptr) continue;
    auto value = iceberg::DeserializeValue(field->type, bytes);
    out[schema.FindColumnName(id)] = value.ok() ? value->ToString() : std::string("?");
  }
  return out;
}

arrow::Status Files(CliContext& ctx, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, name));
  ARROW_ASSIGN_OR_RAISE(auto entries, LiveEntries(*table));
  const auto& md = table->metadata();
  auto schema = md.CurrentSchema();
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"file_path", "partition", "records", "bytes"}, {}};
  for (const auto& e : entries) {
    const auto& f = e.data_file;
    doc.push_back({{"content", static_cast<int>(f.content)},
                   {"file_path", f.file_path},
                   {"file_format", f.file_format},
                   {"spec_id", f.spec_id},
                   {"partition", PartitionJson(md, f)},
                   {"record_count", f.record_count},
                   {"file_size_in_bytes", f.file_size_in_bytes},
                   {"column_sizes", f.column_sizes},
                   {"value_counts", f.value_counts},
                   {"null_value_counts", f.null_value_counts},
                   {"nan_value_counts", f.nan_value_counts},
                   {"lower_bounds", BoundsJson(*schema, f.lower_bounds)},
                   {"upper_bounds", BoundsJson(*schema, f.upper_bounds)},
                   {"split_offsets", f.split_offsets},
                   {"sequence_number", OptionalId(e.sequence_number)},
                   {"snapshot_id", OptionalId(e.snapshot_id)}});
    out.rows.push_back({f.file_path, PartitionText(md, f), std::to_string(f.record_count),
                        std::to_string(f.file_size_in_bytes)});
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

arrow::Status Manifests(CliContext& ctx, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, name));
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(*table));
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"path", "content", "spec_id", "added_snapshot_id", "added", "existing",
                 "deleted"},
                {}};
  for (const auto& m : manifests) {
    const char* content = m.content == iceberg::ManifestContent::kData ? "data" : "deletes";
    doc.push_back({{"path", m.manifest_path},
                   {"length", m.manifest_length},
                   {"content", content},
                   {"partition_spec_id", m.partition_spec_id},
                   {"sequence_number", m.sequence_number},
                   {"min_sequence_number", m.min_sequence_number},
                   {"added_snapshot_id", m.added_snapshot_id},
                   {"added_data_files_count", m.added_files_count},
                   {"existing_data_files_count", m.existing_files_count},
                   {"deleted_data_files_count", m.deleted_files_count},
                   {"added_rows_count", m.added_rows_count},
                   {"existing_rows_count", m.existing_rows_count},
                   {"deleted_rows_count", m.deleted_rows_count}});
    out.rows.push_back({m.manifest_path, content, std::to_string(m.partition_spec_id),
                        std::to_string(m.added_snapshot_id), std::to_string(m.added_files_count),
                        std::to_string(m.existing_files_count),
                        std::to_string(m.deleted_files_count)});
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

arrow::Status Partitions(CliContext& ctx, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, name));
  ARROW_ASSIGN_OR_RAISE(auto entries, LiveEntries(*table));
  const auto& md = table->metadata();
  struct Totals {
    nlohmann::json partition;
    int32_t spec_id = 0;
    int64_t records = 0;
    int64_t files = 0;
    int64_t bytes = 0;
  };
  std::map<std::string, Totals> by_partition;
  for (const auto& e : entries) {
    const auto& f = e.data_file;
    std::string key = std::to_string(f.spec_id) + "/" + PartitionText(md, f);
    auto& t = by_partition[key];
    t.partition = PartitionJson(md, f);
    t.spec_id = f.spec_id;
    t.records += f.record_count;
    t.files += 1;
    t.bytes += f.file_size_in_bytes;
  }
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"partition", "spec_id", "record_count", "file_count", "total_bytes"}, {}};
  for (const auto& [key, t] : by_partition) {
    doc.push_back({{"partition", t.partition},
                   {"spec_id", t.spec_id},
                   {"record_count", t.records},
                   {"file_count", t.files},
                   {"total_data_file_size_in_bytes", t.bytes}});
    out.rows.push_back({key.substr(key.find('/') + 1), std::to_string(t.spec_id),
                        std::to_string(t.records), std::to_string(t.files),
                        std::to_string(t.bytes)});
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

}  // namespace

void AddInspectCommands(CLI::App& group, CliContext& ctx, Action* run) {
  auto name = std::make_shared<std::string>();
  using Fn = arrow::Status (*)(CliContext&, const std::string&);
  auto add = [&](const char* cmd_name, const char* help, Fn fn) {
    auto* cmd = group.add_subcommand(cmd_name, help);
    cmd->add_option("table", *name, "NAMESPACE.TABLE")->required();
    cmd->fallthrough();
    cmd->callback([&ctx, run, name, fn] { *run = [&ctx, name, fn] { return fn(ctx, *name); }; });
  };
  add("snapshots", "Snapshots of the table (the snapshots metadata table)", &Snapshots);
  add("history", "When each snapshot became current", &History);
  add("files", "Live data files of the current snapshot, with metrics", &Files);
  add("manifests", "Manifests of the current snapshot", &Manifests);
  add("partitions", "Records, files and bytes per partition", &Partitions);
}

}  // namespace floe::cli
