#pragma once

// The Kafka side of a stream, through librdkafka: a consumer in a group (so partitions are
// shared among the processes of one stream) whose positions come from the sink (the table),
// never from the group, unless the sink keeps its offsets in the group (`resume_from_group`).
// Kafka's group offsets are written back after each table commit so the usual lag monitors see
// progress. Reads are read_committed (transactional producers' aborted
// records never arrive; offsets may have gaps).

#include <arrow/result.h>
#include <arrow/status.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/stream/starting_offsets.h"
#include "floe/stream/stream_batch.h"
#include "floe/stream/stream_offsets.h"

namespace RdKafka {
class KafkaConsumer;
}  // namespace RdKafka

namespace floe::stream {

struct KafkaSourceOptions {
  std::string brokers;
  /// Topic names; one starting with '^' is a regular expression (librdkafka's subscription).
  std::vector<std::string> topics;
  std::string group;
  /// Where a partition the table has never seen starts.
  StartingOffsets starting_offsets;
  /// Partitions the offsets handed over leave out start at the group's committed offset
  /// (Kafka holds the offsets: the console and kafka sinks), falling back to
  /// `starting_offsets` earliest or latest.
  bool resume_from_group = false;
  /// librdkafka properties (security.protocol, sasl.*, ssl.*, …), applied last.
  std::map<std::string, std::string> properties;
};

/// Called when the group assigns partitions to this process (with the cooperative protocol,
/// partition.assignment.strategy=cooperative-sticky, only the added ones): returns the offsets
/// to read from (the table's), reloading them first. Partitions it leaves out start per
/// `starting_offsets`.
using AssignHandler =
    std::function<arrow::Result<PartitionOffsets>(const std::set<TopicPartition>&)>;
/// Called when partitions are taken away (cooperative: only those; eager: all of them).
using RevokeHandler = std::function<void(const std::set<TopicPartition>&)>;

class KafkaSource {
 public:
  static arrow::Result<std::unique_ptr<KafkaSource>> Open(const KafkaSourceOptions& options,
                                                          AssignHandler on_assign,
                                                          RevokeHandler on_revoke);
  ~KafkaSource();

  /// Replaces the handlers (a stream that read its first batch before its table existed).
  void SetHandlers(AssignHandler on_assign, RevokeHandler on_revoke);

  /// The next message, or none when `timeout_ms` passes first (rebalances run in here).
  arrow::Result<std::optional<KafkaMessage>> Poll(int timeout_ms);
  /// As Poll, into `*out`, whose strings keep their memory from one message to the next (no
  /// allocation per message on a busy stream); false when no message came. Without
  /// `headers`, out->headers is left empty: reading them allocates even when a message has
  /// none, and LastHeaders reads them when they turn out to be needed.
  arrow::Result<bool> PollInto(int timeout_ms, KafkaMessage* out, bool headers = true);
  /// As PollInto, the message in place (valid until the next poll): nothing copied, and no
  /// headers (LastHeaders reads them).
  arrow::Result<bool> PollView(int timeout_ms, KafkaMessageView* out);
  /// The headers of the message PollInto or PollView returned last (until the next poll).
  std::vector<MessageHeader> LastHeaders() const;
  /// Partitions assigned now.
  const std::set<TopicPartition>& assignment() const;
  /// True once partitions are assigned and every one has been read to its end.
  bool AtEnd() const;
  /// The partitions read to their end since the last call, with the end offset: past the last
  /// message there may be transaction markers, offsets no message has.
  PartitionOffsets TakeEndsReached();
  /// Reads the assigned partitions from `offsets` again (after a refused commit).
  arrow::Status Rewind(const PartitionOffsets& offsets);
  /// Records the table's offsets as the group's, for lag monitoring, and where
  /// `--starting-offsets latest` placed partitions the table has not recorded yet (so a later
  /// run starts there, not at a newer end). Asynchronous unless `wait`.
  void CommitGroupOffsets(const PartitionOffsets& offsets, bool wait = false);
  /// The librdkafka consumer, for a transactional producer that commits the group's offsets
  /// in its transactions (sinks/kafka_sink.h).
  RdKafka::KafkaConsumer* consumer();
  /// Leaves the group.
  void Close();

  class Impl;

 private:
  explicit KafkaSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The end offset (high watermark; with read_committed, the last stable offset) of each of
/// `partitions` on the brokers, for lag.
arrow::Result<PartitionOffsets> QueryEndOffsets(
    const std::string& brokers, const std::map<std::string, std::string>& properties,
    const std::set<TopicPartition>& partitions);

}  // namespace floe::stream
