#include "floe/iceberg/data/parquet_files.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/table.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <utility>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

namespace {

std::string BaseName(const std::string& location) {
  size_t slash = location.find_last_of('/');
  return slash == std::string::npos ? location : location.substr(slash + 1);
}

bool IsParquetName(const std::string& location) {
  std::string name = BaseName(location);
  if (name.empty() || name[0] == '.' || name[0] == '_') return false;
  if (name.size() < 8) return false;
  std::string ext = name.substr(name.size() - 8);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".parquet";
}

// The index of the top-level field `name` in `schema`; an error naming the file otherwise.
arrow::Result<int> ColumnIndex(const arrow::Schema& schema, const std::string& name,
                               const std::string& file) {
  std::vector<int> found = schema.GetAllFieldIndices(name);
  if (found.empty()) {
    return arrow::Status::Invalid("Parquet file ", file, ": no column '", name,
                                  "' (it has: ", schema.ToString(false), ")");
  }
  if (found.size() > 1) {
    return arrow::Status::Invalid("Parquet file ", file, ": column '", name,
                                  "' appears more than once");
  }
  return found[0];
}

// The columns a filter reads, as top-level column names of `arrow_schema`. The Iceberg schema
// for binding covers the columns that have an Iceberg type; a filter on any other column fails
// to bind, naming it.
struct BoundFilter {
  ExprPtr expr;
  std::shared_ptr<const Schema> schema;
  std::vector<std::string> columns;
};

arrow::Result<BoundFilter> BindFilter(const ExprPtr& filter, const arrow::Schema& arrow_schema,
                                      const std::string& file) {
  arrow::FieldVector typed;
  for (const auto& field : arrow_schema.fields()) {
    if (FromArrowType(*field->type()).ok()) typed.push_back(field);
  }
  BoundFilter out;
  ARROW_ASSIGN_OR_RAISE(out.schema, FromArrowSchemaWithFreshIds(arrow::Schema(typed)));
  auto bound = Bind(filter, *out.schema);
  if (!bound.ok()) {
    return bound.status().WithMessage("--where on Parquet file ", file, ": ",
                                      bound.status().message());
  }
  out.expr = *bound;
  std::set<std::string> seen;
  for (int32_t id : ReferencedFieldIds(out.expr)) {
    std::string name = out.schema->FindColumnName(id);
    // A nested field reads its top-level column: the longest top-level name it starts with.
    std::string top;
    for (const auto& field : typed) {
      const std::string& candidate = field->name();
      bool prefix = name == candidate || (name.size() > candidate.size() &&
                                          name.compare(0, candidate.size(), candidate) == 0 &&
                                          name[candidate.size()] == '.');
      if (prefix && candidate.size() > top.size()) top = candidate;
    }
    if (!top.empty() && seen.insert(top).second) out.columns.push_back(top);
  }
  return out;
}

// What to read of every file and what to return.
struct ReadPlan {
  std::vector<std::string> needed;                    // returned columns first, then the others
  std::vector<std::shared_ptr<arrow::Field>> fields;  // of `needed`, from the first file
  size_t returned = 0;                                // the first `returned` of `needed`
  std::optional<BoundFilter> filter;
};

arrow::Result<ReadPlan> MakePlan(const arrow::Schema& first, const std::string& first_file,
                                 const ParquetFilesReadOptions& options) {
  ReadPlan plan;
  std::vector<std::string> out = options.columns;
  if (out.empty()) {
    for (const auto& field : first.fields()) out.push_back(field->name());
  }
  std::set<std::string> unique(out.begin(), out.end());
  if (unique.size() != out.size()) {
    return arrow::Status::Invalid("--select names a column twice");
  }
  plan.needed = out;
  plan.returned = out.size();
  auto need = [&](const std::string& name) {
    if (std::find(plan.needed.begin(), plan.needed.end(), name) == plan.needed.end()) {
      plan.needed.push_back(name);
    }
  };
  if (options.filter) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindFilter(options.filter, first, first_file));
    for (const auto& name : bound.columns) need(name);
    plan.filter = std::move(bound);
  }
  for (const auto& name : options.dedupe_on) need(name);
  if (options.keep.kind == KeepRule::Kind::kLatestBy) {
    if (options.keep.column.empty()) {
      return arrow::Status::Invalid("keep latest-by needs a column");
    }
    need(options.keep.column);
  }
  for (const auto& name : plan.needed) {
    ARROW_ASSIGN_OR_RAISE(int index, ColumnIndex(first, name, first_file));
    plan.fields.push_back(first.field(index));
  }
  return plan;
}

// The rows of the files one batch at a time: each file's needed columns, filtered, the
// returned ones kept, up to the limit.
class ParquetFilesStream : public arrow::RecordBatchReader {
 public:
  ParquetFilesStream(std::shared_ptr<io::FileIO> io, std::vector<std::string> files, ReadPlan plan,
                     size_t returned, std::optional<int64_t> limit, int64_t batch_size)
      : io_(std::move(io)),
        files_(std::move(files)),
        plan_(std::move(plan)),
        limit_(limit),
        batch_size_(batch_size) {
    schema_ =
        arrow::schema(arrow::FieldVector(plan_.fields.begin(), plan_.fields.begin() + returned));
  }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    while (!limit_ || *limit_ > 0) {
      if (!batches_) {
        if (next_file_ >= files_.size()) return arrow::Status::OK();
        ARROW_RETURN_NOT_OK(OpenFile(files_[next_file_++]));
      }
      std::shared_ptr<arrow::RecordBatch> batch;
      arrow::Status read = batches_->ReadNext(&batch);
      if (!read.ok()) {
        return read.WithMessage("Parquet file ", reader_->location(), ": ", read.message());
      }
      if (!batch) {
        batches_.reset();
        reader_.reset();
        continue;
      }
      // The first file's field (and metadata) for every column: the types match (OpenFile).
      ARROW_ASSIGN_OR_RAISE(batch, batch->ReplaceSchema(arrow::schema(plan_.fields)));
      if (plan_.filter) {
        ARROW_ASSIGN_OR_RAISE(batch,
                              FilterRecordBatch(plan_.filter->expr, *plan_.filter->schema, batch));
      }
      int64_t rows = batch->num_rows();
      if (limit_) rows = std::min(rows, *limit_);
      if (rows == 0) continue;
      arrow::ArrayVector columns(batch->columns().begin(),
                                 batch->columns().begin() + schema_->num_fields());
      *out = arrow::RecordBatch::Make(schema_, batch->num_rows(), columns)->Slice(0, rows);
      if (limit_) *limit_ -= rows;
      return arrow::Status::OK();
    }
    return arrow::Status::OK();
  }

 private:
  arrow::Status OpenFile(const std::string& file) {
    pq::ParquetReadOptions read_options;
    read_options.batch_size = batch_size_;
    ARROW_ASSIGN_OR_RAISE(reader_, pq::ParquetFileReader::Open(*io_, file, read_options));
    std::vector<int> indices;
    for (const auto& field : plan_.fields) {
      ARROW_ASSIGN_OR_RAISE(int index, ColumnIndex(*reader_->schema(), field->name(), file));
      const auto& type = reader_->schema()->field(index)->type();
      if (!type->Equals(*field->type(), /*check_metadata=*/false)) {
        return arrow::Status::Invalid("Parquet file ", file, ": column '", field->name(), "' is ",
                                      type->ToString(), " here but ", field->type()->ToString(),
                                      " in ", files_.front());
      }
      indices.push_back(index);
    }
    ARROW_ASSIGN_OR_RAISE(batches_, reader_->ReadBatches(indices));
    return arrow::Status::OK();
  }

  std::shared_ptr<io::FileIO> io_;
  std::vector<std::string> files_;
  ReadPlan plan_;
  std::optional<int64_t> limit_;
  int64_t batch_size_;
  std::shared_ptr<arrow::Schema> schema_;
  size_t next_file_ = 0;
  std::unique_ptr<pq::ParquetFileReader> reader_;
  std::unique_ptr<arrow::RecordBatchReader> batches_;
};

// Deduplicated rows, all in memory.
class OneBatchReader : public arrow::RecordBatchReader {
 public:
  OneBatchReader(std::shared_ptr<arrow::Schema> schema, std::shared_ptr<arrow::RecordBatch> batch)
      : schema_(std::move(schema)), batch_(std::move(batch)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = std::move(batch_);
    batch_ = nullptr;
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::RecordBatch> batch_;
};

// The group of each row's key (equal keys, nulls included, share a group).
arrow::Result<std::shared_ptr<arrow::UInt32Array>> KeyGroups(const arrow::RecordBatch& rows,
                                                             const std::vector<std::string>& keys,
                                                             uint32_t* num_groups) {
  std::vector<arrow::TypeHolder> types;
  std::vector<arrow::Datum> values;
  for (const auto& key : keys) {
    auto column = rows.GetColumnByName(key);
    types.emplace_back(column->type());
    values.emplace_back(column);
  }
  auto grouper = arrow::compute::Grouper::Make(types);
  if (!grouper.ok()) {
    return grouper.status().WithMessage("--dedupe-on: cannot group on these columns: ",
                                        grouper.status().message());
  }
  arrow::compute::ExecBatch batch(std::move(values), rows.num_rows());
  ARROW_ASSIGN_OR_RAISE(auto ids, (*grouper)->Consume(arrow::compute::ExecSpan(batch)));
  *num_groups = (*grouper)->num_groups();
  return std::static_pointer_cast<arrow::UInt32Array>(ids.make_array());
}

// The order in which rows compete for their key: the first row of each group in it wins.
arrow::Result<std::vector<int64_t>> CompetitionOrder(const arrow::RecordBatch& rows,
                                                     const KeepRule& keep) {
  const int64_t n = rows.num_rows();
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = keep.kind == KeepRule::Kind::kLast ? n - 1 - i : i;
  if (keep.kind != KeepRule::Kind::kLatestBy) return order;
  arrow::Int64Builder row_numbers;
  ARROW_RETURN_NOT_OK(row_numbers.Reserve(n));
  for (int64_t i = 0; i < n; ++i) row_numbers.UnsafeAppend(i);
  ARROW_ASSIGN_OR_RAISE(auto row_array, row_numbers.Finish());
  auto by = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("value", rows.GetColumnByName(keep.column)->type()),
                     arrow::field("row", arrow::int64())}),
      n, {rows.GetColumnByName(keep.column), row_array});
  arrow::compute::SortOptions sort(
      {arrow::compute::SortKey("value", arrow::compute::SortOrder::Descending,
                               arrow::compute::NullPlacement::AtEnd),
       arrow::compute::SortKey("row", arrow::compute::SortOrder::Descending)});
  auto sorted = arrow::compute::SortIndices(arrow::Datum(by), sort);
  if (!sorted.ok()) {
    return sorted.status().WithMessage("--keep latest-by ", keep.column,
                                       ": cannot order by it: ", sorted.status().message());
  }
  auto indices = std::static_pointer_cast<arrow::UInt64Array>(*sorted);
  for (int64_t i = 0; i < n; ++i) order[i] = static_cast<int64_t>(indices->Value(i));
  return order;
}

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> Deduplicated(
    arrow::RecordBatchReader& all, size_t returned, const ParquetFilesReadOptions& options) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());  // sort_indices and take
  ARROW_ASSIGN_OR_RAISE(auto table, all.ToTable());
  ARROW_ASSIGN_OR_RAISE(auto rows, table->CombineChunksToBatch());
  uint32_t num_groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto groups, KeyGroups(*rows, options.dedupe_on, &num_groups));
  ARROW_ASSIGN_OR_RAISE(auto order, CompetitionOrder(*rows, options.keep));
  std::vector<bool> taken(num_groups, false);
  std::vector<int64_t> kept;
  for (int64_t row : order) {
    uint32_t group = groups->Value(row);
    if (!taken[group]) {
      taken[group] = true;
      kept.push_back(row);
    }
  }
  std::sort(kept.begin(), kept.end());  // input order
  if (options.limit && static_cast<int64_t>(kept.size()) > *options.limit) {
    kept.resize(*options.limit);
  }
  arrow::Int64Builder take;
  ARROW_RETURN_NOT_OK(take.AppendValues(kept));
  ARROW_ASSIGN_OR_RAISE(auto take_array, take.Finish());
  arrow::FieldVector fields(rows->schema()->fields().begin(),
                            rows->schema()->fields().begin() + returned);
  arrow::ArrayVector columns(rows->columns().begin(), rows->columns().begin() + returned);
  auto out_schema = arrow::schema(fields);
  auto selected = arrow::RecordBatch::Make(out_schema, rows->num_rows(), columns);
  ARROW_ASSIGN_OR_RAISE(auto taken_rows,
                        arrow::compute::Take(arrow::Datum(selected), arrow::Datum(take_array)));
  return std::make_unique<OneBatchReader>(out_schema, taken_rows.record_batch());
}

}  // namespace

arrow::Result<std::vector<std::string>> ListParquetFiles(io::FileIO& io,
                                                         const std::vector<std::string>& inputs) {
  if (inputs.empty()) return arrow::Status::Invalid("no Parquet files given");
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& location) {
    if (seen.insert(location).second) out.push_back(location);
  };
  for (const auto& input : inputs) {
    if (IsParquetName(input)) {
      add(input);
      continue;
    }
    auto listed = io.List(input, /*recursive=*/true);
    std::vector<std::string> found;
    if (listed.ok()) {
      for (const auto& entry : *listed) {
        if (entry.kind == io::FileKind::kFile && IsParquetName(entry.location)) {
          found.push_back(entry.location);
        }
      }
    }
    std::sort(found.begin(), found.end());
    if (!found.empty()) {
      for (const auto& location : found) add(location);
      continue;
    }
    // Not a folder with Parquet files: a file by another name, or nothing usable.
    if (listed.ok() && !listed->empty()) {
      return arrow::Status::Invalid("Parquet input ", input,
                                    ": no files ending in .parquet in it (name a file to read "
                                    "one by another name)");
    }
    ARROW_ASSIGN_OR_RAISE(bool exists, io.Exists(input));
    if (!exists) {
      return arrow::Status::IOError("Parquet input ", input, ": no such file, folder or prefix");
    }
    add(input);
  }
  return out;
}

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ReadParquetFiles(
    std::shared_ptr<io::FileIO> io, std::vector<std::string> files,
    const ParquetFilesReadOptions& options) {
  if (files.empty()) return arrow::Status::Invalid("no Parquet files to read");
  if (options.limit && *options.limit < 0) return arrow::Status::Invalid("limit is negative");
  ARROW_ASSIGN_OR_RAISE(auto first, pq::ParquetFileReader::Open(*io, files.front()));
  ARROW_ASSIGN_OR_RAISE(auto plan, MakePlan(*first->schema(), files.front(), options));
  first.reset();
  size_t returned = plan.returned;
  if (options.dedupe_on.empty()) {
    return std::make_unique<ParquetFilesStream>(std::move(io), std::move(files), std::move(plan),
                                                returned, options.limit, options.batch_size);
  }
  ParquetFilesStream all(std::move(io), std::move(files), plan, plan.needed.size(), std::nullopt,
                         options.batch_size);
  return Deduplicated(all, returned, options);
}

arrow::Result<ParquetFilesWriteResult> WriteParquetFiles(io::FileIO& io,
                                                         arrow::RecordBatchReader& rows,
                                                         const std::string& output,
                                                         const ParquetFilesWriteOptions& options) {
  if (output.empty()) return arrow::Status::Invalid("no Parquet output given");
  const bool single = IsParquetName(output);
  std::string folder = output;
  while (!single && folder.size() > 1 && folder.back() == '/') folder.pop_back();
  constexpr int64_t kRollCheckRows = 256;
  const std::string run = util::RandomUuid().substr(0, 8);
  ParquetFilesWriteResult result;
  std::unique_ptr<pq::ParquetFileWriter> writer;
  auto open = [&]() -> arrow::Status {
    char part[32];
    std::snprintf(part, sizeof(part), "part-%05zu-", result.files.size());
    std::string location = single ? output : folder + "/" + part + run + ".parquet";
    ARROW_ASSIGN_OR_RAISE(
        writer, pq::ParquetFileWriter::Open(io, location, rows.schema(), options.parquet));
    return arrow::Status::OK();
  };
  auto close = [&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto written, writer->Close());
    result.rows += written.num_rows;
    result.files.push_back(std::move(written));
    writer.reset();
    return arrow::Status::OK();
  };
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(rows.ReadNext(&batch));
    if (!batch) break;
    // In slices, so that a file rolls near its target size even inside a large batch.
    for (int64_t offset = 0; offset < batch->num_rows(); offset += kRollCheckRows) {
      if (!writer) ARROW_RETURN_NOT_OK(open());
      ARROW_RETURN_NOT_OK(writer->Write(*batch->Slice(offset, kRollCheckRows)));
      if (!single && writer->EstimatedSize() >= options.target_file_size_bytes) {
        ARROW_RETURN_NOT_OK(close());
      }
    }
  }
  if (!writer && result.files.empty()) ARROW_RETURN_NOT_OK(open());  // the schema, no rows
  if (writer) ARROW_RETURN_NOT_OK(close());
  return result;
}

}  // namespace floe::iceberg
