#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// A single typed value: a partition value, a column bound, or a constant in an expression.
///
/// Storage by type: boolean → bool; int, date (days) → int32_t; long, time (µs),
/// timestamp / timestamptz (µs since epoch), timestamp_ns / timestamptz_ns (ns since epoch)
/// → int64_t; float, double; string (UTF-8), binary,
/// fixed, uuid (16 big-endian bytes) → std::string of bytes; decimal → unscaled __int128.
class Literal {
 public:
  using Storage =
      std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string, __int128>;

  /// A null of the given type (type may be null for an untyped null).
  static Literal Null(TypePtr type = nullptr) { return Literal(std::move(type), std::monostate{}); }
  static Literal Boolean(bool v) { return Literal(Type::Boolean(), v); }
  static Literal Int(int32_t v) { return Literal(Type::Int(), v); }
  static Literal Long(int64_t v) { return Literal(Type::Long(), v); }
  static Literal Float(float v) { return Literal(Type::Float(), v); }
  static Literal Double(double v) { return Literal(Type::Double(), v); }
  static Literal Date(int32_t days) { return Literal(Type::Date(), days); }
  static Literal Time(int64_t micros) { return Literal(Type::Time(), micros); }
  static Literal Timestamp(int64_t micros) { return Literal(Type::Timestamp(), micros); }
  static Literal TimestampTz(int64_t micros) { return Literal(Type::TimestampTz(), micros); }
  static Literal TimestampNs(int64_t nanos) { return Literal(Type::TimestampNs(), nanos); }
  static Literal TimestampTzNs(int64_t nanos) { return Literal(Type::TimestampTzNs(), nanos); }
  static Literal String(std::string v) { return Literal(Type::String(), std::move(v)); }
  static Literal Binary(std::string bytes) { return Literal(Type::Binary(), std::move(bytes)); }
  static Literal Fixed(std::string bytes) {
    auto len = static_cast<int32_t>(bytes.size());
    return Literal(Type::Fixed(len), std::move(bytes));
  }
  static Literal Uuid(std::string bytes16) { return Literal(Type::Uuid(), std::move(bytes16)); }
  static Literal Decimal(__int128 unscaled, int32_t precision, int32_t scale) {
    return Literal(Type::Decimal(precision, scale), unscaled);
  }

  Literal() = default;
  Literal(TypePtr type, Storage value) : type_(std::move(type)), value_(std::move(value)) {}

  const TypePtr& type() const { return type_; }
  const Storage& value() const { return value_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }

  bool AsBool() const { return std::get<bool>(value_); }
  int32_t AsInt() const { return std::get<int32_t>(value_); }
  int64_t AsLong() const { return std::get<int64_t>(value_); }
  float AsFloat() const { return std::get<float>(value_); }
  double AsDouble() const { return std::get<double>(value_); }
  const std::string& AsBytes() const { return std::get<std::string>(value_); }
  __int128 AsDecimal() const { return std::get<__int128>(value_); }

  /// Total order for two non-null literals of the same storage: strings and bytes compare as
  /// unsigned bytes (so UTF-8 compares by code point); -NaN < -inf < … < -0.0 < 0.0 < … < inf
  /// < NaN (NaN payloads ignored; this is Java's Float/Double.compare except that a NaN with
  /// the sign bit set sorts first). int and long storage compare numerically; decimals by
  /// unscaled value, rescaled when both types give different scales; nulls sort first.
  /// Returns <0, 0, >0.
  int Compare(const Literal& other) const;
  bool operator==(const Literal& other) const;

  /// Human-readable form, used in CLI output and error messages ("2024-01-31",
  /// "12.50", "'abc'" style is not used: strings print as-is).
  std::string ToString() const;

 private:
  TypePtr type_;
  Storage value_;
};

/// "12.50" for unscaled 1250 at scale 2; negative scales append zeros ("1200" for 12, -2).
std::string DecimalToString(__int128 unscaled, int32_t scale);

}  // namespace floe::iceberg
