#include <arrow/util/decimal.h>

#include <algorithm>

#include "floe/iceberg/update/row_values_internal.h"

namespace floe::iceberg::row_level_internal {

std::optional<Literal> ValueAsLiteral(const arrow::Array& array, const TypePtr& type, int64_t row) {
  const auto& data = *array.data();
  switch (type->id()) {
    case TypeId::kBoolean:
      return Literal::Boolean(static_cast<const arrow::BooleanArray&>(array).Value(row));
    case TypeId::kInt:
      return Literal::Int(data.GetValues<int32_t>(1)[row]);
    case TypeId::kDate:
      return Literal::Date(data.GetValues<int32_t>(1)[row]);
    case TypeId::kLong:
      return Literal::Long(data.GetValues<int64_t>(1)[row]);
    case TypeId::kTime:
      return Literal::Time(data.GetValues<int64_t>(1)[row]);
    case TypeId::kTimestamp:
      return Literal::Timestamp(data.GetValues<int64_t>(1)[row]);
    case TypeId::kTimestampTz:
      return Literal::TimestampTz(data.GetValues<int64_t>(1)[row]);
    case TypeId::kTimestampNs:
      return Literal::TimestampNs(data.GetValues<int64_t>(1)[row]);
    case TypeId::kTimestampTzNs:
      return Literal::TimestampTzNs(data.GetValues<int64_t>(1)[row]);
    case TypeId::kString:
      return Literal::String(
          std::string(static_cast<const arrow::StringArray&>(array).GetView(row)));
    case TypeId::kBinary:
      return Literal::Binary(
          std::string(static_cast<const arrow::BinaryArray&>(array).GetView(row)));
    case TypeId::kFixed:
      return Literal::Fixed(
          std::string(static_cast<const arrow::FixedSizeBinaryArray&>(array).GetView(row)));
    case TypeId::kUuid:
      return Literal::Uuid(
          std::string(static_cast<const arrow::FixedSizeBinaryArray&>(array).GetView(row)));
    case TypeId::kDecimal: {
      arrow::Decimal128 v(static_cast<const arrow::Decimal128Array&>(array).GetValue(row));
      __int128 unscaled =
          (static_cast<__int128>(v.high_bits()) << 64) | static_cast<__int128>(v.low_bits());
      return Literal::Decimal(unscaled, type->precision(), type->scale());
    }
    default:
      return std::nullopt;
  }
}

arrow::Result<std::optional<std::vector<Literal>>> DistinctLiterals(
    const arrow::Array& array, const TypePtr& type, const std::vector<int64_t>& rows) {
  std::vector<Literal> out;
  for (int64_t row : rows) {
    if (array.IsNull(row)) continue;
    auto v = ValueAsLiteral(array, type, row);
    if (!v) return std::optional<std::vector<Literal>>();
    out.push_back(std::move(*v));
  }
  std::sort(out.begin(), out.end(),
            [](const Literal& a, const Literal& b) { return a.Compare(b) < 0; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Literal& a, const Literal& b) { return a.Compare(b) == 0; }),
            out.end());
  return std::optional<std::vector<Literal>>(std::move(out));
}

}  // namespace floe::iceberg::row_level_internal
