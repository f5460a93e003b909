#pragma once

// The Iceberg sink: the data table and its dead-letter table through StreamCommitter
// (stream_commit.h), the offsets in the tables' snapshots.

#include <memory>

#include "floe/iceberg/table/table.h"
#include "floe/stream/stream_commit.h"
#include "floe/stream/stream_sink.h"

namespace floe::stream {

class IcebergSink : public StreamSink {
 public:
  IcebergSink(std::shared_ptr<iceberg::Table> data, std::shared_ptr<iceberg::Table> dead_letters,
              std::string stream_id, StreamMode mode)
      : data_(data),
        committer_(std::move(data), std::move(dead_letters), std::move(stream_id), mode) {}

  std::shared_ptr<const iceberg::Schema> schema() const override {
    return data_->metadata().CurrentSchema();
  }
  bool rows_only() const override { return true; }
  // Appends go through DataWriter; an upsert's rows must be in the schema's plain form.
  bool takes_dictionary_strings() const override {
    return committer_.mode() == StreamMode::kAppend;
  }
  arrow::Status Refresh() override { return committer_.Refresh(); }
  const PartitionOffsets& committed() const override { return committer_.committed(); }
  arrow::Result<CommitResult> Commit(StreamBatch batch) override {
    return committer_.Commit(std::move(batch));
  }
  arrow::Result<std::shared_ptr<const iceberg::Schema>> AddColumns(
      const NewColumns& columns) override {
    return AddStreamColumns(data_, columns);
  }

 private:
  std::shared_ptr<iceberg::Table> data_;
  StreamCommitter committer_;
};

}  // namespace floe::stream
