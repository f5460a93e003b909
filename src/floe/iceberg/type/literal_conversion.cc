#include "floe/iceberg/type/literal_conversion.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <arrow/status.h>

#include "floe/iceberg/type/temporal.h"
#include "floe/util/hex.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

using Kind = ConvertedLiteral::Kind;

ConvertedLiteral Value(Literal v) { return {Kind::kValue, std::move(v)}; }
ConvertedLiteral Above() { return {Kind::kAboveMax, Literal()}; }
ConvertedLiteral Below() { return {Kind::kBelowMin, Literal()}; }

constexpr int kMaxDecimalDigits = 38;

__int128 Pow10(int n) {
  __int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

std::string Describe(const Literal& v) {
  std::string type = v.type() ? v.type()->ToString() : "null";
  return type + " " + FormatFilterLiteral(v);
}

arrow::Status CannotConvert(const Literal& v, const TypePtr& target, const std::string& why = "") {
  return arrow::Status::Invalid("cannot convert ", Describe(v), " to ", target->ToString(),
                                why.empty() ? "" : ": ", why);
}

// Parses a fixed number of decimal digits at `pos`, advancing it.
bool Digits(std::string_view s, size_t* pos, size_t count, int64_t* out) {
  if (*pos + count > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += count;
  *out = v;
  return true;
}

// "YYYY-MM-DD" at the start of `s`; sets `pos` past it.
std::optional<int64_t> ParseDatePrefix(std::string_view s, size_t* pos) {
  size_t p = 0;
  bool negative = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    negative = s[p] == '-';
    ++p;
  }
  size_t start = p;
  while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
  size_t ndigits = p - start;
  if (ndigits < 4 || ndigits > 9) return std::nullopt;
  int64_t year = 0;
  size_t q = start;
  if (!Digits(s, &q, ndigits, &year)) return std::nullopt;
  if (negative) year = -year;
  int64_t month = 0, day = 0;
  if (p >= s.size() || s[p] != '-') return std::nullopt;
  ++p;
  if (!Digits(s, &p, 2, &month)) return std::nullopt;
  if (p >= s.size() || s[p] != '-') return std::nullopt;
  ++p;
  if (!Digits(s, &p, 2, &day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<int32_t>(month), static_cast<int32_t>(day));
  // Rejects Feb 29 of non-leap years: the round trip lands on March 1.
  if (CivilFromDays(days).day != day) return std::nullopt;
  *pos = p;
  return days;
}

// "HH:MM[:SS[.fraction]]" at the start of `s`.
std::optional<int64_t> ParseTimePrefix(std::string_view s, size_t* pos) {
  size_t p = 0;
  int64_t h = 0, m = 0, sec = 0, frac = 0;
  if (!Digits(s, &p, 2, &h) || p >= s.size() || s[p] != ':') return std::nullopt;
  ++p;
  if (!Digits(s, &p, 2, &m)) return std::nullopt;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!Digits(s, &p, 2, &sec)) return std::nullopt;
    if (p < s.size() && s[p] == '.') {
      ++p;
      size_t start = p;
      while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
        if (p - start < 6) frac = frac * 10 + (s[p] - '0');
        ++p;
      }
      size_t n = p - start;
      if (n == 0) return std::nullopt;
      for (size_t i = n; i < 6; ++i) frac *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  *pos = p;
  return (h * 3600 + m * 60 + sec) * kMicrosPerSecond + frac;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

template <typename T>
std::string FloatingText(T v) {
  if (std::isnan(v)) return "'NaN'";
  if (std::isinf(v)) return v < 0 ? "'-Infinity'" : "'Infinity'";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string out(buf, res.ptr);
  // An exponent marks the text as floating point (plain "1.5" parses as a decimal).
  if (out.find('e') == std::string::npos) out += "e0";
  return out;
}

std::optional<double> ParseDouble(const std::string& text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return d;
}

// Integral source value → target.
arrow::Result<ConvertedLiteral> FromIntegral(const Literal& src, int64_t v, const TypePtr& to) {
  switch (to->id()) {
    case TypeId::kInt:
      if (v > std::numeric_limits<int32_t>::max()) return Above();
      if (v < std::numeric_limits<int32_t>::min()) return Below();
      return Value(Literal::Int(static_cast<int32_t>(v)));
    case TypeId::kLong:
      return Value(Literal::Long(v));
    case TypeId::kFloat:
      return Value(Literal::Float(static_cast<float>(v)));
    case TypeId::kDouble:
      return Value(Literal::Double(static_cast<double>(v)));
    case TypeId::kDate:
      if (v > std::numeric_limits<int32_t>::max()) return Above();
      if (v < std::numeric_limits<int32_t>::min()) return Below();
      return Value(Literal::Date(static_cast<int32_t>(v)));
    case TypeId::kTime:
      return Value(Literal::Time(v));
    case TypeId::kTimestamp:
      return Value(Literal::Timestamp(v));
    case TypeId::kTimestampTz:
      return Value(Literal::TimestampTz(v));
    case TypeId::kDecimal:
      return ConvertLiteral(Literal::Decimal(v, 19, 0), to);
    default:
      return CannotConvert(src, to);
  }
}

arrow::Result<ConvertedLiteral> FromDecimal(const Literal& src, const TypePtr& to) {
  const __int128 u = src.AsDecimal();
  const int32_t scale = src.type()->scale();
  switch (to->id()) {
    case TypeId::kDecimal: {
      __int128 r = u;
      int32_t target_scale = to->scale();
      if (target_scale >= scale) {
        for (int32_t s = scale; s < target_scale; ++s) {
          // Past 10^37 the result exceeds every precision (<= 38) and 10 * r could overflow.
          if (r >= Pow10(kMaxDecimalDigits - 1)) return Above();
          if (r <= -Pow10(kMaxDecimalDigits - 1)) return Below();
          r *= 10;
        }
      } else {
        __int128 div = Pow10(scale - target_scale);
        if (r % div != 0) return CannotConvert(src, to, "the value has more digits than the scale");
        r /= div;
      }
      // Values beyond the column precision compare above or below every stored value.
      __int128 limit = Pow10(to->precision());
      if (r >= limit) return Above();
      if (r <= -limit) return Below();
      return Value(Literal(to, r));
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      auto d = ParseDouble(DecimalToString(u, scale));
      if (!d) return CannotConvert(src, to);
      return ConvertLiteral(Literal::Double(*d), to);
    }
    case TypeId::kInt:
    case TypeId::kLong: {
      __int128 div = Pow10(std::max(scale, 0));
      if (u % div != 0) return CannotConvert(src, to, "the value has a fraction");
      __int128 whole = u / div;
      if (whole > std::numeric_limits<int64_t>::max()) return Above();
      if (whole < std::numeric_limits<int64_t>::min()) return Below();
      return FromIntegral(src, static_cast<int64_t>(whole), to);
    }
    default:
      return CannotConvert(src, to);
  }
}

arrow::Result<ConvertedLiteral> FromFloating(const Literal& src, double d, const TypePtr& to) {
  switch (to->id()) {
    case TypeId::kFloat:
      if (std::isfinite(d) && d > std::numeric_limits<float>::max()) return Above();
      if (std::isfinite(d) && d < -std::numeric_limits<float>::max()) return Below();
      return Value(Literal::Float(static_cast<float>(d)));
    case TypeId::kDouble:
      return Value(Literal::Double(d));
    case TypeId::kDecimal: {
      if (!std::isfinite(d)) return CannotConvert(src, to);
      // The shortest text that reads back as `d` is the value the user meant.
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
      if (res.ec != std::errc()) return CannotConvert(src, to);
      auto dec = ParseDecimalText(std::string_view(buf, res.ptr - buf));
      if (!dec) return CannotConvert(src, to);
      return FromDecimal(*dec, to);
    }
    default:
      return CannotConvert(src, to);
  }
}

arrow::Result<ConvertedLiteral> FromString(const Literal& src, const TypePtr& to) {
  const std::string& s = src.AsBytes();
  switch (to->id()) {
    case TypeId::kString:
      return Value(Literal::String(s));
    case TypeId::kDate:
      if (auto d = ParseDateText(s)) return Value(Literal::Date(*d));
      return CannotConvert(src, to, "expected YYYY-MM-DD");
    case TypeId::kTime:
      if (auto t = ParseTimeText(s)) return Value(Literal::Time(*t));
      return CannotConvert(src, to, "expected HH:MM:SS[.ffffff]");
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      bool has_offset = false;
      auto ts = ParseTimestampText(s, &has_offset);
      if (!ts) return CannotConvert(src, to, "expected YYYY-MM-DD[THH:MM:SS[.ffffff]][+HH:MM]");
      if (to->id() == TypeId::kTimestamp) {
        // A timestamp without zone has no instant to shift an offset to.
        if (has_offset) return CannotConvert(src, to, "a timestamp without zone takes no offset");
        return Value(Literal::Timestamp(*ts));
      }
      return Value(Literal::TimestampTz(*ts));
    }
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs: {
      bool has_offset = false;
      auto ts = ParseTimestampNanosText(s, &has_offset);
      if (!ts) {
        return CannotConvert(src, to, "expected YYYY-MM-DD[THH:MM:SS[.fffffffff]][+HH:MM]");
      }
      if (to->id() == TypeId::kTimestampNs) {
        if (has_offset) return CannotConvert(src, to, "a timestamp without zone takes no offset");
        return Value(Literal::TimestampNs(*ts));
      }
      return Value(Literal::TimestampTzNs(*ts));
    }
    case TypeId::kUuid: {
      std::string bytes = util::UuidToBytes(s);
      if (bytes.size() != 16) return CannotConvert(src, to, "not a UUID");
      return Value(Literal::Uuid(std::move(bytes)));
    }
    case TypeId::kDecimal: {
      auto dec = ParseDecimalText(s);
      if (!dec) return CannotConvert(src, to, "not a decimal number");
      return FromDecimal(*dec, to);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      auto d = ParseDouble(s);
      if (!d) return CannotConvert(src, to, "not a number");
      return FromFloating(src, *d, to);
    }
    default:
      return CannotConvert(src, to);
  }
}

}  // namespace

arrow::Result<ConvertedLiteral> ConvertLiteral(const Literal& value, const TypePtr& target) {
  if (!target || !target->is_primitive()) {
    return arrow::Status::Invalid("cannot compare ", Describe(value), " with a ",
                                  target ? target->ToString() : "untyped", " column");
  }
  if (value.is_null()) {
    return arrow::Status::Invalid("null is not a valid comparison value (use IS NULL)");
  }
  if (!value.type()) return CannotConvert(value, target);
  const TypeId from = value.type()->id();
  const TypeId to = target->id();
  switch (from) {
    case TypeId::kBoolean:
      if (to == TypeId::kBoolean) return Value(value);
      break;
    case TypeId::kInt:
      return FromIntegral(value, value.AsInt(), target);
    case TypeId::kLong:
      return FromIntegral(value, value.AsLong(), target);
    case TypeId::kFloat:
      return FromFloating(value, value.AsFloat(), target);
    case TypeId::kDouble:
      return FromFloating(value, value.AsDouble(), target);
    case TypeId::kDecimal:
      return FromDecimal(value, target);
    case TypeId::kString:
      return FromString(value, target);
    case TypeId::kDate:
      if (to == TypeId::kDate) return Value(value);
      break;
    case TypeId::kTime:
      if (to == TypeId::kTime) return Value(value);
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (to == TypeId::kTimestamp) return Value(Literal::Timestamp(value.AsLong()));
      if (to == TypeId::kTimestampTz) return Value(Literal::TimestampTz(value.AsLong()));
      // Microseconds to nanoseconds is exact (Java's TimestampLiteral.to does the same).
      if (IsNanosTimestamp(to)) {
        const int64_t micros = value.AsLong();
        if (micros > std::numeric_limits<int64_t>::max() / kNanosPerMicro ||
            micros < std::numeric_limits<int64_t>::min() / kNanosPerMicro) {
          return CannotConvert(value, target, "out of the nanosecond range");
        }
        return Value(Literal(target, micros * kNanosPerMicro));
      }
      break;
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (IsNanosTimestamp(to)) return Value(Literal(target, value.AsLong()));
      break;
    case TypeId::kUuid:
      if (to == TypeId::kUuid) return Value(value);
      break;
    case TypeId::kBinary:
    case TypeId::kFixed:
      if (to == TypeId::kBinary) return Value(Literal::Binary(value.AsBytes()));
      if (to == TypeId::kFixed) {
        if (static_cast<int32_t>(value.AsBytes().size()) != target->length()) {
          return CannotConvert(value, target, "wrong length");
        }
        return Value(Literal(target, value.AsBytes()));
      }
      if (to == TypeId::kUuid && value.AsBytes().size() == 16) {
        return Value(Literal::Uuid(value.AsBytes()));
      }
      break;
    default:
      break;
  }
  return CannotConvert(value, target);
}

std::string FormatFilterLiteral(const Literal& v) {
  if (v.is_null()) return "null";
  const TypeId id = v.type() ? v.type()->id() : TypeId::kBinary;
  switch (id) {
    case TypeId::kBoolean:
      return v.AsBool() ? "true" : "false";
    case TypeId::kInt:
      return std::to_string(v.AsInt());
    case TypeId::kLong:
      return std::to_string(v.AsLong());
    case TypeId::kFloat:
      return FloatingText(v.AsFloat());
    case TypeId::kDouble:
      return FloatingText(v.AsDouble());
    case TypeId::kDecimal:
      return DecimalToString(v.AsDecimal(), v.type()->scale());
    case TypeId::kDate:
      return Quote(FormatDate(v.AsInt()));
    case TypeId::kTime:
      return Quote(FormatTime(v.AsLong()));
    case TypeId::kTimestamp:
      return Quote(FormatTimestamp(v.AsLong(), false));
    case TypeId::kTimestampTz:
      return Quote(FormatTimestamp(v.AsLong(), true));
    case TypeId::kTimestampNs:
      return Quote(FormatTimestampNanos(v.AsLong(), false));
    case TypeId::kTimestampTzNs:
      return Quote(FormatTimestampNanos(v.AsLong(), true));
    case TypeId::kString:
      return Quote(v.AsBytes());
    case TypeId::kUuid:
      return Quote(util::UuidFromBytes(v.AsBytes()));
    default:
      return "X'" + util::ToHex(v.AsBytes(), util::HexCase::kUpper) + "'";
  }
}

std::optional<int32_t> ParseDateText(std::string_view text) {
  size_t pos = 0;
  auto days = ParseDatePrefix(text, &pos);
  if (!days || pos != text.size()) return std::nullopt;
  if (*days > std::numeric_limits<int32_t>::max() || *days < std::numeric_limits<int32_t>::min()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(*days);
}

std::optional<int64_t> ParseTimeText(std::string_view text) {
  size_t pos = 0;
  auto t = ParseTimePrefix(text, &pos);
  if (!t || pos != text.size()) return std::nullopt;
  return t;
}

std::optional<int64_t> ParseTimestampText(std::string_view text, bool* has_offset) {
  *has_offset = false;
  size_t pos = 0;
  auto days = ParseDatePrefix(text, &pos);
  if (!days) return std::nullopt;
  int64_t micros = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    size_t used = 0;
    auto t = ParseTimePrefix(text.substr(pos), &used);
    if (!t) return std::nullopt;
    micros = *t;
    pos += used;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh = 0, om = 0;
      if (!Digits(text, &pos, 2, &oh)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !Digits(text, &pos, 2, &om)) return std::nullopt;
      if (oh > 18 || om > 59) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
    *has_offset = true;
  }
  if (pos != text.size()) return std::nullopt;
  // Guard the multiplication: ±9 digit years stay far inside int64 µs (±292,000 years).
  if (*days > 106'000'000LL || *days < -106'000'000LL) return std::nullopt;
  return *days * kMicrosPerDay + micros - offset_minutes * 60 * kMicrosPerSecond;
}

std::optional<int64_t> ParseTimestampNanosText(std::string_view text, bool* has_offset) {
  // The fraction's digits past microseconds are cut out and added back as nanoseconds.
  std::string micro_text(text);
  int64_t extra_nanos = 0;
  const size_t time_at = micro_text.find_first_of("Tt ");
  const size_t point = time_at == std::string::npos ? time_at : micro_text.find('.', time_at);
  if (point != std::string::npos) {
    size_t end = point + 1;
    while (end < micro_text.size() && std::isdigit(static_cast<unsigned char>(micro_text[end]))) {
      ++end;
    }
    if (end - point - 1 > 9) return std::nullopt;
    if (end - point - 1 > 6) {
      std::string sub = micro_text.substr(point + 7, end - point - 7);
      sub.resize(3, '0');
      extra_nanos = std::stoll(sub);
      micro_text.erase(point + 7, end - point - 7);
    }
  }
  auto micros = ParseTimestampText(micro_text, has_offset);
  if (!micros) return std::nullopt;
  if (*micros > std::numeric_limits<int64_t>::max() / kNanosPerMicro - 1 ||
      *micros < std::numeric_limits<int64_t>::min() / kNanosPerMicro + 1) {
    return std::nullopt;
  }
  return *micros * kNanosPerMicro + extra_nanos;
}

arrow::Result<Literal> ParseValueText(std::string_view text, const TypePtr& type) {
  const std::string s(text);
  auto bad = [&](const char* expected) {
    return arrow::Status::Invalid("'", s, "' is not a ", type->ToString(), " value: expected ",
                                  expected);
  };
  Literal source = Literal::String(s);
  switch (type->id()) {
    case TypeId::kBoolean:
      if (s == "true" || s == "false") return Literal::Boolean(s == "true");
      return bad("true or false");
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size()) return bad("an integer");
      source = Literal::Long(v);
      break;
    }
    case TypeId::kBinary:
    case TypeId::kFixed: {
      auto bytes = util::FromHex(s);
      if (!bytes) return bad("hex bytes");
      source = Literal::Binary(std::move(*bytes));
      break;
    }
    default:
      break;
  }
  ARROW_ASSIGN_OR_RAISE(ConvertedLiteral converted, ConvertLiteral(source, type));
  if (converted.kind != ConvertedLiteral::Kind::kValue) return bad("a value in range");
  return std::move(converted.value);
}

std::optional<Literal> ParseDecimalText(std::string_view text) {
  size_t p = 0;
  bool negative = false;
  if (p < text.size() && (text[p] == '-' || text[p] == '+')) {
    negative = text[p] == '-';
    ++p;
  }
  __int128 unscaled = 0;
  int digits = 0, scale = 0;
  bool seen_point = false, any = false;
  for (; p < text.size(); ++p) {
    char c = text[p];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    any = true;
    if (unscaled != 0 || c != '0') ++digits;  // leading zeros are not significant
    if (digits > kMaxDecimalDigits) return std::nullopt;
    unscaled = unscaled * 10 + (c - '0');
    if (seen_point) ++scale;
  }
  if (!any) return std::nullopt;
  int32_t precision = std::max(std::max(digits, scale), 1);
  return Literal::Decimal(negative ? -unscaled : unscaled, precision, scale);
}

}  // namespace floe::iceberg
