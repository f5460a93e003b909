#pragma once

// A deterministic generator of Debezium change events for a rides table, as Kafka carries them
// from a Postgres connector, for demos and tests of `floe stream` (`floe gen --kafka`).
//
// Each event changes one row of `rides`:
//   id long (the Kafka key too, as text, so the changes of one ride collide in upsert mode),
//   booking_value and ride_distance as the Python byte literals of the sample ("b'1138.0'"),
//   status text, created_at and updated_at in epoch microseconds.
// A ride not yet seen is created (op "c", or "r" as a snapshot read would); a live one is
// updated ("u") or deleted ("d"), optionally followed by Debezium's tombstone (no value) for
// its key. Two forms:
//   - flat: ExtractNewRecordState's row with `__op`, `__deleted` ("true"/"false") and
//     `__source_ts_ms` (a delete carries the row before it);
//   - envelope: {"schema": null, "payload": {"before", "after", "op", "source", "ts_ms"}}.
// At `bad_rate`, a change event is replaced by a bad message, the kinds dealt in turn so every
// kind appears: not JSON (the event cut short), the required `id` missing, a booking_value
// that is no number ("b'n/a'"). A bad message changes no row. The same seed gives the same
// messages, byte for byte.

#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace floe::testing {

enum class ChangeEventFormat { kDebeziumFlat, kDebeziumEnvelope };

/// "debezium-flat" or "debezium-envelope".
arrow::Result<ChangeEventFormat> ParseChangeEventFormat(const std::string& text);

struct ChangeEventOptions {
  ChangeEventFormat format = ChangeEventFormat::kDebeziumFlat;
  int64_t keys = 100;       ///< ride ids 1..keys
  double bad_rate = 0.0;    ///< chance that a message is a bad one
  bool tombstones = false;  ///< a tombstone after each delete
  uint64_t seed = 1;
};

/// The bad kinds, named by the dead-letter reason `floe stream` gives each (stream_mapping.h),
/// with a mapping that reads `id` as a required long and booking_value as a double.
inline constexpr const char* kBadNotJson = "invalid-json";
inline constexpr const char* kBadMissingId = "missing-required";
inline constexpr const char* kBadUncastable = "cast-failed";

/// One Kafka message: its key and value (none: a tombstone).
struct ChangeMessage {
  std::string key;
  std::optional<std::string> value;
  std::string op;        ///< c, u, d, r; empty for a tombstone
  std::string bad_kind;  ///< kBad*; empty for a good message
};

/// What the messages so far hold.
struct ChangeEventSummary {
  int64_t messages = 0;
  int64_t tombstones = 0;
  int64_t bad_messages = 0;
  std::map<std::string, int64_t> bad_by_kind;
  std::map<std::string, int64_t> ops;  ///< good change events by op
  int64_t bytes = 0;                   ///< key and value bytes
  int64_t live_keys = 0;  ///< rides not deleted at the end: the rows an upsert table holds
};

class ChangeEventGenerator {
 public:
  static arrow::Result<std::unique_ptr<ChangeEventGenerator>> Make(ChangeEventOptions options);
  ~ChangeEventGenerator();

  /// The next message.
  ChangeMessage Next();
  const ChangeEventSummary& summary() const { return summary_; }

  class Impl;

 private:
  explicit ChangeEventGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  ChangeEventSummary summary_;
};

}  // namespace floe::testing
