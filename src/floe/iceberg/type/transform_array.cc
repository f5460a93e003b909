// Transform::ApplyArray: one switch on the Arrow type, then a tight loop over raw values
// feeding the same native kernels as Transform::Apply.

#include <cstring>

#include <arrow/array.h>
#include <arrow/type.h>

#include "floe/iceberg/type/temporal.h"
#include "floe/iceberg/type/transform.h"
#include "floe/iceberg/type/transform_internal.h"

namespace floe::iceberg {
namespace {

enum class Category { kBoolean, kIntegral, kFloating, kDecimal, kBytes, kOther };

Category CategoryOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return Category::kBoolean;
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return Category::kIntegral;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return Category::kFloating;
    case TypeId::kDecimal:
      return Category::kDecimal;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
    case TypeId::kUuid:
      return Category::kBytes;
    default:
      return Category::kOther;
  }
}

// Multiplier (> 0) or divisor (< 0) that brings an Arrow time unit to microseconds.
int64_t ToMicrosFactor(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return kMicrosPerSecond;
    case arrow::TimeUnit::MILLI:
      return 1000;
    case arrow::TimeUnit::MICRO:
      return 1;
    case arrow::TimeUnit::NANO:
      return -1000;
  }
  return 1;
}

// The same to nanoseconds, for timestamp_ns / timestamptz_ns columns.
int64_t ToNanosFactor(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return kMicrosPerSecond * kNanosPerMicro;
    case arrow::TimeUnit::MILLI:
      return 1'000'000;
    case arrow::TimeUnit::MICRO:
      return kNanosPerMicro;
    case arrow::TimeUnit::NANO:
      return 1;
  }
  return 1;
}

class Applier {
 public:
  Applier(const Transform& t, const TypePtr& source, TypePtr result_type,
          std::vector<Literal>* out)
      : t_(t), source_(source), null_(Literal::Null(std::move(result_type))), out_(out) {}

  template <typename Get, typename Emit>
  void Loop(const arrow::Array& arr, Get get, Emit emit) {
    const int64_t n = arr.length();
    out_->reserve(out_->size() + static_cast<size_t>(n));
    if (arr.null_count() == 0) {
      for (int64_t i = 0; i < n; ++i) out_->push_back(emit(get(i)));
    } else {
      for (int64_t i = 0; i < n; ++i) {
        out_->push_back(arr.IsNull(i) ? null_ : emit(get(i)));
      }
    }
  }

  // Integer-like columns; `factor` scales the raw value to Iceberg units (see ToMicrosFactor).
  template <typename ArrayType>
  void Integral(const arrow::Array& arr, int64_t factor = 1) {
    const auto* raw = static_cast<const ArrayType&>(arr).raw_values();
    auto emit = [this](int64_t v) { return internal::ApplyIntegral(t_, source_, v); };
    if (factor == 1) {
      Loop(arr, [raw](int64_t i) { return static_cast<int64_t>(raw[i]); }, emit);
    } else if (factor > 0) {
      Loop(arr, [raw, factor](int64_t i) { return static_cast<int64_t>(raw[i]) * factor; }, emit);
    } else {
      Loop(arr, [raw, factor](int64_t i) { return FloorDiv(static_cast<int64_t>(raw[i]), -factor); },
           emit);
    }
  }

  template <typename ArrayType>
  void Bytes(const arrow::Array& arr) {
    const auto& typed = static_cast<const ArrayType&>(arr);
    Loop(arr, [&typed](int64_t i) { return std::string_view(typed.GetView(i)); },
         [this](std::string_view v) { return internal::ApplyBytes(t_, source_, v); });
  }

  template <typename ArrayType>
  void Floating(const arrow::Array& arr) {
    const auto* raw = static_cast<const ArrayType&>(arr).raw_values();
    // Only identity reaches here; keep the source's storage (float or double).
    if (source_->id() == TypeId::kFloat) {
      Loop(arr, [raw](int64_t i) { return static_cast<float>(raw[i]); },
           [this](float v) { return Literal(source_, v); });
    } else {
      Loop(arr, [raw](int64_t i) { return static_cast<double>(raw[i]); },
           [this](double v) { return Literal(source_, v); });
    }
  }

  void Boolean(const arrow::Array& arr) {
    const auto& typed = static_cast<const arrow::BooleanArray&>(arr);
    Loop(arr, [&typed](int64_t i) { return typed.Value(i); },
         [this](bool v) { return Literal(source_, v); });
  }

  // Decimal arrays store little-endian two's complement of byte_width bytes per value.
  void Decimal(const arrow::Array& arr, int byte_width) {
    const auto& typed = static_cast<const arrow::FixedSizeBinaryArray&>(arr);
    Loop(
        arr,
        [&typed, byte_width](int64_t i) {
          const uint8_t* p = typed.GetValue(i);
          unsigned __int128 u = 0;
          for (int b = byte_width - 1; b >= 0; --b) u = (u << 8) | p[b];
          // Sign-extend from byte_width bytes.
          int shift = 128 - 8 * byte_width;
          return shift == 0 ? static_cast<__int128>(u)
                            : static_cast<__int128>(u << shift) >> shift;
        },
        [this](__int128 v) { return internal::ApplyDecimal(t_, source_, v); });
  }

  void Nulls(int64_t n) { out_->resize(out_->size() + static_cast<size_t>(n), null_); }

 private:
  const Transform& t_;
  const TypePtr& source_;
  Literal null_;
  std::vector<Literal>* out_;
};

arrow::Status Mismatch(const Transform& t, const TypePtr& source, const arrow::Array& values) {
  return arrow::Status::TypeError("partition transform ", t.ToString(), " on source type ",
                                  source->ToString(), ": unsupported Arrow column type ",
                                  values.type()->ToString());
}

}  // namespace

arrow::Result<std::vector<Literal>> Transform::ApplyArray(const TypePtr& source,
                                                          const arrow::Array& values) const {
  ARROW_ASSIGN_OR_RAISE(TypePtr result_type, ResultType(source));
  std::vector<Literal> out;
  Applier applier(*this, source, result_type, &out);
  const Category want = CategoryOf(source->id());
  const arrow::DataType& type = *values.type();

  if (type.id() == arrow::Type::DICTIONARY) {
    // Transform the dictionary once, then fan out by index.
    const auto& dict = static_cast<const arrow::DictionaryArray&>(values);
    ARROW_ASSIGN_OR_RAISE(std::vector<Literal> dict_out, ApplyArray(source, *dict.dictionary()));
    out.reserve(static_cast<size_t>(values.length()));
    const Literal null = Literal::Null(result_type);
    for (int64_t i = 0; i < values.length(); ++i) {
      if (dict.IsNull(i)) {
        out.push_back(null);
        continue;
      }
      int64_t idx = dict.GetValueIndex(i);
      if (idx < 0 || idx >= static_cast<int64_t>(dict_out.size())) {
        return arrow::Status::Invalid("dictionary index ", idx, " out of range at row ", i);
      }
      out.push_back(dict_out[static_cast<size_t>(idx)]);
    }
    return out;
  }
  if (type.id() == arrow::Type::NA) {
    applier.Nulls(values.length());
    return out;
  }
  if (kind_ == Kind::kVoid) {
    applier.Nulls(values.length());
    return out;
  }

  auto need = [&](Category c) -> arrow::Status {
    return c == want ? arrow::Status::OK() : Mismatch(*this, source, values);
  };
  switch (type.id()) {
    case arrow::Type::BOOL:
      ARROW_RETURN_NOT_OK(need(Category::kBoolean));
      applier.Boolean(values);
      break;
    case arrow::Type::INT8:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Int8Array>(values);
      break;
    case arrow::Type::INT16:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Int16Array>(values);
      break;
    case arrow::Type::INT32:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Int32Array>(values);
      break;
    case arrow::Type::INT64:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Int64Array>(values);
      break;
    case arrow::Type::UINT8:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::UInt8Array>(values);
      break;
    case arrow::Type::UINT16:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::UInt16Array>(values);
      break;
    case arrow::Type::UINT32:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::UInt32Array>(values);
      break;
    case arrow::Type::DATE32:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Date32Array>(values);
      break;
    case arrow::Type::DATE64:  // milliseconds since epoch → days
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Date64Array>(values, -86'400'000);
      break;
    case arrow::Type::TIME32:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Time32Array>(
          values, ToMicrosFactor(static_cast<const arrow::Time32Type&>(type).unit()));
      break;
    case arrow::Type::TIME64:
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      applier.Integral<arrow::Time64Array>(
          values, ToMicrosFactor(static_cast<const arrow::Time64Type&>(type).unit()));
      break;
    case arrow::Type::TIMESTAMP:
      // Any zone: Arrow stores instants as UTC, which is what timestamptz holds.
      ARROW_RETURN_NOT_OK(need(Category::kIntegral));
      if (IsNanosTimestamp(source->id())) {
        applier.Integral<arrow::TimestampArray>(
            values, ToNanosFactor(static_cast<const arrow::TimestampType&>(type).unit()));
      } else {
        applier.Integral<arrow::TimestampArray>(
            values, ToMicrosFactor(static_cast<const arrow::TimestampType&>(type).unit()));
      }
      break;
    case arrow::Type::FLOAT:
      ARROW_RETURN_NOT_OK(need(Category::kFloating));
      applier.Floating<arrow::FloatArray>(values);
      break;
    case arrow::Type::DOUBLE:
      ARROW_RETURN_NOT_OK(need(Category::kFloating));
      applier.Floating<arrow::DoubleArray>(values);
      break;
    case arrow::Type::DECIMAL32:
    case arrow::Type::DECIMAL64:
    case arrow::Type::DECIMAL128: {
      ARROW_RETURN_NOT_OK(need(Category::kDecimal));
      const auto& dt = static_cast<const arrow::DecimalType&>(type);
      if (dt.scale() != source->scale()) {
        return arrow::Status::TypeError("partition transform ", ToString(), ": Arrow column ",
                                        type.ToString(), " has a different scale than ",
                                        source->ToString());
      }
      applier.Decimal(values, dt.byte_width());
      break;
    }
    case arrow::Type::STRING:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::StringArray>(values);
      break;
    case arrow::Type::LARGE_STRING:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::LargeStringArray>(values);
      break;
    case arrow::Type::STRING_VIEW:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::StringViewArray>(values);
      break;
    case arrow::Type::BINARY:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::BinaryArray>(values);
      break;
    case arrow::Type::LARGE_BINARY:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::LargeBinaryArray>(values);
      break;
    case arrow::Type::BINARY_VIEW:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::BinaryViewArray>(values);
      break;
    case arrow::Type::FIXED_SIZE_BINARY:
      ARROW_RETURN_NOT_OK(need(Category::kBytes));
      applier.Bytes<arrow::FixedSizeBinaryArray>(values);
      break;
    default:
      return Mismatch(*this, source, values);
  }
  return out;
}

}  // namespace floe::iceberg
