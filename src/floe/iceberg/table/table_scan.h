#pragma once

#include <atomic>

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/table.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// What to read: which snapshot (current by default), which columns, which rows.
struct ScanOptions {
  std::vector<std::string> columns;  ///< empty: all columns
  ExprPtr filter;                    ///< unbound row filter; null: all rows
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> as_of_ms;  ///< the snapshot current at this time
  std::optional<std::string> ref;   ///< a branch or tag
  std::optional<int64_t> limit;
  bool case_sensitive = true;
};

/// Scan planning and reading (spec: "Scan Planning"): pick the snapshot, prune manifests by
/// partition summaries, data files by partition values and column metrics, find the delete
/// files that apply to each remaining data file (DeleteFileIndex), then read the Parquet files
/// by field id, dropping deleted rows and those the file's residual filter rejects.
class TableScan {
 public:
  static arrow::Result<TableScan> Make(const Table& table, ScanOptions options);
  /// A scan of table metadata read through `io` without a catalog (e.g. a change planning
  /// against the table it commits onto); `table_name` is used in messages.
  static arrow::Result<TableScan> Make(std::shared_ptr<const TableMetadata> metadata,
                                       std::shared_ptr<io::FileIO> io, ScanOptions options,
                                       std::string table_name = "table");

  /// The snapshot read, or nullptr for a table without one (an empty result).
  const Snapshot* snapshot() const { return snapshot_; }
  /// The schema rows are read in: the snapshot's for time travel, else the current one.
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  /// The projected schema of the result.
  const std::shared_ptr<const Schema>& projection() const { return projection_; }

  /// The data files to read, each with the delete files that apply to it and its residual.
  arrow::Result<std::vector<FileScanTask>> PlanFiles() const;
  /// Streams the matching rows (up to the limit) in the projected schema, one data file
  /// open at a time, so memory stays bounded by a few batches whatever the table's size.
  arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ToRecordBatchReader() const;
  /// Streams the rows of some of the planned tasks (e.g. one worker's share of PlanFiles).
  arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ToRecordBatchReader(
      std::vector<FileScanTask> tasks) const;
  /// Reads all matching rows (up to the limit) into one Arrow table in the projected schema.
  /// `stop`, when set (by a signal handler, say), ends the read with a Cancelled status.
  arrow::Result<std::shared_ptr<arrow::Table>> ToArrowTable(
      const std::atomic<bool>* stop = nullptr) const;

  /// Counters from the last PlanFiles, for tests and `--explain`-like output.
  struct PlanStats {
    int64_t manifests_total = 0;
    int64_t manifests_skipped = 0;
    int64_t files_total = 0;
    int64_t files_skipped = 0;
    /// Delete files indexed (after pruning) and applied to at least one planned data file.
    int64_t delete_files = 0;
    int64_t delete_files_applied = 0;
  };
  const PlanStats& plan_stats() const { return *stats_; }

 private:
  TableScan() = default;
  std::shared_ptr<io::FileIO> io_;
  std::string table_name_;
  std::shared_ptr<const TableMetadata> metadata_;
  const Snapshot* snapshot_ = nullptr;
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<const Schema> projection_;
  ExprPtr bound_filter_;
  ScanOptions options_;
  std::shared_ptr<PlanStats> stats_ = std::make_shared<PlanStats>();
};

}  // namespace floe::iceberg
