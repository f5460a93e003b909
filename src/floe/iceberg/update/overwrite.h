#pragma once

#include <memory>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Replaces the rows that match a row filter with new data files, copy-on-write (operation
/// "overwrite"): files whose rows all match are removed, files where some rows match are
/// rewritten without them, files that cannot match stay. Rows are read with their delete files
/// applied, and a removed or rewritten file's delete files that name only it are removed in
/// the same commit. On a commit conflict the plan is made again against the new table, so
/// rows appended meanwhile are filtered too.
class Overwrite final : public SnapshotProducer {
 public:
  /// `filter` is unbound (by column name); Expression::True() replaces the whole table.
  Overwrite(std::shared_ptr<Table> table, ExprPtr filter)
      : SnapshotProducer(std::move(table)), filter_(std::move(filter)) {}

  Overwrite& AddFiles(std::vector<DataFile> files);

 protected:
  const char* operation() const override { return operation::kOverwrite; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  ExprPtr filter_;
  std::vector<DataFile> files_;
  std::vector<ManifestFile> added_manifests_;  ///< for files_, written once
};

}  // namespace floe::iceberg
