#include "floe/iceberg/data/arrow_schema.h"

#include <string>
#include <vector>

#include <arrow/extension/uuid.h>
#include <arrow/extension_type.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "floe/format/parquet/parquet_file_reader.h"

namespace floe::iceberg {
namespace {

std::shared_ptr<arrow::Field> MakeField(const std::string& name,
                                        std::shared_ptr<arrow::DataType> type, bool nullable,
                                        int32_t id) {
  return arrow::field(name, std::move(type), nullable,
                      arrow::key_value_metadata({pq::kFieldIdKey}, {std::to_string(id)}));
}

bool IsUtc(const std::string& tz) {
  return tz == "UTC" || tz == "Etc/UTC" || tz == "+00:00" || tz == "Z" || tz == "utc";
}

arrow::Result<TypePtr> PrimitiveFromArrow(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::BOOL:
      return Type::Boolean();
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
      return Type::Int();
    case arrow::Type::INT64:
    case arrow::Type::UINT32:
      return Type::Long();
    case arrow::Type::HALF_FLOAT:
    case arrow::Type::FLOAT:
      return Type::Float();
    case arrow::Type::DOUBLE:
      return Type::Double();
    case arrow::Type::DECIMAL32:
    case arrow::Type::DECIMAL64:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256: {
      const auto& dec = static_cast<const arrow::DecimalType&>(type);
      if (dec.precision() > 38) break;
      return Type::Decimal(dec.precision(), dec.scale());
    }
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
      return Type::Date();
    case arrow::Type::TIME32:
      return Type::Time();
    case arrow::Type::TIME64:
      if (static_cast<const arrow::Time64Type&>(type).unit() != arrow::TimeUnit::MICRO) break;
      return Type::Time();
    case arrow::Type::TIMESTAMP: {
      const auto& ts = static_cast<const arrow::TimestampType&>(type);
      // Nanoseconds are the format v3 types; tables of older versions refuse them.
      const bool nanos = ts.unit() == arrow::TimeUnit::NANO;
      if (ts.timezone().empty()) return nanos ? Type::TimestampNs() : Type::Timestamp();
      if (IsUtc(ts.timezone())) return nanos ? Type::TimestampTzNs() : Type::TimestampTz();
      break;
    }
    case arrow::Type::NA:
      return Type::Unknown();
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return Type::String();
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
      return Type::Binary();
    case arrow::Type::FIXED_SIZE_BINARY:
      return Type::Fixed(static_cast<const arrow::FixedSizeBinaryType&>(type).byte_width());
    default:
      break;
  }
  return arrow::Status::TypeError("Arrow type ", type.ToString(), " has no Iceberg equivalent");
}

// Converts Arrow fields to Iceberg fields, taking ids from metadata or numbering afresh.
class FromArrowConverter {
 public:
  explicit FromArrowConverter(bool fresh_ids) : fresh_(fresh_ids) {}

  arrow::Result<std::vector<NestedField>> Fields(const arrow::FieldVector& fields,
                                                 const std::string& prefix) {
    std::vector<NestedField> out(fields.size());
    // Ids first for the whole level, then the nested types (Iceberg's fresh-id order).
    for (size_t i = 0; i < fields.size(); ++i) {
      out[i].name = fields[i]->name();
      out[i].required = !fields[i]->nullable();
      ARROW_ASSIGN_OR_RAISE(out[i].id, Id(*fields[i], prefix + fields[i]->name()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(out[i].type,
                            Convert(*fields[i]->type(), prefix + fields[i]->name() + "."));
    }
    return out;
  }

  arrow::Result<TypePtr> Convert(const arrow::DataType& type, const std::string& prefix) {
    switch (type.id()) {
      case arrow::Type::DICTIONARY:
        return Convert(*static_cast<const arrow::DictionaryType&>(type).value_type(), prefix);
      case arrow::Type::EXTENSION: {
        const auto& ext = static_cast<const arrow::ExtensionType&>(type);
        if (ext.extension_name() == "arrow.uuid") return Type::Uuid();
        return Convert(*ext.storage_type(), prefix);
      }
      case arrow::Type::STRUCT: {
        ARROW_ASSIGN_OR_RAISE(auto fields, Fields(type.fields(), prefix));
        return Type::Struct(std::move(fields));
      }
      case arrow::Type::LIST:
      case arrow::Type::LARGE_LIST:
      case arrow::Type::LIST_VIEW:
      case arrow::Type::LARGE_LIST_VIEW:
      case arrow::Type::FIXED_SIZE_LIST: {
        const auto& element = type.field(0);
        ARROW_ASSIGN_OR_RAISE(auto fields, Fields({element}, prefix));
        fields[0].name = "element";
        return Type::List(std::move(fields[0]));
      }
      case arrow::Type::MAP: {
        const auto& map = static_cast<const arrow::MapType&>(type);
        ARROW_ASSIGN_OR_RAISE(auto fields, Fields({map.key_field(), map.item_field()}, prefix));
        fields[0].name = "key";
        fields[0].required = true;
        fields[1].name = "value";
        return Type::Map(std::move(fields[0]), std::move(fields[1]));
      }
      default: {
        auto primitive = PrimitiveFromArrow(type);
        if (!primitive.ok() && !prefix.empty()) {
          return arrow::Status::TypeError("field ", prefix.substr(0, prefix.size() - 1), ": ",
                                          primitive.status().message());
        }
        return primitive;
      }
    }
  }

 private:
  arrow::Result<int32_t> Id(const arrow::Field& field, const std::string& path) {
    if (fresh_) return ++next_id_;
    auto id = pq::FieldIdOf(field);
    if (!id) {
      return arrow::Status::Invalid("Arrow field ", path, " has no ", pq::kFieldIdKey,
                                    " metadata");
    }
    return *id;
  }

  bool fresh_;
  int32_t next_id_ = 0;
};

arrow::Result<std::shared_ptr<const Schema>> ConvertSchema(const arrow::Schema& schema,
                                                           int32_t schema_id, bool fresh) {
  FromArrowConverter converter(fresh);
  ARROW_ASSIGN_OR_RAISE(auto fields, converter.Fields(schema.fields(), ""));
  return std::make_shared<const Schema>(schema_id, std::move(fields));
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::DataType>> ToArrowType(const Type& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return arrow::boolean();
    case TypeId::kInt:
      return arrow::int32();
    case TypeId::kLong:
      return arrow::int64();
    case TypeId::kFloat:
      return arrow::float32();
    case TypeId::kDouble:
      return arrow::float64();
    case TypeId::kDecimal:
      return arrow::decimal128(type.precision(), type.scale());
    case TypeId::kDate:
      return arrow::date32();
    case TypeId::kTime:
      return arrow::time64(arrow::TimeUnit::MICRO);
    case TypeId::kTimestamp:
      return arrow::timestamp(arrow::TimeUnit::MICRO);
    case TypeId::kTimestampTz:
      return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    case TypeId::kTimestampNs:
      return arrow::timestamp(arrow::TimeUnit::NANO);
    case TypeId::kTimestampTzNs:
      return arrow::timestamp(arrow::TimeUnit::NANO, "UTC");
    case TypeId::kUnknown:
      return arrow::null();
    case TypeId::kString:
      return arrow::utf8();
    case TypeId::kUuid:
      return arrow::extension::uuid();
    case TypeId::kFixed:
      return arrow::fixed_size_binary(type.length());
    case TypeId::kBinary:
      return arrow::binary();
    case TypeId::kStruct: {
      arrow::FieldVector fields;
      for (const auto& f : type.fields()) {
        ARROW_ASSIGN_OR_RAISE(auto field, ToArrowField(f));
        fields.push_back(std::move(field));
      }
      return arrow::struct_(std::move(fields));
    }
    case TypeId::kList: {
      ARROW_ASSIGN_OR_RAISE(auto element, ToArrowField(type.element()));
      return arrow::list(element->WithName("element"));
    }
    case TypeId::kMap: {
      ARROW_ASSIGN_OR_RAISE(auto key, ToArrowField(type.key()));
      ARROW_ASSIGN_OR_RAISE(auto value, ToArrowField(type.value()));
      // Arrow map keys are never null, as Iceberg map keys are always required.
      return std::make_shared<arrow::MapType>(key->WithName("key")->WithNullable(false),
                                              value->WithName("value"));
    }
  }
  return arrow::Status::TypeError("unknown Iceberg type ", type.ToString());
}

arrow::Result<std::shared_ptr<arrow::Field>> ToArrowField(const NestedField& field) {
  if (!field.type) return arrow::Status::Invalid("field ", field.name, " has no type");
  ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*field.type));
  return MakeField(field.name, std::move(type), !field.required, field.id);
}

arrow::Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& f : schema.fields()) {
    ARROW_ASSIGN_OR_RAISE(auto field, ToArrowField(f));
    fields.push_back(std::move(field));
  }
  return arrow::schema(std::move(fields));
}

arrow::Result<TypePtr> FromArrowType(const arrow::DataType& type) {
  FromArrowConverter converter(false);
  return converter.Convert(type, "");
}

arrow::Result<std::shared_ptr<const Schema>> FromArrowSchema(const arrow::Schema& schema,
                                                             int32_t schema_id) {
  return ConvertSchema(schema, schema_id, false);
}

arrow::Result<std::shared_ptr<const Schema>> FromArrowSchemaWithFreshIds(
    const arrow::Schema& schema, int32_t schema_id) {
  return ConvertSchema(schema, schema_id, true);
}

bool HasFieldIds(const arrow::Schema& schema) {
  for (const auto& field : schema.fields()) {
    if (pq::FieldIdOf(*field)) return true;
  }
  return false;
}

}  // namespace floe::iceberg
