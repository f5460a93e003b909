#include "floe/iceberg/table/file_scan_task_reader.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/util/key_value_metadata.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/arrow_filter.h"

namespace floe::iceberg {
namespace {

// Top-level fields of `schema` holding the fields a residual reads (a nested field needs its
// struct).
std::vector<const NestedField*> FieldsFor(const Schema& schema, const ExprPtr& residual) {
  std::vector<const NestedField*> out;
  for (int32_t id : ReferencedFieldIds(residual)) {
    std::vector<std::string> path = FieldPath(schema, id);
    if (path.empty()) continue;
    for (const auto& f : schema.fields()) {
      if (f.name == path.front()) out.push_back(&f);
    }
  }
  return out;
}

class TaskReader final : public arrow::RecordBatchReader {
 public:
  std::shared_ptr<arrow::Schema> schema() const override { return out_schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    while (reader_) {
      ARROW_ASSIGN_OR_RAISE(auto batch, reader_->Next());
      if (!batch) {
        reader_.reset();  // closes the file
        break;
      }
      ARROW_ASSIGN_OR_RAISE(*out, Apply(std::move(batch), reader_->batch_position()));
      if ((*out)->num_rows() > 0) return arrow::Status::OK();
      *out = nullptr;
    }
    return arrow::Status::OK();
  }

  static arrow::Result<std::unique_ptr<TaskReader>> Open(std::shared_ptr<io::FileIO> io,
                                                         const TableMetadata& metadata,
                                                         const FileScanTask& task,
                                                         std::shared_ptr<const Schema> projected,
                                                         TaskReadOptions options);

 private:
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Apply(
      std::shared_ptr<arrow::RecordBatch> batch, int64_t first_position) {
    const int64_t n = batch->num_rows();
    std::shared_ptr<arrow::BooleanArray> keep;
    if (filter_) {
      ARROW_ASSIGN_OR_RAISE(keep, filter_->KeepMask(*batch, *read_schema_, first_position));
    }
    if (residual_) {
      ARROW_ASSIGN_OR_RAISE(auto matches, FilterMask(residual_, *residual_schema_, *batch));
      if (keep) {
        ARROW_ASSIGN_OR_RAISE(arrow::Datum both,
                              arrow::compute::And(arrow::Datum(keep), arrow::Datum(matches)));
        keep = std::static_pointer_cast<arrow::BooleanArray>(both.make_array());
      } else {
        keep = std::move(matches);
      }
    }
    std::vector<std::shared_ptr<arrow::Array>> columns(
        batch->columns().begin(), batch->columns().begin() + projected_columns_);
    if (with_row_position_) {
      arrow::Int64Builder positions;
      ARROW_RETURN_NOT_OK(positions.Reserve(n));
      for (int64_t i = 0; i < n; ++i) positions.UnsafeAppend(first_position + i);
      std::shared_ptr<arrow::Array> array;
      ARROW_RETURN_NOT_OK(positions.Finish(&array));
      columns.push_back(std::move(array));
    }
    auto projected = arrow::RecordBatch::Make(out_schema_, n, std::move(columns));
    if (!keep) return projected;
    ARROW_ASSIGN_OR_RAISE(arrow::Datum filtered,
                          arrow::compute::Filter(arrow::Datum(projected), arrow::Datum(keep)));
    return filtered.record_batch();
  }

  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<arrow::Schema> out_schema_;
  std::shared_ptr<const Schema> read_schema_;
  std::shared_ptr<const Schema> residual_schema_;
  ExprPtr residual_;  // null: nothing to filter
  std::unique_ptr<DeleteFilter> filter_;
  std::unique_ptr<DataFileReader> reader_;
  int64_t projected_columns_ = 0;
  bool with_row_position_ = false;
};

arrow::Result<std::unique_ptr<TaskReader>> TaskReader::Open(std::shared_ptr<io::FileIO> io,
                                                            const TableMetadata& metadata,
                                                            const FileScanTask& task,
                                                            std::shared_ptr<const Schema> projected,
                                                            TaskReadOptions options) {
  auto out = std::make_unique<TaskReader>();
  out->io_ = io;
  out->with_row_position_ = options.with_row_position;
  out->projected_columns_ = static_cast<int64_t>(projected->fields().size());
  ARROW_ASSIGN_OR_RAISE(out->out_schema_, ToArrowSchema(*projected));
  if (options.with_row_position) {
    auto field = arrow::field(
        kRowPositionColumn, arrow::int64(), false,
        arrow::key_value_metadata({pq::kFieldIdKey}, {std::to_string(kRowPositionFieldId)}));
    ARROW_ASSIGN_OR_RAISE(out->out_schema_,
                          out->out_schema_->AddField(out->out_schema_->num_fields(), field));
  }

  std::string format = task.file.file_format;
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (format != "PARQUET") {
    return arrow::Status::NotImplemented("data file ", task.file.file_path, " is ",
                                         task.file.file_format,
                                         "; only Parquet data files can be read");
  }

  out->residual_schema_ =
      options.residual_schema ? options.residual_schema : metadata.CurrentSchema();
  ExprPtr residual = options.apply_residual ? task.residual : nullptr;
  if (residual && residual->op() == Op::kFalse) return out;  // no row can match
  if (residual && residual->op() != Op::kTrue) out->residual_ = residual;

  std::vector<NestedField> read_fields = projected->fields();
  std::set<int32_t> have_ids;
  std::set<std::string> have_names;
  for (const auto& f : read_fields) {
    have_ids.insert(f.id);
    have_names.insert(f.name);
  }
  auto add = [&](const NestedField& f) {
    if (!have_ids.insert(f.id).second) return;
    NestedField copy = f;
    // Only columns the residual names are found by name; others may be renamed freely.
    if (!have_names.insert(copy.name).second) copy.name = "_delete_key_" + std::to_string(f.id);
    read_fields.push_back(std::move(copy));
  };
  if (out->residual_) {
    for (const NestedField* f : FieldsFor(*out->residual_schema_, out->residual_)) add(*f);
  }

  if (!task.deletes.empty()) {
    if (!options.delete_loader) options.delete_loader = std::make_shared<DeleteLoader>(io);
    std::vector<DataFile> deletes;
    for (const auto& d : task.deletes) deletes.push_back(d.file);
    std::vector<std::shared_ptr<const Schema>> schemas = {projected, out->residual_schema_,
                                                          metadata.CurrentSchema()};
    for (auto it = metadata.schemas.rbegin(); it != metadata.schemas.rend(); ++it) {
      schemas.push_back(*it);
    }
    ARROW_ASSIGN_OR_RAISE(out->filter_, DeleteFilter::Make(*options.delete_loader,
                                                           task.file.file_path, deletes, schemas));
    for (const auto& f : out->filter_->equality_fields()) add(f);
    if (out->filter_->empty()) out->filter_.reset();
  }
  out->read_schema_ = std::make_shared<const Schema>(projected->schema_id(), read_fields);
  ARROW_ASSIGN_OR_RAISE(out->reader_, DataFileReader::Open(*io, task.file.file_path,
                                                           out->read_schema_, options.data));
  return out;
}

}  // namespace

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ReadTask(
    std::shared_ptr<io::FileIO> io, const TableMetadata& metadata, const FileScanTask& task,
    std::shared_ptr<const Schema> projected, TaskReadOptions options) {
  ARROW_ASSIGN_OR_RAISE(auto reader, TaskReader::Open(std::move(io), metadata, task,
                                                      std::move(projected), std::move(options)));
  return std::unique_ptr<arrow::RecordBatchReader>(std::move(reader));
}

}  // namespace floe::iceberg
