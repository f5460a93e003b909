#pragma once

// The Kafka offsets a stream has committed, kept in the table itself: every snapshot a stream
// commits carries `floe.stream.<stream-id>.offsets` in its summary, the next offset to read of
// every partition the stream has seen, as JSON `{"topic": {"0": 1200, "1": 980}}`. The newest
// such snapshot on the main branch is the truth a restarted or rebalanced consumer seeks to.

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"

namespace floe::stream {

using TopicPartition = std::pair<std::string, int32_t>;
/// Next offset to read, per partition.
using PartitionOffsets = std::map<TopicPartition, int64_t>;

/// "floe.stream.<stream-id>.offsets".
std::string OffsetsSummaryKey(const std::string& stream_id);

std::string EncodeOffsets(const PartitionOffsets& offsets);
/// Errors name `where` (the snapshot the text came from).
arrow::Result<PartitionOffsets> DecodeOffsets(const std::string& text, const std::string& where);

/// The offsets in the newest snapshot of the main branch's history that has the stream's key
/// (none: the stream never committed to this table).
arrow::Result<PartitionOffsets> CommittedOffsets(const iceberg::TableMetadata& metadata,
                                                 const std::string& stream_id);

/// What the table's history says of one stream: its offsets and when it last committed.
struct StreamState {
  std::string stream_id;
  PartitionOffsets offsets;
  int64_t snapshot_id = 0;
  int64_t committed_at_ms = 0;
};

/// Every stream that committed to the main branch's history, newest commit first.
arrow::Result<std::vector<StreamState>> StreamStates(const iceberg::TableMetadata& metadata);

/// The commit-time check of a batch that read `partitions` starting at `started_from`: the
/// offsets committed in `base` for those partitions must be exactly those it started from (a
/// partition absent from `started_from` must still be absent). Otherwise another consumer
/// committed them since — a rebalance or a zombie — and this is ValidationFailed: the batch
/// must be dropped, never committed twice or over a gap.
arrow::Status CheckStartOffsets(const iceberg::TableMetadata& base, const std::string& stream_id,
                                const std::set<TopicPartition>& partitions,
                                const PartitionOffsets& started_from);

}  // namespace floe::stream
