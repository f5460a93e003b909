// floe append NS.T FILE… — Parquet or JSON Lines files into one append snapshot.
#include <iostream>

#include <arrow/table.h>

#include "cli/cli_context.h"
#include "cli/input_files.h"
#include "cli/output.h"
#include "floe/iceberg/update/append_data.h"

namespace floe::cli {
namespace {

struct AppendArgs {
  std::string table;
  std::vector<std::string> files;
};

arrow::Status RunAppend(CliContext& ctx, const AppendArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  auto schema = table->metadata().CurrentSchema();
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const auto& path : args.files) {
    ARROW_ASSIGN_OR_RAISE(auto part, ReadInputFile(path, *schema));
    parts.push_back(std::move(part));
  }
  ARROW_ASSIGN_OR_RAISE(auto rows, arrow::ConcatenateTables(parts));
  if (rows->num_rows() == 0) {
    if (!ctx.options.json) std::cout << "no rows to append; nothing committed\n";
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto snapshot, iceberg::AppendRows(table, *rows));
  auto get = [&](const char* key) {
    auto it = snapshot.summary.find(key);
    return it == snapshot.summary.end() ? std::string("0") : it->second;
  };
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", id->ToString()},
                          {"snapshot_id", snapshot.snapshot_id},
                          {"added_records", rows->num_rows()},
                          {"summary", snapshot.summary}});
  } else {
    std::cout << "appended " << rows->num_rows() << " rows in " << get("added-data-files")
              << " file(s) to " << id->ToString() << " (snapshot " << snapshot.snapshot_id
              << ")\n";
  }
  return arrow::Status::OK();
}

}  // namespace

void AddAppendCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<AppendArgs>();
  auto* cmd = app.add_subcommand("append", "Append Parquet or JSON Lines files to a table");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("files", args->files, "Input files (Parquet or JSON Lines)")->required();
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunAppend(ctx, *args); }; });
}

}  // namespace floe::cli
