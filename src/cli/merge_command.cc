// floe merge NS.T SOURCE --on KEY[,KEY…]: MergeRows, or UpsertRows with
// --strategy equality-deletes.
#include <iostream>
#include <sstream>

#include "cli/cli_context.h"
#include "cli/input_files.h"
#include "cli/output.h"
#include "cli/row_level_output.h"
#include "floe/iceberg/update/merge_rows.h"
#include "floe/iceberg/update/upsert.h"

namespace floe::cli {
namespace {

struct MergeArgs {
  std::string table;
  std::string source;
  std::string on;
  std::string when_matched = "update";
  std::string set;  ///< WHEN MATCHED UPDATE SET …
  std::string when_not_matched = "insert";
  std::string when_not_matched_by_source;
  std::vector<std::string> dedupe;  ///< "latest-by" COL
  std::string strategy = "join";
  std::string mode;
  std::string isolation;
};

arrow::Status RunUpsert(CliContext& ctx, const MergeArgs& args, const iceberg::TableIdentifier& id,
                        const std::shared_ptr<iceberg::Table>& table, const arrow::Table& rows) {
  if (args.when_matched != "update" || args.when_not_matched != "insert" ||
      !args.when_not_matched_by_source.empty() || !args.dedupe.empty() || !args.on.empty() ||
      !args.set.empty()) {
    return UsageError(
        "--strategy equality-deletes upserts by the table's identifier fields (the last row of a "
        "key wins); it takes no --on, --set, --when-… or --dedupe");
  }
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::UpsertRows(table, rows));
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", id.ToString()},
                          {"rows_upserted", result.rows_written},
                          {"rows_deduplicated", result.rows_deduplicated},
                          {"data_files_added", result.data_files_added},
                          {"delete_files_added", result.delete_files_added},
                          {"snapshot_id", result.snapshot.snapshot_id}});
  } else {
    std::cout << "upserted " << result.rows_written << " row(s) into " << id.ToString()
              << " with equality deletes (" << result.rows_deduplicated
              << " duplicate key row(s) dropped; snapshot " << result.snapshot.snapshot_id << ")\n";
  }
  return arrow::Status::OK();
}

arrow::Status RunMerge(CliContext& ctx, const MergeArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  iceberg::MergeOptions options;
  std::stringstream keys(args.on);
  for (std::string key; std::getline(keys, key, ',');) {
    if (!key.empty()) options.on.push_back(key);
  }
  if (args.when_matched == "update") {
    options.when_matched = iceberg::MergeMatchedAction::kUpdate;
  } else if (args.when_matched == "delete") {
    options.when_matched = iceberg::MergeMatchedAction::kDelete;
  } else if (args.when_matched == "ignore") {
    options.when_matched = iceberg::MergeMatchedAction::kIgnore;
  } else {
    return UsageError("--when-matched: '" + args.when_matched +
                      "' is not one of update, delete, ignore");
  }
  if (!args.set.empty()) {
    auto set = iceberg::ParseAssignments(args.set);
    if (!set.ok()) return UsageError("--set: " + set.status().message());
    options.matched_set = std::move(*set);
  }
  if (args.when_not_matched == "insert") {
    options.when_not_matched = iceberg::MergeNotMatchedAction::kInsert;
  } else if (args.when_not_matched == "ignore") {
    options.when_not_matched = iceberg::MergeNotMatchedAction::kIgnore;
  } else {
    return UsageError("--when-not-matched: '" + args.when_not_matched +
                      "' is not one of insert, ignore");
  }
  if (args.when_not_matched_by_source == "delete") {
    options.delete_not_matched_by_source = true;
  } else if (!args.when_not_matched_by_source.empty()) {
    return UsageError("--when-not-matched-by-source: only 'delete' is supported");
  }
  if (!args.dedupe.empty()) {
    if (args.dedupe.size() != 2 || args.dedupe[0] != "latest-by") {
      return UsageError("--dedupe takes 'latest-by COLUMN'");
    }
    options.dedupe_latest_by = args.dedupe[1];
  }
  if (args.strategy != "join" && args.strategy != "equality-deletes") {
    return UsageError("--strategy: '" + args.strategy + "' is neither join nor equality-deletes");
  }
  ARROW_RETURN_NOT_OK(
      ParseRowLevelOverrides(args.mode, args.isolation, &options.mode, &options.isolation));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  ARROW_ASSIGN_OR_RAISE(auto rows,
                        ReadInputFile(args.source, *table->metadata().CurrentSchema(), storage));
  if (args.strategy == "equality-deletes") return RunUpsert(ctx, args, *id, table, *rows);
  if (options.on.empty()) return UsageError("--on: name the key column(s) to match rows on");
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::MergeRows(table, *rows, options));
  PrintRowLevelResult(ctx, "merged into", *id, result);
  return arrow::Status::OK();
}

}  // namespace

void AddMergeCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand(
      "merge", "Merge a Parquet or JSON Lines file into a table by key (update/insert/delete)");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("source", args->source, "Source rows: Parquet or JSON Lines, local or s3://")
      ->required();
  cmd->add_option("--on", args->on, "Key column(s) matching source and table rows: id or a,b");
  cmd->add_option("--when-matched", args->when_matched, "update (default), delete or ignore");
  cmd->add_option("--set", args->set,
                  "With --when-matched update: assignments instead of the whole source row; "
                  "source columns as source.COL, e.g. \"visits = visits + source.visits\"");
  cmd->add_option("--when-not-matched", args->when_not_matched, "insert (default) or ignore");
  cmd->add_option("--when-not-matched-by-source", args->when_not_matched_by_source,
                  "delete: remove table rows whose key is not in the source");
  cmd->add_option("--dedupe", args->dedupe,
                  "latest-by COLUMN: of source rows sharing a key keep the greatest COLUMN")
      ->expected(2);
  cmd->add_option("--strategy", args->strategy,
                  "join (default: read matching files, rewrite or delete rows) or "
                  "equality-deletes (upsert by identifier fields without reading)");
  cmd->add_option("--mode", args->mode,
                  "copy-on-write or merge-on-read (default: the table's write.merge.mode)");
  cmd->add_option("--isolation", args->isolation,
                  "serializable or snapshot (default: write.merge.isolation-level)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunMerge(ctx, *args); }; });
}

}  // namespace floe::cli
