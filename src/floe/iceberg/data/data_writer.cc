#include "floe/iceberg/data/data_writer.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/initialize.h>
#include <arrow/datum.h>
#include <arrow/extension_type.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <arrow/util/byte_size.h>

#include <cstdio>
#include <cstring>

#include "floe/format/parquet/distinct_columns.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/util/properties.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {

struct DataWriter::OpenFile {
  std::unique_ptr<pq::ParquetFileWriter> writer;
  std::map<int32_t, int64_t> nan_counts;
};

struct DataWriter::Partition {
  std::vector<Literal> values;
  std::string path;  // folder under the data location; "" when unpartitioned
  std::unique_ptr<OpenFile> file;
  // Sorted tables: rows held until they are written as one sorted file.
  std::vector<std::shared_ptr<arrow::RecordBatch>> pending;
  int64_t pending_bytes = 0;
};

namespace {

// Top-level columns of type unknown are left out of data files (spec: unknown is omitted in
// Parquet); readers find no column for the field and read its nulls.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> WithoutUnknownColumns(
    std::shared_ptr<arrow::RecordBatch> batch) {
  for (int i = batch->num_columns() - 1; i >= 0; --i) {
    if (batch->schema()->field(i)->type()->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(batch, batch->RemoveColumn(i));
    }
  }
  return batch;
}

// Rows are handed to a file in slices of at most this many, so files roll close to the
// target size even when batches are large.
constexpr int64_t kRowsPerSizeCheck = 64 * 1024;

// Sizes and levels are positive; a malformed one is an error naming the property.
arrow::Result<int64_t> PositiveProperty(const std::map<std::string, std::string>& properties,
                                        const char* key, int64_t fallback) {
  return util::IntProperty(properties, key, fallback, 1);
}

// A byte string identifying a partition tuple, used as the fan-out map key.
void AppendKey(const Literal& value, std::string* key) {
  const auto& storage = value.value();
  key->push_back(static_cast<char>(storage.index()));
  std::visit(
      [key](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, std::string>) {
          uint64_t n = v.size();
          key->append(reinterpret_cast<const char*>(&n), sizeof(n));
          key->append(v);
        } else {
          key->append(reinterpret_cast<const char*>(&v), sizeof(v));
        }
      },
      storage);
}

// Indices from the top-level field down nested structs to a source field id; empty when the
// field is not reachable through structs only.
bool FindPath(const std::vector<NestedField>& fields, int32_t id, std::vector<int>* path) {
  for (size_t i = 0; i < fields.size(); ++i) {
    path->push_back(static_cast<int>(i));
    if (fields[i].id == id) return true;
    if (fields[i].type->id() == TypeId::kStruct && FindPath(fields[i].type->fields(), id, path)) {
      return true;
    }
    path->pop_back();
  }
  return false;
}

arrow::Result<std::shared_ptr<arrow::Array>> ColumnAt(const arrow::RecordBatch& batch,
                                                      const std::vector<int>& path) {
  std::shared_ptr<arrow::Array> array = batch.column(path[0]);
  for (size_t i = 1; i < path.size(); ++i) {
    // Flattened so that a null parent struct makes the source value null.
    ARROW_ASSIGN_OR_RAISE(
        array, static_cast<const arrow::StructArray&>(*array).GetFlattenedField(path[i]));
  }
  if (array->type_id() == arrow::Type::EXTENSION) {
    array = static_cast<const arrow::ExtensionArray&>(*array).storage();
  }
  return array;
}

// A dictionary-encoded column of the table's string or binary type: written as that type.
bool IsDictionaryOf(const arrow::DataType& type, const arrow::DataType& want) {
  if (type.id() != arrow::Type::DICTIONARY) return false;
  if (want.id() != arrow::Type::STRING && want.id() != arrow::Type::BINARY) return false;
  return static_cast<const arrow::DictionaryType&>(type).value_type()->Equals(want);
}

// An Arrow array of transformed sort-key values (Transform::ApplyArray gives literals), in a
// type whose Arrow order is the order of the values: ints and longs numerically, strings and
// binary by their bytes (UTF-8 order is code point order), decimals by unscaled value (one
// scale per column).
arrow::Result<std::shared_ptr<arrow::Array>> SortKeyArray(const std::vector<Literal>& values) {
  const Literal* first = nullptr;
  for (const auto& v : values) {
    if (!v.is_null()) {
      first = &v;
      break;
    }
  }
  auto build = [&](auto& builder, auto append) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(values.size())));
    for (const auto& v : values) {
      if (v.is_null()) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(append(v));
      }
    }
    return builder.Finish();
  };
  if (first == nullptr) {
    return arrow::MakeArrayOfNull(arrow::int32(), static_cast<int64_t>(values.size()));
  }
  const auto& storage = first->value();
  if (std::holds_alternative<int32_t>(storage)) {
    arrow::Int32Builder b;
    return build(b, [&](const Literal& v) { return b.Append(v.AsInt()); });
  }
  if (std::holds_alternative<int64_t>(storage)) {
    arrow::Int64Builder b;
    return build(b, [&](const Literal& v) { return b.Append(v.AsLong()); });
  }
  if (std::holds_alternative<std::string>(storage)) {
    arrow::BinaryBuilder b;
    return build(b, [&](const Literal& v) { return b.Append(v.AsBytes()); });
  }
  if (std::holds_alternative<__int128>(storage)) {
    arrow::Decimal128Builder b(arrow::decimal128(38, 0));
    return build(b, [&](const Literal& v) {
      auto u = static_cast<unsigned __int128>(v.AsDecimal());
      return b.Append(arrow::Decimal128(static_cast<int64_t>(u >> 64), static_cast<uint64_t>(u)));
    });
  }
  return arrow::Status::NotImplemented("sorting by a transform of this type");
}

}  // namespace

DataWriter::~DataWriter() = default;

arrow::Result<std::unique_ptr<DataWriter>> DataWriter::Make(std::shared_ptr<io::FileIO> io,
                                                            DataWriterOptions options) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  if (!options.schema) return arrow::Status::Invalid("data writer needs a table schema");
  std::unique_ptr<DataWriter> w(new DataWriter());
  w->io_ = std::move(io);
  const auto& props = options.properties;
  ARROW_ASSIGN_OR_RAISE(w->arrow_schema_, ToArrowSchema(*options.schema));
  ARROW_ASSIGN_OR_RAISE(w->metrics_config_, MetricsConfig::FromProperties(props));

  auto codec = props.find(property::kParquetCompressionCodec);
  w->parquet_options_.compression = codec == props.end() ? "zstd" : codec->second;
  ARROW_RETURN_NOT_OK(pq::CompressionFromName(w->parquet_options_.compression).status());
  if (props.count(property::kParquetCompressionLevel)) {
    ARROW_ASSIGN_OR_RAISE(int64_t level,
                          PositiveProperty(props, property::kParquetCompressionLevel, 0));
    w->parquet_options_.compression_level = static_cast<int>(level);
  }
  ARROW_ASSIGN_OR_RAISE(
      w->parquet_options_.row_group_size_bytes,
      PositiveProperty(props, property::kParquetRowGroupSizeBytes, 128LL * 1024 * 1024));
  ARROW_ASSIGN_OR_RAISE(w->parquet_options_.row_group_max_rows,
                        PositiveProperty(props, property::kParquetRowGroupLimit, 1024 * 1024));
  ARROW_ASSIGN_OR_RAISE(w->parquet_options_.page_size_bytes,
                        PositiveProperty(props, property::kParquetPageSizeBytes, 1024 * 1024));
  ARROW_ASSIGN_OR_RAISE(w->parquet_options_.dictionary_page_size_bytes,
                        PositiveProperty(props, property::kParquetDictSizeBytes, 2 * 1024 * 1024));
  ARROW_ASSIGN_OR_RAISE(w->target_file_size_,
                        PositiveProperty(props, property::kTargetFileSizeBytes,
                                         property::kDefaultTargetFileSizeBytes));

  auto data_path = props.find(property::kWriteDataPath);
  w->data_location_ = data_path != props.end() && !data_path->second.empty()
                          ? data_path->second
                          : io::JoinLocation(options.table_location, "data");
  w->write_uuid_ = util::RandomUuid();

  for (const auto& field : options.spec.fields()) {
    std::vector<int> path;
    if (!FindPath(options.schema->fields(), field.source_id, &path)) {
      return arrow::Status::Invalid("partition field '", field.name, "': source column id ",
                                    field.source_id,
                                    " is not in the schema (or is inside a "
                                    "list or map)");
    }
    const NestedField* source = options.schema->FindFieldById(field.source_id);
    if (!field.transform.CanTransform(*source->type)) {
      return arrow::Status::Invalid("partition field '", field.name, "': transform ",
                                    field.transform.ToString(), " cannot apply to ",
                                    source->type->ToString());
    }
    w->source_paths_.push_back(std::move(path));
    w->source_types_.push_back(source->type);
  }
  for (const auto& field : options.sort_order.fields) {
    std::vector<int> path;
    const NestedField* source = options.schema->FindFieldById(field.source_id);
    if (source == nullptr || !FindPath(options.schema->fields(), field.source_id, &path)) {
      return arrow::Status::Invalid("sort field: source column id ", field.source_id,
                                    " is not in the schema (or is inside a list or map)");
    }
    if (!source->type->is_primitive() || !field.transform.CanTransform(*source->type) ||
        field.transform.kind() == Transform::Kind::kVoid) {
      return arrow::Status::Invalid("cannot sort by ", field.transform.ToString(), " of ",
                                    source->type->ToString());
    }
    w->sort_paths_.push_back(std::move(path));
    w->sort_types_.push_back(source->type);
  }
  if (!options.sort_order.fields.empty() && !options.sort_order_id) {
    options.sort_order_id = options.sort_order.order_id;
  }
  w->options_ = std::move(options);
  return w;
}

arrow::Result<std::vector<std::vector<Literal>>> DataWriter::PartitionColumns(
    const arrow::RecordBatch& batch) const {
  std::vector<std::vector<Literal>> columns;
  const auto& fields = options_.spec.fields();
  for (size_t f = 0; f < fields.size(); ++f) {
    ARROW_ASSIGN_OR_RAISE(auto array, ColumnAt(batch, source_paths_[f]));
    auto values = fields[f].transform.ApplyArray(source_types_[f], *array);
    if (!values.ok()) {
      return arrow::Status::Invalid("partition field '", fields[f].name,
                                    "': ", values.status().message());
    }
    columns.push_back(std::move(*values));
  }
  return columns;
}

arrow::Status DataWriter::Write(const arrow::RecordBatch& batch) {
  if (closed_) return arrow::Status::Invalid("data writer: write after close");
  const Schema& schema = *options_.schema;
  if (batch.num_columns() != arrow_schema_->num_fields()) {
    return arrow::Status::Invalid("data writer: batch has ", batch.num_columns(),
                                  " columns, table schema has ", arrow_schema_->num_fields());
  }
  bool dictionary_encoded = false;
  for (int i = 0; i < batch.num_columns(); ++i) {
    const auto& want = arrow_schema_->field(i);
    if (IsDictionaryOf(*batch.column(i)->type(), *want->type())) {
      dictionary_encoded = true;
    } else if (!batch.column(i)->type()->Equals(*want->type())) {
      return arrow::Status::TypeError("data writer: column ", want->name(), " is ",
                                      batch.column(i)->type()->ToString(), ", table expects ",
                                      want->type()->ToString());
    }
    if (schema.fields()[i].required && batch.column(i)->null_count() > 0) {
      return arrow::Status::Invalid("data writer: required column ", want->name(), " has ",
                                    batch.column(i)->null_count(), " nulls");
    }
  }
  if (batch.num_rows() == 0) return arrow::Status::OK();
  // The table's field names and ids, the batch's encodings.
  std::shared_ptr<arrow::Schema> schema_of_rows = arrow_schema_;
  if (dictionary_encoded) {
    arrow::FieldVector fields = arrow_schema_->fields();
    for (int i = 0; i < batch.num_columns(); ++i) {
      fields[i] = fields[i]->WithType(batch.column(i)->type());
    }
    schema_of_rows = arrow::schema(std::move(fields));
  }
  ARROW_ASSIGN_OR_RAISE(auto rows, batch.ReplaceSchema(std::move(schema_of_rows)));

  if (options_.spec.fields().empty()) {
    auto& slot = partitions_[""];
    if (!slot) {
      slot = std::make_unique<Partition>();
      partition_order_.push_back(slot.get());
    }
    return WriteToPartition(slot.get(), rows);
  }

  ARROW_ASSIGN_OR_RAISE(auto columns, PartitionColumns(*rows));
  // Group rows by partition tuple, keeping first-seen order. Logs come in time order, so rows
  // of one partition are usually contiguous: runs of equal tuples are found by comparing with
  // the previous row, and when every partition is one run its rows go out as zero-copy slices.
  struct Run {
    Partition* partition;
    int64_t start;
    int64_t length;
  };
  std::vector<Run> runs;
  std::vector<Partition*> order;
  std::unordered_map<Partition*, std::vector<int64_t>> groups;
  auto same_tuple_as_previous = [&](int64_t r) {
    for (const auto& column : columns) {
      if (!(column[r] == column[r - 1])) return false;
    }
    return true;
  };
  std::string key;
  for (int64_t r = 0; r < rows->num_rows(); ++r) {
    if (r > 0 && same_tuple_as_previous(r)) {
      ++runs.back().length;
      continue;
    }
    key.clear();
    for (const auto& column : columns) AppendKey(column[r], &key);
    auto& slot = partitions_[key];
    if (!slot) {
      slot = std::make_unique<Partition>();
      for (const auto& column : columns) slot->values.push_back(column[r]);
      slot->path = options_.spec.PartitionPath(slot->values);
      partition_order_.push_back(slot.get());
    }
    if (groups.try_emplace(slot.get()).second) order.push_back(slot.get());
    runs.push_back(Run{slot.get(), r, 1});
  }
  if (runs.size() == order.size()) {
    for (const Run& run : runs) {
      ARROW_RETURN_NOT_OK(WriteToPartition(run.partition, rows->Slice(run.start, run.length)));
    }
    return arrow::Status::OK();
  }
  for (const Run& run : runs) {
    auto& indices = groups[run.partition];
    for (int64_t r = run.start; r < run.start + run.length; ++r) indices.push_back(r);
  }
  for (Partition* partition : order) {
    arrow::Int64Builder builder;
    ARROW_RETURN_NOT_OK(builder.AppendValues(groups[partition]));
    ARROW_ASSIGN_OR_RAISE(auto indices, builder.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken,
                          arrow::compute::Take(arrow::Datum(rows), arrow::Datum(indices)));
    ARROW_RETURN_NOT_OK(WriteToPartition(partition, taken.record_batch()));
  }
  return arrow::Status::OK();
}

std::string DataWriter::NextFileLocation(const Partition& partition) {
  char name[128];
  std::snprintf(name, sizeof(name), "%05d-%lld-%s-%05lld.parquet", options_.partition_id,
                static_cast<long long>(options_.task_id), write_uuid_.c_str(),
                static_cast<long long>(++file_count_));
  const std::string file_name = options_.file_prefix + name;
  std::string folder =
      partition.path.empty() ? data_location_ : io::JoinLocation(data_location_, partition.path);
  return io::JoinLocation(folder, file_name);
}

arrow::Status DataWriter::InTable(const arrow::Status& status) const {
  if (status.ok() || options_.table_name.empty()) return status;
  return status.WithMessage("table ", options_.table_name, ": ", status.message());
}

arrow::Status DataWriter::WriteToPartition(Partition* partition,
                                           const std::shared_ptr<arrow::RecordBatch>& rows) {
  if (sort_paths_.empty()) return WriteRows(partition, *rows);
  // One sorted file takes one encoding of each column: a batch encoded otherwise ends it.
  if (!partition->pending.empty() &&
      !partition->pending.front()->schema()->Equals(*rows->schema(), false)) {
    ARROW_RETURN_NOT_OK(FlushSorted(partition));
  }
  ARROW_ASSIGN_OR_RAISE(int64_t bytes, arrow::util::ReferencedBufferSize(*rows));
  partition->pending.push_back(rows);
  partition->pending_bytes += bytes;
  if (partition->pending_bytes >= target_file_size_) return FlushSorted(partition);
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> DataWriter::Sort(
    const std::shared_ptr<arrow::RecordBatch>& rows) const {
  arrow::FieldVector key_fields;
  arrow::ArrayVector key_columns;
  std::vector<arrow::compute::SortKey> keys;
  const auto& fields = options_.sort_order.fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto column, ColumnAt(*rows, sort_paths_[i]));
    if (column->type_id() == arrow::Type::DICTIONARY) {
      // Arrow sorts no batch by a dictionary column: the key is its plain values.
      const auto& dictionary = static_cast<const arrow::DictionaryType&>(*column->type());
      ARROW_ASSIGN_OR_RAISE(column, arrow::compute::Cast(*column, dictionary.value_type()));
    }
    if (fields[i].transform.kind() != Transform::Kind::kIdentity) {
      ARROW_ASSIGN_OR_RAISE(auto values, fields[i].transform.ApplyArray(sort_types_[i], *column));
      ARROW_ASSIGN_OR_RAISE(column, SortKeyArray(values));
    }
    std::string name = "k" + std::to_string(i);
    key_fields.push_back(arrow::field(name, column->type()));
    key_columns.push_back(std::move(column));
    keys.emplace_back(
        name,
        fields[i].direction == SortDirection::kAsc ? arrow::compute::SortOrder::Ascending
                                                   : arrow::compute::SortOrder::Descending,
        fields[i].null_order == NullOrder::kNullsFirst ? arrow::compute::NullPlacement::AtStart
                                                       : arrow::compute::NullPlacement::AtEnd);
  }
  auto key_batch =
      arrow::RecordBatch::Make(arrow::schema(key_fields), rows->num_rows(), std::move(key_columns));
  ARROW_ASSIGN_OR_RAISE(
      auto indices,
      arrow::compute::SortIndices(arrow::Datum(key_batch), arrow::compute::SortOptions(keys)));
  ARROW_ASSIGN_OR_RAISE(auto sorted,
                        arrow::compute::Take(arrow::Datum(rows), arrow::Datum(indices)));
  return sorted.record_batch();
}

arrow::Status DataWriter::FlushSorted(Partition* partition) {
  if (partition->pending.empty()) return arrow::Status::OK();
  std::vector<std::shared_ptr<arrow::RecordBatch>> pending = std::move(partition->pending);
  partition->pending.clear();
  partition->pending_bytes = 0;
  ARROW_ASSIGN_OR_RAISE(auto table,
                        arrow::Table::FromRecordBatches(pending.front()->schema(), pending));
  pending.clear();
  ARROW_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch());
  ARROW_ASSIGN_OR_RAISE(auto sorted, Sort(combined));
  ARROW_RETURN_NOT_OK(WriteRows(partition, *sorted));
  if (partition->file) ARROW_RETURN_NOT_OK(CloseFile(partition));
  return arrow::Status::OK();
}

arrow::Status DataWriter::WriteRows(Partition* partition, const arrow::RecordBatch& rows) {
  for (int64_t offset = 0; offset < rows.num_rows(); offset += kRowsPerSizeCheck) {
    auto slice = rows.Slice(offset, kRowsPerSizeCheck);
    ARROW_ASSIGN_OR_RAISE(auto stored, WithoutUnknownColumns(slice));
    // A file takes one encoding of each column (dictionary or plain) from its first batch;
    // a batch encoded otherwise starts a new file.
    if (partition->file &&
        !partition->file->writer->schema()->Equals(*stored->schema(), /*check_metadata=*/false)) {
      ARROW_RETURN_NOT_OK(CloseFile(partition));
    }
    if (!partition->file) {
      std::string location = NextFileLocation(*partition);
      pq::ParquetWriteOptions file_options = parquet_options_;
      file_options.plain_columns = pq::DistinctValuedColumns(*stored);
      auto writer = pq::ParquetFileWriter::Open(*io_, location, stored->schema(), file_options);
      if (!writer.ok()) {
        (void)io_->Delete(location);  // it may have been created before the failure
        return InTable(writer.status());
      }
      partition->file = std::make_unique<OpenFile>();
      partition->file->writer = std::move(*writer);
    }
    ARROW_RETURN_NOT_OK(InTable(partition->file->writer->Write(*stored)));
    ARROW_RETURN_NOT_OK(CountNaNs(*options_.schema, *slice, &partition->file->nan_counts));
    if (partition->file->writer->EstimatedSize() >= target_file_size_) {
      ARROW_RETURN_NOT_OK(CloseFile(partition));
    }
  }
  return arrow::Status::OK();
}

arrow::Status DataWriter::CloseFile(Partition* partition) {
  std::unique_ptr<OpenFile> file = std::move(partition->file);
  auto closed = file->writer->Close();
  if (!closed.ok()) {
    (void)io_->Delete(file->writer->location());  // Abort no longer sees it
    return InTable(closed.status());
  }
  pq::ParquetWriteResult& result = *closed;
  DataFile data_file;
  data_file.content = DataFileContent::kData;
  data_file.file_path = result.location;
  data_file.file_format = "PARQUET";
  data_file.spec_id = options_.spec.spec_id();
  data_file.partition = partition->values;
  data_file.file_size_in_bytes = result.file_size;
  data_file.sort_order_id = options_.sort_order_id;
  ARROW_RETURN_NOT_OK(ComputeParquetMetrics(*result.metadata, *options_.schema, metrics_config_,
                                            file->nan_counts, &data_file));
  done_.push_back(std::move(data_file));
  return arrow::Status::OK();
}

arrow::Result<std::vector<DataFile>> DataWriter::Close() {
  if (closed_) return arrow::Status::Invalid("data writer closed twice");
  closed_ = true;
  for (Partition* partition : partition_order_) {
    ARROW_RETURN_NOT_OK(FlushSorted(partition));
    if (partition->file) ARROW_RETURN_NOT_OK(CloseFile(partition));
  }
  return std::move(done_);
}

arrow::Status DataWriter::Abort() {
  closed_ = true;
  arrow::Status first;
  for (Partition* partition : partition_order_) {
    partition->pending.clear();
    if (!partition->file) continue;
    std::string location = partition->file->writer->location();
    (void)partition->file->writer->Close();
    partition->file.reset();
    arrow::Status st = io_->Delete(location);
    if (first.ok() && !st.ok()) first = st;
  }
  for (const auto& file : done_) {
    arrow::Status st = io_->Delete(file.file_path);
    if (first.ok() && !st.ok()) first = st;
  }
  done_.clear();
  return first;
}

}  // namespace floe::iceberg
