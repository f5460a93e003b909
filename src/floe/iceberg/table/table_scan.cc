#include "floe/iceberg/table/table_scan.h"

#include <arrow/compute/api.h>
#include <arrow/table.h>

#include <map>
#include <set>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/expression/residual_evaluator.h"
#include "floe/iceberg/manifest/manifest_group.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/table/delete_file_index.h"
#include "floe/iceberg/table/file_scan_task_reader.h"

namespace floe::iceberg {
namespace {

// Top-level fields of `schema` named in `columns` (in the order given), or all of them.
arrow::Result<std::shared_ptr<const Schema>> Project(const Schema& schema,
                                                     const std::vector<std::string>& columns,
                                                     bool case_sensitive,
                                                     const std::string& table_name) {
  if (columns.empty()) return std::make_shared<const Schema>(schema);
  std::vector<NestedField> fields;
  std::set<int32_t> seen;
  for (const auto& name : columns) {
    const NestedField* found = nullptr;
    for (const auto& f : schema.fields()) {
      bool same = case_sensitive ? f.name == name : schema.FindFieldByName(name, false) == &f;
      if (same) found = &f;
    }
    if (found == nullptr) {
      return arrow::Status::Invalid("table ", table_name, " has no column '", name, "'");
    }
    if (seen.insert(found->id).second) fields.push_back(*found);
  }
  return std::make_shared<const Schema>(schema.schema_id(), fields);
}

// The residual filter of each data file, with one evaluator per partition spec.
class ResidualCache {
 public:
  ResidualCache(const TableMetadata& metadata, std::shared_ptr<const Schema> schema,
                ExprPtr filter)
      : metadata_(metadata), schema_(std::move(schema)), filter_(std::move(filter)) {}

  arrow::Result<ExprPtr> For(const DataFile& file) {
    if (filter_->op() == Op::kTrue) return filter_;
    auto it = by_spec_.find(file.spec_id);
    if (it == by_spec_.end()) {
      const PartitionSpec* spec = metadata_.SpecById(file.spec_id);
      if (spec == nullptr) {
        return arrow::Status::Invalid("data file ", file.file_path, " uses unknown partition spec ",
                                      file.spec_id);
      }
      ARROW_ASSIGN_OR_RAISE(auto eval, ResidualEvaluator::Make(*spec, *schema_, filter_));
      it = by_spec_.emplace(file.spec_id, std::move(eval)).first;
    }
    return it->second.ResidualFor(file.partition);
  }

 private:
  const TableMetadata& metadata_;
  std::shared_ptr<const Schema> schema_;
  ExprPtr filter_;
  std::map<int32_t, ResidualEvaluator> by_spec_;
};

}  // namespace

arrow::Result<TableScan> TableScan::Make(const Table& table, ScanOptions options) {
  return Make(table.metadata_ptr(), table.io(), std::move(options), table.identifier().ToString());
}

arrow::Result<TableScan> TableScan::Make(std::shared_ptr<const TableMetadata> metadata,
                                         std::shared_ptr<io::FileIO> io, ScanOptions options,
                                         std::string table_name) {
  TableScan scan;
  scan.io_ = std::move(io);
  scan.table_name_ = std::move(table_name);
  scan.metadata_ = std::move(metadata);
  const TableMetadata& md = *scan.metadata_;
  const std::string& name = scan.table_name_;
  int selectors =
      options.snapshot_id.has_value() + options.as_of_ms.has_value() + options.ref.has_value();
  if (selectors > 1) {
    return arrow::Status::Invalid("choose one of snapshot id, as-of time and ref");
  }
  bool time_travel = selectors == 1;
  if (options.snapshot_id) {
    scan.snapshot_ = md.SnapshotById(*options.snapshot_id);
    if (scan.snapshot_ == nullptr) {
      return arrow::Status::Invalid("table ", name, " has no snapshot ", *options.snapshot_id);
    }
  } else if (options.as_of_ms) {
    scan.snapshot_ = md.SnapshotAsOf(*options.as_of_ms);
    if (scan.snapshot_ == nullptr) {
      return arrow::Status::Invalid("table ", name, " had no snapshot at ", *options.as_of_ms,
                                    " ms (its first snapshot is later)");
    }
  } else if (options.ref) {
    scan.snapshot_ = md.SnapshotForRef(*options.ref);
    if (scan.snapshot_ == nullptr) {
      return arrow::Status::Invalid("table ", name, " has no branch or tag '", *options.ref, "'");
    }
  } else {
    scan.snapshot_ = md.CurrentSnapshot();
  }
  scan.schema_ = md.CurrentSchema();
  if (time_travel && scan.snapshot_->schema_id) {
    auto schema = md.SchemaById(*scan.snapshot_->schema_id);
    if (schema) scan.schema_ = schema;
  }
  ARROW_ASSIGN_OR_RAISE(scan.projection_,
                        Project(*scan.schema_, options.columns, options.case_sensitive, name));
  if (options.filter) {
    auto bound = Bind(options.filter, *scan.schema_, options.case_sensitive);
    if (!bound.ok()) {
      return arrow::Status::Invalid("table ", name, ": filter: ", bound.status().message());
    }
    scan.bound_filter_ = RewriteNot(*bound);
  } else {
    scan.bound_filter_ = Expression::True();
  }
  if (options.limit && *options.limit < 0) return arrow::Status::Invalid("limit must be >= 0");
  scan.options_ = std::move(options);
  return scan;
}

arrow::Result<std::vector<FileScanTask>> TableScan::PlanFiles() const {
  *stats_ = PlanStats{};
  std::vector<FileScanTask> tasks;
  if (snapshot_ == nullptr) return tasks;
  io::FileIO& io = *io_;
  ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, snapshot_->manifest_list));
  ARROW_ASSIGN_OR_RAISE(auto deletes,
                        DeleteFileIndex::Build(io, *metadata_, manifests, schema_, bound_filter_));
  ManifestGroup group(io, *metadata_, schema_, bound_filter_);
  ResidualCache residuals(*metadata_, schema_, bound_filter_);
  std::set<std::string> applied;
  for (const auto& manifest : manifests) {
    if (manifest.content != ManifestContent::kData) continue;
    ARROW_ASSIGN_OR_RAISE(PlannedManifest planned, group.Plan(manifest));
    for (size_t i = 0; i < planned.entries.size(); ++i) {
      if (!planned.matches[i]) continue;
      ManifestEntry& entry = planned.entries[i];
      FileScanTask task;
      task.data_sequence_number = entry.sequence_number.value_or(0);
      task.deletes = deletes.ForDataFile(task.data_sequence_number, entry.data_file);
      for (const auto& d : task.deletes) applied.insert(d.file.file_path);
      ARROW_ASSIGN_OR_RAISE(task.residual, residuals.For(entry.data_file));
      task.file = std::move(entry.data_file);
      tasks.push_back(std::move(task));
    }
  }
  const ManifestGroup::Stats& counts = group.stats();
  *stats_ = PlanStats{counts.manifests_total,
                      counts.manifests_skipped,
                      counts.files_total,
                      counts.files_skipped,
                      static_cast<int64_t>(deletes.files().size()),
                      static_cast<int64_t>(applied.size())};
  return tasks;
}

namespace {

// Streams the rows of a scan's tasks, one task (one data file) open at a time.
class ScanReader final : public arrow::RecordBatchReader {
 public:
  ScanReader(std::shared_ptr<arrow::Schema> schema, std::vector<FileScanTask> tasks,
             std::shared_ptr<io::FileIO> io, std::shared_ptr<const TableMetadata> metadata,
             std::shared_ptr<const Schema> projection, TaskReadOptions options, int64_t limit)
      : schema_(std::move(schema)),
        tasks_(std::move(tasks)),
        io_(std::move(io)),
        metadata_(std::move(metadata)),
        projection_(std::move(projection)),
        options_(std::move(options)),
        remaining_(limit) {}

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    while (remaining_ > 0) {
      if (!current_) {
        if (next_task_ >= tasks_.size()) return arrow::Status::OK();
        ARROW_ASSIGN_OR_RAISE(current_,
                              ReadTask(io_, *metadata_, tasks_[next_task_], projection_, options_));
        tasks_[next_task_] = FileScanTask{};  // its metadata is no longer needed
        ++next_task_;
      }
      std::shared_ptr<arrow::RecordBatch> batch;
      ARROW_RETURN_NOT_OK(current_->ReadNext(&batch));
      if (!batch) {
        current_.reset();
        continue;
      }
      if (batch->num_rows() > remaining_) batch = batch->Slice(0, remaining_);
      remaining_ -= batch->num_rows();
      // Same columns, but with the scan's field names and metadata.
      *out = arrow::RecordBatch::Make(schema_, batch->num_rows(), batch->columns());
      return arrow::Status::OK();
    }
    current_.reset();
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<FileScanTask> tasks_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<const TableMetadata> metadata_;
  std::shared_ptr<const Schema> projection_;
  TaskReadOptions options_;
  int64_t remaining_;
  size_t next_task_ = 0;
  std::unique_ptr<arrow::RecordBatchReader> current_;
};

}  // namespace

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> TableScan::ToRecordBatchReader() const {
  ARROW_ASSIGN_OR_RAISE(auto tasks, PlanFiles());
  return ToRecordBatchReader(std::move(tasks));
}

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> TableScan::ToRecordBatchReader(
    std::vector<FileScanTask> tasks) const {
  ARROW_ASSIGN_OR_RAISE(auto out_schema, ToArrowSchema(*projection_));
  TaskReadOptions options;
  ARROW_ASSIGN_OR_RAISE(options.data, DataReadOptionsFromProperties(metadata_->properties));
  options.residual_schema = schema_;
  options.delete_loader = std::make_shared<DeleteLoader>(io_, options.data);
  return std::make_unique<ScanReader>(std::move(out_schema), std::move(tasks), io_, metadata_,
                                      projection_, std::move(options),
                                      options_.limit.value_or(INT64_MAX));
}

arrow::Result<std::shared_ptr<arrow::Table>> TableScan::ToArrowTable(
    const std::atomic<bool>* stop) const {
  ARROW_ASSIGN_OR_RAISE(auto reader, ToRecordBatchReader());
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  while (true) {
    if (stop != nullptr && stop->load()) return arrow::Status::Cancelled("scan interrupted");
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (!batch) break;
    batches.push_back(std::move(batch));
  }
  return arrow::Table::FromRecordBatches(reader->schema(), batches);
}

}  // namespace floe::iceberg
