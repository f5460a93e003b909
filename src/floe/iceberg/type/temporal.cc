#include "floe/iceberg/type/temporal.h"

#include <cstdio>

namespace floe::iceberg {

// Conversions use the era-based algorithm for the proleptic Gregorian calendar (eras of
// 400 years = 146097 days), valid for the whole int64 day range used here.
CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                 // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                               // [0, 11]
  const int32_t day = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
  const int32_t month = static_cast<int32_t>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

int64_t DaysFromCivil(int64_t year, int32_t month, int32_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t yoe = year - era * 400;
  const int64_t mp = month > 2 ? month - 3 : month + 9;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int32_t YearsFromDays(int64_t days) {
  return static_cast<int32_t>(CivilFromDays(days).year - 1970);
}

int32_t MonthsFromDays(int64_t days) {
  CivilDate d = CivilFromDays(days);
  return static_cast<int32_t>((d.year - 1970) * 12 + (d.month - 1));
}

std::string FormatDate(int64_t days) {
  CivilDate d = CivilFromDays(days);
  char buf[48];
  if (d.year >= 0 && d.year <= 9999) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                  d.day);
  } else {
    // ISO 8601 expanded years carry an explicit sign.
    std::snprintf(buf, sizeof(buf), "%+05lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                  d.day);
  }
  return buf;
}

std::string FormatTime(int64_t micros_of_day) {
  const int64_t micros = FloorMod(micros_of_day, kMicrosPerDay);
  const int64_t secs = micros / kMicrosPerSecond;
  const int64_t frac = micros % kMicrosPerSecond;
  char buf[32];
  if (frac == 0) {
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%06d", static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                  static_cast<int>(frac));
  }
  return buf;
}

std::string FormatTimestamp(int64_t micros, bool utc_offset) {
  std::string out = FormatDate(FloorDiv(micros, kMicrosPerDay));
  out += 'T';
  out += FormatTime(FloorMod(micros, kMicrosPerDay));
  if (utc_offset) out += "+00:00";
  return out;
}

std::string FormatTimestampNanos(int64_t nanos, bool utc_offset) {
  const int64_t micros = FloorDiv(nanos, kNanosPerMicro);
  const int64_t extra = FloorMod(nanos, kNanosPerMicro);
  std::string out = FormatDate(FloorDiv(micros, kMicrosPerDay));
  out += 'T';
  const int64_t of_day = FloorMod(micros, kMicrosPerDay);
  const int64_t secs = of_day / kMicrosPerSecond;
  const int64_t frac = (of_day % kMicrosPerSecond) * kNanosPerMicro + extra;
  char buf[40];
  if (frac == 0) {
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%09lld", static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                  static_cast<long long>(frac));
  }
  out += buf;
  if (utc_offset) out += "+00:00";
  return out;
}

}  // namespace floe::iceberg
