#include "floe/iceberg/update/upsert.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/delete_writer.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/row_delta.h"
#include "floe/iceberg/update/row_key_internal.h"

namespace floe::iceberg {
namespace {

namespace cp = arrow::compute;

// The identifier column names; errors say how to get a table fit for upserts.
arrow::Result<std::vector<std::string>> IdentifierColumns(const TableMetadata& metadata,
                                                          const std::string& table) {
  auto schema = metadata.CurrentSchema();
  const auto& ids = schema->identifier_field_ids();
  if (ids.empty()) {
    return arrow::Status::Invalid(
        table,
        ": upserts need identifier fields and the table has none; set them with "
        "`floe table alter ",
        table, " set-identifier-fields COLUMNS`");
  }
  std::vector<std::string> names;
  for (int32_t id : ids) {
    bool top_level = false;
    for (const auto& f : schema->fields()) top_level |= f.id == id;
    if (!top_level) {
      return arrow::Status::Invalid(table, ": identifier field '", schema->FindColumnName(id),
                                    "' is nested; upserts need top-level identifier columns");
    }
    names.push_back(schema->FindColumnName(id));
  }
  std::set<int32_t> id_set(ids.begin(), ids.end());
  for (const auto& pf : metadata.DefaultSpec().fields()) {
    if (id_set.count(pf.source_id) == 0) {
      return arrow::Status::Invalid(
          table, ": the partition spec uses column '", schema->FindColumnName(pf.source_id),
          "', which is not an identifier field; an equality delete could miss a key's older row "
          "in another partition, so upserts need every partition source among the identifier "
          "fields");
    }
  }
  return names;
}

// The last row of each key, in input order; `deletes` (one flag per row, or empty) is
// narrowed to the rows kept.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> LastPerKey(
    const std::shared_ptr<arrow::RecordBatch>& batch, const std::vector<std::string>& keys,
    const std::string& table, std::vector<bool>* deletes) {
  std::vector<bool> has_null;
  ARROW_ASSIGN_OR_RAISE(auto encoded, row_level_internal::EncodeRowKeys(*batch, keys, &has_null));
  std::unordered_map<std::string, int64_t> last;
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    if (has_null[static_cast<size_t>(i)]) {
      return arrow::Status::Invalid(table, ": upsert row ", i + 1, " has a NULL identifier field (",
                                    row_level_internal::DescribeRowKey(*batch, keys, i), ")");
    }
    last[encoded[static_cast<size_t>(i)]] = i;
  }
  if (static_cast<int64_t>(last.size()) == batch->num_rows()) return batch;
  std::vector<int64_t> rows;
  for (const auto& [key, row] : last) rows.push_back(row);
  std::sort(rows.begin(), rows.end());
  if (!deletes->empty()) {
    std::vector<bool> kept;
    for (int64_t row : rows) kept.push_back((*deletes)[static_cast<size_t>(row)]);
    *deletes = std::move(kept);
  }
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(rows));
  ARROW_ASSIGN_OR_RAISE(auto take, builder.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(batch), take));
  return taken.record_batch();
}

// The rows of `batch` whose flag in `deletes` is false.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> WithoutDeletes(
    const std::shared_ptr<arrow::RecordBatch>& batch, const std::vector<bool>& deletes) {
  if (std::find(deletes.begin(), deletes.end(), true) == deletes.end()) return batch;
  arrow::BooleanBuilder keep;
  for (bool d : deletes) ARROW_RETURN_NOT_OK(keep.Append(!d));
  ARROW_ASSIGN_OR_RAISE(auto mask, keep.Finish());
  ARROW_ASSIGN_OR_RAISE(auto filtered, cp::Filter(arrow::Datum(batch), mask));
  return filtered.record_batch();
}

}  // namespace

arrow::Result<UpsertResult> UpsertRows(const std::shared_ptr<Table>& table,
                                       const arrow::Table& rows, const UpsertOptions& options) {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());  // Arrow registers kernels on request
  const std::string name = table->identifier().ToString();
  const TableMetadata& metadata = table->metadata();
  if (metadata.format_version < 2) {
    return arrow::Status::Invalid(name,
                                  ": equality deletes need format version 2 or later; "
                                  "upgrade the table's format-version");
  }
  ARROW_ASSIGN_OR_RAISE(auto keys, IdentifierColumns(metadata, name));
  auto schema = metadata.CurrentSchema();
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*schema));
  if (!rows.schema()->Equals(*arrow_schema, /*check_metadata=*/false)) {
    return arrow::Status::Invalid(name, ": upsert rows are not in the table schema's form (",
                                  rows.schema()->ToString(), "); conform them first");
  }
  if (rows.num_rows() == 0) return arrow::Status::Invalid(name, ": no rows to upsert");
  ARROW_ASSIGN_OR_RAISE(auto batch, rows.CombineChunksToBatch());
  batch = arrow::RecordBatch::Make(arrow_schema, batch->num_rows(), batch->columns());
  std::vector<bool> deletes = options.deletes;
  if (!deletes.empty() && static_cast<int64_t>(deletes.size()) != batch->num_rows()) {
    return arrow::Status::Invalid(name, ": ", deletes.size(), " delete flags for ",
                                  batch->num_rows(), " upsert rows");
  }
  ARROW_ASSIGN_OR_RAISE(auto deduped, LastPerKey(batch, keys, name, &deletes));
  ARROW_ASSIGN_OR_RAISE(auto inserted, WithoutDeletes(deduped, deletes));

  UpsertResult result;
  result.rows_written = inserted->num_rows();
  result.rows_deduplicated = batch->num_rows() - deduped->num_rows();
  std::vector<DataFile> data_files;
  if (inserted->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(auto data_table, arrow::Table::FromRecordBatches({inserted}));
    ARROW_ASSIGN_OR_RAISE(data_files, WriteDataFiles(*table, *data_table));
  }

  std::vector<DataFile> delete_files;
  auto cleanup = [&] {
    for (const auto& f : data_files) (void)table->io()->Delete(f.file_path);
    for (const auto& f : delete_files) (void)table->io()->Delete(f.file_path);
  };
  auto write_deletes = [&]() -> arrow::Status {
    DeleteWriterOptions writer_options;
    writer_options.table_name = name;
    ARROW_ASSIGN_OR_RAISE(auto writer, EqualityDeleteWriter::Make(table->io(), metadata,
                                                                  schema->identifier_field_ids(),
                                                                  std::move(writer_options)));
    const auto& delete_schema = *writer->delete_schema();
    ARROW_ASSIGN_OR_RAISE(auto delete_arrow, ToArrowSchema(delete_schema));
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (const auto& field : delete_schema.fields()) {
      columns.push_back(deduped->GetColumnByName(field.name));
    }
    auto status = writer->Write(
        *arrow::RecordBatch::Make(delete_arrow, deduped->num_rows(), std::move(columns)));
    if (!status.ok()) {
      (void)writer->Abort();
      return status;
    }
    ARROW_ASSIGN_OR_RAISE(delete_files, writer->Close());
    return arrow::Status::OK();
  };
  if (auto status = write_deletes(); !status.ok()) {
    cleanup();
    return status;
  }
  RowDelta delta(table);
  for (const auto& f : data_files) delta.AddRows(f);
  for (const auto& f : delete_files) delta.AddDeletes(f);
  for (const auto& [key, value] : options.summary) delta.SetSummary(key, value);
  if (options.validate) delta.SetValidation(options.validate);
  auto snapshot = delta.Commit();
  if (!snapshot.ok()) {
    if (!IsCommitStateUnknown(snapshot.status())) cleanup();
    return snapshot.status();
  }
  result.snapshot = *snapshot;
  result.data_files_added = static_cast<int64_t>(data_files.size());
  result.delete_files_added = static_cast<int64_t>(delete_files.size());
  return result;
}

}  // namespace floe::iceberg
