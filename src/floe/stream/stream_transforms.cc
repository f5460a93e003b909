#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>

#include "floe/iceberg/type/temporal.h"
#include "floe/stream/stream_transforms_internal.h"

namespace floe::stream::internal {
namespace {

using iceberg::TypeId;

// The instants every reader can print with a four-digit year: 0001-01-01 through 9999-12-31.
constexpr int64_t kMinMicros = -62'135'596'800'000'000;
constexpr int64_t kMaxMicros = 253'402'300'799'999'999;

std::string Text(const nlohmann::json& j) {
  return j.is_string() ? j.get<std::string>() : j.dump();
}

bool ParseInt64(std::string_view text, int64_t* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// A JSON number or numeric text as an exact integer when it is one, else a double.
bool NumberOf(const nlohmann::json& j, bool* integral, int64_t* i, double* d) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return false;
    }
    *integral = true;
    *i = j.get<int64_t>();
    return true;
  }
  if (j.is_number_float()) {
    *integral = false;
    *d = j.get<double>();
    return true;
  }
  if (!j.is_string()) return false;
  const std::string text = j.get<std::string>();
  if (ParseInt64(text, i)) {
    *integral = true;
    return true;
  }
  *integral = false;
  return ParseDouble(text, d);
}

std::optional<std::string> EpochToInstant(const Value& in, int64_t micros_per_unit, Value* value) {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  if (!NumberOf(in.json, &integral, &i, &d)) {
    return "expected a number of epoch units, got " + in.json.dump();
  }
  int64_t micros = 0;
  if (integral) {
    if (__builtin_mul_overflow(i, micros_per_unit, &micros)) {
      return "epoch value " + in.json.dump() + " is out of range";
    }
  } else {
    double scaled = std::floor(d * static_cast<double>(micros_per_unit));
    if (!std::isfinite(scaled) || scaled < static_cast<double>(kMinMicros) ||
        scaled > static_cast<double>(kMaxMicros)) {
      return "epoch value " + in.json.dump() + " is out of range";
    }
    micros = static_cast<int64_t>(scaled);
  }
  if (micros < kMinMicros || micros > kMaxMicros) {
    return "epoch value " + in.json.dump() + " is outside years 0001-9999";
  }
  value->json = nullptr;
  value->instant_us = micros;
  return std::nullopt;
}

// "b'1138.0'" or b"…" as Python prints bytes: the text between the quotes.
std::string StripBytesLiteral(const std::string& s) {
  if (s.size() >= 3 && s[0] == 'b' && (s[1] == '\'' || s[1] == '"') && s.back() == s[1]) {
    return s.substr(2, s.size() - 3);
  }
  return s;
}

std::optional<std::string> ToInteger(const Value& v, int64_t lo, int64_t hi, const char* type,
                                     nlohmann::json* out) {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  if (v.instant_us) {
    i = *v.instant_us;
    integral = true;
  } else if (v.json.is_boolean() || !NumberOf(v.json, &integral, &i, &d)) {
    return std::string("expected ") + type + ", got " + v.json.dump();
  }
  if (!integral) {
    if (!std::isfinite(d) || d != std::trunc(d) || d < -9.2e18 || d > 9.2e18) {
      return std::string("expected ") + type + ", got " + v.json.dump();
    }
    i = static_cast<int64_t>(d);
  }
  if (i < lo || i > hi) return v.json.dump() + " is out of range for " + type;
  *out = i;
  return std::nullopt;
}

std::optional<std::string> ToFloating(const Value& v, nlohmann::json* out) {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  if (v.json.is_string()) {
    const std::string text = v.json.get<std::string>();
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
      *out = text;
      return std::nullopt;
    }
  }
  if (v.json.is_boolean() || !NumberOf(v.json, &integral, &i, &d)) {
    return "expected a number, got " + v.json.dump();
  }
  if (integral) d = static_cast<double>(i);
  if (std::isnan(d)) {
    *out = "NaN";
  } else if (std::isinf(d)) {
    *out = d > 0 ? "Infinity" : "-Infinity";
  } else {
    *out = d;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseTimestampFormat(const std::string& text, const std::string& format) {
  std::tm tm{};
  const char* rest = ::strptime(text.c_str(), format.c_str(), &tm);
  if (rest == nullptr) return std::nullopt;
  int64_t fraction_us = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(*rest))) {
      if (digits < 6) fraction_us = fraction_us * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 6; ++d) fraction_us *= 10;
  }
  int64_t offset_s = tm.tm_gmtoff;  // set by %z
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int sign = *rest == '-' ? -1 : 1;
    ++rest;
    int hh = 0, mm = 0;
    if (!std::isdigit(static_cast<unsigned char>(rest[0])) ||
        !std::isdigit(static_cast<unsigned char>(rest[1]))) {
      return std::nullopt;
    }
    hh = (rest[0] - '0') * 10 + (rest[1] - '0');
    rest += 2;
    if (*rest == ':') ++rest;
    if (std::isdigit(static_cast<unsigned char>(rest[0])) &&
        std::isdigit(static_cast<unsigned char>(rest[1]))) {
      mm = (rest[0] - '0') * 10 + (rest[1] - '0');
      rest += 2;
    }
    if (hh > 23 || mm > 59) return std::nullopt;
    offset_s = sign * (hh * 3600 + mm * 60);
  }
  if (*rest != '\0') return std::nullopt;
  int64_t days = iceberg::DaysFromCivil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  int64_t seconds = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - offset_s;
  int64_t micros = seconds * 1'000'000 + fraction_us;
  if (micros < kMinMicros || micros > kMaxMicros) return std::nullopt;
  return micros;
}

std::optional<std::string> ApplyTransform(const Transform& t, const iceberg::Type& type,
                                          Value* value) {
  using K = Transform::Kind;
  switch (t.kind) {
    case K::kDefault:
      if (value->is_null()) value->json = t.argument;
      return std::nullopt;
    case K::kNullIf:
      if (!value->is_null() && !value->instant_us && Text(value->json) == t.argument) {
        value->json = nullptr;
      }
      return std::nullopt;
    default:
      break;
  }
  if (value->is_null()) return std::nullopt;  // the other steps leave a null alone
  switch (t.kind) {
    case K::kStripBytesLiteral:
      if (value->json.is_string()) value->json = StripBytesLiteral(value->json.get<std::string>());
      return std::nullopt;
    case K::kTrim:
    case K::kLower:
    case K::kUpper: {
      if (!value->json.is_string()) return std::nullopt;
      std::string s = value->json.get<std::string>();
      if (t.kind == K::kTrim) {
        auto space = [](unsigned char c) { return std::isspace(c) != 0; };
        auto b = std::find_if_not(s.begin(), s.end(), space);
        auto e = std::find_if_not(s.rbegin(), s.rend(), space).base();
        s = b < e ? std::string(b, e) : std::string();
      } else {
        for (auto& c : s) {
          c = static_cast<char>(t.kind == K::kLower ? std::tolower(static_cast<unsigned char>(c))
                                                    : std::toupper(static_cast<unsigned char>(c)));
        }
      }
      value->json = std::move(s);
      return std::nullopt;
    }
    case K::kEpochUs:
      return EpochToInstant(*value, 1, value);
    case K::kEpochMs:
      return EpochToInstant(*value, 1000, value);
    case K::kEpochS:
      return EpochToInstant(*value, 1'000'000, value);
    case K::kParseTimestamp: {
      if (!value->json.is_string())
        return "parse_timestamp: expected text, got " + value->json.dump();
      auto micros = ParseTimestampFormat(value->json.get<std::string>(), t.argument);
      if (!micros) {
        return "parse_timestamp: " + value->json.dump() + " does not match '" + t.argument + "'";
      }
      value->json = nullptr;
      value->instant_us = *micros;
      return std::nullopt;
    }
    case K::kCast:
      return ConvertToType(type, /*cast=*/true, value);
    default:
      return std::nullopt;
  }
}

std::optional<std::string> ConvertToType(const iceberg::Type& type, bool cast, Value* value) {
  if (value->is_null()) return std::nullopt;
  nlohmann::json out;
  std::optional<std::string> error;
  switch (type.id()) {
    case TypeId::kBoolean:
      if (value->json.is_boolean()) return std::nullopt;
      if (value->json.is_string()) {
        std::string s = value->json.get<std::string>();
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true" || s == "false") {
          value->json = s == "true";
          return std::nullopt;
        }
      }
      if (cast && value->json.is_number_integer() &&
          (value->json.get<int64_t>() == 0 || value->json.get<int64_t>() == 1)) {
        value->json = value->json.get<int64_t>() == 1;
        return std::nullopt;
      }
      return "expected boolean, got " + value->json.dump();
    case TypeId::kInt:
      error = ToInteger(*value, std::numeric_limits<int32_t>::min(),
                        std::numeric_limits<int32_t>::max(), "int", &out);
      break;
    case TypeId::kLong:
      error = ToInteger(*value, std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::max(), "long", &out);
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      error = ToFloating(*value, &out);
      break;
    case TypeId::kDate:
      if (value->instant_us) {
        out = iceberg::FormatDate(iceberg::FloorDiv(*value->instant_us, 86'400'000'000));
      } else if (value->json.is_string()) {
        return std::nullopt;
      } else {
        error = "expected a date, got " + value->json.dump();
      }
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (value->instant_us) {
        out = iceberg::FormatTimestamp(*value->instant_us, type.id() == TypeId::kTimestampTz);
      } else if (value->json.is_string()) {
        return std::nullopt;  // ISO text: ReadJsonRows checks it
      } else {
        error = "expected a timestamp, got " + value->json.dump() +
                " (numbers need an epoch_us, epoch_ms or epoch_s transform)";
      }
      break;
    case TypeId::kString:
      if (value->instant_us) {
        out = iceberg::FormatTimestamp(*value->instant_us, true);
      } else if (value->json.is_string()) {
        return std::nullopt;
      } else if (cast) {
        out = value->json.dump();
      } else {
        error = "expected a string, got " + value->json.dump() + " (add transform: cast)";
      }
      break;
    default:
      return std::nullopt;  // decimal, uuid, binary, nested: ReadJsonRows reads their JSON
  }
  if (error) return error;
  value->json = std::move(out);
  value->instant_us.reset();
  return std::nullopt;
}

}  // namespace floe::stream::internal
