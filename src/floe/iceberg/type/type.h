#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace floe::iceberg {

/// Iceberg data types (spec: "Schemas and Data Types").
enum class TypeId {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kTimestampNs,    ///< format v3: nanoseconds since epoch, no zone
  kTimestampTzNs,  ///< format v3: nanoseconds since epoch, UTC
  kString,
  kUuid,
  kFixed,
  kBinary,
  kUnknown,  ///< format v3: a column whose values are all null (Arrow's null type)
  kStruct,
  kList,
  kMap,
};

class Type;
using TypePtr = std::shared_ptr<const Type>;
class Literal;

/// A named, numbered field of a struct, or the element / key / value of a list or map.
struct NestedField {
  int32_t id = 0;
  std::string name;
  TypePtr type;
  bool required = false;
  std::string doc;
  /// Format v3 defaults (spec: "Default values"); null when the field has none. The
  /// initial-default is the value of rows in data files written before the field existed; the
  /// write-default is written when a writer does not supply the field. Primitive fields only.
  std::shared_ptr<const Literal> initial_default = nullptr;
  std::shared_ptr<const Literal> write_default = nullptr;

  bool Equals(const NestedField& other) const;
};

/// An immutable Iceberg type. Primitive types are shared singletons where they carry no
/// parameters; nested types own their fields.
class Type {
 public:
  static TypePtr Boolean();
  static TypePtr Int();
  static TypePtr Long();
  static TypePtr Float();
  static TypePtr Double();
  static TypePtr Decimal(int32_t precision, int32_t scale);
  static TypePtr Date();
  static TypePtr Time();
  static TypePtr Timestamp();
  static TypePtr TimestampTz();
  static TypePtr TimestampNs();
  static TypePtr TimestampTzNs();
  static TypePtr String();
  static TypePtr Uuid();
  static TypePtr Fixed(int32_t length);
  static TypePtr Binary();
  static TypePtr Unknown();
  static TypePtr Struct(std::vector<NestedField> fields);
  static TypePtr List(NestedField element);
  static TypePtr Map(NestedField key, NestedField value);

  /// Parses a primitive type name as written in table metadata JSON:
  /// "long", "decimal(9, 2)", "fixed[16]", "timestamptz", "timestamp_ns", "unknown", …
  /// The v3 types floe cannot read (variant, geometry, geography) are refused as unsupported.
  static arrow::Result<TypePtr> FromPrimitiveName(std::string_view name);

  TypeId id() const { return id_; }
  bool is_primitive() const { return id_ < TypeId::kStruct; }
  bool is_nested() const { return !is_primitive(); }

  int32_t precision() const { return precision_; }  ///< decimal only
  int32_t scale() const { return scale_; }          ///< decimal only
  int32_t length() const { return length_; }        ///< fixed only

  /// Struct: its fields. List: [element]. Map: [key, value].
  const std::vector<NestedField>& fields() const { return fields_; }
  const NestedField& element() const { return fields_[0]; }  ///< list only
  const NestedField& key() const { return fields_[0]; }      ///< map only
  const NestedField& value() const { return fields_[1]; }    ///< map only

  /// Primitive: the metadata JSON name ("decimal(9,2)", "fixed[16]"). Nested: a readable form
  /// such as "struct<1: a: optional long>".
  std::string ToString() const;
  bool Equals(const Type& other) const;

  Type(TypeId id, int32_t precision, int32_t scale, int32_t length,
       std::vector<NestedField> fields);

 private:
  TypeId id_;
  int32_t precision_ = 0;
  int32_t scale_ = 0;
  int32_t length_ = 0;
  std::vector<NestedField> fields_;
};

/// Minimum bytes needed to hold an unscaled decimal of this precision (spec: decimal in Avro
/// and Parquet fixed, and single-value serialization).
int32_t DecimalRequiredBytes(int32_t precision);

/// True for timestamp_ns and timestamptz_ns.
inline bool IsNanosTimestamp(TypeId id) {
  return id == TypeId::kTimestampNs || id == TypeId::kTimestampTzNs;
}

/// The lowest table format version that may use this type anywhere inside it: 3 for
/// timestamp_ns, timestamptz_ns and unknown, else 1.
int MinFormatVersion(const Type& type);

}  // namespace floe::iceberg
