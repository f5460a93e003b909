#include "cli/input_files.h"

#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>

#include "floe/iceberg/data/arrow_conform.h"
#include "floe/iceberg/data/json_rows.h"

namespace floe::cli {
namespace {

arrow::Result<bool> IsParquet(const std::shared_ptr<arrow::io::RandomAccessFile>& file) {
  ARROW_ASSIGN_OR_RAISE(int64_t size, file->GetSize());
  if (size < 8) return false;
  char magic[4];
  ARROW_ASSIGN_OR_RAISE(int64_t n, file->ReadAt(0, 4, magic));
  return n == 4 && std::string_view(magic, 4) == "PAR1";
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ReadInputFile(const std::string& path,
                                                           const iceberg::Schema& schema,
                                                           const io::FileIOProperties& properties) {
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(path, properties));
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::io::RandomAccessFile> file, io->OpenInput(path));
  ARROW_ASSIGN_OR_RAISE(bool parquet, IsParquet(file));
  if (!parquet) {
    ARROW_RETURN_NOT_OK(file->Seek(0));  // sniffing read at an offset; the JSON reader streams
    // Rows come out in the table's own types: nothing left to conform.
    return iceberg::ReadJsonRows(file.get(), schema, path);
  }
  auto reader = parquet::arrow::OpenFile(file, arrow::default_memory_pool());
  if (!reader.ok()) {
    return arrow::Status::IOError(path,
                                  ": not a readable Parquet file: ", reader.status().message());
  }
  auto table = (*reader)->ReadTable();
  if (!table.ok()) return arrow::Status::IOError(path, ": ", table.status().message());
  return iceberg::ConformToSchema(*table, schema, path);
}

}  // namespace floe::cli
