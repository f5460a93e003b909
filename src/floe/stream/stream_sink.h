#pragma once

// Where a stream's micro-batches go. The run loop (stream_run.h) reads, maps and batches; a
// sink commits each batch together with the offsets it ends at, and says where each partition
// resumes. Sinks: the Iceberg tables (stream_commit.h, the offsets in the snapshots), and in
// sinks/: console (debugging), parquet (files and a manifest log under a path) and kafka (a
// transactional producer to another topic).

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>

#include "floe/iceberg/type/schema.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_commit.h"
#include "floe/stream/stream_evolve.h"
#include "floe/stream/stream_offsets.h"

namespace floe::stream {

class KafkaSource;

class StreamSink {
 public:
  virtual ~StreamSink() = default;

  /// The schema batches are built in.
  virtual std::shared_ptr<const iceberg::Schema> schema() const = 0;
  /// Called once the source is open, before the first poll (a sink that commits offsets
  /// through the consumer keeps it; it outlives the sink's use).
  virtual arrow::Status Attach(KafkaSource* /*source*/) { return arrow::Status::OK(); }
  /// True: the consumer group's committed offsets are where partitions resume (the sink's
  /// committed() is empty after Refresh) and the run loop's write-back of them is what
  /// records progress.
  virtual bool resumes_from_group() const { return false; }
  /// True: the sink reads only the batch's `rows`, so they may be built straight from the
  /// messages (direct_rows.h); false when it needs `row_json` and `row_keys` too.
  virtual bool rows_only() const { return false; }
  /// True: string columns of `rows` may come dictionary-encoded (a sink that writes them
  /// through iceberg::DataWriter, which stores them as their plain type).
  virtual bool takes_dictionary_strings() const { return false; }
  /// Reloads where the stream stands (on start and on every partition assignment).
  virtual arrow::Status Refresh() = 0;
  /// Where each partition resumes; a partition left out resumes at the consumer group's
  /// committed offset (else --starting-offsets).
  virtual const PartitionOffsets& committed() const = 0;
  /// Commits `batch`, which started from committed() for its partitions. Refused (not
  /// committed, no error): another consumer committed these partitions meanwhile; the batch is
  /// dropped and read again from the fresh offsets.
  virtual arrow::Result<CommitResult> Commit(StreamBatch batch) = 0;
  /// --evolve: adds `columns` (those not there yet) as optional columns and returns the
  /// schema rows convert to now. Only a sink that owns a table schema can.
  virtual arrow::Result<std::shared_ptr<const iceberg::Schema>> AddColumns(
      const NewColumns& /*columns*/) {
    return arrow::Status::Invalid("--evolve needs a table sink: this sink has no schema to evolve");
  }
};

}  // namespace floe::stream
