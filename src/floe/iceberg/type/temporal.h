#pragma once

#include <cstdint>
#include <string>

namespace floe::iceberg {

/// Calendar helpers for Iceberg's temporal values (proleptic Gregorian calendar, UTC).
/// Values before 1970 are negative; all divisions floor, so 1969-12-31T23:59:59 is day -1.

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerHour = 3600 * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int64_t kNanosPerMicro = 1000;

/// Floor division (rounds toward negative infinity); b > 0.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
/// The non-negative remainder matching FloorDiv; b > 0.
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

struct CivilDate {
  int64_t year;
  int32_t month;  ///< 1..12
  int32_t day;    ///< 1..31
};

/// Days since 1970-01-01 → calendar date.
CivilDate CivilFromDays(int64_t days);
/// Calendar date → days since 1970-01-01 (month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t year, int32_t month, int32_t day);

/// Years since 1970 of a date (the `year` partition transform).
int32_t YearsFromDays(int64_t days);
/// Months since 1970-01 of a date (the `month` partition transform).
int32_t MonthsFromDays(int64_t days);

/// "2024-03-01"; years outside 0..9999 print with a sign or more digits.
std::string FormatDate(int64_t days);
/// "10:15:30" or "10:15:30.123456" (the fraction only when non-zero, always 6 digits).
std::string FormatTime(int64_t micros_of_day);
/// "2024-03-01T10:15:30.123456" (fraction as for FormatTime); with `utc_offset`, "+00:00"
/// is appended.
std::string FormatTimestamp(int64_t micros, bool utc_offset);
/// As FormatTimestamp for nanoseconds since epoch; the fraction, when non-zero, has 9 digits.
std::string FormatTimestampNanos(int64_t nanos, bool utc_offset);

}  // namespace floe::iceberg
