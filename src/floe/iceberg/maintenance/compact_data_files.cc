#include "floe/iceberg/maintenance/compact_data_files.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/table.h>

#include <map>
#include <unordered_set>

#include "floe/iceberg/data/data_writer.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/maintenance/compaction_read_internal.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/table/delete_file_index.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/rewrite_files.h"
#include "floe/util/properties.h"

namespace floe::iceberg {
namespace {

struct Limits {
  int64_t target = 0;
  int64_t min = 0;
  int64_t max = 0;
};

arrow::Result<Limits> ResolveLimits(const TableMetadata& md, const CompactionOptions& options) {
  Limits l;
  if (options.target_file_size_bytes) {
    l.target = *options.target_file_size_bytes;
  } else {
    ARROW_ASSIGN_OR_RAISE(l.target, util::IntProperty(md.properties, property::kTargetFileSizeBytes,
                                                      property::kDefaultTargetFileSizeBytes, 1));
  }
  if (l.target < 1) return arrow::Status::Invalid("target file size must be positive");
  // Java's defaults: 75 % and 180 % of the target.
  l.min = options.min_file_size_bytes.value_or(static_cast<int64_t>(l.target * 0.75));
  l.max = options.max_file_size_bytes.value_or(static_cast<int64_t>(l.target * 1.8));
  if (l.min > l.target || l.max < l.target) {
    return arrow::Status::Invalid("compaction needs min file size (", l.min, ") <= target (",
                                  l.target, ") <= max file size (", l.max, ")");
  }
  if (options.min_input_files < 1) {
    return arrow::Status::Invalid("min-input-files must be at least 1");
  }
  if (options.dedupe_on.empty() != options.keep_latest_by.empty()) {
    return arrow::Status::Invalid(
        "dedupe needs both the key columns (--dedupe-on) and the column that picks the row to "
        "keep (--keep latest-by COL)");
  }
  return l;
}

// Keeps, for every value of the key columns, the row with the greatest `latest_by` (the
// last such row when several tie). Null keys count as one value.
arrow::Result<std::shared_ptr<arrow::Table>> Dedupe(const std::shared_ptr<arrow::Table>& rows,
                                                    const std::vector<std::string>& keys,
                                                    const std::string& latest_by) {
  if (rows->num_rows() == 0) return rows;
  std::vector<arrow::compute::SortKey> order;
  for (const auto& key : keys) {
    if (rows->GetColumnByName(key) == nullptr) {
      return arrow::Status::Invalid("dedupe key column ", key, " is not in the table");
    }
    order.emplace_back(key, arrow::compute::SortOrder::Ascending);
  }
  if (rows->GetColumnByName(latest_by) == nullptr) {
    return arrow::Status::Invalid("latest-by column ", latest_by, " is not in the table");
  }
  order.emplace_back(latest_by, arrow::compute::SortOrder::Descending);
  ARROW_ASSIGN_OR_RAISE(auto combined, rows->CombineChunks());
  ARROW_ASSIGN_OR_RAISE(
      auto indices,
      arrow::compute::SortIndices(arrow::Datum(combined), arrow::compute::SortOptions(order)));
  ARROW_ASSIGN_OR_RAISE(auto sorted_datum, arrow::compute::Take(combined, indices));
  ARROW_ASSIGN_OR_RAISE(auto sorted, sorted_datum.table()->CombineChunks());
  std::vector<std::shared_ptr<arrow::Array>> key_columns;
  for (const auto& key : keys) key_columns.push_back(sorted->GetColumnByName(key)->chunk(0));
  arrow::BooleanBuilder keep;
  ARROW_RETURN_NOT_OK(keep.Reserve(sorted->num_rows()));
  for (int64_t i = 0; i < sorted->num_rows(); ++i) {
    bool first = i == 0;
    for (const auto& column : key_columns) {
      if (first) break;
      first = !column->RangeEquals(i, i + 1, i - 1, *column);
    }
    keep.UnsafeAppend(first);
  }
  ARROW_ASSIGN_OR_RAISE(auto mask, keep.Finish());
  ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Filter(sorted, mask));
  return kept.table();
}

// Reads a group's rows, with their deletes applied, and writes them as new files.
arrow::Result<std::vector<DataFile>> RewriteGroup(const Table& table, const CompactionGroup& group,
                                                  const CompactionOptions& options,
                                                  const Limits& limits, CompactionResult& result) {
  const TableMetadata& md = table.metadata();
  DataWriterOptions writer_options;
  writer_options.table_location = md.location;
  writer_options.schema = md.CurrentSchema();
  writer_options.spec = md.DefaultSpec();
  writer_options.properties = md.properties;
  writer_options.properties[property::kTargetFileSizeBytes] = std::to_string(limits.target);
  writer_options.table_name = table.identifier().ToString();
  std::optional<SortOrder> order = options.sort_order;
  for (const auto& o : md.sort_orders) {
    if (!order && o.order_id == md.default_sort_order_id) order = o;
  }
  if (order && !order->fields.empty()) {
    writer_options.sort_order = *order;
    for (const auto& o : md.sort_orders) {
      if (o.fields == order->fields) writer_options.sort_order_id = o.order_id;
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto writer, DataWriter::Make(table.io(), writer_options));
  auto fail = [&](const arrow::Status& st) {
    (void)writer->Abort();
    return st;
  };
  std::vector<std::shared_ptr<arrow::RecordBatch>> held;  // dedupe needs the whole group
  auto deletes = std::make_shared<DeleteLoader>(table.io());
  for (const auto& task : group.tasks) {
    auto reader = OpenLiveRows(table.io(), md, task, writer_options.schema, deletes);
    if (!reader.ok()) return fail(reader.status());
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      arrow::Status st = (*reader)->ReadNext(&batch);
      if (!st.ok()) return fail(st);
      if (batch == nullptr) break;
      result.rows_read += batch->num_rows();
      if (!options.dedupe_on.empty()) {
        held.push_back(std::move(batch));
        continue;
      }
      result.rows_written += batch->num_rows();
      st = writer->Write(*batch);
      if (!st.ok()) return fail(st);
    }
  }
  if (!options.dedupe_on.empty()) {
    auto schema = held.empty() ? nullptr : held.front()->schema();
    if (schema != nullptr) {
      auto rows = arrow::Table::FromRecordBatches(schema, held);
      if (!rows.ok()) return fail(rows.status());
      auto kept = Dedupe(*rows, options.dedupe_on, options.keep_latest_by);
      if (!kept.ok()) return fail(kept.status());
      result.rows_written += (*kept)->num_rows();
      arrow::TableBatchReader reader(**kept);
      std::shared_ptr<arrow::RecordBatch> batch;
      while (true) {
        arrow::Status st = reader.ReadNext(&batch);
        if (!st.ok()) return fail(st);
        if (batch == nullptr) break;
        st = writer->Write(*batch);
        if (!st.ok()) return fail(st);
      }
    }
  }
  return writer->Close();
}

}  // namespace

arrow::Result<std::vector<CompactionGroup>> PlanCompaction(const Table& table,
                                                           const CompactionOptions& options) {
  const TableMetadata& md = table.metadata();
  ARROW_ASSIGN_OR_RAISE(Limits limits, ResolveLimits(md, options));
  const Snapshot* snapshot = md.CurrentSnapshot();
  if (snapshot == nullptr) return std::vector<CompactionGroup>{};
  ScanOptions scan_options;
  scan_options.filter = options.filter;
  scan_options.snapshot_id = snapshot->snapshot_id;
  ARROW_ASSIGN_OR_RAISE(auto scan, TableScan::Make(table, scan_options));
  ARROW_ASSIGN_OR_RAISE(auto tasks, scan.PlanFiles());
  std::map<std::pair<int32_t, std::string>, std::vector<FileScanTask>> by_partition;
  for (auto& task : tasks) {
    const PartitionSpec* spec = md.SpecById(task.file.spec_id);
    if (spec == nullptr) {
      return arrow::Status::Invalid("data file ", task.file.file_path, " names partition spec ",
                                    task.file.spec_id, ", which the table does not have");
    }
    by_partition[{task.file.spec_id, spec->PartitionPath(task.file.partition)}].push_back(
        std::move(task));
  }
  const bool dedupe = !options.dedupe_on.empty();
  std::vector<CompactionGroup> groups;
  for (auto& [key, files] : by_partition) {
    CompactionGroup group{key.first, key.second, {}, 0};
    bool any_deletes = false;
    for (auto& task : files) {
      const int64_t size = task.file.file_size_in_bytes;
      const bool has_deletes = !task.deletes.empty();
      if (dedupe || has_deletes || size < limits.min || size > limits.max) {
        any_deletes |= has_deletes;
        group.input_bytes += size;
        group.tasks.push_back(std::move(task));
      }
    }
    const size_t n = group.tasks.size();
    const bool worth_it = n >= static_cast<size_t>(options.min_input_files) ||
                          (n > 1 && group.input_bytes > limits.target) || any_deletes ||
                          (dedupe && n > 0);
    if (worth_it) groups.push_back(std::move(group));
  }
  return groups;
}

arrow::Result<CompactionResult> CompactDataFiles(const std::shared_ptr<Table>& table,
                                                 const CompactionOptions& options) {
  CompactionResult result;
  const TableMetadata& md = table->metadata();
  ARROW_ASSIGN_OR_RAISE(Limits limits, ResolveLimits(md, options));
  ARROW_ASSIGN_OR_RAISE(result.groups, PlanCompaction(*table, options));
  if (result.groups.empty()) return result;
  const Snapshot* snapshot = md.CurrentSnapshot();
  const int64_t start_id = snapshot->snapshot_id;
  const int64_t start_sequence = snapshot->sequence_number;

  // Delete files still needed after the rewrite: those of the data files that stay.
  std::unordered_set<std::string> inputs;
  for (const auto& g : result.groups) {
    for (const auto& t : g.tasks) inputs.insert(t.file.file_path);
  }
  ScanOptions all;
  all.snapshot_id = start_id;
  ARROW_ASSIGN_OR_RAISE(auto scan, TableScan::Make(*table, all));
  ARROW_ASSIGN_OR_RAISE(auto live, scan.PlanFiles());
  std::unordered_set<std::string> still_needed;
  for (const auto& t : live) {
    if (inputs.count(t.file.file_path)) continue;
    for (const auto& d : t.deletes) still_needed.insert(ContentFileKey(d.file));
  }
  ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(*table->io(), snapshot->manifest_list));
  ARROW_ASSIGN_OR_RAISE(auto deletes, DeleteFileIndex::Build(*table->io(), md, manifests));

  RewriteFiles rewrite(table);
  std::vector<DataFile> written;
  auto drop_written = [&] {
    for (const auto& f : written) (void)table->io()->Delete(f.file_path);
  };
  for (const auto& group : result.groups) {
    auto files = RewriteGroup(*table, group, options, limits, result);
    if (!files.ok()) {
      drop_written();
      return files.status();
    }
    for (const auto& task : group.tasks) {
      rewrite.RemoveDataFile(task.file);
      ++result.rewritten_data_files;
      result.rewritten_bytes += task.file.file_size_in_bytes;
    }
    for (auto& f : *files) {
      ++result.added_data_files;
      result.added_bytes += f.file_size_in_bytes;
      rewrite.AddDataFile(f);
      written.push_back(std::move(f));
    }
  }
  for (const auto& d : deletes.files()) {
    if (still_needed.count(ContentFileKey(d.file))) continue;
    rewrite.RemoveDeleteFile(d.file);
    ++result.removed_delete_files;
    if (d.file.content == DataFileContent::kEqualityDeletes) {
      ++result.removed_equality_delete_files;
      result.removed_equality_deletes += d.file.record_count;
    } else {
      ++(d.file.is_deletion_vector() ? result.removed_dvs : result.removed_position_delete_files);
      result.removed_position_deletes += d.file.record_count;
    }
  }
  if (md.format_version >= 2) rewrite.DataSequenceNumber(start_sequence);
  rewrite.ValidateFromSnapshot(start_id);
  auto committed = rewrite.Commit();
  if (!committed.ok()) {
    if (!IsCommitStateUnknown(committed.status())) drop_written();
    return committed.status();
  }
  result.snapshot_id = committed->snapshot_id;
  return result;
}

}  // namespace floe::iceberg
