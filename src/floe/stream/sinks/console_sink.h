#pragma once

// The console sink (`--sink console`), for looking at what a mapping makes of a topic: each
// micro-batch is printed as a table of its first rows with its counts, and nothing is kept.
// Progress is only the consumer group's committed offsets (committed after each batch is
// printed), so a crash between the two prints a batch again: at least once, not exactly once.

#include <cstdint>
#include <memory>
#include <ostream>

#include "floe/stream/stream_sink.h"

namespace floe::stream {

class ConsoleSink : public StreamSink {
 public:
  /// Prints to `out` (kept; must outlive the sink) at most `max_rows` rows of each batch.
  ConsoleSink(std::shared_ptr<const iceberg::Schema> schema, std::ostream* out, int64_t max_rows)
      : schema_(std::move(schema)), out_(out), max_rows_(max_rows) {}

  std::shared_ptr<const iceberg::Schema> schema() const override { return schema_; }
  bool resumes_from_group() const override { return true; }
  arrow::Status Attach(KafkaSource* source) override {
    source_ = source;
    return arrow::Status::OK();
  }
  arrow::Status Refresh() override;
  const PartitionOffsets& committed() const override { return committed_; }
  arrow::Result<CommitResult> Commit(StreamBatch batch) override;

 private:
  std::shared_ptr<const iceberg::Schema> schema_;
  std::ostream* out_;
  int64_t max_rows_;
  KafkaSource* source_ = nullptr;
  int64_t batches_ = 0;
  PartitionOffsets committed_;  ///< what was printed since the last assignment
};

}  // namespace floe::stream
