#include "floe/iceberg/update/row_delta.h"

#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/conflict_validation.h"

namespace floe::iceberg {

RowDelta& RowDelta::AddRows(DataFile file) {
  added_data_.push_back(std::move(file));
  added_manifests_.clear();
  return *this;
}

RowDelta& RowDelta::AddDeletes(DataFile file) {
  added_deletes_.push_back(std::move(file));
  added_manifests_.clear();
  return *this;
}

RowDelta& RowDelta::RemoveRows(DataFile file) {
  removed_data_.push_back(std::move(file));
  return *this;
}

RowDelta& RowDelta::RemoveDeletes(DataFile file) {
  removed_deletes_.push_back(std::move(file));
  return *this;
}

RowDelta& RowDelta::ValidateFromSnapshot(int64_t snapshot_id) {
  starting_snapshot_id_ = snapshot_id;
  return *this;
}

RowDelta& RowDelta::ConflictDetectionFilter(ExprPtr filter) {
  conflict_filter_ = std::move(filter);
  return *this;
}

RowDelta& RowDelta::ValidateNoConflictingDataFiles() {
  validate_new_data_ = true;
  return *this;
}

RowDelta& RowDelta::ValidateNoConflictingDeleteFiles() {
  validate_new_deletes_ = true;
  return *this;
}

RowDelta& RowDelta::ValidateDataFilesExist(std::vector<std::string> paths) {
  for (auto& p : paths) referenced_data_files_.insert(std::move(p));
  return *this;
}

const char* RowDelta::operation() const {
  const bool adds_data = !added_data_.empty();
  const bool adds_deletes = !added_deletes_.empty();
  if (adds_data && !adds_deletes && removed_data_.empty()) return operation::kAppend;
  if (adds_deletes && !adds_data) return operation::kDelete;
  // Only removing data files deletes their rows (Java's DeleteFiles).
  if (!adds_data && !adds_deletes && !removed_data_.empty()) return operation::kDelete;
  return operation::kOverwrite;
}

arrow::Status RowDelta::Validate(const TableMetadata& base) const {
  const Snapshot* parent = ParentSnapshot(base);
  if (parent == nullptr) return arrow::Status::OK();  // no table state: nothing to conflict
  const std::string name = table_->identifier().ToString();
  ARROW_ASSIGN_OR_RAISE(auto validator, ConflictValidator::Make(*table_->io(), base, parent,
                                                                starting_snapshot_id_, name));
  // Position deletes must not point at files removed meanwhile: their rows would come back
  // if the file's rows were rewritten elsewhere.
  if (!referenced_data_files_.empty()) {
    ARROW_RETURN_NOT_OK(
        validator.ValidateDataFilesExist(referenced_data_files_, false, conflict_filter_));
  }
  if (validate_new_data_) {
    ARROW_RETURN_NOT_OK(validator.ValidateNoConflictingDataFiles(conflict_filter_));
  }
  if (validate_new_deletes_) {
    ARROW_RETURN_NOT_OK(
        validator.ValidateNoNewDeletesForDataFiles(conflict_filter_, removed_data_));
    ARROW_RETURN_NOT_OK(validator.ValidateNoNewDeleteFiles(conflict_filter_));
  }
  for (const auto& f : removed_data_) {
    if (referenced_data_files_.count(f.file_path)) {
      return arrow::Status::Invalid("table ", name, ": cannot remove data file ", f.file_path,
                                    " that this change's new delete files reference");
    }
  }
  std::set<std::string> dv_targets;
  for (const auto& f : added_deletes_) {
    if (f.is_deletion_vector() && f.referenced_data_file)
      dv_targets.insert(*f.referenced_data_file);
  }
  return validator.ValidateNoNewDeletionVectors(dv_targets);
}

arrow::Result<SnapshotPlan> RowDelta::Plan(const TableMetadata& base, int64_t snapshot_id) {
  for (const auto& f : added_deletes_) {
    if (f.content == DataFileContent::kData) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": ", f.file_path,
                                    " is a data file; add it with AddRows");
    }
  }
  for (const auto& f : added_data_) {
    if (f.content != DataFileContent::kData) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": ", f.file_path,
                                    " is a delete file; add it with AddDeletes");
    }
  }
  if (!added_deletes_.empty() && base.format_version < 2) {
    return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                  " is format version 1, which has no delete files; upgrade "
                                  "its format-version to 2 to write row-level deletes");
  }
  ARROW_RETURN_NOT_OK(Validate(base));

  SnapshotPlan plan;
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(base));
  std::set<std::string> remove;
  for (const auto& f : removed_data_) remove.insert(ContentFileKey(f));
  for (const auto& f : removed_deletes_) remove.insert(ContentFileKey(f));
  std::vector<ManifestEntry> removed;
  ARROW_ASSIGN_OR_RAISE(plan.manifests,
                        RemoveFiles(base, snapshot_id, manifests, remove, plan, &removed));
  for (const auto& e : removed) remove.erase(ContentFileKey(e.data_file));
  if (!remove.empty()) {
    // A file this change removes is gone: a concurrent change removed it (Java's
    // failMissingDeletePaths); the rows it rewrote may have changed.
    return ValidationFailed("table " + table_->identifier().ToString() + ": file " +
                            *remove.begin() +
                            " that this change removes is no longer in the table (a concurrent "
                            "change removed it); run the operation again");
  }
  std::vector<DataFile> added = added_data_;
  added.insert(added.end(), added_deletes_.begin(), added_deletes_.end());
  ARROW_RETURN_NOT_OK(PlanAppendedFiles(base, snapshot_id, added, added_manifests_, plan));
  return plan;
}

}  // namespace floe::iceberg
