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
  ARROW_RETURN_NOT_OK(PlanAppendedFiles(base, snapshot_id, files_, added_manifests_, plan));
  return plan;
}

}  // namespace floe::iceberg
