// The partitions metadata table: live data and delete files of a snapshot, summed per
// partition (Java's PartitionsTable, PyIceberg's inspect.partitions).
#include <set>
#include <unordered_map>

#include "floe/iceberg/table/inspect/columns_internal.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"

namespace floe::iceberg {

using inspect_internal::Child;
using inspect_internal::MakeTypedBuilder;
using inspect_internal::PartitionUnion;

namespace {

struct PartitionTotals {
  int32_t spec_id = 0;
  std::vector<Literal> partition;  ///< in the spec's own fields
  int64_t record_count = 0;
  int32_t file_count = 0;
  int64_t total_data_file_size_in_bytes = 0;
  int64_t position_delete_record_count = 0;
  int32_t position_delete_file_count = 0;
  int64_t equality_delete_record_count = 0;
  int32_t equality_delete_file_count = 0;
  const Snapshot* last_updated = nullptr;

  void Add(const DataFile& f, const Snapshot* added_by) {
    switch (f.content) {
      case DataFileContent::kData:
        record_count += f.record_count;
        file_count += 1;
        total_data_file_size_in_bytes += f.file_size_in_bytes;
        break;
      case DataFileContent::kPositionDeletes:
        position_delete_record_count += f.record_count;
        position_delete_file_count += 1;
        break;
      case DataFileContent::kEqualityDeletes:
        equality_delete_record_count += f.record_count;
        equality_delete_file_count += 1;
        break;
    }
    if (added_by != nullptr &&
        (last_updated == nullptr || last_updated->timestamp_ms < added_by->timestamp_ms)) {
      last_updated = added_by;
    }
  }
};

// Grouping key of a partition tuple in the union type: equal values give equal text.
std::string KeyText(const std::vector<Literal>& key) {
  std::string out;
  for (const auto& v : key) {
    std::string text = v.is_null() ? std::string() : v.ToString();
    out += (v.is_null() ? "n" : "v") + std::to_string(text.size()) + ":" + text;
  }
  return out;
}

}  // namespace

MetadataTables::Result MetadataTables::Partitions(SnapshotId snapshot_id) const {
  const auto& md = *metadata_;
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(md, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(*io_, snapshot));
  // The partition type covers the specs this snapshot's manifests use, not every spec.
  std::set<int32_t> spec_ids;
  for (const auto& m : manifests) spec_ids.insert(m.partition_spec_id);
  ARROW_ASSIGN_OR_RAISE(auto partition, PartitionUnion::Make(md, spec_ids));

  // Rows in the order their partitions are first seen, as PyIceberg lists them. Files group by
  // their tuple in the union type, as Java's PartitionsTable groups them: a file of an older
  // spec shares a row with one of a newer spec whose added fields are null (PyIceberg keeps
  // the two apart). The row's spec_id is that of the first file seen.
  std::vector<PartitionTotals> totals;
  std::unordered_map<std::string, size_t> index;
  for (const auto& manifest : manifests) {
    ARROW_ASSIGN_OR_RAISE(auto entries, inspect_internal::ReadEntries(*io_, md, manifest));
    for (const auto& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted) continue;
      const DataFile& f = e.data_file;
      auto [it, added] =
          index.emplace(KeyText(partition.Key(f.spec_id, f.partition)), totals.size());
      if (added) totals.push_back({.spec_id = f.spec_id, .partition = f.partition});
      totals[it->second].Add(f, e.snapshot_id ? md.SnapshotById(*e.snapshot_id) : nullptr);
    }
  }

  arrow::FieldVector fields;
  if (!partition.empty()) {
    fields.push_back(arrow::field("partition", partition.type(), false));
    fields.push_back(arrow::field("spec_id", arrow::int32(), false));
  }
  const int first = static_cast<int>(fields.size());
  arrow::FieldVector counts = {arrow::field("record_count", arrow::int64(), false),
                               arrow::field("file_count", arrow::int32(), false),
                               arrow::field("total_data_file_size_in_bytes", arrow::int64(), false),
                               arrow::field("position_delete_record_count", arrow::int64(), false),
                               arrow::field("position_delete_file_count", arrow::int32(), false),
                               arrow::field("equality_delete_record_count", arrow::int64(), false),
                               arrow::field("equality_delete_file_count", arrow::int32(), false),
                               arrow::field("last_updated_at", inspect_internal::MillisType()),
                               arrow::field("last_updated_snapshot_id", arrow::int64())};
  fields.insert(fields.end(), counts.begin(), counts.end());
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(arrow::struct_(fields)));
  for (const auto& t : totals) {
    auto* r = rows.get();
    ARROW_RETURN_NOT_OK(r->Append());
    if (!partition.empty()) {
      ARROW_RETURN_NOT_OK(
          partition.Append(Child<arrow::StructBuilder>(r, 0), t.spec_id, t.partition));
      ARROW_RETURN_NOT_OK(Child<arrow::Int32Builder>(r, 1)->Append(t.spec_id));
    }
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(r, first)->Append(t.record_count));
    ARROW_RETURN_NOT_OK(Child<arrow::Int32Builder>(r, first + 1)->Append(t.file_count));
    ARROW_RETURN_NOT_OK(
        Child<arrow::Int64Builder>(r, first + 2)->Append(t.total_data_file_size_in_bytes));
    ARROW_RETURN_NOT_OK(
        Child<arrow::Int64Builder>(r, first + 3)->Append(t.position_delete_record_count));
    ARROW_RETURN_NOT_OK(
        Child<arrow::Int32Builder>(r, first + 4)->Append(t.position_delete_file_count));
    ARROW_RETURN_NOT_OK(
        Child<arrow::Int64Builder>(r, first + 5)->Append(t.equality_delete_record_count));
    ARROW_RETURN_NOT_OK(
        Child<arrow::Int32Builder>(r, first + 6)->Append(t.equality_delete_file_count));
    auto* at = Child<arrow::TimestampBuilder>(r, first + 7);
    auto* id = Child<arrow::Int64Builder>(r, first + 8);
    if (t.last_updated == nullptr) {
      ARROW_RETURN_NOT_OK(at->AppendNull());
      ARROW_RETURN_NOT_OK(id->AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(at->Append(t.last_updated->timestamp_ms));
      ARROW_RETURN_NOT_OK(id->Append(t.last_updated->snapshot_id));
    }
  }
  return inspect_internal::StructToTable(rows.get());
}

}  // namespace floe::iceberg
