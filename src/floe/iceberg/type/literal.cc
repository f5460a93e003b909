#include "floe/iceberg/type/literal.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "floe/iceberg/type/temporal.h"
#include "floe/util/hex.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

template <typename T>
int Sign(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Floating-point order: IEEE 754 totalOrder with NaN payloads collapsed, i.e.
// -NaN < -inf < … < -0.0 < 0.0 < … < inf < NaN. This agrees with Java's Float.compare /
// Double.compare (used by Iceberg's Comparators) for every value except NaNs with the sign bit
// set, which Java treats like any NaN (above +inf); keeping the sign makes the order total
// and consistent with the bit patterns Parquet writers produce.
template <typename T>
int CompareFloating(T a, T b) {
  auto rank = [](T v) -> int {  // -2: -NaN, 2: +NaN, 0: ordinary
    if (!std::isnan(v)) return 0;
    return std::signbit(v) ? -2 : 2;
  };
  int ra = rank(a), rb = rank(b);
  if (ra != 0 || rb != 0) return Sign(ra, rb);
  if (a == b) {
    // Distinguish -0.0 < 0.0.
    return Sign(static_cast<int>(!std::signbit(a)), static_cast<int>(!std::signbit(b)));
  }
  return a < b ? -1 : 1;
}

int CompareBytes(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // memcmp compares unsigned bytes
  if (c != 0) return c < 0 ? -1 : 1;
  return Sign(a.size(), b.size());
}

// Brings two unscaled decimals to a common scale when their types disagree; saturates
// rather than overflowing (such a value exceeds any decimal(38) anyway).
__int128 Rescale(__int128 unscaled, int32_t from_scale, int32_t to_scale) {
  constexpr __int128 kMax = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);
  for (int32_t s = from_scale; s < to_scale; ++s) {
    if (unscaled > kMax / 10) return kMax;
    if (unscaled < -(kMax / 10)) return -kMax;
    unscaled *= 10;
  }
  return unscaled;
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  // Work on the unsigned magnitude so the minimum value does not overflow.
  unsigned __int128 mag = negative ? -static_cast<unsigned __int128>(v)
                                   : static_cast<unsigned __int128>(v);
  std::string digits;
  while (mag != 0) {
    digits += static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  }
  if (negative) digits += '-';
  return std::string(digits.rbegin(), digits.rend());
}

template <typename T>
std::string FloatingToString(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round-trip form
  std::string out(buf, res.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

}  // namespace

std::string DecimalToString(__int128 unscaled, int32_t scale) {
  if (scale <= 0) {
    std::string out = Int128ToString(unscaled);
    if (unscaled != 0) out.append(static_cast<size_t>(-scale), '0');
    return out;
  }
  bool negative = unscaled < 0;
  std::string digits = Int128ToString(unscaled);
  if (negative) digits.erase(0, 1);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  return negative ? "-" + digits : digits;
}

int Literal::Compare(const Literal& other) const {
  const Storage& a = value_;
  const Storage& b = other.value_;
  // Nulls first, so the order stays total even when callers mix in nulls.
  if (is_null() || other.is_null()) {
    return Sign(static_cast<int>(!is_null()), static_cast<int>(!other.is_null()));
  }
  // int and long storage compare numerically (int → long promotion, mixed expressions).
  auto as_integral = [](const Storage& s, int64_t* out) {
    if (auto* i = std::get_if<int32_t>(&s)) {
      *out = *i;
      return true;
    }
    if (auto* l = std::get_if<int64_t>(&s)) {
      *out = *l;
      return true;
    }
    return false;
  };
  int64_t ia = 0, ib = 0;
  if (as_integral(a, &ia) && as_integral(b, &ib)) return Sign(ia, ib);
  if (std::holds_alternative<float>(a) && std::holds_alternative<double>(b)) {
    return CompareFloating<double>(std::get<float>(a), std::get<double>(b));
  }
  if (std::holds_alternative<double>(a) && std::holds_alternative<float>(b)) {
    return CompareFloating<double>(std::get<double>(a), std::get<float>(b));
  }
  if (a.index() != b.index()) return Sign(a.index(), b.index());
  switch (a.index()) {
    case 1:
      return Sign(std::get<bool>(a), std::get<bool>(b));
    case 4:
      return CompareFloating(std::get<float>(a), std::get<float>(b));
    case 5:
      return CompareFloating(std::get<double>(a), std::get<double>(b));
    case 6:
      return CompareBytes(std::get<std::string>(a), std::get<std::string>(b));
    case 7: {
      __int128 x = std::get<__int128>(a), y = std::get<__int128>(b);
      // Same scale is the normal case; rescale when both types say otherwise.
      if (type_ && other.type_ && type_->id() == TypeId::kDecimal &&
          other.type_->id() == TypeId::kDecimal && type_->scale() != other.type_->scale()) {
        int32_t s = std::max(type_->scale(), other.type_->scale());
        x = Rescale(x, type_->scale(), s);
        y = Rescale(y, other.type_->scale(), s);
      }
      return Sign(x, y);
    }
    default:
      return 0;
  }
}

bool Literal::operator==(const Literal& other) const {
  if ((type_ == nullptr) != (other.type_ == nullptr)) return false;
  if (type_ && type_.get() != other.type_.get() && !type_->Equals(*other.type_)) return false;
  if (value_.index() != other.value_.index()) return false;
  return Compare(other) == 0;
}

std::string Literal::ToString() const {
  if (is_null()) return "null";
  const TypeId id = type_ ? type_->id() : TypeId::kBinary;
  switch (value_.index()) {
    case 1:
      return AsBool() ? "true" : "false";
    case 2:
      if (id == TypeId::kDate) return FormatDate(AsInt());
      return std::to_string(AsInt());
    case 3:
      switch (id) {
        case TypeId::kTime:
          return FormatTime(AsLong());
        case TypeId::kTimestamp:
          return FormatTimestamp(AsLong(), false);
        case TypeId::kTimestampTz:
          return FormatTimestamp(AsLong(), true);
        case TypeId::kTimestampNs:
          return FormatTimestampNanos(AsLong(), false);
        case TypeId::kTimestampTzNs:
          return FormatTimestampNanos(AsLong(), true);
        case TypeId::kDate:
          return FormatDate(AsLong());
        default:
          return std::to_string(AsLong());
      }
    case 4:
      return FloatingToString(AsFloat());
    case 5:
      return FloatingToString(AsDouble());
    case 6:
      if (!type_ || id == TypeId::kString) return AsBytes();
      if (id == TypeId::kUuid && AsBytes().size() == 16) return util::UuidFromBytes(AsBytes());
      return util::ToHex(AsBytes());
    case 7:
      return DecimalToString(AsDecimal(), type_ ? type_->scale() : 0);
    default:
      return "null";
  }
}

}  // namespace floe::iceberg
