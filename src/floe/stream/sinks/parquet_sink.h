#pragma once

// The Parquet sink (`--sink parquet --path DIR|s3://bucket/prefix`): each micro-batch becomes a
// Parquet file of its mapped rows under the path (its dead letters one under `_dlq/`), and
// then a manifest commits them:
//
//   <path>/<stream-id>-<sequence>-<id>.parquet
//   <path>/_dlq/<stream-id>-<sequence>-<id>.parquet
//   <path>/_floe_stream/<stream-id>/<sequence, 8 digits>.json
//
// A manifest lists its batch's files (paths relative to the path, rows, bytes) and the next
// offset of every partition the stream has committed. It is written whole (a local rename, one
// S3 PUT) after its files, so the files of the manifests are exactly the committed rows: a
// reader takes the union of the files the manifests list and nothing else. On start the newest
// manifest gives where each partition resumes, and files of the stream that no manifest up to
// the newest lists (left by a crash) are deleted.
//
// Before writing a manifest the sink checks that the newest one still holds the offsets its
// batch started from (else the batch is refused, as the Iceberg sink refuses it). Object
// stores offer no create-if-absent through this layer, so two processes of one stream id that
// commit in the same instant can both pass the check: run one writing process per stream id.

#include <memory>
#include <set>
#include <string>

#include "floe/io/file_io.h"
#include "floe/stream/stream_sink.h"

namespace floe::stream {

struct ParquetSinkOptions {
  std::string path;
  std::string stream_id;
  std::shared_ptr<const iceberg::Schema> schema;  ///< the mapping's
  /// False: dead letters are refused (--on-error fail stops the run before they arrive).
  bool dead_letters = true;
};

class ParquetSink : public StreamSink {
 public:
  /// Reads the manifests under the path and deletes the stream's uncommitted files.
  static arrow::Result<std::unique_ptr<ParquetSink>> Open(std::shared_ptr<io::FileIO> io,
                                                          ParquetSinkOptions options);

  std::shared_ptr<const iceberg::Schema> schema() const override { return options_.schema; }
  bool rows_only() const override { return true; }
  arrow::Status Refresh() override;
  const PartitionOffsets& committed() const override { return committed_; }
  arrow::Result<CommitResult> Commit(StreamBatch batch) override;

 private:
  ParquetSink(std::shared_ptr<io::FileIO> io, ParquetSinkOptions options)
      : io_(std::move(io)), options_(std::move(options)) {}
  std::string ManifestFolder() const;
  /// The newest manifest's sequence number (0: none) and offsets.
  arrow::Result<std::pair<int64_t, PartitionOffsets>> Newest();
  arrow::Status RemoveUncommittedFiles();
  arrow::Result<std::string> WriteFile(const std::string& folder, int64_t sequence,
                                       const arrow::Table& rows);

  std::shared_ptr<io::FileIO> io_;
  ParquetSinkOptions options_;
  int64_t sequence_ = 0;
  PartitionOffsets committed_;
};

}  // namespace floe::stream
