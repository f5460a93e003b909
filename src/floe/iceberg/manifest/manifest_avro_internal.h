#pragma once

// Avro schemas and value conversions shared by the manifest and manifest list readers and
// writers; not public API.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <arrow/result.h>

#include "floe/format/avro/avro_schema.h"
#include "floe/format/avro/avro_value.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg::internal {

/// Field ids of the manifest_entry, data_file and manifest_file structs (spec: "Manifests",
/// "Manifest Lists").
namespace field_id {
inline constexpr int32_t kStatus = 0;
inline constexpr int32_t kSnapshotId = 1;
inline constexpr int32_t kDataFile = 2;
inline constexpr int32_t kSequenceNumber = 3;
inline constexpr int32_t kFileSequenceNumber = 4;
inline constexpr int32_t kFilePath = 100;
inline constexpr int32_t kFileFormat = 101;
inline constexpr int32_t kPartition = 102;
inline constexpr int32_t kRecordCount = 103;
inline constexpr int32_t kFileSizeInBytes = 104;
inline constexpr int32_t kBlockSizeInBytes = 105;  // v1 only
inline constexpr int32_t kColumnSizes = 108;
inline constexpr int32_t kValueCounts = 109;
inline constexpr int32_t kNullValueCounts = 110;
inline constexpr int32_t kLowerBounds = 125;
inline constexpr int32_t kUpperBounds = 128;
inline constexpr int32_t kKeyMetadata = 131;
inline constexpr int32_t kSplitOffsets = 132;
inline constexpr int32_t kContent = 134;
inline constexpr int32_t kEqualityIds = 135;
inline constexpr int32_t kNanValueCounts = 137;
inline constexpr int32_t kSortOrderId = 140;
// v3 row lineage and deletion vectors (referenced_data_file is written from v2 on, as Java does)
inline constexpr int32_t kFirstRowId = 142;
inline constexpr int32_t kReferencedDataFile = 143;
inline constexpr int32_t kContentOffset = 144;
inline constexpr int32_t kContentSizeInBytes = 145;

inline constexpr int32_t kManifestPath = 500;
inline constexpr int32_t kManifestLength = 501;
inline constexpr int32_t kPartitionSpecId = 502;
inline constexpr int32_t kAddedSnapshotId = 503;
inline constexpr int32_t kAddedFilesCount = 504;
inline constexpr int32_t kExistingFilesCount = 505;
inline constexpr int32_t kDeletedFilesCount = 506;
inline constexpr int32_t kPartitions = 507;
inline constexpr int32_t kPartitionsElement = 508;
inline constexpr int32_t kContainsNull = 509;
inline constexpr int32_t kLowerBound = 510;
inline constexpr int32_t kUpperBound = 511;
inline constexpr int32_t kAddedRowsCount = 512;
inline constexpr int32_t kExistingRowsCount = 513;
inline constexpr int32_t kDeletedRowsCount = 514;
inline constexpr int32_t kListSequenceNumber = 515;
inline constexpr int32_t kMinSequenceNumber = 516;
inline constexpr int32_t kManifestContent = 517;
inline constexpr int32_t kContainsNan = 518;
inline constexpr int32_t kListKeyMetadata = 519;
inline constexpr int32_t kListFirstRowId = 520;  // v3
}  // namespace field_id

/// Block size v1 writers must store in the deprecated block_size_in_bytes field.
inline constexpr int64_t kV1DefaultBlockSize = 64 * 1024 * 1024;

/// The Avro schema of a manifest file's rows for a partition type (a struct whose fields are
/// the partition fields) and format version 1 or 2 (spec: "Manifests", Appendix A).
arrow::Result<avro::AvroSchemaPtr> ManifestEntryAvroSchema(const Type& partition_type,
                                                           int format_version);
/// The Avro schema of a manifest list's rows (spec: "Manifest Lists").
avro::AvroSchemaPtr ManifestFileAvroSchema(int format_version);

/// The Iceberg primitive type an Avro schema of a partition field denotes, from its Avro type
/// and logicalType (the reverse of Appendix A's mapping). Unions with null are unwrapped.
arrow::Result<TypePtr> AvroToIcebergPrimitive(const avro::AvroSchema& schema);

/// A partition value as the Avro datum Appendix A prescribes for its type.
arrow::Result<avro::AvroValue> LiteralToAvro(const Literal& value, const Type& type);
/// A decoded Avro datum as a Literal of `type` (ints widen to long, floats to double, uuids
/// may be stored as text).
arrow::Result<Literal> AvroToLiteral(const avro::AvroValue& value, const TypePtr& type);

/// A field name Avro accepts: invalid characters become "_x<HEX>" and a leading digit gets
/// a "_" prefix, as the Java and Python writers do.
std::string AvroCompatibleName(std::string_view name);

/// The non-null branch of a ["null", T] union, or the schema itself.
const avro::AvroSchema& NonNull(const avro::AvroSchema& schema);

/// A view of one decoded record with its writer schema, for reading fields by field id.
class RecordView {
 public:
  RecordView(const avro::AvroSchema* schema, const avro::AvroValue* value)
      : schema_(schema), value_(value) {}

  /// The field's value, or nullptr when the writer schema has no such field or it is null.
  const avro::AvroValue* Get(int32_t id) const;
  /// The field's schema (unions unwrapped), or nullptr when absent.
  const avro::AvroSchema* SchemaOf(int32_t id) const;
  /// A nested record field, or a view with null pointers.
  RecordView Record(int32_t id) const;
  bool valid() const { return schema_ != nullptr && value_ != nullptr; }

 private:
  const avro::AvroSchema* schema_;
  const avro::AvroValue* value_;
};

}  // namespace floe::iceberg::internal
