#pragma once

#include <cstdint>
#include <memory>

#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Rewrites a table's manifests so that each holds the entries of neighbouring partitions and
/// is about commit.manifest.target-size-bytes (default 8 MB) large (Java's RewriteManifests
/// with clustering by partition, as the rewrite_manifests procedure does). A `replace`
/// snapshot: no data changes, only how the files are listed.
///
/// The live entries (ADDED and EXISTING) of the current snapshot's manifests are grouped by
/// content (data, deletes) and partition spec; a group of two or more manifests, or one larger
/// than the target, is sorted by partition and written into new manifests as EXISTING entries,
/// keeping each entry's snapshot id and data and file sequence numbers (so the delete files
/// that applied to a data file still do). DELETED entries are dropped: the snapshot that
/// deleted the file keeps its own manifests. Groups already in one small manifest are kept.
/// The summary carries manifests-created, manifests-kept, manifests-replaced and
/// entries-processed, as Java writes them. Every commit attempt re-plans against the table as
/// it is then.
class RewriteManifests final : public SnapshotProducer {
 public:
  explicit RewriteManifests(std::shared_ptr<Table> table) : SnapshotProducer(std::move(table)) {}

  /// What the last plan did.
  int64_t manifests_replaced() const { return replaced_; }
  int64_t manifests_created() const { return created_; }
  int64_t manifests_kept() const { return kept_; }

 protected:
  const char* operation() const override { return operation::kReplace; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  int64_t replaced_ = 0;
  int64_t created_ = 0;
  int64_t kept_ = 0;
};

}  // namespace floe::iceberg
