#pragma once

// Commits stream batches into the data table and its dead-letter table, exactly once.
//
// Both tables record, in each snapshot the stream commits, the next offset of every partition
// (stream_offsets.h), and every commit checks — at each attempt, against the table as it is
// then — that the offsets its batch started from are still the latest recorded: a batch read
// by a consumer that lost its partitions (a rebalance, a paused zombie) is refused and
// dropped, so no message is committed twice and none is skipped.
//
// The two tables cannot commit atomically together, so the dead letters commit first and the
// data second, and the data table's offsets are where a consumer resumes. A crash between the
// two leaves the dead-letter table ahead: when the batch is read again, the letters below the
// dead-letter table's own recorded offsets are already there and are not written again. So
// each table holds every message of its kind below its recorded offsets exactly once.

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <memory>
#include <string>

#include "floe/iceberg/metadata/snapshot.h"
#include "floe/iceberg/table/table.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_offsets.h"

namespace floe::stream {

enum class StreamMode { kAppend, kUpsert };

struct CommitResult {
  bool committed = false;  ///< false: refused (another consumer committed these partitions)
  std::string refused_reason;
  int64_t rows = 0;
  int64_t dead_letters = 0;  ///< written now (not counting ones already in the table)
  std::optional<iceberg::Snapshot> snapshot;
};

class StreamCommitter {
 public:
  /// `dead_letters` may be null (--on-error fail: a bad message stops the stream instead).
  StreamCommitter(std::shared_ptr<iceberg::Table> data,
                  std::shared_ptr<iceberg::Table> dead_letters, std::string stream_id,
                  StreamMode mode);

  /// Reloads both tables and the offsets they record.
  arrow::Status Refresh();
  /// The data table's offsets: where each partition resumes.
  const PartitionOffsets& committed() const { return committed_; }
  const std::string& stream_id() const { return stream_id_; }
  StreamMode mode() const { return mode_; }

  /// Commits `batch`, which started from committed() for its partitions.
  arrow::Result<CommitResult> Commit(StreamBatch batch);

 private:
  arrow::Status CommitDeadLetters(const StreamBatch& batch, CommitResult* result);
  arrow::Status CommitData(const StreamBatch& batch, CommitResult* result);

  std::shared_ptr<iceberg::Table> data_;
  std::shared_ptr<iceberg::Table> dead_letters_;
  std::string stream_id_;
  StreamMode mode_;
  PartitionOffsets committed_;
  PartitionOffsets dead_letters_committed_;
};

}  // namespace floe::stream
