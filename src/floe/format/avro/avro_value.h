#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace floe::avro {

/// A generic Avro datum. Unions carry no node of their own: the writer picks the first
/// branch whose type fits the value's kind (null → "null"), and the reader returns the
/// chosen branch's value. Iceberg only uses ["null", T] unions, for which this is exact.
struct AvroValue {
  enum class Kind {
    kNull,
    kBoolean,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kFixed,
    kEnum,
    kRecord,
    kArray,
    kMap,
  };

  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;   ///< int, long, enum symbol index
  double floating = 0;   ///< float (exactly widened), double
  std::string bytes;     ///< bytes, string, fixed
  std::vector<AvroValue> children;  ///< record fields in schema order, array items, map values
  std::vector<std::string> keys;    ///< map keys, parallel to children

  static AvroValue Null() { return {}; }
  static AvroValue Boolean(bool v) { AvroValue x; x.kind = Kind::kBoolean; x.boolean = v; return x; }
  static AvroValue Int(int32_t v) { AvroValue x; x.kind = Kind::kInt; x.integer = v; return x; }
  static AvroValue Long(int64_t v) { AvroValue x; x.kind = Kind::kLong; x.integer = v; return x; }
  static AvroValue Float(float v) { AvroValue x; x.kind = Kind::kFloat; x.floating = v; return x; }
  static AvroValue Double(double v) { AvroValue x; x.kind = Kind::kDouble; x.floating = v; return x; }
  static AvroValue Bytes(std::string v) { AvroValue x; x.kind = Kind::kBytes; x.bytes = std::move(v); return x; }
  static AvroValue String(std::string v) { AvroValue x; x.kind = Kind::kString; x.bytes = std::move(v); return x; }
  static AvroValue Fixed(std::string v) { AvroValue x; x.kind = Kind::kFixed; x.bytes = std::move(v); return x; }
  static AvroValue Enum(int32_t index) { AvroValue x; x.kind = Kind::kEnum; x.integer = index; return x; }
  static AvroValue Record(std::vector<AvroValue> fields) {
    AvroValue x; x.kind = Kind::kRecord; x.children = std::move(fields); return x;
  }
  static AvroValue Array(std::vector<AvroValue> items) {
    AvroValue x; x.kind = Kind::kArray; x.children = std::move(items); return x;
  }
  static AvroValue Map(std::vector<std::string> keys, std::vector<AvroValue> values) {
    AvroValue x; x.kind = Kind::kMap; x.keys = std::move(keys); x.children = std::move(values);
    return x;
  }

  bool is_null() const { return kind == Kind::kNull; }
  int32_t AsInt() const { return static_cast<int32_t>(integer); }
  int64_t AsLong() const { return integer; }
  const std::string& AsBytes() const { return bytes; }
  /// Record field i, array item i or map value i.
  const AvroValue& operator[](size_t i) const { return children[i]; }
};

}  // namespace floe::avro
