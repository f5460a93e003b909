#include "floe/iceberg/update/snapshot_producer.h"

#include <map>

#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/util/properties.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

void SnapshotChanges::Added(const DataFile& file, const std::string& partition_path) {
  ++added_data_files;
  added_records += file.record_count;
  added_files_size += file.file_size_in_bytes;
  changed_partitions.insert(partition_path);
}

void SnapshotChanges::Deleted(const DataFile& file, const std::string& partition_path) {
  ++deleted_data_files;
  deleted_records += file.record_count;
  removed_files_size += file.file_size_in_bytes;
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
  std::map<int32_t, std::vector<const DataFile*>> by_spec;
  for (const auto& f : files) by_spec[f.spec_id].push_back(&f);
  auto schema = base.CurrentSchema();
  std::vector<ManifestFile> out;
  for (const auto& [spec_id, spec_files] : by_spec) {
    const PartitionSpec* spec = base.SpecById(spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                    ": data file has unknown partition spec id ", spec_id);
    }
    ARROW_ASSIGN_OR_RAISE(
        auto writer, ManifestWriter::Make(*table_->io(), NewManifestLocation(base, snapshot_id),
                                          *spec, *schema, nullptr, snapshot_id,
                                          {.format_version = base.ManifestFormatVersion()}));
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
  summary[key] = std::to_string(previous + added - removed);
}

std::map<std::string, std::string> BuildSummary(const char* operation, const SnapshotChanges& c,
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
  s["changed-partition-count"] = std::to_string(c.changed_partitions.size());
  SetTotal(s, parent, "total-records", c.added_records, c.deleted_records);
  SetTotal(s, parent, "total-files-size", c.added_files_size, c.removed_files_size);
  SetTotal(s, parent, "total-data-files", c.added_data_files, c.deleted_data_files);
  SetTotal(s, parent, "total-delete-files", 0, 0);
  SetTotal(s, parent, "total-position-deletes", 0, 0);
  SetTotal(s, parent, "total-equality-deletes", 0, 0);
  return s;
}

}  // namespace

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
  if (plan.changes.added_data_files == 0 && plan.changes.deleted_data_files == 0 && !allow_empty_) {
    return arrow::Status::OK();  // nothing to commit
  }
  const Snapshot* parent = ParentSnapshot(base);
  Snapshot snap;
  snap.snapshot_id = snapshot_id_;
  if (parent != nullptr) snap.parent_snapshot_id = parent->snapshot_id;
  snap.sequence_number = base.last_sequence_number + 1;
  snap.timestamp_ms = std::max(NowMs(), base.last_updated_ms);
  snap.schema_id = base.current_schema_id;
  snap.summary = BuildSummary(operation(), plan.changes, parent);
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

arrow::Status CheckNoDeleteFiles(const TableIdentifier& id,
                                 const std::vector<ManifestFile>& manifests) {
  for (const auto& m : manifests) {
    if (m.content == ManifestContent::kDeletes &&
        (m.added_files_count > 0 || m.existing_files_count > 0)) {
      return arrow::Status::Invalid(
          "table ", id.ToString(), " has row-level delete files (manifest ", m.manifest_path,
          "); floe cannot apply delete files yet, so it refuses to read or rewrite this table "
          "rather than return deleted rows");
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::iceberg
