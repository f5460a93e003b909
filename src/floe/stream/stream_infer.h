#pragma once

// `floe stream` without --mapping: the mapping is inferred.
//
// - Into an existing table: from its schema. Each top-level column takes the JSON key of its
//   name; a column named like a metadata value (_topic, _partition, _offset, _timestamp, _key,
//   _op, _source_ts_ms, _deleted, and Debezium's flattened __op, __source_ts_ms, __deleted)
//   takes that value; the identifier fields are the key. String columns take objects and
//   lists as their JSON text, as --evolve writes them.
// - Into a new table: from the first batch of messages, before anything is committed. Each
//   record (a Debezium event's row: `after` of an envelope, the flattened row itself) gives its
//   top-level keys, typed from their first non-null value the way --evolve types new keys
//   (stream_evolve.h); keys only ever null wait for --evolve. An envelope stream in append mode
//   also gets __op and __source_ts_ms (a changelog needs the operation). The key is the one
//   given, else the fields of the message key when it is a JSON object (Debezium's) whose
//   fields are all columns. Columns come key first, then by name record by record (in the
//   order records first have them), metadata last.

#include <arrow/result.h>

#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/type/schema.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_commit.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream {

/// The mapping that writes `schema`'s columns from the JSON keys of their names.
arrow::Result<StreamMapping> MappingFromSchema(const iceberg::Schema& schema);

/// The mapping of a new table from `messages` (the first batch), with `key` (none: from the
/// message keys); none when no message holds a JSON object to infer from.
arrow::Result<std::optional<StreamMapping>> InferMapping(const std::vector<KafkaMessage>& messages,
                                                         StreamMode mode,
                                                         const std::vector<std::string>& key);

/// One line for people: `id long not null, name string, __op string (op); key [id]`.
std::string DescribeMapping(const StreamMapping& mapping);

}  // namespace floe::stream
