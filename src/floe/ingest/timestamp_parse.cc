#include "floe/ingest/timestamp_parse.h"

#include <algorithm>

#include <arrow/status.h>

#include "floe/iceberg/type/temporal.h"

namespace floe::ingest {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Reads `n` decimal digits at `p` into *value; false if any is not a digit.
bool ReadDigits(const char* p, int n, int32_t* value) {
  int32_t v = 0;
  for (int i = 0; i < n; ++i) {
    if (!IsDigit(p[i])) return false;
    v = v * 10 + (p[i] - '0');
  }
  *value = v;
  return true;
}

bool IsLeapYear(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t DaysInMonth(int32_t year, int32_t month) {
  static constexpr int8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool InRange(int64_t micros) {
  return micros >= kMinTimestampMicros && micros <= kMaxTimestampMicros;
}

}  // namespace

bool ParseTimestampMicros(std::string_view text, int64_t* micros) noexcept {
  // Fixed part: YYYY-MM-DDThh:mm:ss is 19 characters.
  const size_t n = text.size();
  if (n < 19) return false;
  const char* p = text.data();
  int32_t year, month, day, hour, minute, second;
  if (!ReadDigits(p, 4, &year) || p[4] != '-' || !ReadDigits(p + 5, 2, &month) ||
      p[7] != '-' || !ReadDigits(p + 8, 2, &day)) {
    return false;
  }
  if (p[10] != 'T' && p[10] != 't' && p[10] != ' ') return false;
  if (!ReadDigits(p + 11, 2, &hour) || p[13] != ':' || !ReadDigits(p + 14, 2, &minute) ||
      p[16] != ':' || !ReadDigits(p + 17, 2, &second)) {
    return false;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  size_t i = 19;
  int64_t fraction_micros = 0;
  if (i < n && p[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < n && IsDigit(p[i])) {
      // Keep the first six digits; later ones are truncated away.
      if (i - start < 6) fraction_micros = fraction_micros * 10 + (p[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0 || digits > 9) return false;
    for (size_t d = digits; d < 6; ++d) fraction_micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (i < n) {
    const char c = p[i];
    if (c == 'Z' || c == 'z') {
      ++i;
    } else if (c == '+' || c == '-') {
      int32_t oh, om;
      if (n - i == 6 && p[i + 3] == ':') {
        if (!ReadDigits(p + i + 1, 2, &oh) || !ReadDigits(p + i + 4, 2, &om)) return false;
      } else if (n - i == 5) {
        if (!ReadDigits(p + i + 1, 2, &oh) || !ReadDigits(p + i + 3, 2, &om)) return false;
      } else {
        return false;
      }
      if (oh > 23 || om > 59) return false;
      offset_seconds = (c == '+' ? 1 : -1) * (int64_t{oh} * 3600 + int64_t{om} * 60);
      i = n;
    } else {
      return false;
    }
  }
  if (i != n) return false;
  const int64_t days = iceberg::DaysFromCivil(year, month, day);
  const int64_t seconds =
      days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset_seconds;
  const int64_t result = seconds * kMicrosPerSecond + fraction_micros;
  if (!InRange(result)) return false;
  *micros = result;
  return true;
}

bool ParseEpochSecondsMicros(std::string_view text, int64_t* micros) noexcept {
  // Grammar of a JSON number, remembering where the digit runs are.
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
  const bool negative = i < n && p[i] == '-';
  if (negative) ++i;
  const size_t int_begin = i;
  if (i >= n || !IsDigit(p[i])) return false;
  if (p[i] == '0') {
    ++i;
  } else {
    while (i < n && IsDigit(p[i])) ++i;
  }
  const size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < n && p[i] == '.') {
    frac_begin = ++i;
    while (i < n && IsDigit(p[i])) ++i;
    frac_end = i;
    if (frac_end == frac_begin) return false;
  }
  int64_t exponent = 0;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (p[i] == '+' || p[i] == '-')) exp_negative = p[i++] == '-';
    if (i >= n || !IsDigit(p[i])) return false;
    while (i < n && IsDigit(p[i])) {
      // Saturate: beyond a billion the outcome (out of range, or below one microsecond) is
      // already decided by the digit counts, which are bounded by the text length.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (p[i] - '0');
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return false;

  // The significand's digits are the integer digits then the fraction digits; value =
  // D * 10^(exponent - fraction digits), so value in µs = D * 10^shift.
  auto digit_at = [&](size_t k) -> char {  // k-th digit of D's digit string
    const size_t int_len = int_end - int_begin;
    return k < int_len ? p[int_begin + k] : p[frac_begin + (k - int_len)];
  };
  const size_t total = (int_end - int_begin) + (frac_end - frac_begin);
  size_t first = 0;  // skip leading zeros
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) {
    *micros = 0;  // zero, including -0.0 and 0e99
    return true;
  }
  const int64_t significant = static_cast<int64_t>(total - first);
  const int64_t shift = exponent - static_cast<int64_t>(frac_end - frac_begin) + 6;
  // Digits of D that remain in the integer part of the µs value.
  const int64_t kept = significant + shift;
  // |µs| <= 2.6e17 has at most 18 digits.
  if (kept > 18) return false;
  int64_t magnitude = 0;
  bool remainder = false;
  if (kept > 0) {
    const int64_t from_d = std::min<int64_t>(kept, significant);
    for (int64_t k = 0; k < from_d; ++k) magnitude = magnitude * 10 + (digit_at(first + k) - '0');
    for (int64_t k = from_d; k < kept; ++k) magnitude *= 10;
    for (int64_t k = from_d; k < significant && !remainder; ++k) {
      remainder = digit_at(first + k) != '0';
    }
  } else {
    remainder = true;  // D is non-zero and entirely below one microsecond
  }
  const int64_t result = negative ? -magnitude - (remainder ? 1 : 0) : magnitude;
  if (!InRange(result)) return false;
  *micros = result;
  return true;
}

arrow::Result<int64_t> ParseTimestampText(std::string_view text) {
  int64_t micros;
  if (!ParseTimestampMicros(text, &micros)) {
    return arrow::Status::Invalid("not an RFC 3339 date-time in years 0001-9999: '", text, "'");
  }
  return micros;
}

arrow::Result<int64_t> ParseEpochSecondsText(std::string_view text) {
  int64_t micros;
  if (!ParseEpochSecondsMicros(text, &micros)) {
    return arrow::Status::Invalid("not epoch seconds within years 0001-9999: '", text, "'");
  }
  return micros;
}

}  // namespace floe::ingest
