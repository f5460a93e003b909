#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// Counts a snapshot adds to and removes from the table, for its summary (spec: "Snapshot
/// Summary"; field names and meaning as Java's SnapshotSummary writes them). Data files and
/// delete files are both counted: delete files by content (position deletes, deletion vectors,
/// equality deletes), with their record counts as the numbers of deletes.
struct SnapshotChanges {
  int64_t added_data_files = 0;
  int64_t added_records = 0;
  /// Bytes of every added file, data and delete (a deletion vector counts its blob only).
  int64_t added_files_size = 0;
  int64_t deleted_data_files = 0;
  int64_t deleted_records = 0;
  int64_t removed_files_size = 0;

  int64_t added_delete_files = 0;
  int64_t added_position_delete_files = 0;  ///< not counting deletion vectors
  int64_t added_equality_delete_files = 0;
  int64_t added_dvs = 0;
  int64_t removed_delete_files = 0;
  int64_t removed_position_delete_files = 0;
  int64_t removed_equality_delete_files = 0;
  int64_t removed_dvs = 0;
  int64_t added_position_deletes = 0;  ///< rows deleted by added position deletes and DVs
  int64_t removed_position_deletes = 0;
  int64_t added_equality_deletes = 0;
  int64_t removed_equality_deletes = 0;

  std::set<std::string> changed_partitions;

  /// Counts a file (data or delete) the snapshot adds / removes.
  void Added(const DataFile& file, const std::string& partition_path);
  void Deleted(const DataFile& file, const std::string& partition_path);

  /// True when no file, data or delete, is added or removed.
  bool empty() const {
    return added_data_files == 0 && deleted_data_files == 0 && added_delete_files == 0 &&
           removed_delete_files == 0;
  }
};

/// The snapshot summary for `changes` (spec: "Snapshot Summary"): the operation, the counts
/// that are not zero, the changed partition count, and the totals carried forward from
/// `parent`'s (a total the parent lacks stays unknown; with no parent, totals start at 0).
std::map<std::string, std::string> BuildSnapshotSummary(const char* operation,
                                                        const SnapshotChanges& changes,
                                                        const Snapshot* parent);

/// The manifests of a new snapshot, and what it changed.
struct SnapshotPlan {
  std::vector<ManifestFile> manifests;
  SnapshotChanges changes;
  /// Files written for this attempt only (e.g. rewritten data), removed if the attempt loses.
  std::vector<std::string> attempt_files;
};

/// Base of every change that makes a snapshot (append, overwrite, …): it plans manifests against
/// the table as it is at each commit attempt, writes the manifest list, and adds the snapshot
/// to its branch (`main` unless told otherwise).
class SnapshotProducer : public PendingUpdate {
 public:
  /// Adds a key to the snapshot summary (e.g. an idempotency token).
  SnapshotProducer& SetSummary(const std::string& key, const std::string& value);
  /// A check run against the table as it is at every commit attempt (also after a conflict);
  /// an error aborts the commit. Used to refuse work a concurrent writer already did.
  SnapshotProducer& SetValidation(std::function<arrow::Status(const TableMetadata&)> validate);
  /// Commit a snapshot even when no file is added or removed (to record a summary token).
  SnapshotProducer& AllowEmpty();
  /// Commits to this branch instead of `main`. A branch that does not exist yet is created,
  /// starting from no data (as Java does).
  SnapshotProducer& ToBranch(std::string branch);

  arrow::Status Apply(TableMetadataBuilder& builder) override;

  /// Commits on its own; returns the new snapshot. A change with nothing to do (no file added
  /// or removed) commits nothing and returns the branch's snapshot, or Invalid when there is
  /// none.
  arrow::Result<Snapshot> Commit();
  /// The snapshot the last Apply planned (after a committed transaction: the one committed),
  /// or none when it had nothing to do.
  const std::optional<Snapshot>& planned_snapshot() const { return planned_; }

 protected:
  explicit SnapshotProducer(std::shared_ptr<Table> table);

  virtual const char* operation() const = 0;
  /// Plans the snapshot's manifests against `base` (the table as it is now).
  virtual arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) = 0;

  /// The snapshot this change builds on: the head of its branch in `base`, or nullptr.
  const Snapshot* ParentSnapshot(const TableMetadata& base) const;
  /// The live manifests of ParentSnapshot(base) (none for an empty branch).
  arrow::Result<std::vector<ManifestFile>> CurrentManifests(const TableMetadata& base);
  /// Writes `files` as ADDED entries into new manifests: one per partition spec and content,
  /// data files into data manifests, delete files into delete manifests.
  arrow::Result<std::vector<ManifestFile>> WriteAddedManifests(const TableMetadata& base,
                                                               int64_t snapshot_id,
                                                               const std::vector<DataFile>& files);
  /// Adds `files` (data or delete files) to `plan` as appended: counted in its changes and
  /// listed in new manifests, placed first. The manifests are written once into `written` (reused
  /// by later attempts, removed if the change fails).
  arrow::Status PlanAppendedFiles(const TableMetadata& base, int64_t snapshot_id,
                                  const std::vector<DataFile>& files,
                                  std::vector<ManifestFile>& written, SnapshotPlan& plan);
  /// Removes the live files whose ContentFileKey is in `paths` (data or delete files; a
  /// deletion vector is its Puffin file's path and blob offset) from `manifests`: each
  /// manifest holding one is rewritten with it marked DELETED (the rest kept EXISTING) and
  /// counted in `plan.changes`; manifests without one are kept. Returns the new manifest list
  /// (rewritten manifests are attempt files of `plan`); `removed` gets the entries removed.
  arrow::Result<std::vector<ManifestFile>> RemoveFiles(
      const TableMetadata& base, int64_t snapshot_id, const std::vector<ManifestFile>& manifests,
      const std::set<std::string>& paths, SnapshotPlan& plan, std::vector<ManifestEntry>* removed);
  /// A new manifest location under `<table>/metadata/`.
  std::string NewManifestLocation(const TableMetadata& base, int64_t snapshot_id);

  std::map<std::string, std::string> summary_extra_;
  std::function<arrow::Status(const TableMetadata&)> validate_;
  bool allow_empty_ = false;
  std::string branch_ = kMainBranch;
  /// Names of this change's manifests: `<commit uuid>-m<counter>.avro`.
  int manifest_counter_ = 0;
  std::string commit_uuid_;
  /// Kept across attempts so manifests written once (which name it) stay valid.
  int64_t snapshot_id_ = 0;
  std::optional<Snapshot> planned_;
};

}  // namespace floe::iceberg
