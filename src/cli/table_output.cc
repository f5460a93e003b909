#include "cli/table_output.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <arrow/array.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>

#include "cli/cell_writer.h"
#include "cli/json_text.h"
#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/io/file_io.h"
#include "floe/io/location.h"
#include "floe/util/hex.h"

namespace floe::cli {
namespace {

constexpr size_t kFlushBytes = 1 << 20;
constexpr int32_t kMaxCellWidth = 60;

bool IsStdout(const std::string& path) { return path.empty() || path == "-"; }

// Buffered text output to stdout or a file; the buffer is written out in large blocks.
class TextSink {
 public:
  static arrow::Result<std::unique_ptr<TextSink>> Open(const std::string& path,
                                                      const io::FileIOProperties& properties) {
    std::unique_ptr<TextSink> sink(new TextSink());
    if (!IsStdout(path) && io::IsS3Location(path)) {
      ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(path, properties));
      ARROW_ASSIGN_OR_RAISE(sink->stream_, io->OpenOutput(path));
      sink->name_ = "output file " + path;
    } else if (IsStdout(path)) {
      sink->file_ = stdout;
      sink->name_ = "standard output";
    } else {
      sink->file_ = std::fopen(path.c_str(), "wb");
      sink->name_ = "output file " + path;
      if (sink->file_ == nullptr) {
        return arrow::Status::IOError("cannot create output file ", path, ": ",
                                      std::strerror(errno));
      }
      sink->owned_ = true;
    }
    sink->buffer_.reserve(kFlushBytes + kFlushBytes / 4);
    return sink;
  }

  ~TextSink() {
    if (owned_ && file_ != nullptr) std::fclose(file_);
  }

  std::string* buffer() { return &buffer_; }

  arrow::Status MaybeFlush() {
    return buffer_.size() >= kFlushBytes ? Flush() : arrow::Status::OK();
  }

  arrow::Status Flush() {
    if (stream_) {
      ARROW_RETURN_NOT_OK(stream_->Write(buffer_.data(), static_cast<int64_t>(buffer_.size())));
      buffer_.clear();
      return arrow::Status::OK();
    }
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return arrow::Status::IOError("cannot write ", name_, ": ", std::strerror(errno));
    }
    buffer_.clear();
    return arrow::Status::OK();
  }

  arrow::Status Close() {
    ARROW_RETURN_NOT_OK(Flush());
    if (stream_) return stream_->Close();  // the object appears now, whole
    int rc = owned_ ? std::fclose(file_) : std::fflush(file_);
    if (owned_) file_ = nullptr;
    if (rc != 0) return arrow::Status::IOError("cannot write ", name_, ": ", std::strerror(errno));
    return arrow::Status::OK();
  }

 private:
  TextSink() = default;
  std::FILE* file_ = nullptr;
  std::shared_ptr<arrow::io::OutputStream> stream_;  // an object store's file
  bool owned_ = false;
  std::string name_;
  std::string buffer_;
};

// Calls `fn(batch, writers)` for each batch as it comes, with one cell writer per column made
// once for the batch.
template <typename Fn>
arrow::Status ForEachBatch(arrow::RecordBatchReader& reader, Fn&& fn) {
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) return arrow::Status::OK();
    std::vector<std::unique_ptr<CellWriter>> writers;
    writers.reserve(batch->num_columns());
    for (const auto& column : batch->columns()) writers.push_back(MakeCellWriter(*column));
    ARROW_RETURN_NOT_OK(fn(*batch, writers));
  }
}

// ---- table ----

// Appends `text` for display in one terminal cell: control characters escaped, invalid
// UTF-8 shown as U+FFFD, and at most kMaxCellWidth characters, the last one "…" when cut.
// Returns the width in characters (code points).
int32_t AppendDisplay(std::string_view text, std::string* out) {
  int32_t width = 0;
  size_t cut_size = out->size();  // out's size while width <= kMaxCellWidth - 1
  int32_t cut_width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
      ++width;
      ++i;
    } else if (c < 0x80) {
      const char* escape = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : nullptr;
      if (escape != nullptr) {
        out->append(escape);
        width += 2;
      } else {
        out->append("\\x");
        util::AppendHex(std::string_view(text.data() + i, 1), out);
        width += 4;
      }
      ++i;
    } else {
      size_t len = Utf8SequenceLength(text, i);
      out->append(len > 0 ? text.substr(i, len) : std::string_view("\xEF\xBF\xBD"));
      ++width;
      i += len > 0 ? len : 1;
    }
    if (width > kMaxCellWidth) {
      out->resize(cut_size);
      out->append("\xE2\x80\xA6");  // …
      return cut_width + 1;
    }
    if (width <= kMaxCellWidth - 1) {
      cut_size = out->size();
      cut_width = width;
    }
  }
  return width;
}

// One column's display cells, back to back in one buffer.
struct DisplayColumn {
  std::string text;
  std::vector<size_t> ends;
  std::vector<int32_t> widths;
  int32_t max_width = 0;
  bool numeric = false;

  void Add(std::string_view cell) {
    int32_t width = AppendDisplay(cell, &text);
    ends.push_back(text.size());
    widths.push_back(width);
    max_width = std::max(max_width, width);
  }
  std::string_view Cell(size_t row) const {
    size_t begin = row == 0 ? 0 : ends[row - 1];
    return std::string_view(text).substr(begin, ends[row] - begin);
  }
};

void AppendPadded(std::string_view cell, int32_t width, int32_t column_width, bool right,
                  bool last, std::string* out) {
  if (right) out->append(column_width - width, ' ');
  out->append(cell);
  if (!right && !last) out->append(column_width - width, ' ');
}

arrow::Status WriteAlignedTable(arrow::RecordBatchReader& table, TextSink* sink,
                                int64_t* rows_written) {
  const int num_columns = table.schema()->num_fields();
  int64_t num_rows = 0;
  std::vector<DisplayColumn> columns(num_columns);
  std::vector<DisplayColumn> header(num_columns);
  std::string scratch;
  for (int c = 0; c < num_columns; ++c) {
    header[c].Add(table.schema()->field(c)->name());
    columns[c].max_width = header[c].max_width;
  }
  ARROW_RETURN_NOT_OK(ForEachBatch(
      table, [&](const arrow::RecordBatch& batch,
                 const std::vector<std::unique_ptr<CellWriter>>& writers) {
        num_rows += batch.num_rows();
        for (int c = 0; c < num_columns; ++c) {
          const CellWriter& writer = *writers[c];
          DisplayColumn& column = columns[c];
          column.numeric = writer.numeric();
          for (int64_t row = 0; row < batch.num_rows(); ++row) {
            if (writer.IsNull(row)) {
              column.Add("null");
            } else {
              scratch.clear();
              writer.AppendText(row, &scratch);
              column.Add(scratch);
            }
          }
        }
        return arrow::Status::OK();
      }));

  *rows_written = num_rows;
  std::string* out = sink->buffer();
  for (int c = 0; c < num_columns; ++c) {
    if (c > 0) out->append("  ");
    AppendPadded(header[c].Cell(0), header[c].widths[0], columns[c].max_width,
                 columns[c].numeric, c + 1 == num_columns, out);
  }
  out->push_back('\n');
  for (int c = 0; c < num_columns; ++c) {
    if (c > 0) out->append("  ");
    out->append(columns[c].max_width, '-');
  }
  out->push_back('\n');
  for (int64_t row = 0; row < num_rows; ++row) {
    for (int c = 0; c < num_columns; ++c) {
      if (c > 0) out->append("  ");
      const DisplayColumn& column = columns[c];
      AppendPadded(column.Cell(row), column.widths[row], column.max_width, column.numeric,
                   c + 1 == num_columns, out);
    }
    out->push_back('\n');
    ARROW_RETURN_NOT_OK(sink->MaybeFlush());
  }
  out->append("(" + std::to_string(num_rows) + (num_rows == 1 ? " row)\n" : " rows)\n"));
  return arrow::Status::OK();
}

// ---- csv ----

// RFC 4180: a field holding a comma, quote or line break is quoted with quotes doubled; an
// empty string is quoted too so that it differs from a null (an empty field).
void AppendCsvField(std::string_view text, std::string* out) {
  if (text.empty()) {
    out->append("\"\"");
    return;
  }
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

arrow::Status WriteCsv(arrow::RecordBatchReader& table, TextSink* sink, int64_t* rows_written) {
  std::string* out = sink->buffer();
  const int num_columns = table.schema()->num_fields();
  for (int c = 0; c < num_columns; ++c) {
    if (c > 0) out->push_back(',');
    AppendCsvField(table.schema()->field(c)->name(), out);
  }
  out->push_back('\n');
  std::string scratch;
  return ForEachBatch(table, [&](const arrow::RecordBatch& batch,
                                 const std::vector<std::unique_ptr<CellWriter>>& writers) {
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      for (int c = 0; c < num_columns; ++c) {
        if (c > 0) out->push_back(',');
        const CellWriter& writer = *writers[c];
        if (writer.IsNull(row)) continue;
        if (writer.numeric()) {  // never needs quoting
          writer.AppendText(row, out);
        } else {
          scratch.clear();
          writer.AppendText(row, &scratch);
          AppendCsvField(scratch, out);
        }
      }
      out->push_back('\n');
      ARROW_RETURN_NOT_OK(sink->MaybeFlush());
    }
    *rows_written += batch.num_rows();
    return arrow::Status::OK();
  });
}

// ---- jsonl ----

arrow::Status WriteJsonLines(arrow::RecordBatchReader& table, TextSink* sink,
                             int64_t* rows_written) {
  std::string* out = sink->buffer();
  const int num_columns = table.schema()->num_fields();
  std::vector<std::string> keys(num_columns);
  for (int c = 0; c < num_columns; ++c) {
    AppendJsonString(table.schema()->field(c)->name(), &keys[c]);
    keys[c].push_back(':');
  }
  return ForEachBatch(table, [&](const arrow::RecordBatch& batch,
                                 const std::vector<std::unique_ptr<CellWriter>>& writers) {
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      out->push_back('{');
      for (int c = 0; c < num_columns; ++c) {
        if (c > 0) out->push_back(',');
        out->append(keys[c]);
        const CellWriter& writer = *writers[c];
        if (writer.IsNull(row)) {
          out->append("null");
        } else {
          writer.AppendJson(row, out);
        }
      }
      out->append("}\n");
      ARROW_RETURN_NOT_OK(sink->MaybeFlush());
    }
    *rows_written += batch.num_rows();
    return arrow::Status::OK();
  });
}

// ---- parquet ----

arrow::Status WriteParquet(arrow::RecordBatchReader& reader, const std::string& path,
                           const io::FileIOProperties& properties, int64_t* rows_written) {
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(path, properties));
  pq::ParquetWriteOptions options;
  options.compression = "zstd";
  ARROW_ASSIGN_OR_RAISE(auto writer,
                        pq::ParquetFileWriter::Open(*io, path, reader.schema(), options));
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) break;
    ARROW_RETURN_NOT_OK(writer->Write(*batch));
    *rows_written += batch->num_rows();
  }
  return writer->Close().status();
}

// ---- arrow ----

arrow::Status WriteArrowFile(arrow::RecordBatchReader& reader, const std::string& path,
                             const io::FileIOProperties& properties, int64_t* rows_written) {
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(path, properties));
  ARROW_ASSIGN_OR_RAISE(auto out, io->OpenOutput(path));
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeFileWriter(out, reader.schema()));
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) break;
    ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
    *rows_written += batch->num_rows();
  }
  ARROW_RETURN_NOT_OK(writer->Close());
  return out->Close();
}

}  // namespace

arrow::Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "table") return OutputFormat::kTable;
  if (lower == "csv") return OutputFormat::kCsv;
  if (lower == "jsonl") return OutputFormat::kJsonl;
  if (lower == "parquet") return OutputFormat::kParquet;
  if (lower == "arrow") return OutputFormat::kArrow;
  return arrow::Status::Invalid("unknown output format '", name,
                                "': choose table, csv, jsonl, parquet or arrow");
}

arrow::Status WriteTable(const arrow::Table& table, OutputFormat format, const std::string& path,
                         const io::FileIOProperties& properties) {
  arrow::TableBatchReader reader(table);
  return WriteBatches(reader, format, path, properties).status();
}

arrow::Result<int64_t> WriteBatches(arrow::RecordBatchReader& rows, OutputFormat format,
                                    const std::string& path,
                                    const io::FileIOProperties& properties) {
  int64_t written = 0;
  if (format == OutputFormat::kParquet) {
    if (IsStdout(path)) {
      return arrow::Status::Invalid("parquet output needs a file (--output FILE), not stdout");
    }
    ARROW_RETURN_NOT_OK(WriteParquet(rows, path, properties, &written));
    return written;
  }
  if (format == OutputFormat::kArrow) {
    if (IsStdout(path)) {
      return arrow::Status::Invalid("arrow output needs a file (--output FILE), not stdout");
    }
    ARROW_RETURN_NOT_OK(WriteArrowFile(rows, path, properties, &written));
    return written;
  }
  ARROW_ASSIGN_OR_RAISE(auto sink, TextSink::Open(path, properties));
  switch (format) {
    case OutputFormat::kTable:
      ARROW_RETURN_NOT_OK(WriteAlignedTable(rows, sink.get(), &written));
      break;
    case OutputFormat::kCsv:
      ARROW_RETURN_NOT_OK(WriteCsv(rows, sink.get(), &written));
      break;
    case OutputFormat::kJsonl:
      ARROW_RETURN_NOT_OK(WriteJsonLines(rows, sink.get(), &written));
      break;
    case OutputFormat::kParquet:
    case OutputFormat::kArrow:
      break;
  }
  ARROW_RETURN_NOT_OK(sink->Close());
  return written;
}

arrow::Result<nlohmann::json> TableToJson(const arrow::Table& table) {
  nlohmann::json rows = nlohmann::json::array();
  std::string cell;
  arrow::TableBatchReader reader(table);
  ARROW_RETURN_NOT_OK(
      ForEachBatch(reader, [&](const arrow::RecordBatch& batch,
                              const std::vector<std::unique_ptr<CellWriter>>& writers) {
        for (int64_t row = 0; row < batch.num_rows(); ++row) {
          nlohmann::json object = nlohmann::json::object();
          for (int c = 0; c < batch.num_columns(); ++c) {
            nlohmann::json& value = object[batch.schema()->field(c)->name()];
            if (writers[c]->IsNull(row)) continue;  // stays null
            cell.clear();
            writers[c]->AppendJson(row, &cell);
            value = nlohmann::json::parse(cell);
          }
          rows.push_back(std::move(object));
        }
        return arrow::Status::OK();
      }));
  return rows;
}

std::string FormatCell(const arrow::Array& array, int64_t row) {
  std::string out;
  if (row < 0 || row >= array.length()) return out;
  auto writer = MakeCellWriter(array);
  if (!writer->IsNull(row)) writer->AppendText(row, &out);
  return out;
}

nlohmann::json CellToJson(const arrow::Array& array, int64_t row) {
  if (row < 0 || row >= array.length()) return nullptr;
  auto writer = MakeCellWriter(array);
  if (writer->IsNull(row)) return nullptr;
  std::string text;
  writer->AppendJson(row, &text);
  // The writer's text is valid JSON by construction; parsing it keeps one rendering.
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return text;
  return doc;
}

}  // namespace floe::cli
