#include "floe/iceberg/data/delete_writer.h"
#include "floe/iceberg/update/row_level_deletes_internal.h"

namespace floe::iceberg::row_level_internal {

RowDeleteWriter::~RowDeleteWriter() = default;

arrow::Result<std::unique_ptr<RowDeleteWriter>> RowDeleteWriter::Make(
    const std::shared_ptr<Table>& table, const TableMetadata& metadata) {
  if (metadata.format_version >= 3) {
    return arrow::Status::Invalid(
        table->identifier().ToString(),
        ": merge-on-read on a format v3 table writes deletion vectors, which this build cannot "
        "write yet; run the change copy-on-write (--mode copy-on-write)");
  }
  std::unique_ptr<RowDeleteWriter> w(new RowDeleteWriter());
  w->table_ = table;
  DeleteWriterOptions options;
  options.table_name = table->identifier().ToString();
  ARROW_ASSIGN_OR_RAISE(w->positions_,
                        PositionDeleteWriter::Make(table->io(), metadata, std::move(options)));
  return w;
}

arrow::Status RowDeleteWriter::Delete(const FileScanTask& task, const PositionSet& positions) {
  referenced_.push_back(task.file.file_path);
  return positions_->Delete(task.file, positions);
}

arrow::Result<RowDeleteWriter::Result> RowDeleteWriter::Close() {
  Result result;
  ARROW_ASSIGN_OR_RAISE(result.added, positions_->Close());
  result.referenced_data_files = referenced_;
  return result;
}

arrow::Status RowDeleteWriter::Abort() { return positions_->Abort(); }

}  // namespace floe::iceberg::row_level_internal
