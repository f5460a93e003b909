#include "floe/iceberg/manifest/manifest_avro_internal.h"

#include <cstdio>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace floe::iceberg::internal {

namespace {

using avro::AvroField;
using avro::AvroSchema;
using avro::AvroSchemaPtr;
using avro::AvroType;
using avro::AvroValue;
using Kind = avro::AvroValue::Kind;

AvroSchemaPtr Prim(AvroType type) { return avro::MakePrimitive(type); }

AvroSchemaPtr Annotated(AvroType type, avro::AvroProps props) {
  auto s = std::make_shared<AvroSchema>();
  s->type = type;
  s->props = std::move(props);
  return s;
}

AvroSchemaPtr NamedFixed(std::string name, int32_t size, avro::AvroProps props) {
  auto s = std::make_shared<AvroSchema>();
  s->type = AvroType::kFixed;
  s->name = std::move(name);
  s->size = size;
  s->props = std::move(props);
  return s;
}

AvroField Required(std::string name, int32_t id, AvroSchemaPtr schema) {
  AvroField f;
  f.name = std::move(name);
  f.schema = std::move(schema);
  f.props.Set("field-id", id);
  return f;
}

// Optional fields are ["null", T] unions defaulting to null (spec Appendix A).
AvroField Optional(std::string name, int32_t id, AvroSchemaPtr schema) {
  AvroField f = Required(std::move(name), id, avro::MakeOptional(std::move(schema)));
  f.props.Set("default", nullptr);
  return f;
}

// A map with non-string keys: an array of key/value records marked logicalType "map".
AvroSchemaPtr IntKeyMap(int32_t key_id, int32_t value_id, AvroSchemaPtr value) {
  auto kv = avro::MakeRecord(
      "k" + std::to_string(key_id) + "_v" + std::to_string(value_id),
      {Required("key", key_id, Prim(AvroType::kInt)), Required("value", value_id, value)});
  return avro::MakeArray(kv, {{"logicalType", "map"}});
}

AvroSchemaPtr List(int32_t element_id, AvroSchemaPtr items) {
  return avro::MakeArray(std::move(items), {{"element-id", element_id}});
}

// Avro names must be defined once per schema; a second partition field of the same decimal
// or fixed type gets its own name (readers resolve by field id, not by type name).
class Names {
 public:
  std::string Take(const std::string& base) {
    if (used_.insert(base).second) return base;
    for (int i = 1;; ++i) {
      std::string candidate = base + "_" + std::to_string(i);
      if (used_.insert(candidate).second) return candidate;
    }
  }

 private:
  std::set<std::string> used_;
};

arrow::Result<AvroSchemaPtr> PrimitiveToAvro(const Type& type, Names* names) {
  switch (type.id()) {
    case TypeId::kBoolean: return Prim(AvroType::kBoolean);
    case TypeId::kInt: return Prim(AvroType::kInt);
    case TypeId::kLong: return Prim(AvroType::kLong);
    case TypeId::kFloat: return Prim(AvroType::kFloat);
    case TypeId::kDouble: return Prim(AvroType::kDouble);
    case TypeId::kString: return Prim(AvroType::kString);
    case TypeId::kBinary: return Prim(AvroType::kBytes);
    case TypeId::kDate: return Annotated(AvroType::kInt, {{"logicalType", "date"}});
    case TypeId::kTime: return Annotated(AvroType::kLong, {{"logicalType", "time-micros"}});
    case TypeId::kTimestamp:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-micros"}, {"adjust-to-utc", false}});
    case TypeId::kTimestampTz:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-micros"}, {"adjust-to-utc", true}});
    case TypeId::kTimestampNs:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-nanos"}, {"adjust-to-utc", false}});
    case TypeId::kTimestampTzNs:
      return Annotated(AvroType::kLong,
                       {{"logicalType", "timestamp-nanos"}, {"adjust-to-utc", true}});
    case TypeId::kUuid:
      return NamedFixed(names->Take("uuid_fixed"), 16, {{"logicalType", "uuid"}});
    case TypeId::kFixed:
      return NamedFixed(names->Take("fixed_" + std::to_string(type.length())), type.length(), {});
    case TypeId::kDecimal:
      return NamedFixed(names->Take("decimal_" + std::to_string(type.precision()) + "_" +
                                    std::to_string(type.scale())),
                        DecimalRequiredBytes(type.precision()),
                        {{"logicalType", "decimal"},
                         {"precision", type.precision()},
                         {"scale", type.scale()}});
    default:
      return arrow::Status::Invalid("partition field type ", type.ToString(),
                                    " is not a primitive type");
  }
}

arrow::Result<AvroSchemaPtr> PartitionRecord(const Type& partition_type) {
  Names names;
  std::vector<AvroField> fields;
  for (const auto& f : partition_type.fields()) {
    ARROW_ASSIGN_OR_RAISE(auto schema, PrimitiveToAvro(*f.type, &names));
    std::string name = AvroCompatibleName(f.name);
    // Partition fields are always optional (spec: "Manifests", partition struct).
    AvroField field = Optional(name, f.id, std::move(schema));
    if (name != f.name) field.props.Set("iceberg-field-name", f.name);
    fields.push_back(std::move(field));
  }
  return avro::MakeRecord("r102", std::move(fields));
}

// Big-endian two's complement of an unscaled decimal in exactly `size` bytes.
arrow::Result<std::string> DecimalBytes(__int128 unscaled, int32_t size) {
  std::string out(static_cast<size_t>(size), '\0');
  __int128 v = unscaled;
  for (int32_t i = size - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint8_t>(v & 0xff));
    v >>= 8;  // arithmetic shift keeps the sign
  }
  if (!((v == 0 && (static_cast<uint8_t>(out[0]) & 0x80) == 0) ||
        (v == -1 && (static_cast<uint8_t>(out[0]) & 0x80) != 0))) {
    return arrow::Status::Invalid("decimal value does not fit in ", size, " bytes");
  }
  return out;
}

__int128 DecimalFromBytes(const std::string& bytes) {
  if (bytes.empty()) return 0;
  // Sign-extend from the first byte, then shift in the rest.
  __int128 v = static_cast<int8_t>(bytes[0]);
  for (size_t i = 1; i < bytes.size(); ++i) {
    v = static_cast<__int128>(static_cast<unsigned __int128>(v) << 8) |
        static_cast<uint8_t>(bytes[i]);
  }
  return v;
}

bool ParseUuidText(const std::string& text, std::string* out) {
  std::string hex;
  for (char c : text) {
    if (c != '-') hex.push_back(c);
  }
  if (hex.size() != 32) return false;
  out->clear();
  for (size_t i = 0; i < 32; i += 2) {
    unsigned int byte = 0;
    if (std::sscanf(hex.substr(i, 2).c_str(), "%2x", &byte) != 1) return false;
    out->push_back(static_cast<char>(byte));
  }
  return true;
}

std::optional<int64_t> IntegerOf(const Literal::Storage& v) {
  if (auto* i = std::get_if<int32_t>(&v)) return *i;
  if (auto* l = std::get_if<int64_t>(&v)) return *l;
  return std::nullopt;
}

}  // namespace

arrow::Result<AvroSchemaPtr> ManifestEntryAvroSchema(const Type& partition_type,
                                                     int format_version) {
  if (format_version < 1 || format_version > 3) {
    return arrow::Status::Invalid("unsupported manifest format version ", format_version);
  }
  namespace id = field_id;
  ARROW_ASSIGN_OR_RAISE(auto partition, PartitionRecord(partition_type));
  const bool v2 = format_version >= 2;
  const bool v3 = format_version >= 3;
  auto long_t = Prim(AvroType::kLong);
  auto bytes_t = Prim(AvroType::kBytes);

  std::vector<AvroField> df;
  if (v2) df.push_back(Required("content", id::kContent, Prim(AvroType::kInt)));
  df.push_back(Required("file_path", id::kFilePath, Prim(AvroType::kString)));
  df.push_back(Required("file_format", id::kFileFormat, Prim(AvroType::kString)));
  df.push_back(Required("partition", id::kPartition, partition));
  df.push_back(Required("record_count", id::kRecordCount, long_t));
  df.push_back(Required("file_size_in_bytes", id::kFileSizeInBytes, long_t));
  if (!v2) df.push_back(Required("block_size_in_bytes", id::kBlockSizeInBytes, long_t));
  df.push_back(Optional("column_sizes", id::kColumnSizes, IntKeyMap(117, 118, long_t)));
  df.push_back(Optional("value_counts", id::kValueCounts, IntKeyMap(119, 120, long_t)));
  df.push_back(
      Optional("null_value_counts", id::kNullValueCounts, IntKeyMap(121, 122, long_t)));
  df.push_back(Optional("nan_value_counts", id::kNanValueCounts, IntKeyMap(138, 139, long_t)));
  df.push_back(Optional("lower_bounds", id::kLowerBounds, IntKeyMap(126, 127, bytes_t)));
  df.push_back(Optional("upper_bounds", id::kUpperBounds, IntKeyMap(129, 130, bytes_t)));
  df.push_back(Optional("key_metadata", id::kKeyMetadata, bytes_t));
  df.push_back(Optional("split_offsets", id::kSplitOffsets, List(133, long_t)));
  if (v2) {
    df.push_back(
        Optional("equality_ids", id::kEqualityIds, List(136, Prim(AvroType::kInt))));
  }
  df.push_back(Optional("sort_order_id", id::kSortOrderId, Prim(AvroType::kInt)));
  // The field order of Java's V2Metadata / V3Metadata file types.
  if (v3) df.push_back(Optional("first_row_id", id::kFirstRowId, long_t));
  if (v2) {
    df.push_back(
        Optional("referenced_data_file", id::kReferencedDataFile, Prim(AvroType::kString)));
  }
  if (v3) {
    df.push_back(Optional("content_offset", id::kContentOffset, long_t));
    df.push_back(Optional("content_size_in_bytes", id::kContentSizeInBytes, long_t));
  }
  auto data_file = avro::MakeRecord("r2", std::move(df));

  std::vector<AvroField> entry;
  entry.push_back(Required("status", id::kStatus, Prim(AvroType::kInt)));
  if (v2) {
    entry.push_back(Optional("snapshot_id", id::kSnapshotId, long_t));
    entry.push_back(Optional("sequence_number", id::kSequenceNumber, long_t));
    entry.push_back(Optional("file_sequence_number", id::kFileSequenceNumber, long_t));
  } else {
    entry.push_back(Required("snapshot_id", id::kSnapshotId, long_t));
  }
  entry.push_back(Required("data_file", id::kDataFile, data_file));
  return avro::MakeRecord("manifest_entry", std::move(entry));
}

AvroSchemaPtr ManifestFileAvroSchema(int format_version) {
  namespace id = field_id;
  const bool v2 = format_version >= 2;
  auto int_t = Prim(AvroType::kInt);
  auto long_t = Prim(AvroType::kLong);
  auto bytes_t = Prim(AvroType::kBytes);
  // Counts are required in v2 and optional in v1 (spec: "Manifest Lists").
  auto count = [&](std::string name, int32_t fid, AvroSchemaPtr type) {
    return v2 ? Required(std::move(name), fid, std::move(type))
              : Optional(std::move(name), fid, std::move(type));
  };

  auto summary = avro::MakeRecord(
      "r508", {Required("contains_null", id::kContainsNull, Prim(AvroType::kBoolean)),
               Optional("contains_nan", id::kContainsNan, Prim(AvroType::kBoolean)),
               Optional("lower_bound", id::kLowerBound, bytes_t),
               Optional("upper_bound", id::kUpperBound, bytes_t)});

  std::vector<AvroField> f;
  f.push_back(Required("manifest_path", id::kManifestPath, Prim(AvroType::kString)));
  f.push_back(Required("manifest_length", id::kManifestLength, long_t));
  f.push_back(Required("partition_spec_id", id::kPartitionSpecId, int_t));
  if (v2) {
    f.push_back(Required("content", id::kManifestContent, int_t));
    f.push_back(Required("sequence_number", id::kListSequenceNumber, long_t));
    f.push_back(Required("min_sequence_number", id::kMinSequenceNumber, long_t));
  }
  f.push_back(Required("added_snapshot_id", id::kAddedSnapshotId, long_t));
  f.push_back(count("added_files_count", id::kAddedFilesCount, int_t));
  f.push_back(count("existing_files_count", id::kExistingFilesCount, int_t));
  f.push_back(count("deleted_files_count", id::kDeletedFilesCount, int_t));
  f.push_back(count("added_rows_count", id::kAddedRowsCount, long_t));
  f.push_back(count("existing_rows_count", id::kExistingRowsCount, long_t));
  f.push_back(count("deleted_rows_count", id::kDeletedRowsCount, long_t));
  f.push_back(Optional("partitions", id::kPartitions, List(id::kPartitionsElement, summary)));
  f.push_back(Optional("key_metadata", id::kListKeyMetadata, bytes_t));
  if (format_version >= 3) f.push_back(Optional("first_row_id", id::kListFirstRowId, long_t));
  return avro::MakeRecord("manifest_file", std::move(f));
}

const AvroSchema& NonNull(const AvroSchema& schema) {
  if (schema.type != AvroType::kUnion) return schema;
  for (const auto& b : schema.branches) {
    if (b && b->type != AvroType::kNull) return *b;
  }
  return schema;
}

arrow::Result<TypePtr> AvroToIcebergPrimitive(const AvroSchema& raw) {
  const AvroSchema& s = NonNull(raw);
  const std::string logical = s.props.GetString("logicalType").value_or("");
  auto decimal = [&]() -> arrow::Result<TypePtr> {
    std::optional<int64_t> precision = s.props.GetInt("precision");
    if (!precision) return arrow::Status::Invalid("decimal partition field without precision");
    int64_t scale = s.props.GetInt("scale").value_or(0);
    return Type::Decimal(static_cast<int32_t>(*precision), static_cast<int32_t>(scale));
  };
  switch (s.type) {
    case AvroType::kBoolean: return Type::Boolean();
    case AvroType::kInt: return logical == "date" ? Type::Date() : Type::Int();
    case AvroType::kLong: {
      if (logical == "time-micros") return Type::Time();
      if (logical == "local-timestamp-micros") return Type::Timestamp();
      if (logical == "timestamp-micros") {
        const avro::AvroPropValue* utc = s.props.Find("adjust-to-utc");
        // Without the Iceberg attribute, Avro's timestamp-micros is an instant.
        bool adjust = utc == nullptr || s.props.GetBool("adjust-to-utc").value_or(false);
        return adjust ? Type::TimestampTz() : Type::Timestamp();
      }
      return Type::Long();
    }
    case AvroType::kFloat: return Type::Float();
    case AvroType::kDouble: return Type::Double();
    case AvroType::kString: return logical == "uuid" ? Type::Uuid() : Type::String();
    case AvroType::kBytes: return logical == "decimal" ? decimal() : Type::Binary();
    case AvroType::kFixed:
      if (logical == "decimal") return decimal();
      if (logical == "uuid") return Type::Uuid();
      return Type::Fixed(s.size);
    default:
      return arrow::Status::Invalid("partition field has unsupported Avro type");
  }
}

arrow::Result<AvroValue> LiteralToAvro(const Literal& value, const Type& type) {
  if (value.is_null()) return AvroValue::Null();
  const auto& v = value.value();
  auto mismatch = [&]() {
    return arrow::Status::Invalid("partition value ", value.ToString(),
                                  " does not match partition type ", type.ToString());
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      if (auto* b = std::get_if<bool>(&v)) return AvroValue::Boolean(*b);
      return mismatch();
    case TypeId::kInt:
    case TypeId::kDate:
      if (auto i = IntegerOf(v)) return AvroValue::Int(static_cast<int32_t>(*i));
      return mismatch();
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (auto i = IntegerOf(v)) return AvroValue::Long(*i);
      return mismatch();
    case TypeId::kFloat:
      if (auto* f = std::get_if<float>(&v)) return AvroValue::Float(*f);
      return mismatch();
    case TypeId::kDouble:
      if (auto* d = std::get_if<double>(&v)) return AvroValue::Double(*d);
      if (auto* f = std::get_if<float>(&v)) return AvroValue::Double(*f);
      return mismatch();
    case TypeId::kString:
      if (auto* s = std::get_if<std::string>(&v)) return AvroValue::String(*s);
      return mismatch();
    case TypeId::kBinary:
      if (auto* s = std::get_if<std::string>(&v)) return AvroValue::Bytes(*s);
      return mismatch();
    case TypeId::kUuid:
    case TypeId::kFixed: {
      auto* s = std::get_if<std::string>(&v);
      size_t size = type.id() == TypeId::kUuid ? 16 : static_cast<size_t>(type.length());
      if (s == nullptr || s->size() != size) return mismatch();
      return AvroValue::Fixed(*s);
    }
    case TypeId::kDecimal: {
      auto* d = std::get_if<__int128>(&v);
      if (d == nullptr) return mismatch();
      ARROW_ASSIGN_OR_RAISE(auto bytes,
                            DecimalBytes(*d, DecimalRequiredBytes(type.precision())));
      return AvroValue::Fixed(std::move(bytes));
    }
    default:
      return mismatch();
  }
}

arrow::Result<Literal> AvroToLiteral(const AvroValue& value, const TypePtr& type) {
  if (value.is_null()) return Literal::Null(type);
  const Kind k = value.kind;
  const bool integral = k == Kind::kInt || k == Kind::kLong;
  const bool byteish = k == Kind::kBytes || k == Kind::kFixed || k == Kind::kString;
  switch (type->id()) {
    case TypeId::kBoolean:
      if (k == Kind::kBoolean) return Literal(type, value.boolean);
      break;
    case TypeId::kInt:
    case TypeId::kDate:
      if (integral) return Literal(type, static_cast<int32_t>(value.integer));
      break;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (integral) return Literal(type, static_cast<int64_t>(value.integer));
      break;
    case TypeId::kFloat:
      if (k == Kind::kFloat) return Literal(type, static_cast<float>(value.floating));
      break;
    case TypeId::kDouble:
      if (k == Kind::kFloat || k == Kind::kDouble) return Literal(type, value.floating);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
      if (byteish) return Literal(type, value.bytes);
      break;
    case TypeId::kUuid:
      if ((k == Kind::kFixed || k == Kind::kBytes) && value.bytes.size() == 16) {
        return Literal(type, value.bytes);
      }
      if (k == Kind::kString) {
        std::string raw;
        if (ParseUuidText(value.bytes, &raw)) return Literal(type, std::move(raw));
      }
      break;
    case TypeId::kDecimal:
      if ((k == Kind::kFixed || k == Kind::kBytes) && value.bytes.size() <= 16) {
        return Literal(type, DecimalFromBytes(value.bytes));
      }
      break;
    default:
      break;
  }
  return arrow::Status::Invalid("Avro value does not match partition type ", type->ToString());
}

std::string AvroCompatibleName(std::string_view name) {
  auto valid = [](uint32_t c, bool first) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return letter || (!first && c >= '0' && c <= '9');
  };
  std::string out;
  size_t i = 0;
  bool first = true;
  while (i < name.size()) {
    // Decode one UTF-8 code point so replacements name characters, not bytes.
    auto b = static_cast<uint8_t>(name[i]);
    uint32_t cp = b;
    size_t len = 1;
    if (b >= 0xF0) { cp = b & 0x07; len = 4; }
    else if (b >= 0xE0) { cp = b & 0x0F; len = 3; }
    else if (b >= 0xC0) { cp = b & 0x1F; len = 2; }
    for (size_t j = 1; j < len && i + j < name.size(); ++j) {
      cp = (cp << 6) | (static_cast<uint8_t>(name[i + j]) & 0x3F);
    }
    i += len;
    if (valid(cp, first)) {
      out.push_back(static_cast<char>(cp));
    } else if (first && cp >= '0' && cp <= '9') {
      out.push_back('_');
      out.push_back(static_cast<char>(cp));
    } else {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "_x%X", cp);
      out += hex;
    }
    first = false;
  }
  return out;
}

const AvroValue* RecordView::Get(int32_t id) const {
  if (!valid() || schema_->type != AvroType::kRecord) return nullptr;
  int idx = schema_->FieldIndexById(id);
  if (idx < 0 || static_cast<size_t>(idx) >= value_->children.size()) return nullptr;
  const AvroValue& v = value_->children[static_cast<size_t>(idx)];
  return v.is_null() ? nullptr : &v;
}

const AvroSchema* RecordView::SchemaOf(int32_t id) const {
  if (schema_ == nullptr || schema_->type != AvroType::kRecord) return nullptr;
  int idx = schema_->FieldIndexById(id);
  if (idx < 0) return nullptr;
  const auto& s = schema_->fields[static_cast<size_t>(idx)].schema;
  return s ? &NonNull(*s) : nullptr;
}

RecordView RecordView::Record(int32_t id) const { return RecordView(SchemaOf(id), Get(id)); }

}  // namespace floe::iceberg::internal
