#include "floe/iceberg/table/table_scan.h"

#include <arrow/compute/api.h>
#include <arrow/table.h>

#include <set>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/manifest/manifest_group.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/update/snapshot_producer.h"

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

}  // namespace

arrow::Result<TableScan> TableScan::Make(const Table& table, ScanOptions options) {
  TableScan scan;
  scan.table_ = &table;
  scan.metadata_ = table.metadata_ptr();
  const TableMetadata& md = *scan.metadata_;
  const std::string name = table.identifier().ToString();
  int selectors = options.snapshot_id.has_value() + options.as_of_ms.has_value() +
                  options.ref.has_value();
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
  io::FileIO& io = *table_->io();
  ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, snapshot_->manifest_list));
  ARROW_RETURN_NOT_OK(CheckNoDeleteFiles(table_->identifier(), manifests));
  ManifestGroup group(io, *metadata_, schema_, bound_filter_);
  ARROW_ASSIGN_OR_RAISE(auto files, group.PlanFiles(manifests));
  for (auto& file : files) tasks.push_back(FileScanTask{std::move(file)});
  const ManifestGroup::Stats& counts = group.stats();
  *stats_ = PlanStats{counts.manifests_total, counts.manifests_skipped, counts.files_total,
                      counts.files_skipped};
  return tasks;
}

arrow::Result<std::shared_ptr<arrow::Table>> TableScan::ToArrowTable() const {
  ARROW_ASSIGN_OR_RAISE(auto out_schema, ToArrowSchema(*projection_));
  ARROW_ASSIGN_OR_RAISE(auto tasks, PlanFiles());
  // Read the projected columns plus those the filter needs, filter, then drop the extras.
  std::vector<NestedField> read_fields = projection_->fields();
  std::set<int32_t> have;
  for (const auto& f : read_fields) have.insert(f.id);
  for (int32_t id : ReferencedFieldIds(bound_filter_)) {
    for (const auto& f : schema_->fields()) {
      // A filter on a nested field needs its top-level struct.
      bool contains = f.id == id || (f.type->is_nested() && !FieldPath(*schema_, id).empty() &&
                                     FieldPath(*schema_, id).front() == f.name);
      if (contains && have.insert(f.id).second) read_fields.push_back(f);
    }
  }
  Schema read_schema(schema_->schema_id(), read_fields);
  ARROW_ASSIGN_OR_RAISE(auto read_options, DataReadOptionsFromProperties(metadata_->properties));
  const bool filtering = bound_filter_->op() != Op::kTrue;
  int64_t remaining = options_.limit.value_or(INT64_MAX);
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  for (const auto& task : tasks) {
    if (remaining <= 0) break;
    ARROW_ASSIGN_OR_RAISE(auto file_batches, ReadDataFile(*table_->io(), task.file, read_schema, read_options));
    for (auto& batch : file_batches) {
      if (remaining <= 0) break;
      if (filtering) {
        ARROW_ASSIGN_OR_RAISE(batch, FilterRecordBatch(bound_filter_, *schema_, batch));
      }
      // Keep only the projected columns, in projection order.
      std::vector<std::shared_ptr<arrow::Array>> columns(
          batch->columns().begin(), batch->columns().begin() + projection_->fields().size());
      auto projected = arrow::RecordBatch::Make(out_schema, batch->num_rows(), columns);
      if (projected->num_rows() > remaining) projected = projected->Slice(0, remaining);
      remaining -= projected->num_rows();
      if (projected->num_rows() > 0) batches.push_back(std::move(projected));
    }
  }
  return arrow::Table::FromRecordBatches(out_schema, batches);
}

}  // namespace floe::iceberg
