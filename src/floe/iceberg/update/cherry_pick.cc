#include "floe/iceberg/update/cherry_pick.h"

#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/update/manage_snapshots.h"

namespace floe::iceberg {
namespace {

constexpr const char* kSourceSnapshotId = "source-snapshot-id";

}  // namespace

arrow::Status CherryPick::Apply(TableMetadataBuilder& builder) {
  const TableMetadata& base = builder.current();
  const std::string table = "table " + table_->identifier().ToString();
  const Snapshot* source = base.SnapshotById(source_);
  if (source == nullptr) {
    return arrow::Status::KeyError(table, ": snapshot ", source_, " is not in the table");
  }
  if (source->operation() != operation::kAppend) {
    return arrow::Status::NotImplemented(table, ": cannot cherry-pick snapshot ", source_,
                                         ": it is an ", source->operation(),
                                         "; only appends can be cherry-picked");
  }
  const Snapshot* head = ParentSnapshot(base);
  if (head != nullptr) {
    if (IsAncestorOf(base, head->snapshot_id, source_)) {
      return arrow::Status::Invalid(table, ": snapshot ", source_,
                                    " is already in the history of '", branch_, "'");
    }
    for (const Snapshot* s = head; s != nullptr;
         s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr) {
      auto it = s->summary.find(kSourceSnapshotId);
      if (it != s->summary.end() && it->second == std::to_string(source_)) {
        return arrow::Status::Invalid(table, ": snapshot ", source_,
                                      " was already cherry-picked as snapshot ", s->snapshot_id);
      }
    }
  }
  // Its parent is the head: the snapshot can simply become the head.
  std::optional<int64_t> head_id;
  if (head != nullptr) head_id = head->snapshot_id;
  if (source->parent_snapshot_id == head_id) {
    planned_.reset();
    auto it = base.refs.find(branch_);
    SnapshotRef ref = it == base.refs.end() ? SnapshotRef{} : it->second;
    ref.snapshot_id = source_;
    ref.type = SnapshotRefType::kBranch;
    return builder.SetRef(branch_, ref);
  }
  if (files_.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(*table_->io(), source->manifest_list));
    for (const auto& manifest : manifests) {
      if (manifest.content != ManifestContent::kData || manifest.added_snapshot_id != source_) {
        continue;
      }
      const PartitionSpec* spec = base.SpecById(manifest.partition_spec_id);
      if (spec == nullptr) {
        return arrow::Status::Invalid(table, ": manifest ", manifest.manifest_path,
                                      " has unknown partition spec id ",
                                      manifest.partition_spec_id);
      }
      ARROW_ASSIGN_OR_RAISE(auto partition_type, spec->PartitionType(*base.CurrentSchema()));
      ARROW_ASSIGN_OR_RAISE(auto entries,
                            ReadManifestEntries(*table_->io(), manifest, partition_type));
      for (auto& entry : entries) {
        if (entry.status == ManifestEntryStatus::kAdded && entry.snapshot_id == source_) {
          files_.push_back(std::move(entry.data_file));
        }
      }
    }
  }
  SetSummary(kSourceSnapshotId, std::to_string(source_));
  return SnapshotProducer::Apply(builder);
}

arrow::Result<SnapshotPlan> CherryPick::Plan(const TableMetadata& base, int64_t snapshot_id) {
  SnapshotPlan plan;
  ARROW_ASSIGN_OR_RAISE(plan.manifests, CurrentManifests(base));
  for (const auto& f : files_) {
    const PartitionSpec* spec = base.SpecById(f.spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": file ",
                                    f.file_path, " has unknown partition spec id ", f.spec_id);
    }
    plan.changes.Added(f, spec->PartitionPath(f.partition));
  }
  if (files_.empty()) return plan;
  if (added_manifests_.empty() || change_files_.empty()) {
    ARROW_ASSIGN_OR_RAISE(added_manifests_, WriteAddedManifests(base, snapshot_id, files_));
    for (const auto& m : added_manifests_) change_files_.push_back(m.manifest_path);
  }
  plan.manifests.insert(plan.manifests.begin(), added_manifests_.begin(), added_manifests_.end());
  return plan;
}

}  // namespace floe::iceberg
