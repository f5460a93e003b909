#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Replaces files with others holding the same rows (Java's RewriteFiles; operation
/// `replace`): compaction's commit. Data files are removed and added, and delete files that no
/// longer apply to any live data file can be removed with them.
///
/// Added files get the data sequence number given (Java's dataSequenceNumber): compaction gives
/// them the sequence number of the snapshot it read, so an equality delete committed meanwhile
/// (with a higher number) still applies to the rewritten rows. At every commit attempt, against
/// the table as it is then, the change fails — without retrying, since it could never succeed
/// — when a removed file is no longer live (a concurrent change removed it), or when a delete
/// file committed after the ValidateFromSnapshot snapshot applies to a removed data file (its
/// deletes would be lost; Java's validateNoNewDeletesForDataFiles). Concurrent appends of other
/// files are no conflict: they are carried over.
class RewriteFiles final : public SnapshotProducer {
 public:
  explicit RewriteFiles(std::shared_ptr<Table> table) : SnapshotProducer(std::move(table)) {}

  RewriteFiles& RemoveDataFile(DataFile file);
  RewriteFiles& AddDataFile(DataFile file);
  /// A delete file to drop (one that applies to no data file left).
  RewriteFiles& RemoveDeleteFile(DataFile file);
  RewriteFiles& DataSequenceNumber(int64_t sequence_number);
  /// The snapshot the rewrite read; delete files committed after it are validated.
  RewriteFiles& ValidateFromSnapshot(int64_t snapshot_id);

 protected:
  const char* operation() const override { return operation::kReplace; }
  arrow::Result<SnapshotPlan> Plan(const TableMetadata& base, int64_t snapshot_id) override;

 private:
  arrow::Status ValidateNoNewDeletes(const TableMetadata& base,
                                     const std::vector<ManifestFile>& manifests,
                                     const std::vector<ManifestEntry>& removed) const;

  std::vector<DataFile> removed_data_;
  std::vector<DataFile> added_data_;
  std::vector<DataFile> removed_deletes_;
  std::optional<int64_t> data_sequence_number_;
  std::optional<int64_t> validate_from_;
};

}  // namespace floe::iceberg
