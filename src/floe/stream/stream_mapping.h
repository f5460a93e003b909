#pragma once

// The mapping file of `floe stream`: how one decoded message becomes one table row.
//
//   columns:
//     - {name: id, path: id, type: long, required: true}
//     - {name: booking_value, path: "ncr_ride_bookings.csv/booking+value", type: double,
//        transform: strip_bytes_literal}
//     - {name: created_at_ts, path: created_at, type: timestamptz, transform: epoch_us}
//     - {name: city, path: [address, city], type: string, transform: [trim, upper]}
//     - {name: kafka_offset, meta: _offset}
//     - {name: trace_id, header: trace-id}
//     - {name: headers, meta: _headers}
//   key: [id]
//
// `path` is one JSON key taken literally (dots, slashes, `+` and spaces included) or a list of
// keys into nested objects. `meta` names a value of the message instead: _topic, _partition,
// _offset, _timestamp, _key, _headers, and from Debezium _op, _source_ts_ms, _deleted; a
// column named like one of those (or like Debezium's flattened __op, __source_ts_ms,
// __deleted) with no path takes it. `header` takes the value of one Kafka header of the
// message (a header the message lacks, or one with a null value, is null).
// `meta: _headers` takes all of them as a map<string, string> column (a header with a null
// value maps to null). Of a header repeated in one message the last one counts, in both forms.
// `type` is floe's schema type text (defaulted for metadata; string for a header). `transform`
// is one step or a list, applied in order, then the value is converted to the column type.
// `key` lists the identifier columns (required; what --mode upsert keys on).

#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/type.h"
#include "floe/stream/message_header.h"

namespace floe::stream {

/// One step of a column's transform list.
struct Transform {
  enum class Kind {
    kStripBytesLiteral,  ///< "b'1138.0'" -> "1138.0"
    kEpochUs,            ///< a number of microseconds since the epoch -> an instant
    kEpochMs,
    kEpochS,
    kParseTimestamp,  ///< text in `argument`'s strptime format (+ optional .fraction, zone)
    kCast,            ///< converts to the column type now (text to number, number to text)
    kTrim,
    kLower,
    kUpper,
    kDefault,  ///< a null or missing value becomes `argument`
    kNullIf,   ///< a value whose text is `argument` becomes null
  };
  Kind kind;
  std::string argument;
};

/// Which value of a message a metadata column takes.
enum class MetaField {
  kNone,
  kTopic,
  kPartition,
  kOffset,
  kTimestamp,
  kKey,
  kOp,
  kSourceTsMs,
  kDeleted,
  kHeaders  ///< every Kafka header, as a map
};

struct ColumnMapping {
  std::string name;
  std::vector<std::string> path;  ///< keys from the record's top level; empty for metadata
  MetaField meta = MetaField::kNone;
  std::string header;  ///< the Kafka header a header column takes; empty otherwise
  std::string type_text;
  iceberg::TypePtr type;
  std::vector<Transform> transforms;
  bool required = false;
};

/// A message's values outside its record, for metadata columns.
struct MessageMeta {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<int64_t> timestamp_ms;
  std::optional<std::string> key;
  std::string op;  ///< Debezium's c/u/d/r; empty for plain JSON
  std::optional<int64_t> source_ts_ms;
  bool deleted = false;
  std::vector<MessageHeader> headers;  ///< in the order the message has them
};

/// Why a message became a dead letter (the reasons counted in the snapshot summary).
inline constexpr const char* kReasonInvalidJson = "invalid-json";
inline constexpr const char* kReasonMissingRequired = "missing-required";
inline constexpr const char* kReasonCastFailed = "cast-failed";
inline constexpr const char* kReasonNotARecord = "not-a-record";

/// A message that could not be mapped: the reason kind and the message of the error.
struct MappingError {
  std::string reason;
  std::string message;
};

/// The metadata a column of this name takes when it has no path, with its default type text;
/// none for a name that is not a metadata name.
std::optional<std::pair<MetaField, std::string>> MetaFieldNamed(const std::string& name);

class StreamMapping {
 public:
  /// Parses the mapping file's YAML text; `source` names it in errors.
  static arrow::Result<StreamMapping> Parse(std::string_view yaml, const std::string& source);
  /// A mapping from columns built elsewhere (stream_infer.h), checked as a parsed file is.
  static arrow::Result<StreamMapping> FromColumns(std::vector<ColumnMapping> columns,
                                                  std::vector<std::string> key,
                                                  const std::string& source);

  const std::vector<ColumnMapping>& columns() const { return columns_; }
  const std::vector<std::string>& key() const { return key_; }

  /// The table schema the mapping writes: its columns in order (key columns required, as
  /// identifier fields must be), fresh ids, the key as identifier fields.
  arrow::Result<iceberg::Schema> TableSchema() const;

  /// Maps `record` (the decoded JSON object) and `meta` to one row as a JSON object in the
  /// form ReadJsonRows reads for the table schema, or the reason it cannot be.
  std::optional<MappingError> MapRecord(const nlohmann::json& record, const MessageMeta& meta,
                                        nlohmann::json* row) const;

 private:
  std::vector<ColumnMapping> columns_;
  std::vector<std::string> key_;
};

}  // namespace floe::stream
