// The metadata tables read from the table metadata alone: snapshots, history, refs,
// metadata_log_entries.
#include <set>

#include "floe/iceberg/table/inspect/columns_internal.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"

namespace floe::iceberg {

using inspect_internal::Child;
using inspect_internal::MakeTypedBuilder;
using inspect_internal::MillisType;
using inspect_internal::StructToTable;

namespace {

template <typename B, typename T>
arrow::Status AppendOptional(arrow::ArrayBuilder* builder, const std::optional<T>& value) {
  auto* b = static_cast<B*>(builder);
  return value ? b->Append(*value) : b->AppendNull();
}

}  // namespace

MetadataTables::Result MetadataTables::Snapshots() const {
  auto type = arrow::struct_({arrow::field("committed_at", MillisType(), false),
                              arrow::field("snapshot_id", arrow::int64(), false),
                              arrow::field("parent_id", arrow::int64()),
                              arrow::field("operation", arrow::utf8()),
                              arrow::field("manifest_list", arrow::utf8(), false),
                              arrow::field("summary", arrow::map(arrow::utf8(), arrow::utf8()))});
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(type));
  for (const auto& s : metadata_->snapshots) {
    ARROW_RETURN_NOT_OK(rows->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::TimestampBuilder>(rows.get(), 0)->Append(s.timestamp_ms));
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows.get(), 1)->Append(s.snapshot_id));
    ARROW_RETURN_NOT_OK(
        AppendOptional<arrow::Int64Builder>(rows->field_builder(2), s.parent_snapshot_id));
    std::string operation = s.operation();
    auto* op = Child<arrow::StringBuilder>(rows.get(), 3);
    ARROW_RETURN_NOT_OK(operation.empty() ? op->AppendNull() : op->Append(operation));
    ARROW_RETURN_NOT_OK(Child<arrow::StringBuilder>(rows.get(), 4)->Append(s.manifest_list));
    // The operation has its own column; Java's summary() and PyIceberg's leave it out too.
    auto* summary = Child<arrow::MapBuilder>(rows.get(), 5);
    if (s.summary.empty()) {
      ARROW_RETURN_NOT_OK(summary->AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(summary->Append());
    for (const auto& [key, value] : s.summary) {
      if (key == "operation") continue;
      ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(summary->key_builder())->Append(key));
      ARROW_RETURN_NOT_OK(
          static_cast<arrow::StringBuilder*>(summary->item_builder())->Append(value));
    }
  }
  return StructToTable(rows.get());
}

MetadataTables::Result MetadataTables::History() const {
  auto type = arrow::struct_({arrow::field("made_current_at", MillisType(), false),
                              arrow::field("snapshot_id", arrow::int64(), false),
                              arrow::field("parent_id", arrow::int64()),
                              arrow::field("is_current_ancestor", arrow::boolean(), false)});
  const auto& md = *metadata_;
  std::set<int64_t> ancestors;
  for (const Snapshot* s = md.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? md.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (!ancestors.insert(s->snapshot_id).second) break;  // a cycle in broken metadata
  }
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(type));
  for (const auto& entry : md.snapshot_log) {
    const Snapshot* s = md.SnapshotById(entry.snapshot_id);
    ARROW_RETURN_NOT_OK(rows->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::TimestampBuilder>(rows.get(), 0)->Append(entry.timestamp_ms));
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows.get(), 1)->Append(entry.snapshot_id));
    // An expired snapshot keeps its log entry but no longer knows its parent.
    auto* parent = Child<arrow::Int64Builder>(rows.get(), 2);
    ARROW_RETURN_NOT_OK(s != nullptr && s->parent_snapshot_id
                            ? parent->Append(*s->parent_snapshot_id)
                            : parent->AppendNull());
    ARROW_RETURN_NOT_OK(Child<arrow::BooleanBuilder>(rows.get(), 3)
                            ->Append(ancestors.count(entry.snapshot_id) > 0));
  }
  return StructToTable(rows.get());
}

MetadataTables::Result MetadataTables::Refs() const {
  auto type = arrow::struct_({arrow::field("name", arrow::utf8(), false),
                              arrow::field("type", arrow::utf8(), false),
                              arrow::field("snapshot_id", arrow::int64(), false),
                              arrow::field("max_reference_age_in_ms", arrow::int64()),
                              arrow::field("min_snapshots_to_keep", arrow::int32()),
                              arrow::field("max_snapshot_age_in_ms", arrow::int64())});
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(type));
  for (const auto& [name, ref] : metadata_->refs) {
    ARROW_RETURN_NOT_OK(rows->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::StringBuilder>(rows.get(), 0)->Append(name));
    ARROW_RETURN_NOT_OK(Child<arrow::StringBuilder>(rows.get(), 1)
                            ->Append(ref.type == SnapshotRefType::kTag ? "TAG" : "BRANCH"));
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows.get(), 2)->Append(ref.snapshot_id));
    ARROW_RETURN_NOT_OK(
        AppendOptional<arrow::Int64Builder>(rows->field_builder(3), ref.max_ref_age_ms));
    ARROW_RETURN_NOT_OK(
        AppendOptional<arrow::Int32Builder>(rows->field_builder(4), ref.min_snapshots_to_keep));
    ARROW_RETURN_NOT_OK(
        AppendOptional<arrow::Int64Builder>(rows->field_builder(5), ref.max_snapshot_age_ms));
  }
  ARROW_ASSIGN_OR_RAISE(auto table, StructToTable(rows.get()));
  return inspect_internal::DictionaryEncodeColumn(table, "type");
}

MetadataTables::Result MetadataTables::MetadataLogEntries() const {
  auto type = arrow::struct_({arrow::field("timestamp", MillisType(), false),
                              arrow::field("file", arrow::utf8(), false),
                              arrow::field("latest_snapshot_id", arrow::int64()),
                              arrow::field("latest_schema_id", arrow::int32()),
                              arrow::field("latest_sequence_number", arrow::int64())});
  const auto& md = *metadata_;
  // Java's MetadataLogEntriesTable: the logged files, then the current one.
  std::vector<MetadataLogEntry> entries = md.metadata_log;
  entries.push_back({md.last_updated_ms, metadata_location_});
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(type));
  for (const auto& entry : entries) {
    // The snapshot that was current when the file was written.
    const Snapshot* s = md.SnapshotAsOf(entry.timestamp_ms);
    ARROW_RETURN_NOT_OK(rows->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::TimestampBuilder>(rows.get(), 0)->Append(entry.timestamp_ms));
    ARROW_RETURN_NOT_OK(Child<arrow::StringBuilder>(rows.get(), 1)->Append(entry.metadata_file));
    auto* id = Child<arrow::Int64Builder>(rows.get(), 2);
    auto* schema = Child<arrow::Int32Builder>(rows.get(), 3);
    auto* sequence = Child<arrow::Int64Builder>(rows.get(), 4);
    if (s == nullptr) {
      ARROW_RETURN_NOT_OK(id->AppendNull());
      ARROW_RETURN_NOT_OK(schema->AppendNull());
      ARROW_RETURN_NOT_OK(sequence->AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(id->Append(s->snapshot_id));
    ARROW_RETURN_NOT_OK(s->schema_id ? schema->Append(*s->schema_id) : schema->AppendNull());
    ARROW_RETURN_NOT_OK(sequence->Append(s->sequence_number));
  }
  return StructToTable(rows.get());
}

}  // namespace floe::iceberg
