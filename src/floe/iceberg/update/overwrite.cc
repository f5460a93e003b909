#include "floe/iceberg/update/overwrite.h"

#include <arrow/compute/api.h>
#include <arrow/table.h>

#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/manifest/manifest_group.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/table/delete_file_index.h"
#include "floe/iceberg/table/file_scan_task_reader.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/conflict_validation.h"

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

arrow::Result<SnapshotPlan> Overwrite::Plan(const TableMetadata& base, int64_t snapshot_id) {
  SnapshotPlan plan;
  io::FileIO& io = *table_->io();
  auto schema = base.CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(filter_, *schema));
  bound = RewriteNot(bound);
  ARROW_ASSIGN_OR_RAISE(auto manifests, CurrentManifests(base));
  // Rows are read with their deletes applied; a removed or rewritten file's deletes that name
  // only it are removed with it.
  ARROW_ASSIGN_OR_RAISE(auto deletes, DeleteFileIndex::Build(io, base, manifests, schema, bound));
  std::vector<ManifestFile> delete_manifests;
  std::set<std::string> dangling;
  ManifestGroup group(io, base, schema, bound);
  std::vector<DataFile> rewritten;

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
      if (planned.matches[i]) {
        FileScanTask task;
        task.file = entry.data_file;
        task.data_sequence_number = entry.sequence_number.value_or(0);
        task.deletes = deletes.ForDataFile(task.data_sequence_number, entry.data_file);
        ARROW_ASSIGN_OR_RAISE(auto decision, Decide(table_->io(), base, task, schema, bound));
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
            plan.attempt_files.push_back(f.file_path);
            rewritten.push_back(std::move(f));
          }
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
