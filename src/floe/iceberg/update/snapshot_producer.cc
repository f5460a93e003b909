#include "floe/iceberg/update/snapshot_producer.h"

#include <map>

#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/util/properties.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

namespace {

// A deletion vector's bytes are its blob, not the whole Puffin file it shares with others
// (Java's ScanTaskUtil.contentSizeInBytes).
int64_t ContentSize(const DataFile& file) {
  if (file.is_deletion_vector() && file.content_size_in_bytes) return *file.content_size_in_bytes;
  return file.file_size_in_bytes;
}

}  // namespace

void SnapshotChanges::Added(const DataFile& file, const std::string& partition_path) {
  added_files_size += ContentSize(file);
  switch (file.content) {
    case DataFileContent::kData:
      ++added_data_files;
      added_records += file.record_count;
      break;
    case DataFileContent::kPositionDeletes:
      ++added_delete_files;
      ++(file.is_deletion_vector() ? added_dvs : added_position_delete_files);
      added_position_deletes += file.record_count;
      break;
    case DataFileContent::kEqualityDeletes:
      ++added_delete_files;
      ++added_equality_delete_files;
      added_equality_deletes += file.record_count;
      break;
  }
  changed_partitions.insert(partition_path);
}

void SnapshotChanges::Deleted(const DataFile& file, const std::string& partition_path) {
  removed_files_size += ContentSize(file);
  switch (file.content) {
    case DataFileContent::kData:
      ++deleted_data_files;
      deleted_records += file.record_count;
      break;
    case DataFileContent::kPositionDeletes:
      ++removed_delete_files;
      ++(file.is_deletion_vector() ? removed_dvs : removed_position_delete_files);
      removed_position_deletes += file.record_count;
      break;
    case DataFileContent::kEqualityDeletes:
      ++removed_delete_files;
      ++removed_equality_delete_files;
      removed_equality_deletes += file.record_count;
      break;
  }
  changed_partitions.insert(partition_path);
}

SnapshotProducer::SnapshotProducer(std::shared_ptr<Table> table)
    : PendingUpdate(std::move(table)), commit_uuid_(util::RandomUuid()) {}

SnapshotProducer& SnapshotProducer::ToBranch(std::string branch) {
  branch_ = std::move(branch);
  return *this;
}

const Snapshot* SnapshotProducer::ParentSnapshot(const TableMetadata& base) const {
  return base.SnapshotForRef(branch_);
}

SnapshotProducer& SnapshotProducer::SetSummary(const std::string& key, const std::string& value) {
  summary_extra_[key] = value;
  return *this;
}

SnapshotProducer& SnapshotProducer::SetValidation(
    std::function<arrow::Status(const TableMetadata&)> validate) {
  validate_ = std::move(validate);
  return *this;
}

SnapshotProducer& SnapshotProducer::AllowEmpty() {
  allow_empty_ = true;
  return *this;
}

std::string SnapshotProducer::NewManifestLocation(const TableMetadata& base, int64_t snapshot_id) {
  return io::JoinLocation(base.location, "metadata/" + commit_uuid_ + "-m" +
                                             std::to_string(manifest_counter_++) + ".avro");
}

arrow::Result<std::vector<ManifestFile>> SnapshotProducer::CurrentManifests(
    const TableMetadata& base) {
  const Snapshot* parent = ParentSnapshot(base);
  if (parent == nullptr) return std::vector<ManifestFile>{};
  return ReadManifestList(*table_->io(), parent->manifest_list);
}

arrow::Result<std::vector<ManifestFile>> SnapshotProducer::WriteAddedManifests(
    const TableMetadata& base, int64_t snapshot_id, const std::vector<DataFile>& files) {
  // Keyed by spec id, then content: data files and delete files never share a manifest.
  std::map<std::pair<int32_t, ManifestContent>, std::vector<const DataFile*>> by_spec;
  for (const auto& f : files) {
    auto content =
        f.content == DataFileContent::kData ? ManifestContent::kData : ManifestContent::kDeletes;
    by_spec[{f.spec_id, content}].push_back(&f);
  }
  auto schema = base.CurrentSchema();
  std::vector<ManifestFile> out;
  for (const auto& [key, spec_files] : by_spec) {
    const auto& [spec_id, content] = key;
    const PartitionSpec* spec = base.SpecById(spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                    ": data file has unknown partition spec id ", spec_id);
    }
    ManifestWriter::Options options;
    options.content = content;
    options.format_version = base.ManifestFormatVersion();
    ARROW_ASSIGN_OR_RAISE(
        auto writer, ManifestWriter::Make(*table_->io(), NewManifestLocation(base, snapshot_id),
                                          *spec, *schema, nullptr, snapshot_id, options));
    for (const DataFile* f : spec_files) ARROW_RETURN_NOT_OK(writer->Add(*f));
    ARROW_ASSIGN_OR_RAISE(auto manifest, writer->Close());
    out.push_back(std::move(manifest));
  }
  return out;
}

arrow::Status SnapshotProducer::PlanAppendedFiles(const TableMetadata& base, int64_t snapshot_id,
                                                  const std::vector<DataFile>& files,
                                                  std::vector<ManifestFile>& written,
                                                  SnapshotPlan& plan) {
  if (files.empty()) return arrow::Status::OK();
  for (const auto& f : files) {
    const PartitionSpec* spec = base.SpecById(f.spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": file ",
                                    f.file_path, " has unknown partition spec id ", f.spec_id);
    }
    plan.changes.Added(f, spec->PartitionPath(f.partition));
  }
  if (written.empty() || change_files_.empty()) {
    ARROW_ASSIGN_OR_RAISE(written, WriteAddedManifests(base, snapshot_id, files));
    for (const auto& m : written) change_files_.push_back(m.manifest_path);
  }
  plan.manifests.insert(plan.manifests.begin(), written.begin(), written.end());
  return arrow::Status::OK();
}

arrow::Result<std::vector<ManifestFile>> SnapshotProducer::RemoveFiles(
    const TableMetadata& base, int64_t snapshot_id, const std::vector<ManifestFile>& manifests,
    const std::set<std::string>& paths, SnapshotPlan& plan, std::vector<ManifestEntry>* removed) {
  std::vector<ManifestFile> out;
  if (paths.empty()) return manifests;
  auto schema = base.CurrentSchema();
  io::FileIO& io = *table_->io();
  for (const auto& manifest : manifests) {
    if (manifest.added_files_count == 0 && manifest.existing_files_count == 0) {
      out.push_back(manifest);
      continue;
    }
    const PartitionSpec* spec = base.SpecById(manifest.partition_spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("manifest ", manifest.manifest_path,
                                    " uses unknown partition spec ", manifest.partition_spec_id);
    }
    ARROW_ASSIGN_OR_RAISE(auto partition_type, spec->PartitionType(*schema));
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifestEntries(io, manifest, partition_type));
    bool hit = false;
    for (const auto& e : entries) {
      hit |= e.status != ManifestEntryStatus::kDeleted && paths.count(ContentFileKey(e.data_file));
    }
    if (!hit) {
      out.push_back(manifest);
      continue;
    }
    ManifestWriter::Options options;
    options.content = manifest.content;
    options.format_version = base.ManifestFormatVersion();
    ARROW_ASSIGN_OR_RAISE(auto writer,
                          ManifestWriter::Make(io, NewManifestLocation(base, snapshot_id), *spec,
                                               *schema, partition_type, snapshot_id, options));
    for (const auto& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;  // dropped, as Java does
      if (paths.count(ContentFileKey(e.data_file))) {
        ARROW_RETURN_NOT_OK(writer->AddDeleted(e));
        plan.changes.Deleted(e.data_file, spec->PartitionPath(e.data_file.partition));
        if (removed != nullptr) removed->push_back(e);
      } else {
        ARROW_RETURN_NOT_OK(writer->AddExisting(e));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto rewritten, writer->Close());
    plan.attempt_files.push_back(rewritten.manifest_path);
    out.push_back(std::move(rewritten));
  }
  return out;
}

namespace {

// Summary totals carry forward from the parent snapshot (Java's SnapshotSummary.Builder).
void SetTotal(std::map<std::string, std::string>& summary, const Snapshot* parent,
              const std::string& key, int64_t added, int64_t removed) {
  int64_t previous = 0;
  if (parent != nullptr) {
    auto it = parent->summary.find(key);
    if (it == parent->summary.end()) return;  // unknown total stays unknown
    auto total = util::IntProperty(parent->summary, key, 0);
    if (!total.ok()) return;  // a malformed total stays unknown too
    previous = *total;
  }
  int64_t total = previous + added - removed;
  if (total >= 0) summary[key] = std::to_string(total);  // a negative total is unknown (Java)
}

}  // namespace

std::map<std::string, std::string> BuildSnapshotSummary(const char* operation,
                                                        const SnapshotChanges& c,
                                                        const Snapshot* parent) {
  std::map<std::string, std::string> s;
  s["operation"] = operation;
  auto put = [&](const char* key, int64_t v) {
    if (v != 0) s[key] = std::to_string(v);
  };
  put("added-data-files", c.added_data_files);
  put("added-records", c.added_records);
  put("added-files-size", c.added_files_size);
  put("deleted-data-files", c.deleted_data_files);
  put("deleted-records", c.deleted_records);
  put("removed-files-size", c.removed_files_size);
  put("added-delete-files", c.added_delete_files);
  put("added-position-delete-files", c.added_position_delete_files);
  put("added-equality-delete-files", c.added_equality_delete_files);
  put("added-dvs", c.added_dvs);
  put("removed-delete-files", c.removed_delete_files);
  put("removed-position-delete-files", c.removed_position_delete_files);
  put("removed-equality-delete-files", c.removed_equality_delete_files);
  put("removed-dvs", c.removed_dvs);
  put("added-position-deletes", c.added_position_deletes);
  put("removed-position-deletes", c.removed_position_deletes);
  put("added-equality-deletes", c.added_equality_deletes);
  put("removed-equality-deletes", c.removed_equality_deletes);
  s["changed-partition-count"] = std::to_string(c.changed_partitions.size());
  SetTotal(s, parent, "total-records", c.added_records, c.deleted_records);
  SetTotal(s, parent, "total-files-size", c.added_files_size, c.removed_files_size);
  SetTotal(s, parent, "total-data-files", c.added_data_files, c.deleted_data_files);
  SetTotal(s, parent, "total-delete-files", c.added_delete_files, c.removed_delete_files);
  SetTotal(s, parent, "total-position-deletes", c.added_position_deletes,
           c.removed_position_deletes);
  SetTotal(s, parent, "total-equality-deletes", c.added_equality_deletes,
           c.removed_equality_deletes);
  return s;
}

arrow::Status SnapshotProducer::Apply(TableMetadataBuilder& builder) {
  const TableMetadata& base = builder.current();
  planned_.reset();
  if (validate_) ARROW_RETURN_NOT_OK(validate_(base));
  // One id for every attempt: manifests written once carry it. Taken again only if a
  // concurrent writer happened to use it.
  if (snapshot_id_ == 0 || base.SnapshotById(snapshot_id_) != nullptr) {
    snapshot_id_ = NewSnapshotId(base);
  }
  ARROW_ASSIGN_OR_RAISE(SnapshotPlan plan, Plan(base, snapshot_id_));
  attempt_files_ = plan.attempt_files;
  if (plan.changes.empty() && !allow_empty_) {
    return arrow::Status::OK();  // nothing to commit
  }
  const Snapshot* parent = ParentSnapshot(base);
  Snapshot snap;
  snap.snapshot_id = snapshot_id_;
  if (parent != nullptr) snap.parent_snapshot_id = parent->snapshot_id;
  snap.sequence_number = base.last_sequence_number + 1;
  snap.timestamp_ms = std::max(NowMs(), base.last_updated_ms);
  snap.schema_id = base.current_schema_id;
  snap.summary = BuildSnapshotSummary(operation(), plan.changes, parent);
  for (const auto& [k, v] : summary_extra_) snap.summary[k] = v;
  snap.manifest_list = io::JoinLocation(
      base.location, "metadata/snap-" + std::to_string(snap.snapshot_id) + "-" +
                         std::to_string(snap.sequence_number) + "-" + commit_uuid_ + ".avro");
  ManifestListWriter::Options list_options;
  list_options.format_version = base.ManifestFormatVersion();
  if (base.format_version >= 3) list_options.first_row_id = base.next_row_id;
  ARROW_ASSIGN_OR_RAISE(
      auto list, ManifestListWriter::Make(*table_->io(), snap.manifest_list, snap.snapshot_id,
                                          snap.parent_snapshot_id, snap.sequence_number,
                                          list_options));
  attempt_files_.push_back(snap.manifest_list);
  ARROW_RETURN_NOT_OK(list->Add(plan.manifests));
  ARROW_RETURN_NOT_OK(list->Close().status());
  if (base.format_version >= 3) {
    // spec: "Row Lineage" — the snapshot's rows take ids from the table's next-row-id on.
    snap.first_row_id = base.next_row_id;
    snap.added_rows = *list->next_row_id() - base.next_row_id;
  }
  ARROW_RETURN_NOT_OK(builder.AddSnapshot(snap));
  // The branch keeps its retention settings; a new branch starts with none.
  SnapshotRef ref;
  auto existing = base.refs.find(branch_);
  if (existing != base.refs.end()) {
    if (existing->second.type != SnapshotRefType::kBranch) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": '", branch_,
                                    "' is a tag; only branches take new snapshots");
    }
    ref = existing->second;
  }
  ref.snapshot_id = snap.snapshot_id;
  ref.type = SnapshotRefType::kBranch;
  ARROW_RETURN_NOT_OK(builder.SetRef(branch_, ref));
  planned_ = std::move(snap);
  return arrow::Status::OK();
}

arrow::Result<Snapshot> SnapshotProducer::Commit() {
  ARROW_RETURN_NOT_OK(PendingUpdate::Commit());
  if (planned_) return *planned_;
  const Snapshot* head = table_->metadata().SnapshotForRef(branch_);
  if (head == nullptr) {
    return arrow::Status::Invalid("table ", table_->identifier().ToString(), ": nothing to commit");
  }
  return *head;
}

}  // namespace floe::iceberg
