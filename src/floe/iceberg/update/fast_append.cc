#include "floe/iceberg/update/fast_append.h"

namespace floe::iceberg {

FastAppend& FastAppend::AppendFile(DataFile file) {
  files_.push_back(std::move(file));
  added_manifests_.clear();
  return *this;
}

FastAppend& FastAppend::AppendFiles(std::vector<DataFile> files) {
  for (auto& f : files) files_.push_back(std::move(f));
  added_manifests_.clear();
  return *this;
}

arrow::Result<SnapshotPlan> FastAppend::Plan(const TableMetadata& base, int64_t snapshot_id) {
  SnapshotPlan plan;
  ARROW_ASSIGN_OR_RAISE(plan.manifests, CurrentManifests(base));
  if (files_.empty()) return plan;
  for (const auto& f : files_) {
    const PartitionSpec* spec = base.SpecById(f.spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": file ",
                                    f.file_path, " has unknown partition spec id ", f.spec_id);
    }
    plan.changes.Added(f, spec->PartitionPath(f.partition));
  }
  if (added_manifests_.empty() || change_files_.empty()) {
    // Written once for every attempt; removed if the change finally fails.
    ARROW_ASSIGN_OR_RAISE(added_manifests_, WriteAddedManifests(base, snapshot_id, files_));
    for (const auto& m : added_manifests_) change_files_.push_back(m.manifest_path);
  }
  plan.manifests.insert(plan.manifests.begin(), added_manifests_.begin(), added_manifests_.end());
  return plan;
}

}  // namespace floe::iceberg
