#pragma once

#include <memory>
#include <vector>

#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Adds data files in a new manifest and keeps every existing manifest as it is (Java's
/// FastAppend): the cheapest commit, operation "append".
class FastAppend final : public SnapshotProducer {
 public:
  explicit FastAppend(std::shared_ptr<Table> table) : SnapshotProducer(std::move(table)) {}

  FastAppend& AppendFile(DataFile file);
  FastAppend& AppendFiles(std::vector<DataFile> files);

 protected:
  const char* operation() const override { return operation::kAppend; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  std::vector<DataFile> files_;
  /// The new manifests do not depend on the base: written once, reused by retries.
  std::vector<ManifestFile> added_manifests_;
};

}  // namespace floe::iceberg
