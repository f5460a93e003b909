#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/table.h>

#include "floe/iceberg/table/table.h"

namespace floe::ingest {

/// The verification report of a log table (what the job floe replaces printed after a run).
struct LogReport {
  int64_t total_records = 0;
  std::optional<int64_t> first_timestamp_us;
  std::optional<int64_t> last_timestamp_us;
  int64_t unique_apps = 0;
  int64_t unique_pods = 0;
  std::map<std::string, int64_t> log_levels;  ///< level → records (null as "null")
  std::shared_ptr<arrow::Table> samples;      ///< a few whole records
};

/// Reads only the columns it needs (timestamp, app, pod_name, log_level) of the current
/// snapshot and aggregates them with Arrow compute.
arrow::Result<LogReport> BuildLogReport(const iceberg::Table& table, int64_t samples);

/// The latest processing-metadata row of each app folder.
struct FolderStatus {
  std::string folder;  ///< spark_app_selector
  std::string location;
  std::string status;
  int64_t records = 0;
  std::optional<int64_t> start_us, end_us, updated_us;
  std::string error;
  std::string job_id;
  int64_t runs = 0;  ///< rows for this folder in the table
};

arrow::Result<std::vector<FolderStatus>> LatestFolderStatuses(const iceberg::Table& metadata);

}  // namespace floe::ingest
