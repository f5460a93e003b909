#pragma once

// The Kafka sink (`--sink kafka --output-topic T`): each micro-batch's mapped rows go to another
// topic as JSON (keyed by their input message's key), exactly once relative to the input, by
// librdkafka transactions: the batch's records and the consumer group's new offsets for its
// partitions (send_offsets_to_transaction with the consumer's group metadata) commit in one
// transaction, so a read_committed reader of T sees each input message's row once, whatever
// crashes. Here the offsets live in Kafka's group (not in a table or a manifest): a restarted
// or rebalanced consumer resumes at the group's committed offsets.
//
// Dead letters go in the same transaction to the dead-letter topic (default T_dlq): the input
// message's exact key and value bytes and its headers, then headers floe.source
// (topic/partition/offset), floe.reason and floe.error.
//
// The transactional id defaults to `floe-stream-<stream-id>`, so a restarted process fences
// its killed predecessor and aborts its open transaction at once; processes sharing a group
// need each their own (`--kafka-property transactional.id=…`).

#include <map>
#include <memory>
#include <string>

#include "floe/stream/stream_sink.h"

namespace floe::stream {

struct KafkaSinkOptions {
  std::string brokers;
  std::string output_topic;
  std::string dead_letter_topic;  ///< empty: `<output_topic>_dlq`
  std::string stream_id;
  std::shared_ptr<const iceberg::Schema> schema;  ///< the mapping's
  /// librdkafka properties for the producer (the stream's --kafka-property ones).
  std::map<std::string, std::string> properties;
  int transaction_timeout_ms = 60'000;
};

class KafkaSink : public StreamSink {
 public:
  /// Creates the transactional producer and initialises its transactions.
  static arrow::Result<std::unique_ptr<KafkaSink>> Open(KafkaSinkOptions options);
  ~KafkaSink() override;

  std::shared_ptr<const iceberg::Schema> schema() const override { return options_.schema; }
  bool resumes_from_group() const override { return true; }
  arrow::Status Attach(KafkaSource* source) override;
  arrow::Status Refresh() override { return arrow::Status::OK(); }
  /// Always empty: the group's committed offsets (committed in the transactions) are the truth.
  const PartitionOffsets& committed() const override { return none_; }
  arrow::Result<CommitResult> Commit(StreamBatch batch) override;

  class Impl;

 private:
  explicit KafkaSink(KafkaSinkOptions options);
  KafkaSinkOptions options_;
  std::unique_ptr<Impl> impl_;
  PartitionOffsets none_;
};

}  // namespace floe::stream
