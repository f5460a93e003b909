#include "floe/iceberg/update/rewrite_files.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/table/delete_file_index.h"

namespace floe::iceberg {

RewriteFiles& RewriteFiles::RemoveDataFile(DataFile file) {
  removed_data_.push_back(std::move(file));
  return *this;
}
RewriteFiles& RewriteFiles::AddDataFile(DataFile file) {
  added_data_.push_back(std::move(file));
  return *this;
}
RewriteFiles& RewriteFiles::RemoveDeleteFile(DataFile file) {
  removed_deletes_.push_back(std::move(file));
  return *this;
}
RewriteFiles& RewriteFiles::DataSequenceNumber(int64_t sequence_number) {
  data_sequence_number_ = sequence_number;
  return *this;
}
RewriteFiles& RewriteFiles::ValidateFromSnapshot(int64_t snapshot_id) {
  validate_from_ = snapshot_id;
  return *this;
}

arrow::Status RewriteFiles::ValidateNoNewDeletes(const TableMetadata& base,
                                                 const std::vector<ManifestFile>& manifests,
                                                 const std::vector<ManifestEntry>& removed) const {
  if (!validate_from_ || removed.empty()) return arrow::Status::OK();
  // The snapshots committed since the one the rewrite read.
  std::unordered_set<int64_t> newer;
  const Snapshot* s = ParentSnapshot(base);
  for (; s != nullptr && s->snapshot_id != *validate_from_;
       s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    newer.insert(s->snapshot_id);
  }
  if (s == nullptr) {
    return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": snapshot ",
                                  *validate_from_,
                                  " the rewrite read is no longer in the branch's history; "
                                  "run the rewrite again");
  }
  if (newer.empty()) return arrow::Status::OK();
  std::vector<DeleteFile> added;
  for (const auto& m : manifests) {
    if (m.content != ManifestContent::kDeletes) continue;
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(*table_->io(), m));
    for (auto& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted || !e.snapshot_id ||
          !newer.count(*e.snapshot_id)) {
        continue;
      }
      added.push_back(DeleteFile{std::move(e.data_file), e.sequence_number.value_or(0)});
    }
  }
  if (added.empty()) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto index, DeleteFileIndex::FromFiles(base, std::move(added)));
  for (const auto& e : removed) {
    auto applying = index.ForDataFile(e.sequence_number.value_or(0), e.data_file);
    if (!applying.empty()) {
      return arrow::Status::Invalid(
          "table ", table_->identifier().ToString(), ": delete file ",
          applying.front().file.file_path, ", committed after snapshot ", *validate_from_,
          ", deletes rows of ", e.data_file.file_path,
          ", which this rewrite replaces; it is abandoned so those deletes are not lost: run it "
          "again");
    }
  }
  return arrow::Status::OK();
}

arrow::Result<SnapshotPlan> RewriteFiles::Plan(const TableMetadata& base, int64_t snapshot_id) {
  SnapshotPlan plan;
  io::FileIO& io = *table_->io();
  auto schema = base.CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(base));
  std::unordered_map<std::string, const DataFile*> to_remove;
  for (const auto* list : {&removed_data_, &removed_deletes_}) {
    for (const auto& f : *list) to_remove[ContentFileKey(f)] = &f;
  }
  std::unordered_set<std::string> found;
  std::vector<ManifestEntry> removed;  // data files, with their sequence numbers
  for (const auto& m : manifests) {
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(io, m));
    bool touched = false;
    for (const auto& e : entries) {
      touched |= e.status != ManifestEntryStatus::kDeleted &&
                 to_remove.count(ContentFileKey(e.data_file)) > 0;
    }
    if (!touched) {
      plan.manifests.push_back(m);
      continue;
    }
    const PartitionSpec* spec = base.SpecById(m.partition_spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("manifest ", m.manifest_path, " names partition spec ",
                                    m.partition_spec_id, ", which the table does not have");
    }
    ManifestWriter::Options options;
    options.format_version = base.format_version;
    options.content = m.content;
    ARROW_ASSIGN_OR_RAISE(auto writer,
                          ManifestWriter::Make(io, NewManifestLocation(base, snapshot_id), *spec,
                                               *schema, nullptr, snapshot_id, options));
    plan.attempt_files.push_back(writer->location());
    for (const auto& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;  // recorded by older snapshots
      const std::string key = ContentFileKey(e.data_file);
      if (!to_remove.count(key)) {
        ARROW_RETURN_NOT_OK(writer->AddExisting(e));
        continue;
      }
      ARROW_RETURN_NOT_OK(writer->AddDeleted(e));
      found.insert(key);
      // Delete files removed count too: the summary's removed-* keys and its totals.
      plan.changes.Deleted(e.data_file, spec->PartitionPath(e.data_file.partition));
      if (e.data_file.content == DataFileContent::kData) removed.push_back(e);
    }
    ARROW_ASSIGN_OR_RAISE(auto manifest, writer->Close());
    plan.manifests.push_back(std::move(manifest));
  }
  for (const auto& [key, file] : to_remove) {
    if (!found.count(key)) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": file ",
                                    file->file_path,
                                    " to be replaced is no longer in the table (a concurrent "
                                    "commit removed it); the rewrite is abandoned, run it again");
    }
  }
  ARROW_RETURN_NOT_OK(ValidateNoNewDeletes(base, manifests, removed));

  // The new files, listed first; their data sequence number is the one given, if any.
  std::map<int32_t, std::vector<const DataFile*>> by_spec;
  for (const auto& f : added_data_) by_spec[f.spec_id].push_back(&f);
  std::vector<ManifestFile> added_manifests;
  for (const auto& [spec_id, files] : by_spec) {
    const PartitionSpec* spec = base.SpecById(spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("data file ", files[0]->file_path, " names partition spec ",
                                    spec_id, ", which the table does not have");
    }
    ManifestWriter::Options options;
    options.format_version = base.format_version;
    ARROW_ASSIGN_OR_RAISE(auto writer,
                          ManifestWriter::Make(io, NewManifestLocation(base, snapshot_id), *spec,
                                               *schema, nullptr, snapshot_id, options));
    plan.attempt_files.push_back(writer->location());
    for (const DataFile* f : files) {
      ManifestEntry entry;
      entry.status = ManifestEntryStatus::kAdded;
      entry.sequence_number = data_sequence_number_;
      entry.data_file = *f;
      ARROW_RETURN_NOT_OK(writer->Add(entry));
      plan.changes.Added(*f, spec->PartitionPath(f->partition));
    }
    ARROW_ASSIGN_OR_RAISE(auto manifest, writer->Close());
    added_manifests.push_back(std::move(manifest));
  }
  plan.manifests.insert(plan.manifests.begin(), added_manifests.begin(), added_manifests.end());
  // Dropping only dangling delete files changes no data file, yet is a snapshot.
  allow_empty_ = !removed_deletes_.empty();
  return plan;
}

}  // namespace floe::iceberg
