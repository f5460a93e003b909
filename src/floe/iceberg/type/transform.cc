#include "floe/iceberg/type/transform.h"

#include <cctype>
#include <charconv>
#include <climits>
#include <cstdio>

#include "floe/iceberg/type/bucket_hash_internal.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/iceberg/type/transform_internal.h"

namespace floe::iceberg {
namespace {

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz ||
         IsNanosTimestamp(id);
}

// Storage of an integral-source identity/truncate result: int and date keep int32 storage.
Literal IntegralOfType(const TypePtr& type, int64_t v) {
  if (type->id() == TypeId::kInt || type->id() == TypeId::kDate) {
    return Literal(type, static_cast<int32_t>(v));
  }
  return Literal(type, v);
}

int32_t BucketOf(int32_t hash, int32_t n) { return (hash & INT32_MAX) % n; }

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string PaddedYear(int64_t year) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld", static_cast<long long>(year));
  return buf;
}

}  // namespace

namespace internal {

Literal ApplyIntegral(const Transform& t, const TypePtr& source, int64_t v) {
  const TypeId id = source->id();
  if (IsNanosTimestamp(id) && t.kind() != Transform::Kind::kIdentity) {
    // Nanosecond timestamps bucket and partition by their microseconds, so they group as the
    // same instants in timestamp columns do (spec: "Bucket Transform Details").
    v = FloorDiv(v, kNanosPerMicro);
  }
  // Days of a date, or days of a timestamp's µs (floored, so pre-1970 instants land on the
  // previous day).
  auto days = [&] { return id == TypeId::kDate ? v : FloorDiv(v, kMicrosPerDay); };
  switch (t.kind()) {
    case Transform::Kind::kIdentity:
      return IntegralOfType(source, v);
    case Transform::Kind::kBucket:
      return Literal::Int(BucketOf(HashLong(v), t.param()));
    case Transform::Kind::kTruncate: {
      // v - (((v % W) + W) % W), wrapping like the Java reference at the extremes.
      const __int128 w = t.param();
      const __int128 x = v;
      const __int128 r = x - (((x % w) + w) % w);
      if (id == TypeId::kInt) return Literal::Int(static_cast<int32_t>(static_cast<int64_t>(r)));
      return Literal(source, static_cast<int64_t>(r));
    }
    case Transform::Kind::kYear:
      return Literal::Int(YearsFromDays(days()));
    case Transform::Kind::kMonth:
      return Literal::Int(MonthsFromDays(days()));
    case Transform::Kind::kDay:
      return Literal::Date(static_cast<int32_t>(days()));
    case Transform::Kind::kHour:
      return Literal::Int(static_cast<int32_t>(FloorDiv(v, kMicrosPerHour)));
    case Transform::Kind::kVoid:
      return Literal::Null(source);
  }
  return Literal::Null(source);
}

Literal ApplyDecimal(const Transform& t, const TypePtr& source, __int128 v) {
  switch (t.kind()) {
    case Transform::Kind::kBucket:
      return Literal::Int(BucketOf(HashDecimal(v), t.param()));
    case Transform::Kind::kTruncate: {
      const __int128 w = t.param();
      return Literal(source, v - (((v % w) + w) % w));
    }
    case Transform::Kind::kVoid:
      return Literal::Null(source);
    default:
      return Literal(source, v);
  }
}

Literal ApplyBytes(const Transform& t, const TypePtr& source, std::string_view v) {
  switch (t.kind()) {
    case Transform::Kind::kBucket:
      return Literal::Int(BucketOf(Murmur3Hash32(v.data(), v.size()), t.param()));
    case Transform::Kind::kTruncate: {
      // Strings truncate to W code points, binary to W bytes.
      size_t n = source->id() == TypeId::kString ? Utf8PrefixBytes(v, t.param())
                                                 : std::min(v.size(), size_t(t.param()));
      return Literal(source, std::string(v.substr(0, n)));
    }
    case Transform::Kind::kVoid:
      return Literal::Null(source);
    default:
      return Literal(source, std::string(v));
  }
}

}  // namespace internal

arrow::Result<Transform> Transform::Parse(std::string_view text) {
  std::string lower;
  for (char c : text) {
    if (c != ' ') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "identity") return Identity();
  if (lower == "year") return Year();
  if (lower == "month") return Month();
  if (lower == "day") return Day();
  if (lower == "hour") return Hour();
  if (lower == "void") return Void();
  for (auto [prefix, kind] : {std::pair{std::string_view("bucket["), Kind::kBucket},
                              std::pair{std::string_view("truncate["), Kind::kTruncate}}) {
    std::string_view s = lower;
    if (s.substr(0, prefix.size()) != prefix || s.back() != ']') continue;
    std::string_view digits = s.substr(prefix.size(), s.size() - prefix.size() - 1);
    int32_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || n <= 0) {
      return arrow::Status::Invalid("partition transform '", text,
                                    "': parameter must be a positive int");
    }
    return Transform(kind, n);
  }
  return arrow::Status::Invalid("unknown partition transform '", text, "'");
}

std::string Transform::ToString() const {
  switch (kind_) {
    case Kind::kIdentity:
      return "identity";
    case Kind::kBucket:
      return "bucket[" + std::to_string(param_) + "]";
    case Kind::kTruncate:
      return "truncate[" + std::to_string(param_) + "]";
    case Kind::kYear:
      return "year";
    case Kind::kMonth:
      return "month";
    case Kind::kDay:
      return "day";
    case Kind::kHour:
      return "hour";
    case Kind::kVoid:
      return "void";
  }
  return "void";
}

// Spec "Partition Transforms" source-type table.
bool Transform::CanTransform(const Type& source) const {
  const TypeId id = source.id();
  switch (kind_) {
    case Kind::kIdentity:
      return source.is_primitive();
    case Kind::kVoid:
      return true;
    case Kind::kBucket:
      return param_ > 0 && source.is_primitive() && id != TypeId::kBoolean &&
             id != TypeId::kFloat && id != TypeId::kDouble && id != TypeId::kUnknown;
    case Kind::kTruncate:
      return param_ > 0 && (id == TypeId::kInt || id == TypeId::kLong ||
                            id == TypeId::kDecimal || id == TypeId::kString ||
                            id == TypeId::kBinary);
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay:
      return IsTemporal(id);
    case Kind::kHour:
      return id == TypeId::kTimestamp || id == TypeId::kTimestampTz || IsNanosTimestamp(id);
  }
  return false;
}

arrow::Result<TypePtr> Transform::ResultType(const TypePtr& source) const {
  if (source == nullptr || !CanTransform(*source)) {
    return arrow::Status::TypeError("partition transform ", ToString(),
                                    " cannot be applied to type ",
                                    source ? source->ToString() : "(none)");
  }
  switch (kind_) {
    case Kind::kBucket:
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kHour:
      return Type::Int();
    case Kind::kDay:
      return Type::Date();
    default:
      return source;
  }
}

arrow::Result<Literal> Transform::Apply(const Literal& value) const {
  const TypePtr& source = value.type();
  if (source == nullptr) {
    if (value.is_null()) return Literal::Null();
    return arrow::Status::Invalid("partition transform ", ToString(), ": untyped value ",
                                  value.ToString());
  }
  ARROW_ASSIGN_OR_RAISE(TypePtr result_type, ResultType(source));
  if (value.is_null() || kind_ == Kind::kVoid) return Literal::Null(result_type);
  const Literal::Storage& v = value.value();
  auto mismatch = [&] {
    return arrow::Status::Invalid("partition transform ", ToString(), ": value ",
                                  value.ToString(), " does not match its type ",
                                  source->ToString());
  };
  switch (source->id()) {
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (auto* i = std::get_if<int32_t>(&v)) return internal::ApplyIntegral(*this, source, *i);
      if (auto* l = std::get_if<int64_t>(&v)) return internal::ApplyIntegral(*this, source, *l);
      return mismatch();
    case TypeId::kDecimal:
      if (auto* d = std::get_if<__int128>(&v)) return internal::ApplyDecimal(*this, source, *d);
      return mismatch();
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
    case TypeId::kUuid:
      if (auto* s = std::get_if<std::string>(&v)) return internal::ApplyBytes(*this, source, *s);
      return mismatch();
    default:
      // boolean, float, double: only identity gets here (CanTransform), which keeps the value.
      return value;
  }
}

bool Transform::PreservesOrder() const {
  return kind_ != Kind::kBucket && kind_ != Kind::kVoid;
}

std::string Transform::ToHumanString(const Literal& result) const {
  if (result.is_null()) return "null";
  auto as_long = [&]() -> int64_t {
    if (auto* i = std::get_if<int32_t>(&result.value())) return *i;
    if (auto* l = std::get_if<int64_t>(&result.value())) return *l;
    return 0;
  };
  switch (kind_) {
    case Kind::kYear:
      return PaddedYear(1970 + as_long());
    case Kind::kMonth: {
      int64_t months = as_long();
      char buf[16];
      std::snprintf(buf, sizeof(buf), "-%02d", static_cast<int>(FloorMod(months, 12) + 1));
      return PaddedYear(1970 + FloorDiv(months, 12)) + buf;
    }
    case Kind::kDay:
      return FormatDate(as_long());
    case Kind::kHour: {
      int64_t hours = as_long();
      char buf[16];
      std::snprintf(buf, sizeof(buf), "-%02d", static_cast<int>(FloorMod(hours, 24)));
      return FormatDate(FloorDiv(hours, 24)) + buf;
    }
    case Kind::kBucket:
      return std::to_string(as_long());
    default:
      break;
  }
  // identity / truncate / void: the value's own human form; bytes print as base64 like the
  // Java and Python implementations.
  if (result.type() && (result.type()->id() == TypeId::kBinary ||
                        result.type()->id() == TypeId::kFixed)) {
    return Base64(result.AsBytes());
  }
  return result.ToString();
}

}  // namespace floe::iceberg
