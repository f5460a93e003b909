// The metadata tables of a table (floe/iceberg/table/inspect), printed like `floe scan` prints
// rows: aligned text by default, a JSON array of row objects with --json, or any scan format.
#include "cli/inspect.h"

#include <iostream>
#include <map>

#include "cli/output.h"
#include "cli/table_output.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"

namespace floe::cli {
namespace {

struct InspectArgs {
  std::string table;
  int64_t snapshot_id = 0;
  bool has_snapshot = false;
  std::string ref;
  std::string format;
  std::string output;
};

arrow::Status RunInspect(CliContext& ctx, const std::string& name, const InspectArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  OutputFormat format = OutputFormat::kTable;
  if (!args.format.empty()) {
    auto parsed = ParseOutputFormat(args.format);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    format = *parsed;
  }
  if ((format == OutputFormat::kParquet || format == OutputFormat::kArrow) &&
      (args.output.empty() || args.output == "-")) {
    return UsageError("--format " + args.format + " needs --output FILE");
  }
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  std::optional<int64_t> snapshot;
  if (args.has_snapshot) snapshot = args.snapshot_id;
  if (!args.ref.empty()) {
    const iceberg::Snapshot* head = table->metadata().SnapshotForRef(args.ref);
    if (head == nullptr) {
      return arrow::Status::KeyError(args.table, " has no branch or tag named '", args.ref, "'");
    }
    snapshot = head->snapshot_id;
  }
  auto rows = iceberg::ReadMetadataTable(iceberg::MetadataTables(*table), name, snapshot);
  if (!rows.ok()) {
    return rows.status().WithMessage(args.table, " ", name, ": ", rows.status().message());
  }
  // --json alone keeps the listing one JSON document; an explicit --format wins.
  if (ctx.options.json && args.format.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto doc, TableToJson(**rows));
    PrintJson(std::cout, doc);
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  return WriteTable(**rows, format, args.output, storage);
}

// One line of help per table.
const std::map<std::string, std::string>& Descriptions() {
  static const std::map<std::string, std::string> help = {
      {"snapshots", "Snapshots of the table, with their summaries"},
      {"history", "When each snapshot became current, and whether it is an ancestor of it"},
      {"refs", "Branches and tags"},
      {"metadata_log_entries", "Metadata files of the table, with the snapshot current in each"},
      {"manifests", "Manifests of a snapshot, with partition summaries"},
      {"all_manifests", "Manifests of every snapshot"},
      {"files", "Live data and delete files of a snapshot, with metrics"},
      {"data_files", "Live data files of a snapshot, with metrics"},
      {"delete_files", "Live delete files of a snapshot, with metrics"},
      {"all_files", "Live data and delete files of every manifest of every snapshot"},
      {"all_data_files", "Live data files of every manifest of every snapshot"},
      {"all_delete_files", "Live delete files of every manifest of every snapshot"},
      {"entries", "Manifest entries of a snapshot, deleted ones included"},
      {"all_entries", "Manifest entries of every manifest of every snapshot"},
      {"partitions", "Records, files and bytes per partition of a snapshot"},
  };
  return help;
}

}  // namespace

void AddInspectCommands(CLI::App& group, CliContext& ctx, Action* run) {
  for (const auto& name : iceberg::MetadataTableNames()) {
    auto args = std::make_shared<InspectArgs>();
    auto it = Descriptions().find(name);
    auto* cmd = group.add_subcommand(
        name, it != Descriptions().end() ? it->second : "The " + name + " metadata table");
    cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
    CLI::Option* snap = nullptr;
    if (iceberg::MetadataTableTakesSnapshot(name)) {
      snap = cmd->add_option("--snapshot", args->snapshot_id,
                             "Read this snapshot id instead of the current snapshot");
      cmd->add_option("--ref", args->ref, "Read the snapshot a branch or tag points at")
          ->excludes(snap);
    }
    cmd->add_option("--format", args->format,
                    "table (default), csv, jsonl, parquet or arrow (an Arrow IPC file)");
    cmd->add_option("--output", args->output, "Write to FILE instead of standard output");
    cmd->fallthrough();
    cmd->callback([&ctx, run, args, snap, name] {
      args->has_snapshot = snap != nullptr && snap->count() > 0;
      *run = [&ctx, args, name] { return RunInspect(ctx, name, *args); };
    });
  }
}

}  // namespace floe::cli
