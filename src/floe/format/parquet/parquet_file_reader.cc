#include "floe/format/parquet/parquet_file_reader.h"

#include <charconv>

#include <arrow/util/key_value_metadata.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/exception.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>

namespace floe::pq {
namespace {

void CollectLeaves(const ::parquet::arrow::SchemaField& field, std::vector<int>* out) {
  if (field.is_leaf()) {
    out->push_back(field.column_index);
    return;
  }
  for (const auto& child : field.children) CollectLeaves(child, out);
}

}  // namespace

std::optional<int32_t> FieldIdOf(const arrow::Field& field) {
  const auto& md = field.metadata();
  if (!md) return std::nullopt;
  int index = md->FindKey(kFieldIdKey);
  if (index < 0) return std::nullopt;
  const std::string& text = md->value(index);
  int32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 0) return std::nullopt;
  return id;
}

ParquetFileReader::~ParquetFileReader() = default;

arrow::Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::Open(
    io::FileIO& io, const std::string& location, const ParquetReadOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto input, io.OpenInput(location));
  std::unique_ptr<ParquetFileReader> out(new ParquetFileReader());
  out->location_ = location;
  ::parquet::ArrowReaderProperties arrow_props;
  arrow_props.set_batch_size(options.batch_size);
  // Uuid columns come back as the arrow.uuid extension type, as PyIceberg writes them.
  arrow_props.set_arrow_extensions_enabled(true);
  ::parquet::arrow::FileReaderBuilder builder;
  arrow::Status st = builder.Open(std::move(input));
  if (!st.ok()) return arrow::Status::IOError("Parquet file ", location, ": ", st.message());
  builder.properties(arrow_props);
  auto reader = builder.Build();
  if (!reader.ok()) {
    return arrow::Status::IOError("Parquet file ", location, ": ", reader.status().message());
  }
  out->reader_ = std::move(*reader);
  st = out->reader_->GetSchema(&out->schema_);
  if (!st.ok()) return arrow::Status::IOError("Parquet file ", location, ": ", st.message());
  out->metadata_ = out->reader_->parquet_reader()->metadata();
  return out;
}

int ParquetFileReader::num_row_groups() const { return metadata_->num_row_groups(); }

int64_t ParquetFileReader::num_rows() const { return metadata_->num_rows(); }

int64_t ParquetFileReader::row_group_num_rows(int row_group) const {
  if (row_group < 0 || row_group >= metadata_->num_row_groups()) return 0;
  return metadata_->RowGroup(row_group)->num_rows();
}

arrow::Result<std::unique_ptr<arrow::RecordBatchReader>> ParquetFileReader::ReadBatches(
    const std::vector<int>& columns, const std::vector<int>& row_groups) {
  const auto& fields = reader_->manifest().schema_fields;
  std::vector<int> leaves;
  if (columns.empty()) {
    for (const auto& field : fields) CollectLeaves(field, &leaves);
  } else {
    for (int c : columns) {
      if (c < 0 || c >= static_cast<int>(fields.size())) {
        return arrow::Status::IndexError("Parquet file ", location_, ": no column ", c,
                                         " (it has ", fields.size(), ")");
      }
      CollectLeaves(fields[c], &leaves);
    }
  }
  std::vector<int> groups = row_groups;
  if (groups.empty()) {
    for (int i = 0; i < metadata_->num_row_groups(); ++i) groups.push_back(i);
  }
  auto stream = reader_->GetRecordBatchReader(groups, leaves);
  if (!stream.ok()) {
    return arrow::Status::IOError("Parquet file ", location_, ": ", stream.status().message());
  }
  return std::move(*stream);
}

arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ParquetFileReader::ReadAll(
    const std::vector<int>& columns, const std::vector<int>& row_groups) {
  ARROW_ASSIGN_OR_RAISE(auto stream, ReadBatches(columns, row_groups));
  std::vector<std::shared_ptr<arrow::RecordBatch>> out;
  while (true) {
    auto next = stream->Next();
    if (!next.ok()) {
      return arrow::Status::IOError("Parquet file ", location_, ": ", next.status().message());
    }
    if (*next == nullptr) break;
    out.push_back(std::move(*next));
  }
  return out;
}

}  // namespace floe::pq
