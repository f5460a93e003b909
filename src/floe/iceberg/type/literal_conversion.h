#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// The outcome of converting an expression literal to a column type: the converted value, or
/// a marker that the value lies beyond every value of the type (Java's AboveMax / BelowMin),
/// which makes comparisons constant.
struct ConvertedLiteral {
  enum class Kind { kValue, kAboveMax, kBelowMin };
  Kind kind = Kind::kValue;
  Literal value;
};

/// Converts a literal as written in a filter to `target` (a primitive type), following Java's
/// Literals.to rules plus strings for temporal, uuid, decimal and floating values. Conversions
/// that would lose information (1.25 to decimal(9,1), 2.5 to int) are errors.
arrow::Result<ConvertedLiteral> ConvertLiteral(const Literal& value, const TypePtr& target);

/// A value of primitive `type` from plain text, as a command line gives it: "5", "-1.5",
/// "true", "2024-03-01", "2024-03-01T10:15:30", a UUID, "12.50"; binary and fixed as hex.
/// Errors name the type and what was expected.
arrow::Result<Literal> ParseValueText(std::string_view text, const TypePtr& type);

/// The literal in filter syntax: numbers bare, strings and temporal values quoted with ''
/// escapes ('2024-03-01', 'it''s'), binary as X'0a1b', booleans as true / false. Parsing the
/// text and converting to the literal's type gives the literal back.
std::string FormatFilterLiteral(const Literal& value);

/// "2024-03-01" (years may carry a sign or more digits) → days since epoch.
std::optional<int32_t> ParseDateText(std::string_view text);
/// "10:15", "10:15:30", "10:15:30.123456" → µs since midnight.
std::optional<int64_t> ParseTimeText(std::string_view text);
/// "2024-03-01", "2024-03-01T10:15:30[.ffffff]" (or a space for T), optionally followed by "Z"
/// or an offset ("+01:00", "-0530") → µs since epoch in UTC. `has_offset` reports whether an
/// offset was present. Digits past microseconds are truncated.
std::optional<int64_t> ParseTimestampText(std::string_view text, bool* has_offset);
/// As ParseTimestampText with up to 9 fraction digits → ns since epoch in UTC (format v3
/// timestamp_ns / timestamptz_ns).
std::optional<int64_t> ParseTimestampNanosText(std::string_view text, bool* has_offset);
/// "-12.5" → unscaled -125 with scale 1 (plain decimal notation, at most 38 digits).
std::optional<Literal> ParseDecimalText(std::string_view text);

}  // namespace floe::iceberg
