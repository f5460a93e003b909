#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/table/file_scan_task.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/type/sort_order.h"

namespace floe::iceberg {

/// How to compact (Java's RewriteDataFiles with the bin-pack strategy; option names and
/// defaults as there).
struct CompactionOptions {
  /// Only files that may hold rows matching this (unbound) filter are rewritten; null: all.
  ExprPtr filter;
  /// Size of the files written; default the table's write.target-file-size-bytes (512 MB).
  std::optional<int64_t> target_file_size_bytes;
  /// Files below this (default 75 % of the target) or above max (default 180 %) are
  /// rewritten; files in between are left alone unless deletes apply to them.
  std::optional<int64_t> min_file_size_bytes;
  std::optional<int64_t> max_file_size_bytes;
  /// A partition is rewritten when it has at least this many files to rewrite, or more than
  /// one whose sizes add up past the target, or a file with deletes.
  int32_t min_input_files = 5;
  /// The order of the rows in each new file; default the table's sort order.
  std::optional<SortOrder> sort_order;
  /// Keep one row per value of these columns in each partition rewritten: the one with the
  /// greatest `keep_latest_by` (a partition is then rewritten whole).
  std::vector<std::string> dedupe_on;
  std::string keep_latest_by;
};

/// The files of one partition that are rewritten together.
struct CompactionGroup {
  int32_t spec_id = 0;
  std::string partition;  ///< its partition path
  std::vector<FileScanTask> tasks;
  int64_t input_bytes = 0;
};

struct CompactionResult {
  std::vector<CompactionGroup> groups;
  int64_t rewritten_data_files = 0;
  int64_t added_data_files = 0;
  /// Delete files removed because no live data file needs them any more, by kind (as the
  /// snapshot summary's removed-* keys count them), and the deletes they held.
  int64_t removed_delete_files = 0;
  int64_t removed_position_delete_files = 0;
  int64_t removed_dvs = 0;
  int64_t removed_equality_delete_files = 0;
  int64_t removed_position_deletes = 0;
  int64_t removed_equality_deletes = 0;
  int64_t rewritten_bytes = 0;
  int64_t added_bytes = 0;
  int64_t rows_read = 0;               ///< after deletes were applied
  int64_t rows_written = 0;            ///< less duplicates dropped
  std::optional<int64_t> snapshot_id;  ///< the replace snapshot, when one was committed
};

/// Which files of the current snapshot a compaction would rewrite, per spec and partition.
arrow::Result<std::vector<CompactionGroup>> PlanCompaction(const Table& table,
                                                           const CompactionOptions& options);

/// Compacts the table's small files (Java's RewriteDataFiles, bin-pack): plans the groups
/// against the current snapshot, reads each group's files with their deletes applied, writes
/// them again as files of the target size (in the default spec, sorted by the sort order),
/// and commits one `replace` snapshot (RewriteFiles) that removes the inputs and every delete
/// file left applying to no live data file. New files keep the sequence number of the snapshot
/// read, and a delete committed meanwhile to a rewritten file fails the commit, so no delete
/// is lost; appends committed meanwhile are carried over. On failure the new files are
/// deleted (unless the commit outcome is unknown).
arrow::Result<CompactionResult> CompactDataFiles(const std::shared_ptr<Table>& table,
                                                 const CompactionOptions& options);

}  // namespace floe::iceberg
