#pragma once

// Debezium change events in both forms Kafka carries them:
//
// - the full envelope, `{"schema": …, "payload": {"before", "after", "op", "source", "ts_ms"}}`
//   or the payload alone (JSON converter with schemas disabled): the row is `after`, or
//   `before` for a delete (op "d");
// - the flattened form (ExtractNewRecordState): the row itself, with the op, delete flag and
//   source time in `__op`, `__deleted` and `__source_ts_ms` when the connector adds them.
//
// A message with no value is a tombstone (what Debezium sends after a delete so compaction can
// drop the key). Plain JSON objects are records with no op.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace floe::stream {

struct ChangeEvent {
  enum class Kind { kRecord, kTombstone };
  Kind kind = Kind::kRecord;
  /// The row: `after` (or `before` for a delete) of an envelope, the object itself otherwise.
  nlohmann::json record;
  /// "c" create, "u" update, "d" delete, "r" snapshot read; empty when the message has none.
  std::string op;
  bool deleted = false;  ///< op "d", or `__deleted` true in the flattened form
  std::optional<int64_t> source_ts_ms;
};

/// Decodes one message value (null for none); the error message when it is not valid JSON or
/// an envelope that carries no row.
std::optional<std::string> DecodeChangeEvent(const std::optional<std::string_view>& value,
                                             ChangeEvent* event);

}  // namespace floe::stream
