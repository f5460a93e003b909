#include "floe/format/parquet/parquet_file_writer.h"

#include <algorithm>
#include <cctype>

#include <arrow/type.h>
#include <arrow/util/byte_size.h>
#include <arrow/util/compression.h>
#include <arrow/util/key_value_metadata.h>
#include <parquet/arrow/writer.h>
#include <parquet/exception.h>
#include <parquet/file_writer.h>
#include <parquet/properties.h>

namespace floe::pq {

arrow::Result<arrow::Compression::type> CompressionFromName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  arrow::Compression::type codec;
  if (lower == "zstd") {
    codec = arrow::Compression::ZSTD;
  } else if (lower == "snappy") {
    codec = arrow::Compression::SNAPPY;
  } else if (lower == "gzip") {
    codec = arrow::Compression::GZIP;
  } else if (lower == "lz4") {
    codec = arrow::Compression::LZ4;
  } else if (lower == "brotli") {
    codec = arrow::Compression::BROTLI;
  } else if (lower == "uncompressed" || lower == "none") {
    codec = arrow::Compression::UNCOMPRESSED;
  } else {
    return arrow::Status::Invalid("unknown Parquet compression codec '", name,
                                  "' (expected zstd, snappy, gzip, lz4, brotli or uncompressed)");
  }
  if (!arrow::util::Codec::IsAvailable(codec)) {
    return arrow::Status::Invalid("Parquet compression codec '", name,
                                         "' is not available in this build of Arrow");
  }
  return codec;
}

namespace {

// Errors of the output stream itself already name the file (FileIO's streams do).
bool NamesFile(const arrow::Status& status, const std::string& location) {
  return status.message().find(location) != std::string::npos;
}

}  // namespace

ParquetFileWriter::~ParquetFileWriter() {
  // An abandoned writer still releases its file; the partial file is left for the caller to
  // delete (it never becomes part of a table).
  if (!closed_ && writer_) {
    (void)writer_->Close();
    (void)sink_->Close();
  }
}

arrow::Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Open(
    io::FileIO& io, const std::string& location, std::shared_ptr<arrow::Schema> schema,
    const ParquetWriteOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto codec, CompressionFromName(options.compression));
  if (options.row_group_size_bytes <= 0 || options.row_group_max_rows <= 0) {
    return arrow::Status::Invalid("Parquet file ", location,
                                  ": row group size limits must be positive");
  }
  ::parquet::WriterProperties::Builder builder;
  builder.compression(codec)
      ->max_row_group_length(options.row_group_max_rows)
      ->data_pagesize(options.page_size_bytes)
      ->dictionary_pagesize_limit(options.dictionary_page_size_bytes)
      ->enable_store_decimal_as_integer()
      ->created_by("floe version 0.1.0");
  if (options.compression_level) builder.compression_level(*options.compression_level);
  for (const auto& column : options.plain_columns) builder.disable_dictionary(column);
  auto arrow_props = ::parquet::ArrowWriterProperties::Builder().build();

  std::unique_ptr<ParquetFileWriter> out(new ParquetFileWriter());
  out->location_ = location;
  out->schema_ = std::move(schema);
  out->row_group_size_bytes_ = options.row_group_size_bytes;
  ARROW_ASSIGN_OR_RAISE(out->sink_, io.OpenOutput(location));
  auto writer = ::parquet::arrow::FileWriter::Open(*out->schema_, arrow::default_memory_pool(),
                                                   out->sink_, builder.build(), arrow_props);
  if (!writer.ok()) {
    (void)out->sink_->Close();
    if (NamesFile(writer.status(), location)) return writer.status();
    return arrow::Status::Invalid("Parquet file ", location, ": ", writer.status().message());
  }
  out->writer_ = std::move(*writer);
  if (!options.key_value_metadata.empty()) {
    auto kv = std::make_shared<arrow::KeyValueMetadata>();
    for (const auto& [key, value] : options.key_value_metadata) kv->Append(key, value);
    ARROW_RETURN_NOT_OK(out->writer_->AddKeyValueMetadata(kv));
  }
  return out;
}

arrow::Status ParquetFileWriter::Write(const arrow::RecordBatch& batch) {
  if (closed_) return arrow::Status::Invalid("Parquet file ", location_, ": write after close");
  if (!batch.schema()->Equals(*schema_, /*check_metadata=*/false)) {
    return arrow::Status::Invalid("Parquet file ", location_, ": batch schema ",
                                  batch.schema()->ToString(), " does not match file schema ",
                                  schema_->ToString());
  }
  if (batch.num_rows() == 0) return arrow::Status::OK();
  // A full row group is flushed when more rows arrive rather than right away, so that the
  // file never ends with an empty row group.
  if (buffered_bytes_ >= row_group_size_bytes_) ARROW_RETURN_NOT_OK(FlushRowGroup());
  ARROW_RETURN_NOT_OK(writer_->WriteRecordBatch(batch));
  ARROW_ASSIGN_OR_RAISE(int64_t size, arrow::util::ReferencedBufferSize(batch));
  buffered_bytes_ += size;
  num_rows_ += batch.num_rows();
  return arrow::Status::OK();
}

arrow::Status ParquetFileWriter::FlushRowGroup() {
  // Starting a new buffered row group writes the current one out.
  ARROW_RETURN_NOT_OK(writer_->NewBufferedRowGroup());
  ARROW_ASSIGN_OR_RAISE(flushed_file_bytes_, sink_->Tell());
  flushed_arrow_bytes_ += buffered_bytes_;
  buffered_bytes_ = 0;
  return arrow::Status::OK();
}

int64_t ParquetFileWriter::EstimatedSize() const {
  double ratio = flushed_arrow_bytes_ > 0
                     ? static_cast<double>(flushed_file_bytes_) / flushed_arrow_bytes_
                     : 1.0;
  return flushed_file_bytes_ + static_cast<int64_t>(buffered_bytes_ * ratio);
}

arrow::Result<ParquetWriteResult> ParquetFileWriter::Close() {
  if (closed_) return arrow::Status::Invalid("Parquet file ", location_, ": closed twice");
  closed_ = true;
  arrow::Status st = writer_->Close();
  if (!st.ok()) {
    (void)sink_->Close();
    if (NamesFile(st, location_)) return st;
    return arrow::Status::IOError("Parquet file ", location_, ": ", st.message());
  }
  ParquetWriteResult result;
  result.location = location_;
  ARROW_ASSIGN_OR_RAISE(result.file_size, sink_->Tell());
  ARROW_RETURN_NOT_OK(sink_->Close());
  result.metadata = writer_->metadata();
  result.num_rows = num_rows_;
  return result;
}

}  // namespace floe::pq
