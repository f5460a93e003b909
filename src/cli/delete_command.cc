// floe delete NS.T --where EXPR: deletes the matching rows, copy-on-write or merge-on-read as
// the table's write.delete.mode says.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/update/delete_rows.h"

namespace floe::cli {
namespace {

struct DeleteArgs {
  std::string table;
  std::string where;
  std::string branch = iceberg::kMainBranch;
};

arrow::Status RunDelete(CliContext& ctx, const DeleteArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  auto filter = iceberg::ParseFilter(args.where);
  if (!filter.ok()) return UsageError("--where: " + filter.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  iceberg::DeleteRowsOptions options;
  options.branch = args.branch;
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::DeleteRows(table, *filter, options));
  if (ctx.options.json) {
    nlohmann::json out = {{"table", id->ToString()},
                          {"rows_deleted", result.rows_deleted},
                          {"data_files_removed", result.data_files_removed},
                          {"data_files_rewritten", result.data_files_rewritten},
                          {"data_files_added", result.data_files_added},
                          {"delete_files_added", result.delete_files_added},
                          {"delete_files_removed", result.delete_files_removed},
                          {"mode", iceberg::ToString(result.mode)},
                          {"isolation_level", iceberg::ToString(result.isolation)},
                          {"snapshot_id", nullptr}};
    if (result.snapshot) {
      out["snapshot_id"] = result.snapshot->snapshot_id;
      out["operation"] = result.snapshot->operation();
    }
    PrintJson(std::cout, out);
    return arrow::Status::OK();
  }
  if (!result.snapshot) {
    std::cout << "no rows of " << id->ToString() << " match; nothing committed\n";
    return arrow::Status::OK();
  }
  std::cout << "deleted " << result.rows_deleted << " row(s) from " << id->ToString() << " ("
            << iceberg::ToString(result.mode) << "): " << result.data_files_removed
            << " data file(s) removed, " << result.data_files_rewritten << " rewritten, "
            << result.delete_files_added << " delete file(s) added (snapshot "
            << result.snapshot->snapshot_id << ")\n";
  return arrow::Status::OK();
}

}  // namespace

void AddDeleteCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<DeleteArgs>();
  auto* cmd = app.add_subcommand("delete", "Delete the rows matching --where from a table");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--where", args->where, "Rows to delete, e.g. \"day = '2025-07-01'\"")
      ->required();
  cmd->add_option("--branch", args->branch, "Commit to this branch (default main)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunDelete(ctx, *args); }; });
}

}  // namespace floe::cli
