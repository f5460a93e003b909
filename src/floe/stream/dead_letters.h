#pragma once

// The dead-letter table `<T>_dlq`: one row per message the stream could not turn into a row
// (not JSON, a required field missing, a value that does not convert), with the message's
// exact key and value bytes, so nothing read is ever lost and every bad message can be
// replayed once its cause is fixed. Its headers are kept too (`headers`, name to value bytes; of
// a name repeated the last one); a table made before that column existed gets it added.

#include <arrow/result.h>
#include <arrow/table.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/table/table.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/iceberg/type/schema.h"
#include "floe/stream/message_header.h"

namespace floe::stream {

struct DeadLetter {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<int64_t> timestamp_ms;
  std::optional<std::string> key;    ///< raw bytes
  std::optional<std::string> value;  ///< raw bytes; none for a tombstone
  std::vector<MessageHeader> headers;
  std::string reason;                ///< kReason* of stream_mapping.h
  std::string error;
};

/// topic, partition, offset, timestamp, key, value, reason, error, stream_id, failed_at,
/// headers (map<string, binary>).
const std::shared_ptr<const iceberg::Schema>& DeadLetterSchema();

/// Adds `headers` to a dead-letter table made before it existed (a schema change; nothing when
/// the table has it, or another process added it meanwhile).
arrow::Status AddMissingDeadLetterColumns(const std::shared_ptr<iceberg::Table>& table);

/// `NS.T` -> `NS.T_dlq`.
iceberg::TableIdentifier DeadLetterTableId(const iceberg::TableIdentifier& data);

/// The rows of `letters` in the Arrow form of `schema` (the dead-letter table's current one;
/// without a `headers` column, as the parquet sink's older files, no headers).
arrow::Result<std::shared_ptr<arrow::Table>> DeadLetterRows(const std::vector<DeadLetter>& letters,
                                                            const iceberg::Schema& schema,
                                                            const std::string& stream_id,
                                                            int64_t failed_at_ms);

}  // namespace floe::stream
