#include "floe/stream/stream_commit.h"

#include <chrono>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/upsert.h"
#include "floe/util/failpoint.h"

namespace floe::stream {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How often a commit is planned again when another process of the stream committed other
// partitions between its refresh and its commit.
constexpr int kMaxOffsetRaces = 20;

// The check of a commit whose summary was made from `latest`: the batch's partitions must be
// where it started (else ValidationFailed: drop the batch), and no other partition may have
// moved since `latest` was read (else Cancelled: plan the commit again on the new state, so
// the other process's offsets are kept).
std::function<arrow::Status(const iceberg::TableMetadata&)> OffsetCheck(
    std::string stream_id, std::set<TopicPartition> partitions, PartitionOffsets started,
    PartitionOffsets latest) {
  return [=](const iceberg::TableMetadata& base) -> arrow::Status {
    ARROW_RETURN_NOT_OK(CheckStartOffsets(base, stream_id, partitions, started));
    ARROW_ASSIGN_OR_RAISE(auto now, CommittedOffsets(base, stream_id));
    if (now != latest) return arrow::Status::Cancelled("stream offsets of other partitions moved");
    return arrow::Status::OK();
  };
}

// Appends rows (none: an empty snapshot that only records the summary) with the check.
arrow::Result<iceberg::Snapshot> AppendChecked(
    const std::shared_ptr<iceberg::Table>& table, const std::shared_ptr<arrow::Table>& rows,
    const std::map<std::string, std::string>& summary,
    std::function<arrow::Status(const iceberg::TableMetadata&)> validate) {
  std::vector<iceberg::DataFile> files;
  if (rows != nullptr && rows->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(files, iceberg::WriteDataFiles(*table, *rows));
  }
  iceberg::FastAppend append(table);
  append.AppendFiles(files);
  append.AllowEmpty();
  for (const auto& [k, v] : summary) append.SetSummary(k, v);
  append.SetValidation(std::move(validate));
  return iceberg::CommitWrittenFiles(append, *table->io(), files);
}

}  // namespace

StreamCommitter::StreamCommitter(std::shared_ptr<iceberg::Table> data,
                                 std::shared_ptr<iceberg::Table> dead_letters,
                                 std::string stream_id, StreamMode mode)
    : data_(std::move(data)),
      dead_letters_(std::move(dead_letters)),
      stream_id_(std::move(stream_id)),
      mode_(mode) {}

arrow::Status StreamCommitter::Refresh() {
  ARROW_RETURN_NOT_OK(data_->Refresh());
  ARROW_ASSIGN_OR_RAISE(committed_, CommittedOffsets(data_->metadata(), stream_id_));
  if (dead_letters_ != nullptr) {
    ARROW_RETURN_NOT_OK(dead_letters_->Refresh());
    ARROW_ASSIGN_OR_RAISE(dead_letters_committed_,
                          CommittedOffsets(dead_letters_->metadata(), stream_id_));
  }
  return arrow::Status::OK();
}

arrow::Status StreamCommitter::CommitDeadLetters(const StreamBatch& batch, CommitResult* result) {
  std::vector<DeadLetter> fresh;
  for (const auto& letter : batch.dead_letters) {
    auto held = dead_letters_committed_.find({letter.topic, letter.partition});
    if (held != dead_letters_committed_.end() && letter.offset < held->second) continue;
    fresh.push_back(letter);
  }
  if (fresh.empty()) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto rows, DeadLetterRows(fresh, *dead_letters_->metadata().CurrentSchema(),
                                                  stream_id_, NowMs()));
  const PartitionOffsets started = dead_letters_committed_;
  for (int race = 0;; ++race) {
    ARROW_RETURN_NOT_OK(dead_letters_->Refresh());
    ARROW_ASSIGN_OR_RAISE(auto latest, CommittedOffsets(dead_letters_->metadata(), stream_id_));
    // The dead-letter table's own offsets only ever move forward, past the data table's.
    PartitionOffsets next = latest;
    for (const auto& [tp, offset] : batch.next) {
      auto it = next.find(tp);
      if (it == next.end() || it->second < offset) next[tp] = offset;
    }
    std::map<std::string, std::string> summary = {
        {OffsetsSummaryKey(stream_id_), EncodeOffsets(next)}};
    auto snapshot = AppendChecked(dead_letters_, rows, summary,
                                  OffsetCheck(stream_id_, batch.partitions, started, latest));
    if (snapshot.status().IsCancelled() && race < kMaxOffsetRaces) continue;
    ARROW_RETURN_NOT_OK(snapshot.status());
    dead_letters_committed_ = std::move(next);
    break;
  }
  result->dead_letters = static_cast<int64_t>(fresh.size());
  return arrow::Status::OK();
}

arrow::Status StreamCommitter::CommitData(const StreamBatch& batch, CommitResult* result) {
  const std::string prefix = "floe.stream." + stream_id_ + ".";
  std::map<std::string, std::string> summary;
  summary[prefix + "messages"] = std::to_string(batch.messages);
  if (batch.tombstones > 0) summary[prefix + "tombstones"] = std::to_string(batch.tombstones);
  for (const auto& [reason, n] : batch.dead_letters_by_reason) {
    summary[prefix + "dead-letters." + reason] = std::to_string(n);
  }
  const PartitionOffsets started = committed_;
  const int64_t rows = batch.rows ? batch.rows->num_rows() : 0;
  for (int race = 0;; ++race) {
    ARROW_RETURN_NOT_OK(data_->Refresh());
    ARROW_ASSIGN_OR_RAISE(auto latest, CommittedOffsets(data_->metadata(), stream_id_));
    PartitionOffsets next = latest;
    for (const auto& [tp, offset] : batch.next) next[tp] = offset;
    summary[OffsetsSummaryKey(stream_id_)] = EncodeOffsets(next);
    auto validate = OffsetCheck(stream_id_, batch.partitions, started, latest);
    arrow::Status status;
    if (mode_ == StreamMode::kUpsert && rows > 0) {
      iceberg::UpsertOptions options;
      options.summary = summary;
      options.deletes = batch.deletes;
      options.validate = validate;
      auto upserted = iceberg::UpsertRows(data_, *batch.rows, options);
      status = upserted.status();
      if (upserted.ok()) {
        result->snapshot = upserted->snapshot;
        result->rows = upserted->rows_written;
      }
    } else {
      auto snapshot = AppendChecked(data_, batch.rows, summary, validate);
      status = snapshot.status();
      if (snapshot.ok()) {
        result->snapshot = *snapshot;
        result->rows = rows;
      }
    }
    if (status.IsCancelled() && race < kMaxOffsetRaces) continue;
    ARROW_RETURN_NOT_OK(status);
    committed_ = std::move(next);
    return arrow::Status::OK();
  }
}

arrow::Result<CommitResult> StreamCommitter::Commit(StreamBatch batch) {
  CommitResult result;
  if (batch.partitions.empty()) return result;
  // Where a test holds a process that is about to commit (and then pauses it, a zombie).
  util::PausePoint("stream-commit");
  if (!batch.dead_letters.empty()) {
    if (dead_letters_ == nullptr) {
      const auto& l = batch.dead_letters.front();
      return arrow::Status::Invalid("stream '", stream_id_, "': ", l.topic, "[", l.partition,
                                    "] offset ", l.offset, ": ", l.reason, ": ", l.error);
    }
    auto status = CommitDeadLetters(batch, &result);
    if (iceberg::IsValidationFailed(status)) {
      result.refused_reason = status.message();
      return result;
    }
    ARROW_RETURN_NOT_OK(status);
  }
  auto status = CommitData(batch, &result);
  if (iceberg::IsValidationFailed(status)) {
    result.refused_reason = status.message();
    return result;
  }
  ARROW_RETURN_NOT_OK(status);
  result.committed = true;
  return result;
}

}  // namespace floe::stream
