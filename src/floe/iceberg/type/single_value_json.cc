#include "floe/iceberg/type/single_value_json.h"

#include <cmath>
#include <limits>

#include "floe/iceberg/type/json_internal.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/util/hex.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

arrow::Status Bad(std::string_view where, const Type& type, const nlohmann::json& json,
                  std::string_view expected) {
  return arrow::Status::Invalid(json_internal::At(where), "cannot read ", json_internal::Show(json),
                                " as a ", type.ToString(), " value: expected ", expected);
}

}  // namespace

arrow::Result<nlohmann::ordered_json> LiteralToJson(const Literal& v) {
  if (v.is_null() || !v.type()) {
    return arrow::Status::Invalid("a null or untyped value has no JSON single-value form");
  }
  switch (v.type()->id()) {
    case TypeId::kBoolean:
      return nlohmann::ordered_json(v.AsBool());
    case TypeId::kInt:
      return nlohmann::ordered_json(v.AsInt());
    case TypeId::kLong:
      return nlohmann::ordered_json(v.AsLong());
    case TypeId::kFloat:
      return nlohmann::ordered_json(v.AsFloat());
    case TypeId::kDouble:
      return nlohmann::ordered_json(v.AsDouble());
    case TypeId::kDecimal:
      return nlohmann::ordered_json(DecimalToString(v.AsDecimal(), v.type()->scale()));
    case TypeId::kDate:
      return nlohmann::ordered_json(FormatDate(v.AsInt()));
    case TypeId::kTime:
      return nlohmann::ordered_json(FormatTime(v.AsLong()));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return nlohmann::ordered_json(
          FormatTimestamp(v.AsLong(), v.type()->id() == TypeId::kTimestampTz));
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return nlohmann::ordered_json(
          FormatTimestampNanos(v.AsLong(), v.type()->id() == TypeId::kTimestampTzNs));
    case TypeId::kString:
      return nlohmann::ordered_json(v.AsBytes());
    case TypeId::kUuid:
      return nlohmann::ordered_json(util::UuidFromBytes(v.AsBytes()));
    case TypeId::kFixed:
    case TypeId::kBinary:
      return nlohmann::ordered_json(util::ToHex(v.AsBytes()));
    default:
      return arrow::Status::NotImplemented("no JSON single-value form for a ", v.type()->ToString(),
                                           " value");
  }
}

arrow::Result<Literal> LiteralFromJson(const TypePtr& type, const nlohmann::json& json,
                                       std::string_view where) {
  const Type& t = *type;
  switch (t.id()) {
    case TypeId::kBoolean:
      if (!json.is_boolean()) return Bad(where, t, json, "true or false");
      return Literal::Boolean(json.get<bool>());
    case TypeId::kInt: {
      if (!json.is_number_integer()) return Bad(where, t, json, "an integer");
      const int64_t v = json.get<int64_t>();
      if (json.is_number_unsigned() && json.get<uint64_t>() > 0x7fffffffULL) {
        return Bad(where, t, json, "a 32-bit integer");
      }
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return Bad(where, t, json, "a 32-bit integer");
      }
      return Literal::Int(static_cast<int32_t>(v));
    }
    case TypeId::kLong:
      if (!json.is_number_integer() ||
          (json.is_number_unsigned() &&
           json.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
        return Bad(where, t, json, "a 64-bit integer");
      }
      return Literal::Long(json.get<int64_t>());
    case TypeId::kFloat:
      if (!json.is_number()) return Bad(where, t, json, "a number");
      return Literal::Float(json.get<float>());
    case TypeId::kDouble:
      if (!json.is_number()) return Bad(where, t, json, "a number");
      return Literal::Double(json.get<double>());
    case TypeId::kDecimal: {
      if (!json.is_string()) return Bad(where, t, json, "a decimal string such as \"14.20\"");
      auto dec = ParseDecimalText(json.get<std::string>());
      // The scale is part of the value's text (Java checks the same): "14.2" is no decimal(4, 2).
      if (!dec || dec->type()->scale() != t.scale() || dec->type()->precision() > t.precision()) {
        return Bad(where, t, json, "a decimal string with scale " + std::to_string(t.scale()));
      }
      return Literal::Decimal(dec->AsDecimal(), t.precision(), t.scale());
    }
    case TypeId::kDate: {
      if (!json.is_string()) return Bad(where, t, json, "a date string YYYY-MM-DD");
      auto days = ParseDateText(json.get<std::string>());
      if (!days) return Bad(where, t, json, "a date string YYYY-MM-DD");
      return Literal::Date(*days);
    }
    case TypeId::kTime: {
      if (!json.is_string()) return Bad(where, t, json, "a time string HH:MM:SS[.ffffff]");
      auto micros = ParseTimeText(json.get<std::string>());
      if (!micros) return Bad(where, t, json, "a time string HH:MM:SS[.ffffff]");
      return Literal::Time(*micros);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs: {
      const bool zoned = t.id() == TypeId::kTimestampTz || t.id() == TypeId::kTimestampTzNs;
      const bool nanos = IsNanosTimestamp(t.id());
      const char* expected = zoned ? "an ISO timestamp with an offset, such as "
                                     "\"2017-11-16T22:31:08.123456+00:00\""
                                   : "an ISO timestamp without offset, such as "
                                     "\"2017-11-16T22:31:08.123456\"";
      if (!json.is_string()) return Bad(where, t, json, expected);
      const std::string text = json.get<std::string>();
      // The spec's form always has a time part; a bare date is not a timestamp value here.
      if (text.find_first_of("Tt") == std::string::npos) return Bad(where, t, json, expected);
      bool has_offset = false;
      auto value = nanos ? ParseTimestampNanosText(text, &has_offset)
                         : ParseTimestampText(text, &has_offset);
      if (!value || has_offset != zoned) return Bad(where, t, json, expected);
      return Literal(type, *value);
    }
    case TypeId::kString:
      if (!json.is_string()) return Bad(where, t, json, "a string");
      return Literal::String(json.get<std::string>());
    case TypeId::kUuid: {
      if (!json.is_string()) return Bad(where, t, json, "a UUID string");
      std::string bytes = util::UuidToBytes(json.get<std::string>());
      if (bytes.size() != 16) return Bad(where, t, json, "a UUID string");
      return Literal::Uuid(std::move(bytes));
    }
    case TypeId::kFixed:
    case TypeId::kBinary: {
      if (!json.is_string()) return Bad(where, t, json, "a hex string");
      auto bytes = util::FromHex(json.get<std::string>());
      if (!bytes) return Bad(where, t, json, "a hex string");
      if (t.id() == TypeId::kFixed && static_cast<int32_t>(bytes->size()) != t.length()) {
        return Bad(where, t, json, "a hex string of " + std::to_string(t.length()) + " bytes");
      }
      return Literal(type, std::move(*bytes));
    }
    case TypeId::kUnknown:
      return arrow::Status::Invalid(json_internal::At(where),
                                    "an unknown-typed field can only default to null");
    default:
      return arrow::Status::NotImplemented(
          json_internal::At(where), "floe keeps defaults of primitive fields only, not of a ",
          t.ToString());
  }
}

}  // namespace floe::iceberg
