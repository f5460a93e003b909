#include "cli/parquet_inputs.h"

#include <charconv>
#include <filesystem>

#include "cli/output.h"
#include "floe/iceberg/expression/expression_parser.h"

namespace floe::cli {

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

void AddDedupeOptions(CLI::App* cmd, ParquetReadArgs& args) {
  cmd->add_option("--dedupe-on", args.dedupe_on,
                  "Key columns, comma-separated: keep one row per key (Parquet inputs)");
  cmd->add_option("--keep", args.keep,
                  "Which row of a key: first (default), last, or latest-by COL (greatest COL)")
      ->expected(1, 2);
}

bool IsParquetInput(const std::vector<std::string>& targets) {
  if (targets.size() != 1) return true;
  const std::string& t = targets.front();
  if (t.find("://") != std::string::npos || t.rfind("file:", 0) == 0) return true;
  if (t.find('/') != std::string::npos) return true;
  if (t.size() >= 8 && t.compare(t.size() - 8, 8, ".parquet") == 0) return true;
  std::error_code ec;
  return std::filesystem::exists(t, ec);
}

namespace {

arrow::Result<iceberg::KeepRule> ParseKeep(const std::vector<std::string>& keep) {
  iceberg::KeepRule rule;
  if (keep.empty() || (keep.size() == 1 && keep[0] == "first")) return rule;
  if (keep.size() == 1 && keep[0] == "last") {
    rule.kind = iceberg::KeepRule::Kind::kLast;
    return rule;
  }
  if (keep.size() == 2 && keep[0] == "latest-by") {
    rule.kind = iceberg::KeepRule::Kind::kLatestBy;
    rule.column = keep[1];
    return rule;
  }
  return UsageError("--keep: give first, last or latest-by COL");
}

}  // namespace

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> OpenParquetInputs(
    CliContext& ctx, const ParquetReadArgs& args, std::vector<std::string>* files) {
  iceberg::ParquetFilesReadOptions options;
  options.columns = SplitColumns(args.select);
  if (!args.where.empty()) {
    auto filter = iceberg::ParseFilter(args.where);
    if (!filter.ok()) return UsageError("--where: " + filter.status().message());
    options.filter = *filter;
  }
  if (args.limit >= 0) options.limit = args.limit;
  options.dedupe_on = SplitColumns(args.dedupe_on);
  ARROW_ASSIGN_OR_RAISE(options.keep, ParseKeep(args.keep));
  if (options.dedupe_on.empty() && !args.keep.empty()) {
    return UsageError("--keep needs --dedupe-on");
  }
  ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(args.inputs.front(), storage));
  ARROW_ASSIGN_OR_RAISE(*files, iceberg::ListParquetFiles(*io, args.inputs));
  return iceberg::ReadParquetFiles(io, *files, options);
}

arrow::Result<int64_t> ParseByteSize(const std::string& option, const std::string& text) {
  size_t pos = 0;
  while (pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) {
    ++pos;
  }
  double number = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + pos, number);
  if (pos == 0 || parsed.ec != std::errc() || parsed.ptr != text.data() + pos) {
    return UsageError(option + ": '" + text + "' is not a size such as 100MB or 2GiB");
  }
  std::string unit;
  for (char c : text.substr(pos)) {
    if (c != ' ') unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  double scale = 0;
  if (unit.empty() || unit == "b") scale = 1;
  if (unit == "kb") scale = 1e3;
  if (unit == "mb") scale = 1e6;
  if (unit == "gb") scale = 1e9;
  if (unit == "k" || unit == "kib") scale = 1024.0;
  if (unit == "m" || unit == "mib") scale = 1024.0 * 1024;
  if (unit == "g" || unit == "gib") scale = 1024.0 * 1024 * 1024;
  if (scale == 0) return UsageError(option + ": unknown unit in '" + text + "'");
  const double bytes = number * scale;
  if (!(bytes >= 1) || bytes > 1e15) return UsageError(option + ": '" + text + "' is out of range");
  return static_cast<int64_t>(bytes);
}

}  // namespace floe::cli
