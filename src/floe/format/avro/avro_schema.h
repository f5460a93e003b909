#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <arrow/result.h>

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

/// The JSON text of an attribute value that is neither null, a boolean, a number nor a string
/// (an object or an array), kept verbatim so that nothing read is lost. Text that is not valid
/// JSON is written out as a JSON string.
struct AvroRawJson {
  std::string text;
  bool operator==(const AvroRawJson&) const = default;
};

/// An attribute value; integers beyond int64 are kept as AvroRawJson, other numbers as double.
using AvroPropValue = std::variant<std::nullptr_t, bool, int64_t, double, std::string, AvroRawJson>;

/// Attributes Avro does not define, such as Iceberg's "field-id", "element-id", "logicalType"
/// or "default", in insertion order. Setting a key that is present replaces its value in place.
class AvroProps {
 public:
  using Entry = std::pair<std::string, AvroPropValue>;

  AvroProps() = default;
  AvroProps(std::initializer_list<Entry> entries);

  /// The value of `key`, or nullptr.
  const AvroPropValue* Find(std::string_view key) const;
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  /// The value of `key` when it is present and of that kind.
  std::optional<int64_t> GetInt(std::string_view key) const;
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;

  void Set(std::string key, AvroPropValue value);
  /// Removes `key`; false when it was not present.
  bool Erase(std::string_view key);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

  bool operator==(const AvroProps&) const = default;

 private:
  std::vector<Entry> entries_;
};

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr schema;
  std::string doc;
  /// Extra attributes kept verbatim, e.g. Iceberg's "field-id" (int) and "default".
  AvroProps props;

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
  AvroProps props;

  /// Parses schema JSON, resolving references to earlier named types.
  static arrow::Result<AvroSchemaPtr> Parse(std::string_view json);
  /// The schema as JSON text, with every attribute of `props` (field ids included). Object
  /// members come out sorted by key, as the manifests floe has always written them.
  std::string ToJsonString() const;

  /// Index of the record field with this name, or -1.
  int FieldIndex(std::string_view field_name) const;
  /// Index of the record field carrying this Iceberg field-id, or -1.
  int FieldIndexById(int32_t field_id) const;
};

/// Helpers for building schemas in code.
AvroSchemaPtr MakePrimitive(AvroType type);
AvroSchemaPtr MakeOptional(AvroSchemaPtr schema);  ///< ["null", schema]
AvroSchemaPtr MakeArray(AvroSchemaPtr items, AvroProps props = {});
AvroSchemaPtr MakeMap(AvroSchemaPtr values, AvroProps props = {});
AvroSchemaPtr MakeFixed(std::string name, int32_t size);
AvroSchemaPtr MakeRecord(std::string name, std::vector<AvroField> fields);

}  // namespace floe::avro
