// floe append NS.T FILE… and floe overwrite NS.T [FILE…] [--where EXPR]: Parquet or JSON Lines
// files into one snapshot.
#include <arrow/table.h>

#include <iostream>
#include <optional>

#include "cli/cli_context.h"
#include "cli/input_files.h"
#include "cli/output.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/util/properties.h"

namespace floe::cli {
namespace {

struct AppendArgs {
  std::string table;
  std::vector<std::string> files;
  std::string where;                       ///< overwrite only: the rows to replace
  std::string isolation = "serializable";  ///< overwrite only: or snapshot, or none
  std::string branch = iceberg::kMainBranch;
};

// Reads and conforms every input file into one table of rows.
arrow::Result<std::shared_ptr<arrow::Table>> ReadInputs(const iceberg::Schema& schema,
                                                        const std::vector<std::string>& paths,
                                                        const io::FileIOProperties& properties) {
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const auto& path : paths) {
    ARROW_ASSIGN_OR_RAISE(auto part, ReadInputFile(path, schema, properties));
    parts.push_back(std::move(part));
  }
  if (parts.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto arrow_schema, iceberg::ToArrowSchema(schema));
    return arrow::Table::MakeEmpty(arrow_schema);
  }
  return arrow::ConcatenateTables(parts);
}

void PrintCommit(CliContext& ctx, const std::string& verb, const iceberg::TableIdentifier& id,
                 const iceberg::Snapshot& snapshot) {
  auto get = [&](const char* key) { return util::StringProperty(snapshot.summary, key, "0"); };
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", id.ToString()},
                          {"snapshot_id", snapshot.snapshot_id},
                          {"summary", snapshot.summary}});
  } else {
    std::cout << verb << " " << id.ToString() << ": +" << get("added-records") << " rows in "
              << get("added-data-files") << " file(s), -" << get("deleted-records") << " rows in "
              << get("deleted-data-files") << " file(s) (snapshot " << snapshot.snapshot_id
              << ")\n";
  }
}

arrow::Status RunAppend(CliContext& ctx, const AppendArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  ARROW_ASSIGN_OR_RAISE(auto rows,
                        ReadInputs(*table->metadata().CurrentSchema(), args.files, storage));
  if (rows->num_rows() == 0) {
    if (!ctx.options.json) std::cout << "no rows to append; nothing committed\n";
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto snapshot, iceberg::AppendRows(table, *rows, {}, "", args.branch));
  PrintCommit(ctx, "appended to", *id, snapshot);
  return arrow::Status::OK();
}

arrow::Status RunOverwrite(CliContext& ctx, const AppendArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  iceberg::ExprPtr filter = iceberg::Expression::True();
  if (!args.where.empty()) {
    auto parsed = iceberg::ParseFilter(args.where);
    if (!parsed.ok()) return UsageError("--where: " + parsed.status().message());
    filter = *parsed;
  }
  std::optional<iceberg::IsolationLevel> isolation;
  if (args.isolation == "serializable") {
    isolation = iceberg::IsolationLevel::kSerializable;
  } else if (args.isolation == "snapshot") {
    isolation = iceberg::IsolationLevel::kSnapshot;
  } else if (args.isolation != "none") {
    return UsageError("--isolation: '" + args.isolation +
                      "' is none of serializable, snapshot and none");
  }
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  ARROW_ASSIGN_OR_RAISE(auto rows,
                        ReadInputs(*table->metadata().CurrentSchema(), args.files, storage));
  std::vector<iceberg::DataFile> files;
  if (rows->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(files, iceberg::WriteDataFiles(*table, *rows));
  }
  iceberg::Overwrite overwrite(table, filter);
  overwrite.AddFiles(files);
  overwrite.ToBranch(args.branch);
  if (isolation) overwrite.Isolation(*isolation);
  ARROW_ASSIGN_OR_RAISE(auto snapshot, iceberg::CommitWrittenFiles(overwrite, *table->io(), files));
  PrintCommit(ctx, "overwrote", *id, snapshot);
  return arrow::Status::OK();
}

}  // namespace

void AddAppendCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<AppendArgs>();
  auto* cmd = app.add_subcommand("append", "Append Parquet or JSON Lines files to a table");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("files", args->files, "Input files (Parquet or JSON Lines)")->required();
  cmd->add_option("--branch", args->branch,
                  "Commit to this branch (created, empty, if it does not exist; default main)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunAppend(ctx, *args); }; });

  auto* over = app.add_subcommand(
      "overwrite", "Replace the rows matching --where (all rows without it) with the files' rows");
  over->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  over->add_option("files", args->files, "Input files (Parquet or JSON Lines)");
  over->add_option("--where", args->where, "Rows to replace, e.g. \"day = '2025-07-01'\"");
  over->add_option("--branch", args->branch, "Commit to this branch (default main)");
  over->add_option("--isolation", args->isolation,
                   "Concurrent commits: serializable (default) fails on data added meanwhile "
                   "that --where covers, snapshot keeps it; none plans again, replacing it too");
  over->fallthrough();
  over->callback([&ctx, run, args] { *run = [&ctx, args] { return RunOverwrite(ctx, *args); }; });
}

}  // namespace floe::cli
