#pragma once

// One micro-batch of a stream: the messages read since the last commit, decoded, mapped and
// converted into rows of the table schema, with the dead letters and the offsets it covers.

#include <arrow/result.h>
#include <arrow/table.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/type/schema.h"
#include "floe/stream/direct_rows.h"
#include "floe/stream/dead_letters.h"
#include "floe/stream/stream_evolve.h"
#include "floe/stream/stream_mapping.h"
#include "floe/stream/stream_offsets.h"

namespace floe::stream {

/// One Kafka message as the source hands it over (no librdkafka types).
struct KafkaMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<int64_t> timestamp_ms;
  std::optional<std::string> key;
  std::optional<std::string> value;  ///< none: a tombstone
  std::vector<MessageHeader> headers;
};

/// A message read in place, in the memory of the source that holds it (valid until its next
/// poll): the direct path converts it without copying its value. No headers (the direct
/// path maps none; the source gives them for a dead letter).
struct KafkaMessageView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<int64_t> timestamp_ms;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  ///< none: a tombstone

  static KafkaMessageView Of(const KafkaMessage& message);
  /// A copy that owns its bytes.
  KafkaMessage ToMessage() const;
};

/// The message's values for metadata columns (the Debezium ones are the caller's to set);
/// `headers`: its headers too.
MessageMeta MetaOf(const KafkaMessage& message, bool headers);
/// The Kafka values of MetaOf, into `*meta`, whose strings keep their memory (the direct path
/// reuses one for every message); its Debezium values and headers are left as they are.
void AssignMeta(const KafkaMessageView& message, MessageMeta* meta);

struct StreamBatch {
  /// Partitions the batch read from, and the next offset of each after it.
  std::set<TopicPartition> partitions;
  PartitionOffsets next;
  /// Rows in the table schema's Arrow form (null when there are none), in message order.
  std::shared_ptr<arrow::Table> rows;
  /// One flag per row: a Debezium delete (in upsert mode it deletes its key).
  std::vector<bool> deletes;
  /// One per row: the mapped row as JSON and its message's key (the kafka and console sinks).
  std::vector<std::string> row_json;
  std::vector<std::optional<std::string>> row_keys;
  std::vector<DeadLetter> dead_letters;
  int64_t messages = 0;
  int64_t tombstones = 0;
  /// Dead letters by reason.
  std::map<std::string, int64_t> dead_letters_by_reason;
};

class BatchBuilder {
 public:
  BatchBuilder(const StreamMapping* mapping, std::shared_ptr<const iceberg::Schema> schema)
      : mapping_(mapping), schema_(std::move(schema)) {}

  /// Decodes and maps one message into the batch; one that cannot be mapped becomes a dead
  /// letter.
  void Add(const KafkaMessage& message);
  /// As Add, for a message read in place: the direct path reads it without a copy. For a
  /// builder on the direct path (a view has no headers, which the general path may map).
  void Add(const KafkaMessageView& message);
  int64_t messages() const { return messages_; }
  int64_t bytes() const { return bytes_; }
  /// Messages that became dead letters so far (conversion failures show only in Finish).
  int64_t dead_letters() const { return static_cast<int64_t>(letters_.size()); }
  /// The direct path reads no headers: the source's are given to the last dead letter here.
  void SetLastDeadLetterHeaders(std::vector<MessageHeader> headers) {
    if (!letters_.empty()) letters_.back().first.headers = std::move(headers);
  }
  /// --evolve: unmapped keys become columns (stream_evolve.h).
  void EnableEvolve(const SchemaEvolver* evolver) {
    evolver_ = evolver;
    direct_.reset();
  }
  /// Maps messages straight into columns (direct_rows.h) when the mapping allows, for a sink
  /// that takes only `rows` (not `row_json` and `row_keys`); not with --evolve.
  /// `dictionary_strings`: see DirectRows::Make.
  void EnableDirectRows(bool dictionary_strings = false) {
    if (evolver_ == nullptr) direct_ = DirectRows::Make(*mapping_, *schema_, dictionary_strings);
  }
  bool direct() const { return direct_ != nullptr; }
  /// Keys of this batch that are not columns of the schema yet.
  const NewColumns& new_columns() const { return new_columns_; }
  /// The table's schema after columns were added; rows convert to it in Finish.
  void SetSchema(std::shared_ptr<const iceberg::Schema> schema) {
    schema_ = std::move(schema);
    new_columns_.clear();
  }
  /// A partition of the batch was read to `end`: the batch covers the offsets up to there
  /// (transaction markers after its last message), so the next batch resumes there.
  void CoverTo(const TopicPartition& partition, int64_t end);
  /// Forgets the messages of these partitions (revoked: their new owner reads them again).
  void DropPartitions(const std::set<TopicPartition>& partitions);

  /// Converts the rows and returns the batch; the builder starts empty again. A row that
  /// fails conversion (a value the type does not take) becomes a dead letter.
  arrow::Result<StreamBatch> Finish();

 private:
  struct Pending {
    KafkaMessage message;
    std::string line;  ///< the mapped row as JSON
    bool deleted = false;
  };
  void AddDeadLetter(const KafkaMessage& message, std::string reason, std::string error);
  // Counts the message; true when the direct path took it (a row, a tombstone or a dead
  // letter), false when it is the general path's to map.
  bool AddDirect(const KafkaMessageView& message, const KafkaMessage* owned);
  void AddGenerally(const KafkaMessage& message);
  arrow::Status FinishDirect(StreamBatch* batch);

  const StreamMapping* mapping_;
  std::shared_ptr<const iceberg::Schema> schema_;
  const SchemaEvolver* evolver_ = nullptr;
  NewColumns new_columns_;
  std::vector<Pending> pending_;
  // The direct path: the rows are in direct_; per row its delete flag, partition (an index
  // into direct_partitions_) and whether it is kept (a revoked partition's rows are not).
  std::unique_ptr<DirectRows> direct_;
  std::vector<bool> direct_deletes_;
  std::vector<uint32_t> direct_partition_;
  std::vector<TopicPartition> direct_partitions_;
  std::vector<bool> direct_keep_;
  std::vector<std::pair<KafkaMessage, std::pair<std::string, std::string>>> letters_;
  std::map<TopicPartition, int64_t> next_;
  struct Tally {
    int64_t messages = 0;
    int64_t tombstones = 0;
    int64_t bytes = 0;
  };
  std::map<TopicPartition, Tally> tallies_;  ///< per partition, so a revoke takes its share
  // The entries of next_ and tallies_ of the last message's partition: messages come in runs
  // of one partition, so the maps are searched once per run rather than once per message.
  // Null after entries were erased.
  TopicPartition current_;
  int64_t* current_next_ = nullptr;
  Tally* current_tally_ = nullptr;
  int64_t messages_ = 0;
  int64_t tombstones_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace floe::stream
