// floe scan NS.T [--select a,b] [--where EXPR] [--limit N] [--snapshot ID | --as-of TIME | --ref NAME]
//                [--format table|csv|jsonl|parquet|arrow] [--output FILE] [--stats]
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/table/table_scan.h"

namespace floe::cli {
namespace {

struct ScanArgs {
  std::string table;
  std::string select;
  std::string where;
  int64_t limit = -1;
  int64_t snapshot_id = 0;
  std::string as_of;
  std::string ref;
  std::string format = "table";
  std::string output;
  bool has_snapshot = false;
  bool stats = false;
};

std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string name = text.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

// On stderr, so that the rows on stdout stay as they are in every format.
void PrintPlanStats(const CliContext& ctx, const iceberg::TableScan::PlanStats& stats,
                    int64_t rows) {
  if (ctx.options.json) {
    nlohmann::json doc = {{"manifests_total", stats.manifests_total},
                          {"manifests_skipped", stats.manifests_skipped},
                          {"files_total", stats.files_total},
                          {"files_skipped", stats.files_skipped},
                          {"delete_files", stats.delete_files},
                          {"delete_files_applied", stats.delete_files_applied},
                          {"rows", rows}};
    std::cerr << doc.dump() << "\n";
    return;
  }
  std::cerr << "manifests: " << stats.manifests_total << " total, " << stats.manifests_skipped
            << " skipped; data files in the rest: " << stats.files_total << " total, "
            << stats.files_skipped << " skipped; delete files: " << stats.delete_files
            << " total, " << stats.delete_files_applied << " applied; rows: " << rows << "\n";
}

arrow::Status RunScan(CliContext& ctx, const ScanArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return UsageError(format.status().message());
  if ((*format == OutputFormat::kParquet || *format == OutputFormat::kArrow) &&
      (args.output.empty() || args.output == "-")) {
    return UsageError("--format " + args.format + " needs --output FILE");
  }
  iceberg::ScanOptions options;
  options.columns = SplitColumns(args.select);
  if (!args.where.empty()) {
    auto filter = iceberg::ParseFilter(args.where);
    if (!filter.ok()) return UsageError("--where: " + filter.status().message());
    options.filter = *filter;
  }
  if (args.limit >= 0) options.limit = args.limit;
  if (args.has_snapshot) options.snapshot_id = args.snapshot_id;
  if (!args.as_of.empty()) {
    ARROW_ASSIGN_OR_RAISE(options.as_of_ms, ParseTimeToMillis(args.as_of));
  }
  if (!args.ref.empty()) options.ref = args.ref;
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto scan, iceberg::TableScan::Make(*table, std::move(options)));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  // Batches go to the output as they are read: memory stays bounded whatever the table's size.
  ARROW_ASSIGN_OR_RAISE(auto rows, scan.ToRecordBatchReader());
  ARROW_ASSIGN_OR_RAISE(int64_t written, WriteBatches(*rows, *format, args.output, storage));
  if (args.stats) PrintPlanStats(ctx, scan.plan_stats(), written);
  return arrow::Status::OK();
}

}  // namespace

void AddScanCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand("scan", "Read rows of a table");
  cmd->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  cmd->add_option("--select", args->select, "Columns to read, comma-separated (default all)");
  cmd->add_option("--where", args->where,
                  "Row filter, e.g. \"level = 'ERROR' AND ts >= '2025-07-01T00:00:00Z'\"");
  cmd->add_option("--limit", args->limit, "At most N rows");
  auto* snap = cmd->add_option("--snapshot", args->snapshot_id, "Read this snapshot id");
  auto* as_of = cmd->add_option("--as-of", args->as_of,
                                "Read the snapshot current at TIME (ISO 8601 or epoch ms)");
  auto* ref = cmd->add_option("--ref", args->ref, "Read a branch or tag");
  snap->excludes(as_of)->excludes(ref);
  as_of->excludes(ref);
  cmd->add_option("--format", args->format,
                  "table (default), csv, jsonl, parquet or arrow (an Arrow IPC file)");
  cmd->add_option("--output", args->output, "Write to FILE instead of standard output");
  cmd->add_flag("--stats", args->stats,
                "Print on stderr how many manifests and data files planning skipped "
                "(one JSON object with --json)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args, snap] {
    args->has_snapshot = snap->count() > 0;
    *run = [&ctx, args] { return RunScan(ctx, *args); };
  });
}

}  // namespace floe::cli
