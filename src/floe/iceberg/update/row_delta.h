#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Row-level changes as one snapshot (Java's RowDelta / BaseRowDelta): adds data files and
/// delete files, and removes data files and delete files — a merge-on-read delete, update or
/// merge, or a copy-on-write one (which removes the files it rewrote).
///
/// Its operation is "append" when it only adds data files, "delete" when it adds delete files
/// and no data files (as Java's BaseRowDelta) or only removes data files (as Java's
/// DeleteFiles), and "overwrite" otherwise.
///
/// At every commit attempt it plans against the table as it is then, and validates the
/// snapshots committed since ValidateFromSnapshot (the snapshot the change read) with the
/// checks asked for; a failed check is ValidationFailed (errors.h), never retried. Files it
/// removes must still be live: a file removed concurrently fails the commit too.
class RowDelta final : public SnapshotProducer {
 public:
  explicit RowDelta(std::shared_ptr<Table> table) : SnapshotProducer(std::move(table)) {}

  /// A new data file (rows inserted or rewritten).
  RowDelta& AddRows(DataFile file);
  /// A new delete file: position deletes, a deletion vector or equality deletes.
  RowDelta& AddDeletes(DataFile file);
  /// Removes a live data file (rewritten, or all its rows deleted).
  RowDelta& RemoveRows(DataFile file);
  /// Removes a live delete file (e.g. a DV replaced by a merged one).
  RowDelta& RemoveDeletes(DataFile file);

  /// The snapshot the change's reads were planned on; validations cover the snapshots
  /// committed to the branch after it. Unset: the whole history of the branch.
  RowDelta& ValidateFromSnapshot(int64_t snapshot_id);
  /// Limits conflict detection to rows that match this unbound row filter (e.g. the
  /// operation's WHERE clause); unset means the whole table.
  RowDelta& ConflictDetectionFilter(ExprPtr filter);
  /// Fails on data files added concurrently that may hold rows matching the conflict filter
  /// (serializable isolation).
  RowDelta& ValidateNoConflictingDataFiles();
  /// Fails on delete files added concurrently that may apply to rows matching the conflict
  /// filter, or to the data files this change removes.
  RowDelta& ValidateNoConflictingDeleteFiles();
  /// Fails when any of these data files (those this change's position deletes reference) was
  /// removed concurrently, e.g. by compaction or a copy-on-write rewrite.
  RowDelta& ValidateDataFilesExist(std::vector<std::string> paths);

  /// The files this change adds and removes, as given.
  const std::vector<DataFile>& added_data_files() const { return added_data_; }
  const std::vector<DataFile>& added_delete_files() const { return added_deletes_; }
  const std::vector<DataFile>& removed_data_files() const { return removed_data_; }
  const std::vector<DataFile>& removed_delete_files() const { return removed_deletes_; }

 protected:
  const char* operation() const override;
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  arrow::Status Validate(const TableMetadata& base) const;

  std::vector<DataFile> added_data_;
  std::vector<DataFile> added_deletes_;
  std::vector<DataFile> removed_data_;
  std::vector<DataFile> removed_deletes_;
  std::optional<int64_t> starting_snapshot_id_;
  ExprPtr conflict_filter_;
  bool validate_new_data_ = false;
  bool validate_new_deletes_ = false;
  std::set<std::string> referenced_data_files_;
  std::vector<ManifestFile> added_manifests_;  ///< for the added files, written once
};

}  // namespace floe::iceberg
