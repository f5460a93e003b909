#pragma once

#include <cstdint>
#include <string_view>

#include <arrow/result.h>

namespace floe::ingest {

/// The instants a log timestamp may name, inclusive: 0001-01-01T00:00:00Z through
/// 9999-12-31T23:59:59.999999Z, in microseconds since the Unix epoch. Both text forms are held
/// to the same range so every stored value has a four-digit-year ISO form readers can print.
inline constexpr int64_t kMinTimestampMicros = -62'135'596'800'000'000;
inline constexpr int64_t kMaxTimestampMicros = 253'402'300'799'999'999;

/// Parses an RFC 3339 / ISO 8601 date-time into microseconds since the epoch, UTC:
///
///   YYYY-MM-DD(T|t| )hh:mm:ss[.f{1,9}][Z|z|+hh:mm|-hh:mm|+hhmm|-hhmm]
///
/// No zone means UTC. Digits past the sixth of the fraction are dropped (truncation; the
/// fraction is never negative so this is the floor). The date must exist in the proleptic
/// Gregorian calendar (year 0001-9999), hour 00-23, minute and second 00-59: a leap second
/// (:60) is rejected, as are 24:00:00, offsets beyond 23:59, a fraction of more than 9 digits,
/// a comma separator and any surrounding whitespace. The instant after applying the offset
/// must lie within [kMinTimestampMicros, kMaxTimestampMicros]. Returns false on any mismatch,
/// without allocating.
bool ParseTimestampMicros(std::string_view text, int64_t* micros) noexcept;

/// Parses epoch seconds written as a JSON number (-?int[.frac][(e|E)[+-]exp]) exactly from its
/// decimal text, with no binary floating point: 1751997163.118 → 1751997163118000,
/// 1.7e9 → 1700000000000000. The result is the floor of the value in microseconds (so
/// -0.0000001 → -1), and must lie within [kMinTimestampMicros, kMaxTimestampMicros]. Any
/// number of digits and any exponent are handled. Returns false on any mismatch, without
/// allocating.
bool ParseEpochSecondsMicros(std::string_view text, int64_t* micros) noexcept;

/// ParseTimestampMicros with an Invalid status naming the text on failure.
arrow::Result<int64_t> ParseTimestampText(std::string_view text);
/// ParseEpochSecondsMicros with an Invalid status naming the text on failure.
arrow::Result<int64_t> ParseEpochSecondsText(std::string_view text);

}  // namespace floe::ingest
