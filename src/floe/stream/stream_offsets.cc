#include "floe/stream/stream_offsets.h"

#include <nlohmann/json.hpp>

#include "floe/iceberg/errors.h"

namespace floe::stream {

std::string OffsetsSummaryKey(const std::string& stream_id) {
  return "floe.stream." + stream_id + ".offsets";
}

std::string EncodeOffsets(const PartitionOffsets& offsets) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [tp, offset] : offsets) j[tp.first][std::to_string(tp.second)] = offset;
  return j.dump();
}

arrow::Result<PartitionOffsets> DecodeOffsets(const std::string& text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return arrow::Status::Invalid(where, ": stream offsets ", why, ": ", text);
  };
  if (!j.is_object()) return bad("are not a JSON object");
  PartitionOffsets offsets;
  for (const auto& [topic, partitions] : j.items()) {
    if (!partitions.is_object()) return bad("of topic '" + topic + "' are not an object");
    for (const auto& [partition, offset] : partitions.items()) {
      int32_t p = 0;
      try {
        size_t used = 0;
        p = std::stoi(partition, &used);
        if (used != partition.size() || p < 0) return bad("name partition '" + partition + "'");
      } catch (const std::exception&) {
        return bad("name partition '" + partition + "'");
      }
      if (!offset.is_number_integer() || offset.get<int64_t>() < 0) {
        return bad("give " + offset.dump() + " for partition " + partition);
      }
      offsets[{topic, p}] = offset.get<int64_t>();
    }
  }
  return offsets;
}

arrow::Result<PartitionOffsets> CommittedOffsets(const iceberg::TableMetadata& metadata,
                                                 const std::string& stream_id) {
  const std::string key = OffsetsSummaryKey(stream_id);
  const iceberg::Snapshot* snapshot = metadata.SnapshotForRef(iceberg::kMainBranch);
  while (snapshot != nullptr) {
    auto it = snapshot->summary.find(key);
    if (it != snapshot->summary.end()) {
      return DecodeOffsets(it->second, "snapshot " + std::to_string(snapshot->snapshot_id));
    }
    if (!snapshot->parent_snapshot_id) break;
    snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id);
  }
  return PartitionOffsets{};
}

arrow::Result<std::vector<StreamState>> StreamStates(const iceberg::TableMetadata& metadata) {
  static const std::string kPrefix = "floe.stream.";
  static const std::string kSuffix = ".offsets";
  std::vector<StreamState> states;
  std::set<std::string> seen;
  const iceberg::Snapshot* snapshot = metadata.SnapshotForRef(iceberg::kMainBranch);
  while (snapshot != nullptr) {
    for (const auto& [key, value] : snapshot->summary) {
      if (key.size() <= kPrefix.size() + kSuffix.size() || key.rfind(kPrefix, 0) != 0 ||
          key.compare(key.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
        continue;
      }
      std::string id = key.substr(kPrefix.size(), key.size() - kPrefix.size() - kSuffix.size());
      if (!seen.insert(id).second) continue;
      StreamState state;
      state.stream_id = id;
      ARROW_ASSIGN_OR_RAISE(
          state.offsets, DecodeOffsets(value, "snapshot " + std::to_string(snapshot->snapshot_id)));
      state.snapshot_id = snapshot->snapshot_id;
      state.committed_at_ms = snapshot->timestamp_ms;
      states.push_back(std::move(state));
    }
    if (!snapshot->parent_snapshot_id) break;
    snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id);
  }
  return states;
}

arrow::Status CheckStartOffsets(const iceberg::TableMetadata& base, const std::string& stream_id,
                                const std::set<TopicPartition>& partitions,
                                const PartitionOffsets& started_from) {
  ARROW_ASSIGN_OR_RAISE(auto committed, CommittedOffsets(base, stream_id));
  for (const auto& tp : partitions) {
    auto have = committed.find(tp);
    auto want = started_from.find(tp);
    bool same =
        (have == committed.end() && want == started_from.end()) ||
        (have != committed.end() && want != started_from.end() && have->second == want->second);
    if (!same) {
      auto text = [](const PartitionOffsets& m, PartitionOffsets::const_iterator it) {
        return it == m.end() ? std::string("none") : std::to_string(it->second);
      };
      return iceberg::ValidationFailed(
          "stream '" + stream_id + "': " + tp.first + "[" + std::to_string(tp.second) +
          "] was committed up to offset " + text(committed, have) +
          " by another consumer since this batch started from " + text(started_from, want) +
          "; the batch is dropped and read again from the table's offsets");
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::stream
