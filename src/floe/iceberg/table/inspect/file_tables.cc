// The metadata tables of content files: files, data_files, delete_files, their all_* forms
// over every snapshot, entries and all_entries.
#include <functional>

#include "floe/iceberg/table/inspect/columns_internal.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"

namespace floe::iceberg {

using inspect_internal::Child;
using inspect_internal::DataFileLayout;
using inspect_internal::MakeTypedBuilder;
using inspect_internal::PartitionUnion;
using inspect_internal::ReadableMetrics;
using inspect_internal::StructToTable;

namespace {

using ContentFilter = std::function<bool(DataFileContent)>;

bool AnyContent(DataFileContent) { return true; }
bool DataContent(DataFileContent c) { return c == DataFileContent::kData; }
bool DeleteContent(DataFileContent c) { return c != DataFileContent::kData; }

// The live files of `manifests` whose content passes `keep`, one row each.
MetadataTables::Result FilesTable(const TableMetadata& md, io::FileIO& io,
                                  const std::vector<ManifestFile>& manifests,
                                  const ContentFilter& keep) {
  ARROW_ASSIGN_OR_RAISE(auto partition, PartitionUnion::Make(md));
  ARROW_ASSIGN_OR_RAISE(auto metrics, ReadableMetrics::Make(*md.CurrentSchema()));
  const DataFileLayout layout{.with_spec_id = true};
  auto fields = inspect_internal::DataFileType(partition, layout)->fields();
  const int metrics_index = static_cast<int>(fields.size());
  fields.push_back(arrow::field("readable_metrics", metrics.type()));
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(arrow::struct_(fields)));
  for (const auto& manifest : manifests) {
    ARROW_ASSIGN_OR_RAISE(auto entries, inspect_internal::ReadEntries(io, md, manifest));
    for (const auto& e : entries) {
      if (e.status == ManifestEntryStatus::kDeleted || !keep(e.data_file.content)) continue;
      // The row's leading fields are the data file's, in DataFileType's order.
      ARROW_RETURN_NOT_OK(AppendDataFile(rows.get(), partition, layout, e.data_file));
      ARROW_RETURN_NOT_OK(
          metrics.Append(Child<arrow::StructBuilder>(rows.get(), metrics_index), e.data_file));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto table, StructToTable(rows.get()));
  return inspect_internal::DictionaryEncodeColumn(table, "file_format");
}

// Every entry of `manifests`, deleted ones included, one row each.
MetadataTables::Result EntriesTable(const TableMetadata& md, io::FileIO& io,
                                    const std::vector<ManifestFile>& manifests) {
  ARROW_ASSIGN_OR_RAISE(auto partition, PartitionUnion::Make(md));
  ARROW_ASSIGN_OR_RAISE(auto metrics, ReadableMetrics::Make(*md.CurrentSchema()));
  const DataFileLayout layout{.with_spec_id = false};
  auto type = arrow::struct_(
      {arrow::field("status", arrow::int8(), false),
       arrow::field("snapshot_id", arrow::int64(), false),
       arrow::field("sequence_number", arrow::int64(), false),
       arrow::field("file_sequence_number", arrow::int64(), false),
       arrow::field("data_file", inspect_internal::DataFileType(partition, layout), false),
       arrow::field("readable_metrics", metrics.type())});
  ARROW_ASSIGN_OR_RAISE(auto rows, MakeTypedBuilder<arrow::StructBuilder>(type));
  auto append_id = [](arrow::ArrayBuilder* b, const std::optional<int64_t>& v) {
    auto* ids = static_cast<arrow::Int64Builder*>(b);
    return v ? ids->Append(*v) : ids->AppendNull();
  };
  for (const auto& manifest : manifests) {
    // Sequence numbers of ADDED entries are inherited from the manifest when read.
    ARROW_ASSIGN_OR_RAISE(auto entries, inspect_internal::ReadEntries(io, md, manifest));
    for (const auto& e : entries) {
      ARROW_RETURN_NOT_OK(rows->Append());
      ARROW_RETURN_NOT_OK(
          Child<arrow::Int8Builder>(rows.get(), 0)->Append(static_cast<int8_t>(e.status)));
      ARROW_RETURN_NOT_OK(append_id(rows->field_builder(1), e.snapshot_id));
      ARROW_RETURN_NOT_OK(append_id(rows->field_builder(2), e.sequence_number));
      ARROW_RETURN_NOT_OK(append_id(rows->field_builder(3), e.file_sequence_number));
      ARROW_RETURN_NOT_OK(AppendDataFile(Child<arrow::StructBuilder>(rows.get(), 4), partition,
                                         layout, e.data_file));
      ARROW_RETURN_NOT_OK(metrics.Append(Child<arrow::StructBuilder>(rows.get(), 5), e.data_file));
    }
  }
  return StructToTable(rows.get());
}

}  // namespace

MetadataTables::Result MetadataTables::Files(SnapshotId snapshot_id) const {
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(*metadata_, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(*io_, snapshot));
  return FilesTable(*metadata_, *io_, manifests, AnyContent);
}

MetadataTables::Result MetadataTables::DataFiles(SnapshotId snapshot_id) const {
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(*metadata_, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(*io_, snapshot));
  return FilesTable(*metadata_, *io_, manifests, DataContent);
}

MetadataTables::Result MetadataTables::DeleteFiles(SnapshotId snapshot_id) const {
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(*metadata_, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(*io_, snapshot));
  return FilesTable(*metadata_, *io_, manifests, DeleteContent);
}

MetadataTables::Result MetadataTables::AllFiles() const {
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::DistinctManifests(*io_, *metadata_));
  return FilesTable(*metadata_, *io_, manifests, AnyContent);
}

MetadataTables::Result MetadataTables::AllDataFiles() const {
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::DistinctManifests(*io_, *metadata_));
  return FilesTable(*metadata_, *io_, manifests, DataContent);
}

MetadataTables::Result MetadataTables::AllDeleteFiles() const {
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::DistinctManifests(*io_, *metadata_));
  return FilesTable(*metadata_, *io_, manifests, DeleteContent);
}

MetadataTables::Result MetadataTables::Entries(SnapshotId snapshot_id) const {
  ARROW_ASSIGN_OR_RAISE(const Snapshot* snapshot,
                        inspect_internal::ResolveSnapshot(*metadata_, snapshot_id));
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::SnapshotManifests(*io_, snapshot));
  return EntriesTable(*metadata_, *io_, manifests);
}

MetadataTables::Result MetadataTables::AllEntries() const {
  ARROW_ASSIGN_OR_RAISE(auto manifests, inspect_internal::DistinctManifests(*io_, *metadata_));
  return EntriesTable(*metadata_, *io_, manifests);
}

}  // namespace floe::iceberg
