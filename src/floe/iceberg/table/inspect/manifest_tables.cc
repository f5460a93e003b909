// The manifests and all_manifests metadata tables: one row per manifest of a manifest list.
#include "floe/iceberg/table/inspect/columns_internal.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {

using inspect_internal::Child;
using inspect_internal::MakeTypedBuilder;
using inspect_internal::StructToTable;

namespace {

std::shared_ptr<arrow::DataType> ManifestRowType(bool all) {
  auto summary = arrow::struct_({arrow::field("contains_null", arrow::boolean(), false),
                                 arrow::field("contains_nan", arrow::boolean()),
                                 arrow::field("lower_bound", arrow::utf8()),
                                 arrow::field("upper_bound", arrow::utf8())});
  arrow::FieldVector fields = {arrow::field("content", arrow::int8(), false),
                               arrow::field("path", arrow::utf8(), false),
                               arrow::field("length", arrow::int64(), false),
                               arrow::field("partition_spec_id", arrow::int32(), false),
                               arrow::field("added_snapshot_id", arrow::int64(), false),
                               arrow::field("added_data_files_count", arrow::int32(), false),
                               arrow::field("existing_data_files_count", arrow::int32(), false),
                               arrow::field("deleted_data_files_count", arrow::int32(), false),
                               arrow::field("added_delete_files_count", arrow::int32(), false),
                               arrow::field("existing_delete_files_count", arrow::int32(), false),
                               arrow::field("deleted_delete_files_count", arrow::int32(), false),
                               arrow::field("partition_summaries", arrow::list(summary), false)};
  if (all) {
    fields.push_back(arrow::field("reference_snapshot_id", arrow::int64(), false));
    fields.push_back(arrow::field("key_metadata", arrow::binary()));
  }
  return arrow::struct_(fields);
}

// A bound of a partition field summary in the transform's human form ("2025-07-01" for a
// day, the bucket number), as Java's and PyIceberg's manifests tables show it.
arrow::Status AppendHumanBound(arrow::StringBuilder* builder, const PartitionField& field,
                               const TypePtr& type, const std::optional<std::string>& bytes) {
  if (!bytes || bytes->empty()) return builder->AppendNull();
  ARROW_ASSIGN_OR_RAISE(auto value, DeserializeValue(type, *bytes));
  return builder->Append(field.transform.ToHumanString(value));
}

arrow::Status AppendPartitionSummaries(arrow::ListBuilder* builder, const TableMetadata& md,
                                       const ManifestFile& m) {
  ARROW_RETURN_NOT_OK(builder->Append());
  const PartitionSpec* spec = md.SpecById(m.partition_spec_id);
  if (spec == nullptr) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto partition_type, spec->PartitionType(*md.CurrentSchema()));
  auto* summaries = static_cast<arrow::StructBuilder*>(builder->value_builder());
  for (size_t i = 0; i < m.partitions.size() && i < spec->fields().size(); ++i) {
    const auto& s = m.partitions[i];
    const auto& type = partition_type->fields()[i].type;
    ARROW_RETURN_NOT_OK(summaries->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::BooleanBuilder>(summaries, 0)->Append(s.contains_null));
    auto* nan = Child<arrow::BooleanBuilder>(summaries, 1);
    ARROW_RETURN_NOT_OK(s.contains_nan ? nan->Append(*s.contains_nan) : nan->AppendNull());
    ARROW_RETURN_NOT_OK(AppendHumanBound(Child<arrow::StringBuilder>(summaries, 2),
                                         spec->fields()[i], type, s.lower_bound));
    ARROW_RETURN_NOT_OK(AppendHumanBound(Child<arrow::StringBuilder>(summaries, 3),
                                         spec->fields()[i], type, s.upper_bound));
  }
  return arrow::Status::OK();
}

// One row per manifest of `snapshot`; with `all`, the all_manifests columns too.
arrow::Status AppendManifests(arrow::StructBuilder* rows, const TableMetadata& md, io::FileIO& io,
                              const Snapshot* snapshot, bool all) {
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(io, snapshot));
  for (const auto& m : manifests) {
    const bool data = m.content == ManifestContent::kData;
    ARROW_RETURN_NOT_OK(rows->Append());
    ARROW_RETURN_NOT_OK(Child<arrow::Int8Builder>(rows, 0)->Append(static_cast<int8_t>(m.content)));
    ARROW_RETURN_NOT_OK(Child<arrow::StringBuilder>(rows, 1)->Append(m.manifest_path));
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows, 2)->Append(m.manifest_length));
    ARROW_RETURN_NOT_OK(Child<arrow::Int32Builder>(rows, 3)->Append(m.partition_spec_id));
    ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows, 4)->Append(m.added_snapshot_id));
    // The manifest list counts files of either kind; the table splits them by content.
    const int32_t counts[] = {m.added_files_count, m.existing_files_count, m.deleted_files_count};
    for (int i = 0; i < 3; ++i) {
      ARROW_RETURN_NOT_OK(Child<arrow::Int32Builder>(rows, 5 + i)->Append(data ? counts[i] : 0));
      ARROW_RETURN_NOT_OK(Child<arrow::Int32Builder>(rows, 8 + i)->Append(data ? 0 : counts[i]));
    }
    ARROW_RETURN_NOT_OK(AppendPartitionSummaries(Child<arrow::ListBuilder>(rows, 11), md, m));
    if (all) {
      ARROW_RETURN_NOT_OK(Child<arrow::Int64Builder>(rows, 12)->Append(snapshot->snapshot_id));
      auto* key = Child<arrow::BinaryBuilder>(rows, 13);
      ARROW_RETURN_NOT_OK(m.key_metadata ? key->Append(*m.key_metadata) : key->AppendNull());
    }
  }
  return arrow::Status::OK();
}

}  // namespace

MetadataTables::Result MetadataTables::Manifests(SnapshotId snapshot_id) const {
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(*metadata_, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(ManifestRowType(false)));
  ARROW_RETURN_NOT_OK(AppendManifests(rows.get(), *metadata_, *io_, snapshot, false));
  return StructToTable(rows.get());
}

MetadataTables::Result MetadataTables::AllManifests() const {
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(ManifestRowType(true)));
  for (const auto& snapshot : metadata_->snapshots) {
    ARROW_RETURN_NOT_OK(AppendManifests(rows.get(), *metadata_, *io_, &snapshot, true));
  }
  return StructToTable(rows.get());
}

}  // namespace floe::iceberg
