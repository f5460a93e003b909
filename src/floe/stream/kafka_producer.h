#pragma once

// A plain Kafka producer through librdkafka (idempotent, acks=all, not transactional), for
// writing messages into a topic from outside a stream: `floe gen --kafka`. Delivery is
// asynchronous; Flush waits for every acknowledgement and says how many messages failed.

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace floe::stream {

struct KafkaProducerOptions {
  std::string brokers;
  std::string topic;
  /// Kafka's partitioner (murmur2, as the Java client) on the key, so the messages of one key
  /// stay in order in one partition; otherwise messages go to the partitions in turn.
  bool partition_by_key = false;
  /// librdkafka properties (security.protocol, sasl.*, ssl.*, linger.ms, …), applied last.
  std::map<std::string, std::string> properties;
};

struct ProducerReport {
  int64_t delivered = 0;
  int64_t failed = 0;
  std::string first_error;  ///< of the first failed delivery
};

class KafkaProducer {
 public:
  /// Connects and looks the topic up (it must exist: its partitions are needed).
  static arrow::Result<std::unique_ptr<KafkaProducer>> Open(const KafkaProducerOptions& options);
  ~KafkaProducer();

  int32_t partitions() const;
  /// Queues one message (no value: a tombstone), waiting while the local queue is full.
  arrow::Status Produce(const std::string& key, const std::optional<std::string>& value);
  /// Serves delivery reports without waiting.
  void Poll();
  /// Waits up to `timeout_ms` for every queued message to be acknowledged; an error if some
  /// are still unacknowledged then.
  arrow::Result<ProducerReport> Flush(int timeout_ms);

  class Impl;

 private:
  explicit KafkaProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::stream
