#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <nlohmann/json.hpp>

namespace floe::avro {

/// Avro schema types (Avro 1.11 specification, "Schema Declaration").
enum class AvroType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr schema;
  std::string doc;
  /// Extra attributes kept verbatim, e.g. Iceberg's "field-id" (int) and "default".
  nlohmann::json props = nlohmann::json::object();

  /// The Iceberg "field-id" attribute, when present.
  std::optional<int32_t> field_id() const;
};

/// A parsed Avro schema. Records, enums and fixed carry a (full) name; arrays carry `items`,
/// maps `values`, unions `branches`. `props` keeps attributes Avro does not define, such as
/// Iceberg's "element-id", "key-id", "value-id" and "logicalType" — they are written back out.
struct AvroSchema {
  AvroType type = AvroType::kNull;
  std::string name;                     ///< record / enum / fixed full name
  std::vector<AvroField> fields;        ///< record
  AvroSchemaPtr items;                  ///< array
  AvroSchemaPtr values;                 ///< map
  std::vector<AvroSchemaPtr> branches;  ///< union
  std::vector<std::string> symbols;     ///< enum
  int32_t size = 0;                     ///< fixed
  nlohmann::json props = nlohmann::json::object();

  /// Parses schema JSON, resolving references to earlier named types.
  static arrow::Result<AvroSchemaPtr> Parse(std::string_view json);
  /// The schema as JSON, with every attribute of `props` (field ids included).
  nlohmann::json ToJson() const;
  std::string ToJsonString() const { return ToJson().dump(); }

  /// Index of the record field with this name, or -1.
  int FieldIndex(std::string_view field_name) const;
  /// Index of the record field carrying this Iceberg field-id, or -1.
  int FieldIndexById(int32_t field_id) const;
};

/// Helpers for building schemas in code.
AvroSchemaPtr MakePrimitive(AvroType type);
AvroSchemaPtr MakeOptional(AvroSchemaPtr schema);  ///< ["null", schema]
AvroSchemaPtr MakeArray(AvroSchemaPtr items, nlohmann::json props = nlohmann::json::object());
AvroSchemaPtr MakeMap(AvroSchemaPtr values, nlohmann::json props = nlohmann::json::object());
AvroSchemaPtr MakeFixed(std::string name, int32_t size);
AvroSchemaPtr MakeRecord(std::string name, std::vector<AvroField> fields);

}  // namespace floe::avro
