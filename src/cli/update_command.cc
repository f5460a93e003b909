// floe update NS.T --set 'col = expr, …' [--where EXPR]: UpdateRows.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/row_level_output.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/update/update_rows.h"

namespace floe::cli {
namespace {

struct UpdateArgs {
  std::string table;
  std::string set;
  std::string where;
  std::string mode;
  std::string isolation;
};

arrow::Status RunUpdate(CliContext& ctx, const UpdateArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  iceberg::UpdateOptions options;
  auto assignments = iceberg::ParseAssignments(args.set);
  if (!assignments.ok()) return UsageError("--set: " + assignments.status().message());
  options.assignments = std::move(*assignments);
  if (!args.where.empty()) {
    auto filter = iceberg::ParseFilter(args.where);
    if (!filter.ok()) return UsageError("--where: " + filter.status().message());
    options.filter = *filter;
  }
  ARROW_RETURN_NOT_OK(
      ParseRowLevelOverrides(args.mode, args.isolation, &options.mode, &options.isolation));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::UpdateRows(table, options));
  PrintRowLevelResult(ctx, "updated", *id, result);
  return arrow::Status::OK();
}

}  // namespace

void AddUpdateCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<UpdateArgs>();
  auto* cmd = app.add_subcommand(
      "update", "Set columns of the rows matching --where (all rows without it) to expressions");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--set", args->set,
                  "Assignments, e.g. \"salary = salary * 1.1, grade = upper(grade)\"")
      ->required();
  cmd->add_option("--where", args->where, "Rows to update, e.g. \"department = 'IT'\"");
  cmd->add_option("--mode", args->mode,
                  "copy-on-write or merge-on-read (default: the table's write.update.mode)");
  cmd->add_option("--isolation", args->isolation,
                  "serializable or snapshot (default: write.update.isolation-level)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunUpdate(ctx, *args); }; });
}

}  // namespace floe::cli
