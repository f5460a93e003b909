#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/metadata/row_level_settings.h"
#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Replaces the rows that match a row filter with new data files, copy-on-write (operation
/// "overwrite"): files whose rows all match are removed (unread when their partition or column
/// metrics prove it), files where some rows match are rewritten without them, files that
/// cannot match stay. Rows are read with their delete files applied, and a removed or
/// rewritten file's delete files that name only it are removed in the same commit.
///
/// On a commit conflict, without an isolation level the plan is made again against the new
/// table, so rows appended meanwhile are replaced too (Java's OverwriteFiles without
/// validations, and Spark's INSERT OVERWRITE without the isolation-level write option). With
/// one, the overwrite keeps the plan it made from the snapshot it first read and validates the
/// snapshots committed since, as Java's OverwriteFiles with validateNoConflictingDeletes (and
/// validateNoConflictingData under serializable): a concurrent removal of, or new deletes for,
/// a file it removes or rewrites fails, as do new delete files for rows the filter covers;
/// serializable also fails when data files were added that may hold rows the filter covers,
/// snapshot keeps such rows. A failed validation is ValidationFailed (errors.h).
class Overwrite final : public SnapshotProducer {
 public:
  /// `filter` is unbound (by column name); Expression::True() replaces the whole table.
  Overwrite(std::shared_ptr<Table> table, ExprPtr filter)
      : SnapshotProducer(std::move(table)), filter_(std::move(filter)) {}

  Overwrite& AddFiles(std::vector<DataFile> files);
  /// Validates concurrent commits under this isolation level instead of planning again.
  Overwrite& Isolation(IsolationLevel level);

 protected:
  const char* operation() const override { return operation::kOverwrite; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  /// Checks the snapshots committed since the first plan (with an isolation level).
  arrow::Status Validate(const TableMetadata& base) const;

  ExprPtr filter_;
  std::optional<IsolationLevel> isolation_;
  std::optional<int64_t> starting_snapshot_id_;
  // With an isolation level, the first plan is kept for every later attempt.
  bool planned_ = false;
  std::set<std::string> removed_paths_;  ///< data files it removes or rewrites
  std::vector<DataFile> removed_;        ///< the same files
  std::vector<DataFile> rewritten_;      ///< the rows they keep, written once
  std::vector<DataFile> files_;
  std::vector<ManifestFile> added_manifests_;  ///< for files_, written once
};

}  // namespace floe::iceberg
