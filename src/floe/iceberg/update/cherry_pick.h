#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Applies the data files an append snapshot added (typically one written to another branch,
/// or an audited write) to the current table (Java's cherrypick for appends). When the
/// snapshot's parent is the current snapshot, `main` is fast-forwarded to it; otherwise a new
/// append snapshot adds the same files, with `source-snapshot-id` in its summary. Picking a
/// snapshot twice, or one already in main's history, is refused.
class CherryPick final : public SnapshotProducer {
 public:
  CherryPick(std::shared_ptr<Table> table, int64_t source_snapshot_id)
      : SnapshotProducer(std::move(table)), source_(source_snapshot_id) {}

  arrow::Status Apply(TableMetadataBuilder& builder) override;

 protected:
  const char* operation() const override { return operation::kAppend; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  int64_t source_;
  std::vector<DataFile> files_;
  std::vector<ManifestFile> added_manifests_;  ///< for files_, written once
};

}  // namespace floe::iceberg
