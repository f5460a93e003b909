#pragma once

// The fast path from Kafka messages to table rows: one pass of the JSON scanner over each
// message value (util/json_scan.h), the mapped values converted straight into column buffers,
// Arrow arrays built once per batch. The general path (decode the whole message with
// nlohmann, map it to a JSON row, write that out and read it back with ReadJsonRows) stays for
// what this one does not cover; both give the same rows and the same dead-letter reasons
// (tests/unit/stream/direct_rows_test.cc runs them side by side).
//
// Covered: columns that take one top-level key of the record, or a metadata value (not Kafka
// headers), into a boolean, int, long, double, string, timestamp or timestamptz column (any
// transforms), of a table whose other columns are optional and have no write default. Values
// that take unusual turns (escaped numbers, a float where a long is due, ISO text for a
// timestamp, …) go through the general path's transform and conversion steps for that one
// value.

#include <arrow/result.h>
#include <arrow/table.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/type/schema.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream {

struct KafkaMessageView;

class DirectRows {
 public:
  /// The fast path for `mapping` into `schema`, or null when they need the general one.
  /// `dictionary_strings`: string columns whose values repeat come dictionary-encoded
  /// (dictionary<int32, utf8>), for a sink that writes them as their plain type.
  static std::unique_ptr<DirectRows> Make(const StreamMapping& mapping,
                                          const iceberg::Schema& schema,
                                          bool dictionary_strings = false);
  ~DirectRows();

  /// What became of one message.
  struct Outcome {
    enum class Kind { kRow, kTombstone, kDeadLetter };
    Kind kind = Kind::kRow;
    bool deleted = false;  ///< a row: a Debezium delete
    std::string reason;    ///< a dead letter: kReason* and the error
    std::string error;
  };
  /// Decodes and maps one message; a row is appended to the columns.
  Outcome Add(const KafkaMessageView& message);

  int64_t rows() const;
  /// The rows appended since the last Finish whose `keep` entry is true (all when empty), in
  /// the schema's Arrow form (string columns maybe dictionary-encoded, see Make); the columns
  /// start empty again.
  arrow::Result<std::shared_ptr<arrow::Table>> Finish(const std::vector<bool>& keep);

  class Impl;

 private:
  explicit DirectRows(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::stream
