#include "floe/iceberg/update/append_data.h"

#include <arrow/table.h>

#include "floe/iceberg/data/arrow_conform.h"
#include "floe/iceberg/data/data_writer.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/fast_append.h"

namespace floe::iceberg {

namespace {

arrow::Result<std::unique_ptr<DataWriter>> MakeWriter(const Table& table,
                                                      const std::string& file_prefix) {
  const auto& md = table.metadata();
  DataWriterOptions options;
  options.file_prefix = file_prefix;
  options.table_location = md.location;
  options.schema = md.CurrentSchema();
  options.spec = md.DefaultSpec();
  options.properties = md.properties;
  options.table_name = table.identifier().ToString();
  // New files follow the table's default sort order (Java's writers record it the same way).
  for (const auto& order : md.sort_orders) {
    if (order.order_id == md.default_sort_order_id && !order.fields.empty()) {
      options.sort_order = order;
      options.sort_order_id = order.order_id;
    }
  }
  return DataWriter::Make(table.io(), options);
}

}  // namespace

arrow::Result<std::vector<DataFile>> WriteDataFiles(const Table& table, const arrow::Table& rows,
                                                    const std::string& file_prefix) {
  ARROW_ASSIGN_OR_RAISE(auto writer, MakeWriter(table, file_prefix));
  arrow::TableBatchReader reader(rows);
  reader.set_chunksize(64 * 1024);
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status st = reader.ReadNext(&batch);
    if (st.ok() && batch == nullptr) break;
    if (st.ok()) st = writer->Write(*batch);
    if (!st.ok()) {
      (void)writer->Abort();
      return st;
    }
  }
  auto files = writer->Close();
  if (!files.ok()) (void)writer->Abort();
  return files;
}

arrow::Result<std::vector<DataFile>> WriteDataFiles(const Table& table,
                                                    arrow::RecordBatchReader& rows,
                                                    const std::string& source,
                                                    const std::atomic<bool>* stop) {
  const Schema& schema = *table.metadata().CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto writer, MakeWriter(table, ""));
  auto write_all = [&]() -> arrow::Status {
    while (true) {
      if (stop != nullptr && stop->load()) return arrow::Status::Cancelled("stopped");
      std::shared_ptr<arrow::RecordBatch> batch;
      ARROW_RETURN_NOT_OK(rows.ReadNext(&batch));
      if (batch == nullptr) return arrow::Status::OK();
      if (batch->num_rows() == 0) continue;
      ARROW_ASSIGN_OR_RAISE(auto one, arrow::Table::FromRecordBatches({batch}));
      ARROW_ASSIGN_OR_RAISE(auto conformed, ConformToSchema(one, schema, source));
      ARROW_ASSIGN_OR_RAISE(auto combined, conformed->CombineChunksToBatch());
      ARROW_RETURN_NOT_OK(writer->Write(*combined));
    }
  };
  if (arrow::Status st = write_all(); !st.ok()) {
    (void)writer->Abort();
    return st;
  }
  auto files = writer->Close();
  if (!files.ok()) (void)writer->Abort();
  return files;
}

arrow::Result<std::optional<Snapshot>> AppendStream(const std::shared_ptr<Table>& table,
                                                    arrow::RecordBatchReader& rows,
                                                    const std::string& source,
                                                    const std::string& branch,
                                                    const std::atomic<bool>* stop) {
  ARROW_ASSIGN_OR_RAISE(auto files, WriteDataFiles(*table, rows, source, stop));
  if (files.empty()) return std::nullopt;
  FastAppend append(table);
  append.AppendFiles(files);
  append.ToBranch(branch);
  ARROW_ASSIGN_OR_RAISE(auto snapshot, CommitWrittenFiles(append, *table->io(), files));
  return std::optional<Snapshot>(std::move(snapshot));
}

arrow::Result<Snapshot> AppendRows(const std::shared_ptr<Table>& table, const arrow::Table& rows,
                                   const std::map<std::string, std::string>& summary,
                                   const std::string& file_prefix, const std::string& branch) {
  ARROW_ASSIGN_OR_RAISE(auto files, WriteDataFiles(*table, rows, file_prefix));
  FastAppend append(table);
  append.AppendFiles(files);
  append.ToBranch(branch);
  for (const auto& [k, v] : summary) append.SetSummary(k, v);
  return CommitWrittenFiles(append, *table->io(), files);
}

arrow::Result<Snapshot> CommitWrittenFiles(SnapshotProducer& update, io::FileIO& io,
                                           const std::vector<DataFile>& files) {
  auto snapshot = update.Commit();
  // After an unknown commit outcome the table may reference the files: keep them.
  if (!snapshot.ok() && !IsCommitStateUnknown(snapshot.status())) {
    for (const auto& f : files) (void)io.Delete(f.file_path);
  }
  return snapshot;
}

}  // namespace floe::iceberg
