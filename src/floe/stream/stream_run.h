#pragma once

// `floe stream`: Kafka messages into an Iceberg table, exactly once, with dead letters. The
// data path in order: KafkaSource (kafka_source.h) hands over messages; BatchBuilder
// (stream_batch.h) decodes them (debezium.h), maps them (stream_mapping.h) and converts them
// to rows; a sink (stream_sink.h; the Iceberg one is StreamCommitter, stream_commit.h) commits
// each batch with its offsets.

#include <arrow/result.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/stream/kafka_source.h"
#include "floe/stream/stream_commit.h"
#include "floe/stream/stream_mapping.h"
#include "floe/stream/stream_sink.h"

namespace floe::stream {

struct StreamOptions {
  iceberg::TableIdentifier table;
  KafkaSourceOptions kafka;
  StreamMapping mapping;
  /// No --mapping: the mapping is inferred (stream_infer.h) and `mapping` is not used.
  bool infer_mapping = false;
  /// The key of a table created from an inferred mapping (none: the message keys' fields).
  std::vector<std::string> key;
  StreamMode mode = StreamMode::kAppend;
  /// Names the offsets in the table's snapshots; defaults to the group.
  std::string stream_id;
  /// Read what is there now, commit, and return (instead of running until stopped).
  bool once = false;
  int64_t commit_interval_ms = 10'000;
  int64_t max_records_per_commit = 100'000;
  /// Commit once the batch's message values reach this many bytes (0: no limit).
  int64_t commit_bytes = 0;
  /// False (--on-error fail): a message that cannot be mapped stops the stream, uncommitted.
  bool dead_letters = true;
  /// Unmapped top-level keys become optional columns (stream_evolve.h).
  bool evolve = false;
  /// Partition spec text for a new data table.
  std::string partition_by;
  /// Set (by a signal) to stop: fetching stops, the batch in flight is committed.
  const std::atomic<bool>* stop = nullptr;
  /// Told about each partition assignment and revocation (for progress output); with the
  /// cooperative protocol only the partitions that move.
  std::function<void(const std::set<TopicPartition>&)> on_assign;
  std::function<void(const std::set<TopicPartition>&)> on_revoke;
  /// Told what mapping was inferred, and whether from the table (else from the messages).
  std::function<void(const StreamMapping&, bool from_table)> on_infer;
  /// Told about each commit (for progress output).
  std::function<void(const CommitResult&, const StreamBatch&)> on_commit;
};

struct StreamReport {
  int64_t commits = 0;
  int64_t refused_commits = 0;
  int64_t messages = 0;
  int64_t rows = 0;
  int64_t dead_letters = 0;
  int64_t tombstones = 0;
  /// With `infer_mapping`: what was inferred (none: no record arrived to infer a table from).
  std::optional<StreamMapping> inferred;
  bool inferred_from_table = false;
};

/// Opens (creating if missing, with the namespace) the data table — from the mapping's
/// schema, key and `partition_by` — and, with dead letters, `<T>_dlq`. An existing data table
/// must have every mapped column with its type.
arrow::Result<std::pair<std::shared_ptr<iceberg::Table>, std::shared_ptr<iceberg::Table>>>
OpenStreamTables(catalog::Catalog& catalog, const StreamOptions& options);

/// Runs the stream until `options.stop` is set, or once with `options.once`. With
/// `infer_mapping` and no table yet, the first batch is read before the table is created.
arrow::Result<StreamReport> RunStream(catalog::Catalog& catalog, const StreamOptions& options);

/// Runs the stream into another sink (sinks/: console, parquet, kafka); `options.table`,
/// `mode` and `partition_by` are the Iceberg sink's and not used.
arrow::Result<StreamReport> RunStreamInto(std::unique_ptr<StreamSink> sink,
                                          const StreamOptions& options);

}  // namespace floe::stream
