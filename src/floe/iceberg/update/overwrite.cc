#include "floe/iceberg/update/overwrite.h"

#include <arrow/compute/api.h>
#include <arrow/table.h>

#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/manifest/manifest_group.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/table/delete_file_index.h"
#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/conflict_validation.h"
#include "floe/iceberg/update/whole_file_match_internal.h"

namespace floe::iceberg {
namespace {

/// What to do with one live data file.
enum class Fate { kKeep, kDelete, kRewrite };

struct FileDecision {
  Fate fate = Fate::kKeep;
  std::shared_ptr<arrow::Table> remaining;  ///< rows to keep when rewriting
};

// Reads the file with its delete files applied and splits it by the filter: rows where the
// filter is true are removed, rows where it is false or unknown (null) stay.
arrow::Result<FileDecision> Decide(const std::shared_ptr<io::FileIO>& io, const TableMetadata& md,
                                   const FileScanTask& task,
                                   const std::shared_ptr<const Schema>& schema,
                                   const ExprPtr& bound) {
  TaskReadOptions options;
  ARROW_ASSIGN_OR_RAISE(options.data, DataReadOptionsFromProperties(md.properties));
  options.apply_residual = false;
  options.residual_schema = schema;
  ARROW_ASSIGN_OR_RAISE(auto reader, ReadTask(io, md, task, schema, options));
  std::vector<std::shared_ptr<arrow::RecordBatch>> kept;
  int64_t removed = 0, total = 0;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    total += batch->num_rows();
    ARROW_ASSIGN_OR_RAISE(auto matches, FilterMask(bound, *schema, *batch));
    // The mask is never null: rows where the filter is unknown are kept.
    ARROW_ASSIGN_OR_RAISE(auto keep_mask, arrow::compute::Invert(matches));
    ARROW_ASSIGN_OR_RAISE(auto keep, arrow::compute::Filter(batch, keep_mask));
    auto keep_batch = keep.record_batch();
    removed += batch->num_rows() - keep_batch->num_rows();
    if (keep_batch->num_rows() > 0) kept.push_back(std::move(keep_batch));
  }
  FileDecision d;
  if (removed == 0) return d;
  if (removed == total) {
    d.fate = Fate::kDelete;
    return d;
  }
  d.fate = Fate::kRewrite;
  ARROW_ASSIGN_OR_RAISE(d.remaining, arrow::Table::FromRecordBatches(kept));
  return d;
}

}  // namespace

Overwrite& Overwrite::AddFiles(std::vector<DataFile> files) {
  for (auto& f : files) files_.push_back(std::move(f));
  added_manifests_.clear();
  return *this;
}

Overwrite& Overwrite::Isolation(IsolationLevel level) {
  isolation_ = level;
  return *this;
}

arrow::Status Overwrite::Validate(const TableMetadata& base) const {
  const Snapshot* parent = ParentSnapshot(base);
  if (parent == nullptr) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto validator,
                        ConflictValidator::Make(*table_->io(), base, parent, starting_snapshot_id_,
                                                table_->identifier().ToString()));
  // Under any isolation: the files it replaces must be as it read them.
  ARROW_RETURN_NOT_OK(validator.ValidateDataFilesExist(removed_paths_, false, filter_));
  ARROW_RETURN_NOT_OK(validator.ValidateNoNewDeletesForDataFiles(filter_, removed_));
  ARROW_RETURN_NOT_OK(validator.ValidateNoNewDeleteFiles(filter_));
  if (*isolation_ == IsolationLevel::kSerializable) {
    ARROW_RETURN_NOT_OK(validator.ValidateNoConflictingDataFiles(filter_));
  }
  return arrow::Status::OK();
}

arrow::Result<SnapshotPlan> Overwrite::Plan(const TableMetadata& base, int64_t snapshot_id) {
  // With an isolation level, later attempts keep the first plan and validate what changed.
  const bool replan = !isolation_ || !planned_;
  if (isolation_ && !planned_) {
    const Snapshot* parent = ParentSnapshot(base);
    if (parent != nullptr) starting_snapshot_id_ = parent->snapshot_id;
  }
  if (!replan) ARROW_RETURN_NOT_OK(Validate(base));
  SnapshotPlan plan;
  io::FileIO& io = *table_->io();
  auto schema = base.CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(filter_, *schema));
  bound = RewriteNot(bound);
  ARROW_ASSIGN_OR_RAISE(auto whole_files,
                        row_level_internal::WholeFileMatcher::Make(base, *schema, bound));
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(base));
  // Rows are read with their deletes applied; a removed or rewritten file's deletes that name
  // only it are removed with it.
  ARROW_ASSIGN_OR_RAISE(auto deletes, DeleteFileIndex::Build(io, base, manifests, schema, bound));
  std::vector<ManifestFile> delete_manifests;
  std::set<std::string> dangling;
  ManifestGroup group(io, base, schema, bound);
  std::vector<DataFile> rewritten;
  size_t still_live = 0;  // of removed_paths_, when keeping the first plan

  for (const auto& manifest : manifests) {
    if (manifest.content == ManifestContent::kDeletes) {
      delete_manifests.push_back(manifest);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(PlannedManifest planned, group.Plan(manifest));
    if (planned.skipped) {
      plan.manifests.push_back(manifest);
      continue;
    }
    const PartitionSpec* spec = planned.spec;
    const TypePtr& partition_type = planned.partition_type;
    std::vector<std::pair<const ManifestEntry*, Fate>> fates;
    bool changed = false;
    for (size_t i = 0; i < planned.entries.size(); ++i) {
      const ManifestEntry& entry = planned.entries[i];
      Fate fate = Fate::kKeep;
      if (!replan) {
        // Files added since the first plan are kept (snapshot isolation allows them).
        if (removed_paths_.count(entry.data_file.file_path)) {
          fate = Fate::kDelete;
          ++still_live;
        }
        if (fate != Fate::kKeep) {
          auto task_deletes =
              deletes.ForDataFile(entry.sequence_number.value_or(0), entry.data_file);
          for (const auto& d : task_deletes) {
            if (DeleteFileOnlyFor(d.file, entry.data_file.file_path)) {
              dangling.insert(ContentFileKey(d.file));
            }
          }
        }
      } else if (planned.matches[i]) {
        FileScanTask task;
        task.file = entry.data_file;
        task.data_sequence_number = entry.sequence_number.value_or(0);
        task.deletes = deletes.ForDataFile(task.data_sequence_number, entry.data_file);
        FileDecision decision;
        if (whole_files.AllRowsMatch(entry.data_file, nullptr)) {
          // The partition or the metrics prove every row matches: removed unread.
          decision.fate = Fate::kDelete;
        } else {
          ARROW_ASSIGN_OR_RAISE(decision, Decide(table_->io(), base, task, schema, bound));
        }
        fate = decision.fate;
        if (fate != Fate::kKeep) {
          for (const auto& d : task.deletes) {
            if (DeleteFileOnlyFor(d.file, entry.data_file.file_path)) {
              dangling.insert(ContentFileKey(d.file));
            }
          }
        }
        if (fate == Fate::kRewrite) {
          ARROW_ASSIGN_OR_RAISE(auto files, WriteDataFiles(*table_, *decision.remaining));
          for (auto& f : files) {
            // Kept for every attempt when the plan is, else written again by each.
            if (isolation_) {
              change_files().push_back(f.file_path);
            } else {
              plan.attempt_files.push_back(f.file_path);
            }
            rewritten.push_back(std::move(f));
          }
        }
        if (fate != Fate::kKeep && isolation_) {
          removed_paths_.insert(entry.data_file.file_path);
          removed_.push_back(entry.data_file);
        }
      }
      changed |= fate != Fate::kKeep;
      fates.emplace_back(&entry, fate);
    }
    if (!changed) {
      plan.manifests.push_back(manifest);
      continue;
    }
    // The manifest changes: kept files stay EXISTING, removed ones are marked DELETED.
    ARROW_ASSIGN_OR_RAISE(auto writer,
                          ManifestWriter::Make(io, NewManifestLocation(base, snapshot_id), *spec,
                                               *schema, partition_type, snapshot_id,
                                               {.format_version = base.ManifestFormatVersion()}));
    for (const auto& [entry, fate] : fates) {
      if (fate == Fate::kKeep) {
        ARROW_RETURN_NOT_OK(writer->AddExisting(*entry));
      } else {
        ARROW_RETURN_NOT_OK(writer->AddDeleted(*entry));
        plan.changes.Deleted(entry->data_file, spec->PartitionPath(entry->data_file.partition));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto rewritten_manifest, writer->Close());
    plan.attempt_files.push_back(rewritten_manifest.manifest_path);
    plan.manifests.push_back(std::move(rewritten_manifest));
  }

  ARROW_ASSIGN_OR_RAISE(auto kept_deletes,
                        RemoveFiles(base, snapshot_id, delete_manifests, dangling, plan, nullptr));
  plan.manifests.insert(plan.manifests.end(), kept_deletes.begin(), kept_deletes.end());

  if (!replan && still_live != removed_paths_.size()) {
    return ValidationFailed("table " + table_->identifier().ToString() +
                            ": a data file this overwrite replaces is no longer in the table (a "
                            "concurrent change removed it); run the overwrite again");
  }
  if (isolation_) {
    if (replan) {
      rewritten_ = rewritten;
      planned_ = true;
    } else {
      rewritten = rewritten_;
    }
  }
  if (!rewritten.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto written, WriteAddedManifests(base, snapshot_id, rewritten));
    for (auto& m : written) {
      plan.attempt_files.push_back(m.manifest_path);
      plan.manifests.insert(plan.manifests.begin(), std::move(m));
    }
    for (const auto& f : rewritten) {
      plan.changes.Added(f, base.SpecById(f.spec_id)->PartitionPath(f.partition));
    }
  }
  ARROW_RETURN_NOT_OK(PlanAppendedFiles(base, snapshot_id, files_, added_manifests_, plan));
  return plan;
}

}  // namespace floe::iceberg
