#include "floe/ingest/log_report.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <set>
#include <unordered_set>

#include "floe/iceberg/table/table_scan.h"

namespace floe::ingest {
namespace {

arrow::Result<std::shared_ptr<arrow::Table>> Scan(const iceberg::Table& table,
                                                  std::vector<std::string> columns,
                                                  std::optional<int64_t> limit = std::nullopt) {
  iceberg::ScanOptions options;
  options.columns = std::move(columns);
  options.limit = limit;
  ARROW_ASSIGN_OR_RAISE(auto scan, iceberg::TableScan::Make(table, options));
  return scan.ToArrowTable();
}

arrow::Result<int64_t> CountDistinct(const std::shared_ptr<arrow::ChunkedArray>& column) {
  arrow::compute::CountOptions only_valid(arrow::compute::CountOptions::ONLY_VALID);
  ARROW_ASSIGN_OR_RAISE(auto datum,
                        arrow::compute::CallFunction("count_distinct", {column}, &only_valid));
  return std::static_pointer_cast<arrow::Int64Scalar>(datum.scalar())->value;
}

}  // namespace

arrow::Result<LogReport> BuildLogReport(const iceberg::Table& table, int64_t samples) {
  LogReport report;
  ARROW_ASSIGN_OR_RAISE(auto rows, Scan(table, {"timestamp", "app", "pod_name", "log_level"}));
  report.total_records = rows->num_rows();
  if (rows->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(auto minmax, arrow::compute::MinMax(rows->GetColumnByName("timestamp")));
    const auto& pair = minmax.scalar_as<arrow::StructScalar>().value;
    if (pair[0]->is_valid) {
      report.first_timestamp_us = std::static_pointer_cast<arrow::TimestampScalar>(pair[0])->value;
      report.last_timestamp_us = std::static_pointer_cast<arrow::TimestampScalar>(pair[1])->value;
    }
    ARROW_ASSIGN_OR_RAISE(report.unique_apps, CountDistinct(rows->GetColumnByName("app")));
    ARROW_ASSIGN_OR_RAISE(report.unique_pods, CountDistinct(rows->GetColumnByName("pod_name")));
    ARROW_ASSIGN_OR_RAISE(auto counts,
                          arrow::compute::ValueCounts(rows->GetColumnByName("log_level")));
    auto values = std::static_pointer_cast<arrow::StringArray>(counts->field(0));
    auto freq = std::static_pointer_cast<arrow::Int64Array>(counts->field(1));
    for (int64_t i = 0; i < counts->length(); ++i) {
      std::string level = values->IsNull(i) ? "null" : values->GetString(i);
      report.log_levels[level] += freq->Value(i);
    }
  }
  if (samples > 0) {
    ARROW_ASSIGN_OR_RAISE(report.samples, Scan(table, {}, samples));
  }
  return report;
}

arrow::Result<std::vector<FolderStatus>> LatestFolderStatuses(const iceberg::Table& metadata) {
  ARROW_ASSIGN_OR_RAISE(auto rows, Scan(metadata, {}));
  ARROW_ASSIGN_OR_RAISE(auto combined, rows->CombineChunksToBatch());
  std::map<std::string, FolderStatus> latest;
  if (combined->num_rows() == 0) return std::vector<FolderStatus>{};
  auto str = [&](const char* name) {
    return std::static_pointer_cast<arrow::StringArray>(combined->GetColumnByName(name));
  };
  auto ts = [&](const char* name) {
    return std::static_pointer_cast<arrow::TimestampArray>(combined->GetColumnByName(name));
  };
  auto selector = str("spark_app_selector"), path = str("s3_path"), status = str("status"),
       error = str("error_message"), job = str("job_id");
  auto records = std::static_pointer_cast<arrow::Int32Array>(
      combined->GetColumnByName("records_processed"));
  auto start = ts("processing_start_time"), end = ts("processing_end_time"),
       updated = ts("updated_at");
  auto opt = [](const std::shared_ptr<arrow::TimestampArray>& a,
                int64_t i) -> std::optional<int64_t> {
    if (a->IsNull(i)) return std::nullopt;
    return a->Value(i);
  };
  for (int64_t i = 0; i < combined->num_rows(); ++i) {
    if (selector->IsNull(i)) continue;
    std::string name = selector->GetString(i);
    auto& row = latest[name];
    ++row.runs;
    auto when = opt(updated, i);
    if (row.runs > 1 && row.updated_us && when && *when < *row.updated_us) continue;
    row.folder = name;
    row.location = path->IsNull(i) ? "" : path->GetString(i);
    row.status = status->IsNull(i) ? "" : status->GetString(i);
    row.records = records->IsNull(i) ? 0 : records->Value(i);
    row.start_us = opt(start, i);
    row.end_us = opt(end, i);
    row.updated_us = when;
    row.error = error->IsNull(i) ? "" : error->GetString(i);
    row.job_id = job->IsNull(i) ? "" : job->GetString(i);
  }
  std::vector<FolderStatus> out;
  for (auto& [_, row] : latest) out.push_back(std::move(row));
  return out;
}

}  // namespace floe::ingest
