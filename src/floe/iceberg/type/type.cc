#include "floe/iceberg/type/type.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "floe/iceberg/type/literal.h"

namespace floe::iceberg {

// The doc is part of a field, as in Java's NestedField.equals: a schema that differs only in a
// doc is a new schema.
// So are the defaults: changing a write-default is a schema change (Java's UpdateSchema too).
bool NestedField::Equals(const NestedField& other) const {
  auto same = [](const std::shared_ptr<const Literal>& a, const std::shared_ptr<const Literal>& b) {
    if (!a || !b) return !a && !b;
    return *a == *b;
  };
  return id == other.id && name == other.name && required == other.required && doc == other.doc &&
         type->Equals(*other.type) && same(initial_default, other.initial_default) &&
         same(write_default, other.write_default);
}

Type::Type(TypeId id, int32_t precision, int32_t scale, int32_t length,
           std::vector<NestedField> fields)
    : id_(id), precision_(precision), scale_(scale), length_(length), fields_(std::move(fields)) {}

namespace {
TypePtr Simple(TypeId id) {
  return std::make_shared<Type>(id, 0, 0, 0, std::vector<NestedField>{});
}
}  // namespace

#define FLOE_SINGLETON(NAME, ID)             \
  TypePtr Type::NAME() {                     \
    static const TypePtr kType = Simple(ID); \
    return kType;                            \
  }
FLOE_SINGLETON(Boolean, TypeId::kBoolean)
FLOE_SINGLETON(Int, TypeId::kInt)
FLOE_SINGLETON(Long, TypeId::kLong)
FLOE_SINGLETON(Float, TypeId::kFloat)
FLOE_SINGLETON(Double, TypeId::kDouble)
FLOE_SINGLETON(Date, TypeId::kDate)
FLOE_SINGLETON(Time, TypeId::kTime)
FLOE_SINGLETON(Timestamp, TypeId::kTimestamp)
FLOE_SINGLETON(TimestampTz, TypeId::kTimestampTz)
FLOE_SINGLETON(TimestampNs, TypeId::kTimestampNs)
FLOE_SINGLETON(TimestampTzNs, TypeId::kTimestampTzNs)
FLOE_SINGLETON(Unknown, TypeId::kUnknown)
FLOE_SINGLETON(String, TypeId::kString)
FLOE_SINGLETON(Uuid, TypeId::kUuid)
FLOE_SINGLETON(Binary, TypeId::kBinary)
#undef FLOE_SINGLETON

TypePtr Type::Decimal(int32_t precision, int32_t scale) {
  return std::make_shared<Type>(TypeId::kDecimal, precision, scale, 0, std::vector<NestedField>{});
}
TypePtr Type::Fixed(int32_t length) {
  return std::make_shared<Type>(TypeId::kFixed, 0, 0, length, std::vector<NestedField>{});
}
TypePtr Type::Struct(std::vector<NestedField> fields) {
  return std::make_shared<Type>(TypeId::kStruct, 0, 0, 0, std::move(fields));
}
TypePtr Type::List(NestedField element) {
  return std::make_shared<Type>(TypeId::kList, 0, 0, 0,
                                std::vector<NestedField>{std::move(element)});
}
TypePtr Type::Map(NestedField key, NestedField value) {
  return std::make_shared<Type>(TypeId::kMap, 0, 0, 0,
                                std::vector<NestedField>{std::move(key), std::move(value)});
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ParseInt(std::string_view s, int32_t* out) {
  s = Trim(s);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

arrow::Result<TypePtr> Type::FromPrimitiveName(std::string_view raw) {
  std::string_view name = Trim(raw);
  if (name == "boolean") return Boolean();
  if (name == "int") return Int();
  if (name == "long") return Long();
  if (name == "float") return Float();
  if (name == "double") return Double();
  if (name == "date") return Date();
  if (name == "time") return Time();
  if (name == "timestamp") return Timestamp();
  if (name == "timestamptz") return TimestampTz();
  if (name == "timestamp_ns") return TimestampNs();
  if (name == "timestamptz_ns") return TimestampTzNs();
  if (name == "unknown") return Unknown();
  if (name == "string") return String();
  if (name == "uuid") return Uuid();
  if (name == "binary") return Binary();
  if (name.rfind("fixed[", 0) == 0 && name.back() == ']') {
    int32_t len;
    if (ParseInt(name.substr(6, name.size() - 7), &len) && len > 0) return Fixed(len);
  }
  if (name.rfind("decimal(", 0) == 0 && name.back() == ')') {
    auto inner = name.substr(8, name.size() - 9);
    auto comma = inner.find(',');
    int32_t p, s;
    if (comma != std::string_view::npos && ParseInt(inner.substr(0, comma), &p) &&
        ParseInt(inner.substr(comma + 1), &s) && p > 0 && p <= 38 && s >= 0 && s <= p) {
      return Decimal(p, s);
    }
  }
  if (name == "variant" || name.rfind("geometry", 0) == 0 || name.rfind("geography", 0) == 0) {
    return arrow::Status::NotImplemented("type ", name, ", which floe does not read yet");
  }
  return arrow::Status::Invalid("unknown Iceberg type '", raw, "'");
}

std::string Type::ToString() const {
  switch (id_) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt:
      return "int";
    case TypeId::kLong:
      return "long";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision_) + ", " + std::to_string(scale_) + ")";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestampTz:
      return "timestamptz";
    case TypeId::kTimestampNs:
      return "timestamp_ns";
    case TypeId::kTimestampTzNs:
      return "timestamptz_ns";
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kString:
      return "string";
    case TypeId::kUuid:
      return "uuid";
    case TypeId::kFixed:
      return "fixed[" + std::to_string(length_) + "]";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kStruct: {
      std::ostringstream out;
      out << "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        const auto& f = fields_[i];
        if (i) out << ", ";
        out << f.id << ": " << f.name << ": " << (f.required ? "required " : "optional ")
            << f.type->ToString();
      }
      out << ">";
      return out.str();
    }
    case TypeId::kList:
      return "list<" + element().type->ToString() + ">";
    case TypeId::kMap:
      return "map<" + key().type->ToString() + ", " + value().type->ToString() + ">";
  }
  return "?";
}

bool Type::Equals(const Type& other) const {
  if (id_ != other.id_ || precision_ != other.precision_ || scale_ != other.scale_ ||
      length_ != other.length_ || fields_.size() != other.fields_.size()) {
    return false;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i].Equals(other.fields_[i])) return false;
  }
  return true;
}

int MinFormatVersion(const Type& type) {
  switch (type.id()) {
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
    case TypeId::kUnknown:
      return 3;
    default:
      break;
  }
  int version = 1;
  for (const auto& field : type.fields()) {
    version = std::max(version, MinFormatVersion(*field.type));
  }
  return version;
}

int32_t DecimalRequiredBytes(int32_t precision) {
  // Smallest n with 2^(8n-1) > 10^precision - 1, for precision 1..38.
  static constexpr int8_t kBytes[] = {1,  1,  2,  2,  3,  3,  4,  4,  4,  5,  5,  6,  6,
                                      6,  7,  7,  8,  8,  9,  9,  9,  10, 10, 11, 11, 11,
                                      12, 12, 13, 13, 13, 14, 14, 15, 15, 16, 16, 16};
  if (precision < 1) return 1;
  if (precision > 38) return 16;
  return kBytes[precision - 1];
}

}  // namespace floe::iceberg
