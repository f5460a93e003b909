#include "floe/iceberg/update/row_level_deletes_internal.h"

#include "floe/iceberg/data/delete_writer.h"
#include "floe/iceberg/data/deletion_vector.h"
#include "floe/iceberg/metadata/table_properties.h"
#include "floe/io/file_io.h"
#include "floe/util/uuid.h"

namespace floe::iceberg::row_level_internal {

RowDeleteWriter::~RowDeleteWriter() = default;

arrow::Result<std::unique_ptr<RowDeleteWriter>> RowDeleteWriter::Make(
    const std::shared_ptr<Table>& table, const TableMetadata& metadata) {
  std::unique_ptr<RowDeleteWriter> w(new RowDeleteWriter());
  w->table_ = table;
  w->deletion_vectors_ = metadata.format_version >= 3;
  if (w->deletion_vectors_) {
    auto it = metadata.properties.find(property::kWriteDataPath);
    w->data_location_ = it != metadata.properties.end()
                            ? it->second
                            : io::JoinLocation(metadata.location, "data");
    return w;
  }
  DeleteWriterOptions options;
  options.table_name = table->identifier().ToString();
  ARROW_ASSIGN_OR_RAISE(w->positions_,
                        PositionDeleteWriter::Make(table->io(), metadata, std::move(options)));
  return w;
}

arrow::Status RowDeleteWriter::Delete(const FileScanTask& task, const PositionSet& positions) {
  referenced_.push_back(task.file.file_path);
  if (!deletion_vectors_) return positions_->Delete(task.file, positions);
  // v3 keeps at most one deletion vector per data file: the new vector holds the positions
  // of the vector it replaces, which the commit removes.
  const std::string& path = task.file.file_path;
  PositionSet& merged = deleted_[path];
  data_files_[path] = task.file;
  merged.AddAll(positions);
  for (const auto& d : task.deletes) {
    if (!d.file.is_deletion_vector() || d.file.referenced_data_file != path) continue;
    ARROW_ASSIGN_OR_RAISE(PositionSet old, ReadDeletionVector(*table_->io(), d.file));
    merged.AddAll(old);
    replaced_.push_back(d.file);
  }
  return arrow::Status::OK();
}

arrow::Result<RowDeleteWriter::Result> RowDeleteWriter::Close() {
  Result result;
  if (!deletion_vectors_) {
    ARROW_ASSIGN_OR_RAISE(result.added, positions_->Close());
  } else if (!deleted_.empty()) {
    for (auto& [path, set] : deleted_) set.Seal();
    const std::string location =
        io::JoinLocation(data_location_, util::RandomUuid() + "-deletes.puffin");
    ARROW_ASSIGN_OR_RAISE(written_,
                          WriteDeletionVectors(*table_->io(), location, deleted_, data_files_));
    result.added = written_;
    result.removed = replaced_;
  }
  result.referenced_data_files = referenced_;
  return result;
}

arrow::Status RowDeleteWriter::Abort() {
  if (positions_) return positions_->Abort();
  for (const auto& f : written_) (void)table_->io()->Delete(f.file_path);
  return arrow::Status::OK();
}

}  // namespace floe::iceberg::row_level_internal
