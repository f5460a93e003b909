#pragma once
// Shared pieces of the metadata tables: the snapshot a table reads, the union partition type,
// readable metrics, and the Arrow columns of a data file.
#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/inspect/metadata_tables.h"

namespace floe::iceberg::inspect_internal {

/// Times in the metadata tables: epoch milliseconds, UTC.
std::shared_ptr<arrow::DataType> MillisType();

/// The snapshot a table reads: `snapshot_id`, or the current one (nullptr when the table has
/// none). An unknown id is a KeyError.
arrow::Result<const Snapshot*> ResolveSnapshot(const TableMetadata& metadata,
                                               std::optional<int64_t> snapshot_id);

/// The manifests of a snapshot's manifest list (none for nullptr).
arrow::Result<std::vector<ManifestFile>> SnapshotManifests(io::FileIO& io,
                                                           const Snapshot* snapshot);

/// Every distinct manifest (by path) of every snapshot, in snapshot order.
arrow::Result<std::vector<ManifestFile>> DistinctManifests(io::FileIO& io,
                                                           const TableMetadata& metadata);

/// The entries of one manifest with partition values typed by the manifest's spec.
arrow::Result<std::vector<ManifestEntry>> ReadEntries(io::FileIO& io, const TableMetadata& metadata,
                                                      const ManifestFile& manifest);

/// The union of the partition fields of several specs, by field id in ascending order, every
/// field optional (Java's Partitioning.partitionType, PyIceberg's specs_struct): a file of an
/// older spec has nulls in the fields its spec lacks.
class PartitionUnion {
 public:
  /// Over the specs in `spec_ids`, or every spec of the table without it.
  static arrow::Result<PartitionUnion> Make(const TableMetadata& metadata,
                                            const std::optional<std::set<int32_t>>& spec_ids = {});

  const std::shared_ptr<arrow::DataType>& type() const { return type_; }
  bool empty() const { return field_ids_.empty(); }

  /// Appends the partition tuple of a file of spec `spec_id` to a builder of type().
  arrow::Status Append(arrow::StructBuilder* builder, int32_t spec_id,
                       const std::vector<Literal>& values) const;

  /// A comparable key of a partition tuple in the union's fields (for grouping).
  std::vector<Literal> Key(int32_t spec_id, const std::vector<Literal>& values) const;

 private:
  const TableMetadata* metadata_ = nullptr;
  std::vector<int32_t> field_ids_;
  std::shared_ptr<arrow::DataType> type_;
};

/// Appends a non-null or null literal to a builder of its Arrow type (ToArrowType's mapping).
arrow::Status AppendLiteral(arrow::ArrayBuilder* builder, const Literal& value);

/// The `readable_metrics` struct of the current schema: one struct per primitive column with
/// its size, counts and bounds decoded to the column's type.
class ReadableMetrics {
 public:
  static arrow::Result<ReadableMetrics> Make(const Schema& schema);

  const std::shared_ptr<arrow::DataType>& type() const { return type_; }
  arrow::Status Append(arrow::StructBuilder* builder, const DataFile& file) const;

 private:
  struct Column {
    int32_t field_id;
    TypePtr type;
  };
  std::vector<Column> columns_;
  std::shared_ptr<arrow::DataType> type_;
};

/// The columns of a data file as the files tables and entries.data_file show them.
struct DataFileLayout {
  bool with_spec_id = true;  ///< the files tables have it, entries.data_file has not
};

/// The struct type of a data file's columns (content … sort_order_id).
std::shared_ptr<arrow::DataType> DataFileType(const PartitionUnion& partition,
                                              DataFileLayout layout);

/// Appends one data file to a builder of DataFileType(partition, layout).
arrow::Status AppendDataFile(arrow::StructBuilder* builder, const PartitionUnion& partition,
                             DataFileLayout layout, const DataFile& file);

/// A builder of `type` (MakeBuilder, cast to its concrete class).
template <typename B>
arrow::Result<std::unique_ptr<B>> MakeTypedBuilder(const std::shared_ptr<arrow::DataType>& type) {
  ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(type));
  return std::unique_ptr<B>(static_cast<B*>(builder.release()));
}

/// The builder of child `i` of a struct builder, as its concrete class.
template <typename B>
B* Child(arrow::StructBuilder* builder, int i) {
  return static_cast<B*>(builder->field_builder(i));
}

/// A table of the struct array's fields as columns.
arrow::Result<std::shared_ptr<arrow::Table>> StructToTable(arrow::StructBuilder* builder);

/// The table with its string column `name` dictionary-encoded (int32 indices), as PyIceberg
/// types files.file_format and refs.type.
arrow::Result<std::shared_ptr<arrow::Table>> DictionaryEncodeColumn(
    const std::shared_ptr<arrow::Table>& table, const std::string& name);

}  // namespace floe::iceberg::inspect_internal
