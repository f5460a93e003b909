#pragma once

// The value steps of a column mapping: transforms and the conversion to the column type.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "floe/iceberg/type/type.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream::internal {

/// A value on its way through a column's transforms: JSON, or an instant once an epoch or
/// timestamp transform (or a timestamp metadata field) made one.
struct Value {
  nlohmann::json json;
  std::optional<int64_t> instant_us;

  bool is_null() const { return !instant_us && json.is_null(); }
};

/// The value a metadata column takes from the message.
Value MetaValue(MetaField field, const MessageMeta& meta);

/// A column's transforms, the conversion to its type and its required check, in the order
/// MapRecord runs them; the dead letter when one refuses the value.
std::optional<MappingError> MapValue(const ColumnMapping& column, Value* value);

/// Applies one transform; on failure returns the message of the error.
std::optional<std::string> ApplyTransform(const Transform& t, const iceberg::Type& type,
                                          Value* value);

/// Converts `value` to the JSON form ReadJsonRows reads for `type` (null stays null). `cast`
/// also turns numbers and other JSON into text and text into numbers; without it a string
/// column takes only strings. On failure returns the message of the error.
std::optional<std::string> ConvertToType(const iceberg::Type& type, bool cast, Value* value);

/// Parses `text` with strptime `format`, then an optional `.fraction` and zone (Z, ±HH:MM,
/// ±HHMM) if the format has none; no zone means UTC. Returns microseconds since the epoch.
std::optional<int64_t> ParseTimestampFormat(const std::string& text, const std::string& format);

}  // namespace floe::stream::internal
