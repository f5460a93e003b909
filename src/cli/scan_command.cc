// floe scan NS.T [--select a,b] [--where EXPR] [--limit N] [--snapshot ID | --as-of TIME | --ref
// NAME]
//                [--format table|csv|jsonl|parquet|arrow] [--output FILE] [--stats]
// floe scan PATH… [--select a,b] [--where EXPR] [--limit N] [--dedupe-on K [--keep …]] [--format …]
//                [--output FILE]: Parquet files, folders or S3 prefixes instead of a table
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/parquet_inputs.h"
#include "cli/table_output.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/table/table_scan.h"

namespace floe::cli {
namespace {

struct ScanArgs {
  std::vector<std::string> targets;
  ParquetReadArgs parquet;  // --select, --where, --limit and --dedupe-on live here
  int64_t snapshot_id = 0;
  std::string as_of;
  std::string ref;
  std::string format = "table";
  std::string output;
  bool has_snapshot = false;
  bool stats = false;
};

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
            << stats.files_skipped << " skipped; delete files: " << stats.delete_files << " total, "
            << stats.delete_files_applied << " applied; rows: " << rows << "\n";
}

// The rows of plain Parquet files, written as a table's would be.
arrow::Status RunParquetScan(CliContext& ctx, const ScanArgs& args, OutputFormat format) {
  if (args.has_snapshot || !args.as_of.empty() || !args.ref.empty() || args.stats) {
    return UsageError("--snapshot, --as-of, --ref and --stats read tables, not Parquet files");
  }
  ParquetReadArgs parquet = args.parquet;
  parquet.inputs = args.targets;
  std::vector<std::string> files;
  ARROW_ASSIGN_OR_RAISE(auto rows, OpenParquetInputs(ctx, parquet, &files));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  return WriteBatches(*rows, format, args.output, storage).status();
}

arrow::Status RunScan(CliContext& ctx, const ScanArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return UsageError(format.status().message());
  if ((*format == OutputFormat::kParquet || *format == OutputFormat::kArrow) &&
      (args.output.empty() || args.output == "-")) {
    return UsageError("--format " + args.format + " needs --output FILE");
  }
  if (IsParquetInput(args.targets)) return RunParquetScan(ctx, args, *format);
  if (!args.parquet.dedupe_on.empty() || !args.parquet.keep.empty()) {
    return UsageError("--dedupe-on and --keep apply to Parquet files, not tables");
  }
  auto id = iceberg::TableIdentifier::Parse(args.targets.front());
  if (!id.ok()) return UsageError(id.status().message());
  iceberg::ScanOptions options;
  options.columns = SplitColumns(args.parquet.select);
  if (!args.parquet.where.empty()) {
    auto filter = iceberg::ParseFilter(args.parquet.where);
    if (!filter.ok()) return UsageError("--where: " + filter.status().message());
    options.filter = *filter;
  }
  if (args.parquet.limit >= 0) options.limit = args.parquet.limit;
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
  auto* cmd = app.add_subcommand("scan", "Read rows of a table, or of Parquet files");
  cmd->add_option("table", args->targets,
                  "NAMESPACE.TABLE, or Parquet files, folders or s3:// prefixes")
      ->required();
  cmd->add_option("--select", args->parquet.select,
                  "Columns to read, comma-separated (default all)");
  cmd->add_option("--where", args->parquet.where,
                  "Row filter, e.g. \"level = 'ERROR' AND ts >= '2025-07-01T00:00:00Z'\"");
  cmd->add_option("--limit", args->parquet.limit, "At most N rows");
  AddDedupeOptions(cmd, args->parquet);
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
