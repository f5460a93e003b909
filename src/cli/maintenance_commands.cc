// floe table expire-snapshots | remove-orphan-files | rewrite-manifests | compact NS.T: thin
// wrappers over ExpireSnapshots, RemoveOrphanFiles, RewriteManifests and CompactDataFiles that
// report what they did.
#include "cli/maintenance_commands.h"

#include <cctype>
#include <iostream>
#include <map>
#include <optional>

#include "cli/output.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/maintenance/compact_data_files.h"
#include "floe/iceberg/maintenance/remove_orphan_files.h"
#include "floe/iceberg/type/sort_order_text.h"
#include "floe/iceberg/update/expire_snapshots.h"
#include "floe/iceberg/update/rewrite_manifests.h"
#include "floe/ingest/ledger_checkpoint.h"

namespace floe::cli {
namespace {

struct MaintenanceArgs {
  std::string table;
  std::string older_than;
  std::optional<int32_t> retain_last;
  std::vector<int64_t> snapshot_ids;
  std::string location;
  bool dry_run = false;
  // compact
  std::string where;
  std::string target_file_size;
  int32_t min_input_files = 5;
  std::string sort_by;
  std::string dedupe_on;
  std::string keep;
};

// "4096", "512MB", "1GiB": KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024.
arrow::Result<int64_t> ParseByteSize(const std::string& flag, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1},          {"B", 1},           {"KB", 1000},      {"MB", 1000000}, {"GB", 1000000000},
      {"KIB", 1 << 10}, {"MIB", 1LL << 20}, {"GIB", 1LL << 30}};
  if (digits == 0 || digits > 15 || !kUnits.count(unit)) {
    return UsageError(flag + " " + text + ": give a size such as 128MB or 1GiB");
  }
  return std::stoll(text.substr(0, digits)) * kUnits.at(unit);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item.push_back(c);
    }
  }
  return out;
}

arrow::Result<std::shared_ptr<iceberg::Table>> Load(CliContext& ctx, const std::string& name) {
  auto id = iceberg::TableIdentifier::Parse(name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  return catalog->LoadTable(*id);
}

nlohmann::json FileList(const std::vector<std::string>& files) { return files; }

arrow::Status ExpireSnapshotsCommand(CliContext& ctx, const MaintenanceArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  if (!args.dry_run) {
    // An ingest table's batch records live in the summaries of the snapshots about to go:
    // fold them into the ledger checkpoint first, so ingest stays exactly-once.
    ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
    ARROW_RETURN_NOT_OK(ingest::CheckpointLedgerBeforeExpiry(*catalog, table->identifier()));
    ARROW_RETURN_NOT_OK(table->Refresh());
  }
  iceberg::ExpireOptions options;
  if (!args.older_than.empty()) {
    ARROW_ASSIGN_OR_RAISE(options.older_than_ms, ParseTimeToMillis(args.older_than));
  }
  options.retain_last = args.retain_last;
  options.snapshot_ids = args.snapshot_ids;
  iceberg::ExpireSnapshots expire(table, options);
  if (!args.dry_run) {
    auto io = table->io();
    expire.SetValidation(
        [io](const iceberg::TableMetadata& md, const iceberg::ExpirySelection& selected) {
          return ingest::CheckExpiryKeepsLedger(*io, md, selected.snapshot_ids);
        });
  }
  ARROW_ASSIGN_OR_RAISE(auto result, args.dry_run ? expire.Preview() : expire.Commit());
  const auto& f = result.files;
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", table->identifier().ToString()},
                          {"dry_run", args.dry_run},
                          {"expired_snapshot_ids", result.expired.snapshot_ids},
                          {"removed_refs", result.expired.refs},
                          {"deleted_files",
                           {{"data_files", FileList(f.data_files)},
                            {"delete_files", FileList(f.delete_files)},
                            {"manifests", FileList(f.manifests)},
                            {"manifest_lists", FileList(f.manifest_lists)},
                            {"statistics_files", FileList(f.statistics_files)},
                            {"other_files", FileList(f.summary_files)}}},
                          {"not_deleted", result.not_deleted}});
  } else {
    const char* verb = args.dry_run ? "would expire " : "expired ";
    std::cout << verb << result.expired.snapshot_ids.size() << " snapshot(s)";
    if (!result.expired.refs.empty()) {
      std::cout << " and " << result.expired.refs.size() << " ref(s)";
    }
    std::cout << " of table " << table->identifier().ToString() << "\n"
              << (args.dry_run ? "would delete " : "deleted ") << f.data_files.size()
              << " data file(s), " << f.delete_files.size() << " delete file(s), "
              << f.manifests.size() << " manifest(s), " << f.manifest_lists.size()
              << " manifest list(s), " << f.statistics_files.size() << " statistics file(s), "
              << f.summary_files.size() << " other file(s)\n";
  }
  if (!result.not_deleted.empty()) {
    std::cerr << "warning: " << result.not_deleted.size() << " file(s) may not have been deleted ("
              << result.delete_error
              << "); the table no longer references them: remove-orphan-files deletes them\n";
  }
  return arrow::Status::OK();
}

arrow::Status RemoveOrphanFilesCommand(CliContext& ctx, const MaintenanceArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::OrphanFileOptions options;
  if (!args.older_than.empty()) {
    ARROW_ASSIGN_OR_RAISE(options.older_than_ms, ParseTimeToMillis(args.older_than));
  }
  if (!args.location.empty()) options.location = args.location;
  options.dry_run = args.dry_run;
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::RemoveOrphanFiles(*table, options));
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", table->identifier().ToString()},
                          {"dry_run", args.dry_run},
                          {"files_listed", result.files_listed},
                          {"orphan_files", result.orphan_files},
                          {"not_deleted", result.not_deleted}});
  } else {
    for (const auto& file : result.orphan_files) {
      std::cout << (args.dry_run ? "would delete " : "deleted ") << file << "\n";
    }
    std::cout << (args.dry_run ? "would delete " : "deleted ") << result.orphan_files.size()
              << " orphan file(s) of " << result.files_listed << " listed (table "
              << table->identifier().ToString() << ")\n";
  }
  if (!result.not_deleted.empty()) {
    return arrow::Status::IOError("deleting orphan files of table ", table->identifier().ToString(),
                                  " failed (", result.delete_error, "); run again to retry");
  }
  return arrow::Status::OK();
}

arrow::Status RewriteManifestsCommand(CliContext& ctx, const MaintenanceArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  if (table->metadata().CurrentSnapshot() == nullptr) {
    return UsageError("table " + table->identifier().ToString() + " has no snapshot yet");
  }
  iceberg::RewriteManifests rewrite(table);
  ARROW_ASSIGN_OR_RAISE(auto snapshot, rewrite.Commit());
  const bool changed = rewrite.manifests_replaced() > 0;
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", table->identifier().ToString()},
                          {"snapshot_id", changed ? nlohmann::json(snapshot.snapshot_id)
                                                  : nlohmann::json(nullptr)},
                          {"manifests_replaced", rewrite.manifests_replaced()},
                          {"manifests_created", rewrite.manifests_created()},
                          {"manifests_kept", rewrite.manifests_kept()}});
  } else if (!changed) {
    std::cout << "manifests of table " << table->identifier().ToString()
              << " are already clustered; nothing to rewrite\n";
  } else {
    std::cout << "rewrote " << rewrite.manifests_replaced() << " manifest(s) into "
              << rewrite.manifests_created() << " (kept " << rewrite.manifests_kept()
              << "), snapshot " << snapshot.snapshot_id << " (table "
              << table->identifier().ToString() << ")\n";
  }
  return arrow::Status::OK();
}

arrow::Status CompactCommand(CliContext& ctx, const MaintenanceArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto table, Load(ctx, args.table));
  iceberg::CompactionOptions options;
  if (!args.where.empty()) {
    auto filter = iceberg::ParseFilter(args.where);
    if (!filter.ok()) return UsageError("--where: " + filter.status().message());
    options.filter = *filter;
  }
  if (!args.target_file_size.empty()) {
    ARROW_ASSIGN_OR_RAISE(options.target_file_size_bytes,
                          ParseByteSize("--target-file-size", args.target_file_size));
  }
  options.min_input_files = args.min_input_files;
  if (!args.sort_by.empty()) {
    auto order = iceberg::ParseSortOrderText(args.sort_by, *table->metadata().CurrentSchema());
    if (!order.ok()) return UsageError("--sort-by: " + order.status().message());
    options.sort_order = *order;
  }
  options.dedupe_on = SplitList(args.dedupe_on);
  if (!args.keep.empty()) {
    const std::string prefix = "latest-by ";
    if (args.keep.rfind(prefix, 0) != 0 || args.keep.size() == prefix.size()) {
      return UsageError("--keep " + args.keep + ": give 'latest-by COLUMN'");
    }
    options.keep_latest_by = args.keep.substr(prefix.size());
  }
  if (options.dedupe_on.empty() != options.keep_latest_by.empty()) {
    return UsageError("--dedupe-on and --keep latest-by COLUMN go together");
  }
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::CompactDataFiles(table, options));
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", table->identifier().ToString()},
                          {"snapshot_id", result.snapshot_id ? nlohmann::json(*result.snapshot_id)
                                                             : nlohmann::json(nullptr)},
                          {"groups", result.groups.size()},
                          {"rewritten_data_files", result.rewritten_data_files},
                          {"added_data_files", result.added_data_files},
                          {"removed_delete_files", result.removed_delete_files},
                          {"removed_position_delete_files", result.removed_position_delete_files},
                          {"removed_dvs", result.removed_dvs},
                          {"removed_equality_delete_files", result.removed_equality_delete_files},
                          {"removed_position_deletes", result.removed_position_deletes},
                          {"removed_equality_deletes", result.removed_equality_deletes},
                          {"rewritten_bytes", result.rewritten_bytes},
                          {"added_bytes", result.added_bytes},
                          {"rows_read", result.rows_read},
                          {"rows_written", result.rows_written}});
  } else if (!result.snapshot_id) {
    std::cout << "nothing to compact in table " << table->identifier().ToString() << "\n";
  } else {
    std::cout << "compacted " << result.rewritten_data_files << " data file(s) in "
              << result.groups.size() << " partition(s) into " << result.added_data_files
              << ", removed " << result.removed_delete_files << " delete file(s); "
              << result.rows_written << " row(s) written, snapshot " << *result.snapshot_id
              << " (table " << table->identifier().ToString() << ")\n";
  }
  return arrow::Status::OK();
}

}  // namespace

void AddMaintenanceCommands(CLI::App& table_group, CliContext& ctx, Action* run) {
  using Fn = arrow::Status (*)(CliContext&, const MaintenanceArgs&);
  auto bind = [&ctx, run](CLI::App* cmd, std::shared_ptr<MaintenanceArgs> args, Fn fn) {
    cmd->fallthrough();
    cmd->callback([&ctx, run, args, fn] { *run = [&ctx, args, fn] { return fn(ctx, *args); }; });
  };

  auto expire = std::make_shared<MaintenanceArgs>();
  auto* cmd = table_group.add_subcommand("expire-snapshots",
                                         "Remove old snapshots and the files only they reference");
  cmd->add_option("table", expire->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--older-than", expire->older_than,
                  "Expire snapshots older than this (epoch ms or ISO time; default "
                  "history.expire.max-snapshot-age-ms, 5 days)");
  cmd->add_option("--retain-last", expire->retain_last,
                  "Every branch keeps at least this many snapshots (default "
                  "history.expire.min-snapshots-to-keep, 1)");
  cmd->add_option("--snapshot", expire->snapshot_ids, "Also expire this snapshot (repeatable)");
  cmd->add_flag("--dry-run", expire->dry_run, "Show what would be expired and deleted");
  bind(cmd, expire, &ExpireSnapshotsCommand);

  auto orphans = std::make_shared<MaintenanceArgs>();
  cmd = table_group.add_subcommand("remove-orphan-files",
                                   "Delete files under the table location no metadata references");
  cmd->add_option("table", orphans->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--older-than", orphans->older_than,
                  "Only files modified before this (epoch ms or ISO time; default 3 days ago)");
  cmd->add_option("--location", orphans->location,
                  "Folder to sweep: the table location (default) or one below it");
  cmd->add_flag("--dry-run", orphans->dry_run, "List the orphan files without deleting them");
  bind(cmd, orphans, &RemoveOrphanFilesCommand);

  auto manifests = std::make_shared<MaintenanceArgs>();
  cmd =
      table_group.add_subcommand("rewrite-manifests", "Cluster the table's manifests by partition");
  cmd->add_option("table", manifests->table, "NAMESPACE.TABLE")->required();
  bind(cmd, manifests, &RewriteManifestsCommand);

  auto compact = std::make_shared<MaintenanceArgs>();
  cmd = table_group.add_subcommand("compact", "Bin-pack small data files, applying deletes");
  cmd->add_option("table", compact->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--where", compact->where, "Only files that may hold rows matching this");
  cmd->add_option("--target-file-size", compact->target_file_size,
                  "Size of the new files, e.g. 128MB (default write.target-file-size-bytes)");
  cmd->add_option("--min-input-files", compact->min_input_files,
                  "Files a partition needs to be compacted")
      ->capture_default_str();
  cmd->add_option("--sort-by", compact->sort_by,
                  "Sort the rows of each new file, e.g. 'ts desc, id' (default the table's order)");
  cmd->add_option("--dedupe-on", compact->dedupe_on,
                  "Keep one row per value of these columns (per partition)");
  cmd->add_option("--keep", compact->keep, "Which row to keep: 'latest-by COLUMN'");
  bind(cmd, compact, &CompactCommand);
}

}  // namespace floe::cli
