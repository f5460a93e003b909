#include "floe/iceberg/update/conflict_validation.h"

#include "floe/iceberg/data/delete_filter.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/manifest/manifest_group.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/metadata/snapshot.h"

namespace floe::iceberg {
namespace {

// Operations that can add data files, remove them, or add delete files (Java's
// MergingSnapshotProducer VALIDATE_* operation sets).
const std::set<std::string> kAddsData = {operation::kAppend, operation::kOverwrite};
const std::set<std::string> kRemovesData = {operation::kOverwrite, operation::kReplace,
                                            operation::kDelete};
const std::set<std::string> kRemovesDataSkipDelete = {operation::kOverwrite, operation::kReplace};
const std::set<std::string> kAddsDeletes = {operation::kOverwrite, operation::kDelete};
const std::set<std::string> kAddsDVs = {operation::kOverwrite, operation::kDelete,
                                        operation::kReplace};

std::string SnapshotOf(const ManifestEntry& entry) {
  return entry.snapshot_id ? std::to_string(*entry.snapshot_id) : std::string("?");
}

}  // namespace

arrow::Result<ConflictValidator> ConflictValidator::Make(
    io::FileIO& io, const TableMetadata& base, const Snapshot* parent,
    std::optional<int64_t> starting_snapshot_id, std::string table_name) {
  ConflictValidator v;
  v.io_ = &io;
  v.base_ = &base;
  v.starting_snapshot_id_ = starting_snapshot_id;
  v.table_name_ = std::move(table_name);
  // Walk back from the branch head to the starting snapshot (Java's ancestorsBetween).
  const Snapshot* last = nullptr;
  for (const Snapshot* s = parent; s != nullptr;) {
    if (starting_snapshot_id && s->snapshot_id == *starting_snapshot_id) break;
    v.new_snapshots_.push_back(s);
    last = s;
    s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr;
  }
  if (last != nullptr && last->parent_snapshot_id != starting_snapshot_id) {
    std::string start =
        starting_snapshot_id ? std::to_string(*starting_snapshot_id) : std::string("(none)");
    return ValidationFailed("table " + v.table_name_ + ": snapshot " + start +
                            " that this change read is not an ancestor of the branch head " +
                            std::to_string(parent->snapshot_id) +
                            " (or the history between them was expired); run the operation "
                            "again on the current table");
  }
  for (const Snapshot* s : v.new_snapshots_) {
    ARROW_ASSIGN_OR_RAISE(auto list, ReadManifestList(io, s->manifest_list));
    v.manifests_.push_back(std::move(list));
  }
  return v;
}

std::string ConflictValidator::Since() const {
  return starting_snapshot_id_ ? " since snapshot " + std::to_string(*starting_snapshot_id_)
                               : std::string(" since the table was created");
}

std::vector<ManifestFile> ConflictValidator::NewManifests(const std::set<std::string>& operations,
                                                          ManifestContent content,
                                                          std::set<int64_t>* snapshot_ids) const {
  std::vector<ManifestFile> out;
  for (size_t i = 0; i < new_snapshots_.size(); ++i) {
    const Snapshot* s = new_snapshots_[i];
    if (!operations.count(s->operation())) continue;
    snapshot_ids->insert(s->snapshot_id);
    for (const auto& m : manifests_[i]) {
      if (m.content == content && m.added_snapshot_id == s->snapshot_id) out.push_back(m);
    }
  }
  return out;
}

arrow::Result<ExprPtr> ConflictValidator::BindFilter(const ExprPtr& filter) const {
  if (filter == nullptr) return Expression::True();
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(filter, *base_->CurrentSchema()));
  return RewriteNot(bound);
}

arrow::Result<std::vector<ManifestEntry>> ConflictValidator::AddedEntries(
    const std::vector<ManifestFile>& manifests, const std::set<int64_t>& snapshot_ids,
    const ExprPtr& filter) const {
  std::vector<ManifestEntry> out;
  if (manifests.empty()) return out;
  ARROW_ASSIGN_OR_RAISE(auto bound, BindFilter(filter));
  ManifestGroup group(*io_, *base_, base_->CurrentSchema(), bound);
  for (const auto& manifest : manifests) {
    ARROW_ASSIGN_OR_RAISE(PlannedManifest planned, group.Plan(manifest));
    for (size_t i = 0; i < planned.entries.size(); ++i) {
      const ManifestEntry& e = planned.entries[i];
      if (!planned.matches[i] || e.status != ManifestEntryStatus::kAdded) continue;
      if (!e.snapshot_id || !snapshot_ids.count(*e.snapshot_id)) continue;
      out.push_back(e);
    }
  }
  return out;
}

arrow::Status ConflictValidator::ValidateNoConflictingDataFiles(const ExprPtr& filter) const {
  std::set<int64_t> ids;
  auto manifests = NewManifests(kAddsData, ManifestContent::kData, &ids);
  ARROW_ASSIGN_OR_RAISE(auto added, AddedEntries(manifests, ids, filter));
  if (added.empty()) return arrow::Status::OK();
  return ValidationFailed(
      "table " + table_name_ + ": snapshot " + SnapshotOf(added.front()) + " added data file " +
      added.front().data_file.file_path + Since() + " that can hold rows matching " +
      (filter ? filter->ToString() : std::string("the change")) +
      " (serializable isolation; set the table's write.<operation>.isolation-level to "
      "snapshot to allow concurrent appends, or run the operation again)");
}

arrow::Status ConflictValidator::ValidateNoNewDeleteFiles(const ExprPtr& filter) const {
  if (base_->format_version < 2) return arrow::Status::OK();
  std::set<int64_t> ids;
  auto manifests = NewManifests(kAddsDeletes, ManifestContent::kDeletes, &ids);
  ARROW_ASSIGN_OR_RAISE(auto added, AddedEntries(manifests, ids, filter));
  if (added.empty()) return arrow::Status::OK();
  return ValidationFailed("table " + table_name_ + ": snapshot " + SnapshotOf(added.front()) +
                          " added delete file " + added.front().data_file.file_path + Since() +
                          " that can apply to rows this change read; run the operation again");
}

arrow::Status ConflictValidator::ValidateNoNewDeletesForDataFiles(
    const ExprPtr& filter, const std::vector<DataFile>& data_files) const {
  if (base_->format_version < 2 || data_files.empty()) return arrow::Status::OK();
  std::set<int64_t> ids;
  auto manifests = NewManifests(kAddsDeletes, ManifestContent::kDeletes, &ids);
  ARROW_ASSIGN_OR_RAISE(auto added, AddedEntries(manifests, ids, filter));
  for (const auto& entry : added) {
    for (const auto& data_file : data_files) {
      if (!DeleteMayApply(entry.data_file, data_file, *base_)) continue;
      return ValidationFailed("table " + table_name_ + ": snapshot " + SnapshotOf(entry) +
                              " added delete file " + entry.data_file.file_path +
                              " for data file " + data_file.file_path + Since() +
                              ", which this change rewrites or removes; run the operation again");
    }
  }
  return arrow::Status::OK();
}

arrow::Status ConflictValidator::ValidateDataFilesExist(const std::set<std::string>& paths,
                                                        bool skip_delete_snapshots,
                                                        const ExprPtr& filter) const {
  if (paths.empty()) return arrow::Status::OK();
  (void)filter;  // every removal of a named file conflicts, wherever it sits
  std::set<int64_t> ids;
  auto manifests = NewManifests(skip_delete_snapshots ? kRemovesDataSkipDelete : kRemovesData,
                                ManifestContent::kData, &ids);
  for (const auto& manifest : manifests) {
    if (manifest.deleted_files_count == 0) continue;
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(*io_, manifest));
    for (const auto& e : entries) {
      if (e.status != ManifestEntryStatus::kDeleted) continue;
      if (!e.snapshot_id || !ids.count(*e.snapshot_id)) continue;
      if (!paths.count(e.data_file.file_path)) continue;
      return ValidationFailed("table " + table_name_ + ": snapshot " + SnapshotOf(e) +
                              " removed data file " + e.data_file.file_path + Since() +
                              ", which this change's deletes reference (a concurrent rewrite "
                              "or delete); run the operation again");
    }
  }
  return arrow::Status::OK();
}

arrow::Status ConflictValidator::ValidateNoNewDeletionVectors(
    const std::set<std::string>& data_file_paths) const {
  if (data_file_paths.empty()) return arrow::Status::OK();
  std::set<int64_t> ids;
  auto manifests = NewManifests(kAddsDVs, ManifestContent::kDeletes, &ids);
  ARROW_ASSIGN_OR_RAISE(auto added, AddedEntries(manifests, ids, nullptr));
  for (const auto& e : added) {
    if (!e.data_file.is_deletion_vector() || !e.data_file.referenced_data_file) continue;
    if (!data_file_paths.count(*e.data_file.referenced_data_file)) continue;
    return ValidationFailed("table " + table_name_ + ": snapshot " + SnapshotOf(e) +
                            " added a deletion vector for data file " +
                            *e.data_file.referenced_data_file + Since() +
                            " (one per data file is allowed); run the operation again");
  }
  return arrow::Status::OK();
}

bool DeleteMayApply(const DataFile& delete_file, const DataFile& data_file,
                    const TableMetadata& metadata) {
  if (delete_file.content == DataFileContent::kData) return false;
  const PartitionSpec* spec = metadata.SpecById(delete_file.spec_id);
  bool global = spec != nullptr && spec->is_unpartitioned();
  if (delete_file.content == DataFileContent::kEqualityDeletes) {
    if (global) return true;
    return delete_file.spec_id == data_file.spec_id && delete_file.partition == data_file.partition;
  }
  if (delete_file.referenced_data_file) {
    return *delete_file.referenced_data_file == data_file.file_path;
  }
  if (delete_file.spec_id != data_file.spec_id || !(delete_file.partition == data_file.partition)) {
    return false;
  }
  // file_path bounds (single-value serialization of a string: its UTF-8 bytes).
  auto lower = delete_file.lower_bounds.find(kDeleteFilePathFieldId);
  auto upper = delete_file.upper_bounds.find(kDeleteFilePathFieldId);
  if (lower != delete_file.lower_bounds.end() && data_file.file_path < lower->second) return false;
  if (upper != delete_file.upper_bounds.end() && data_file.file_path > upper->second) return false;
  return true;
}

bool DeleteFileOnlyFor(const DataFile& delete_file, const std::string& data_file_path) {
  if (delete_file.content != DataFileContent::kPositionDeletes) return false;
  if (delete_file.referenced_data_file) return *delete_file.referenced_data_file == data_file_path;
  auto lower = delete_file.lower_bounds.find(kDeleteFilePathFieldId);
  auto upper = delete_file.upper_bounds.find(kDeleteFilePathFieldId);
  return lower != delete_file.lower_bounds.end() && upper != delete_file.upper_bounds.end() &&
         lower->second == data_file_path && upper->second == data_file_path;
}

}  // namespace floe::iceberg
