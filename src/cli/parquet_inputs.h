#pragma once

// The options `floe scan PATH…` and `floe parquet merge` share for plain Parquet inputs.

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "floe/iceberg/data/parquet_files.h"

namespace floe::cli {

struct ParquetReadArgs {
  std::vector<std::string> inputs;
  std::string select;
  std::string where;
  int64_t limit = -1;
  std::string dedupe_on;
  std::vector<std::string> keep;  ///< "first", "last" or "latest-by" COL
};

/// Comma-separated names, trimmed, empty ones dropped.
std::vector<std::string> SplitColumns(const std::string& text);

/// Adds --dedupe-on and --keep to a command.
void AddDedupeOptions(CLI::App* cmd, ParquetReadArgs& args);

/// Whether the positional arguments of `floe scan` name Parquet files rather than one table:
/// more than one, a URI (`s3://…`, `file:…`), a path with a slash, a name ending in
/// ".parquet", or an existing local file or folder.
bool IsParquetInput(const std::vector<std::string>& targets);

/// The rows the arguments select from the Parquet inputs, with the files listed in `*files`;
/// storage settings (S3) are the selected catalog's.
arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> OpenParquetInputs(
    CliContext& ctx, const ParquetReadArgs& args, std::vector<std::string>* files);

/// "100MB", "1.5GiB", "512k", "4096": KB/MB/GB count powers of 1000, KiB/MiB/GiB (and bare
/// K/M/G) powers of 1024. A usage error names `option`.
arrow::Result<int64_t> ParseByteSize(const std::string& option, const std::string& text);

}  // namespace floe::cli
