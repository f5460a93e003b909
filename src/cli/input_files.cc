#include "cli/input_files.h"

#include <arrow/io/file.h>
#include <arrow/json/reader.h>
#include <parquet/arrow/reader.h>

#include "floe/iceberg/data/arrow_conform.h"
#include "floe/iceberg/data/arrow_schema.h"

namespace floe::cli {
namespace {

arrow::Result<bool> IsParquet(const std::shared_ptr<arrow::io::RandomAccessFile>& file) {
  ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
  if (size < 8) return false;
  char magic[4];
  ARROW_ASSIGN_OR_RAISE(int64_t n, file->ReadAt(0, 4, magic));
  return n == 4 && std::string_view(magic, 4) == "PAR1";
}

// Columns whose JSON form Arrow's reader converts directly are read with their table type;
// the rest (dates, times, decimals, binary, nested) are left to type inference and cast by
// ConformToSchema, which also names unknown columns and nulls in required ones. Every column is
// read as nullable so that such nulls are reported by ConformToSchema, by column name.
std::shared_ptr<arrow::Schema> JsonReadSchema(const arrow::Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& f : schema.fields()) {
    switch (f->type()->id()) {
      case arrow::Type::BOOL:
      case arrow::Type::INT32:
      case arrow::Type::INT64:
      case arrow::Type::FLOAT:
      case arrow::Type::DOUBLE:
      case arrow::Type::STRING:
      case arrow::Type::TIMESTAMP:
        fields.push_back(f->WithMetadata(nullptr)->WithNullable(true));
        break;
      default:
        break;
    }
  }
  return arrow::schema(fields);
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ReadInputFile(const std::string& path,
                                                           const iceberg::Schema& schema) {
  auto opened = arrow::io::ReadableFile::Open(path);
  if (!opened.ok()) {
    return arrow::Status::IOError("cannot open ", path, ": ", opened.status().message());
  }
  std::shared_ptr<arrow::io::RandomAccessFile> file = *opened;
  ARROW_ASSIGN_OR_RAISE(bool parquet, IsParquet(file));
  std::shared_ptr<arrow::Table> data;
  if (parquet) {
    auto reader = parquet::arrow::OpenFile(file, arrow::default_memory_pool());
    if (!reader.ok()) {
      return arrow::Status::IOError(path, ": not a readable Parquet file: ",
                                    reader.status().message());
    }
    auto table = (*reader)->ReadTable();
    if (!table.ok()) return arrow::Status::IOError(path, ": ", table.status().message());
    data = *table;
  } else {
    ARROW_RETURN_NOT_OK(file->Seek(0));  // sniffing read at an offset; the JSON reader streams
    ARROW_ASSIGN_OR_RAISE(auto arrow_schema, iceberg::ToArrowSchema(schema));
    auto parse = arrow::json::ParseOptions::Defaults();
    parse.explicit_schema = JsonReadSchema(*arrow_schema);
    parse.unexpected_field_behavior = arrow::json::UnexpectedFieldBehavior::InferType;
    auto read = arrow::json::ReadOptions::Defaults();
    read.use_threads = true;
    auto reader =
        arrow::json::TableReader::Make(arrow::default_memory_pool(), file, read, parse);
    if (!reader.ok()) return arrow::Status::Invalid(path, ": ", reader.status().message());
    auto table = (*reader)->Read();
    if (!table.ok()) {
      return arrow::Status::Invalid(path, ": not JSON Lines matching the table schema: ",
                                    table.status().message());
    }
    data = *table;
  }
  return iceberg::ConformToSchema(data, schema, path);
}

}  // namespace floe::cli
