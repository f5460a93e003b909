// floe parquet merge IN… --output OUT [--select a,b] [--where EXPR] [--limit N]
//                    [--dedupe-on K,… [--keep first|last|latest-by COL]]
//                    [--target-file-size 512MB] [--compression zstd]
// Rewrites plain Parquet files (files, folders, s3:// prefixes) as fewer, larger ones: OUT is
// one file when it ends in .parquet, else a folder / prefix of part files rolled at the size.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/parquet_inputs.h"

namespace floe::cli {
namespace {

struct MergeArgs {
  ParquetReadArgs read;
  std::string output;
  std::string target_file_size = "512MiB";
  std::string compression = "zstd";
};

arrow::Status RunMerge(CliContext& ctx, const MergeArgs& args) {
  iceberg::ParquetFilesWriteOptions write;
  ARROW_ASSIGN_OR_RAISE(write.target_file_size_bytes,
                        ParseByteSize("--target-file-size", args.target_file_size));
  if (!pq::CompressionFromName(args.compression).ok()) {
    return UsageError("--compression: " +
                      pq::CompressionFromName(args.compression).status().message());
  }
  write.parquet.compression = args.compression;
  std::vector<std::string> inputs;
  ARROW_ASSIGN_OR_RAISE(auto rows, OpenParquetInputs(ctx, args.read, &inputs));
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(args.output, storage));
  ARROW_ASSIGN_OR_RAISE(auto result, iceberg::WriteParquetFiles(*io, *rows, args.output, write));
  if (ctx.options.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : result.files) {
      files.push_back({{"location", f.location}, {"rows", f.num_rows}, {"bytes", f.file_size}});
    }
    PrintJson(std::cout,
              {{"input_files", inputs.size()}, {"rows", result.rows}, {"output_files", files}});
    return arrow::Status::OK();
  }
  std::cout << "merged " << inputs.size() << " Parquet file" << (inputs.size() == 1 ? "" : "s")
            << " into " << result.files.size() << " (" << result.rows << " rows):\n";
  for (const auto& f : result.files) {
    std::cout << "  " << f.location << "  " << f.num_rows << " rows, " << f.file_size << " bytes\n";
  }
  return arrow::Status::OK();
}

}  // namespace

void AddParquetCommands(CLI::App& app, CliContext& ctx, Action* run) {
  auto* group = app.add_subcommand("parquet", "Work on plain Parquet files, outside any table");
  group->require_subcommand(1);
  auto args = std::make_shared<MergeArgs>();
  auto* merge = group->add_subcommand(
      "merge", "Rewrite Parquet files (filtered, deduplicated) as fewer, larger ones");
  merge->add_option("inputs", args->read.inputs, "Parquet files, folders or s3:// prefixes")
      ->required();
  merge
      ->add_option("--output", args->output, "A .parquet file, or a folder / prefix for part files")
      ->required();
  merge->add_option("--select", args->read.select, "Columns to keep, comma-separated");
  merge->add_option("--where", args->read.where, "Keep only the rows this filter selects");
  merge->add_option("--limit", args->read.limit, "At most N rows");
  AddDedupeOptions(merge, args->read);
  merge->add_option("--target-file-size", args->target_file_size,
                    "Start a new part file at this size (default 512MiB)");
  merge->add_option("--compression", args->compression,
                    "zstd (default), snappy, gzip, lz4, brotli or uncompressed");
  merge->fallthrough();
  merge->callback([&ctx, run, args] { *run = [&ctx, args] { return RunMerge(ctx, *args); }; });
}

}  // namespace floe::cli
