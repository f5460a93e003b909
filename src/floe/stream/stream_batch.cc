#include "floe/stream/stream_batch.h"

#include <algorithm>

#include "floe/iceberg/data/json_rows.h"
#include "floe/stream/debezium.h"

namespace floe::stream {

MessageMeta MetaOf(const KafkaMessage& message, bool headers) {
  MessageMeta meta;
  AssignMeta(KafkaMessageView::Of(message), &meta);
  if (headers) meta.headers = message.headers;
  return meta;
}

void AssignMeta(const KafkaMessageView& message, MessageMeta* meta) {
  meta->topic.assign(message.topic);
  meta->partition = message.partition;
  meta->offset = message.offset;
  meta->timestamp_ms = message.timestamp_ms;
  if (message.key) {
    if (!meta->key) meta->key.emplace();
    meta->key->assign(*message.key);
  } else {
    meta->key.reset();
  }
}

void BatchBuilder::AddDeadLetter(const KafkaMessage& message, std::string reason,
                                 std::string error) {
  letters_.push_back({message, {std::move(reason), std::move(error)}});
}

KafkaMessageView KafkaMessageView::Of(const KafkaMessage& message) {
  KafkaMessageView view;
  view.topic = message.topic;
  view.partition = message.partition;
  view.offset = message.offset;
  view.timestamp_ms = message.timestamp_ms;
  if (message.key) view.key = *message.key;
  if (message.value) view.value = *message.value;
  return view;
}

KafkaMessage KafkaMessageView::ToMessage() const {
  KafkaMessage message;
  message.topic = std::string(topic);
  message.partition = partition;
  message.offset = offset;
  message.timestamp_ms = timestamp_ms;
  if (key) message.key = std::string(*key);
  if (value) message.value = std::string(*value);
  return message;
}

void BatchBuilder::Add(const KafkaMessage& message) {
  if (!AddDirect(KafkaMessageView::Of(message), &message)) AddGenerally(message);
}

void BatchBuilder::Add(const KafkaMessageView& message) {
  if (!AddDirect(message, nullptr)) AddGenerally(message.ToMessage());
}

bool BatchBuilder::AddDirect(const KafkaMessageView& message, const KafkaMessage* owned) {
  const int64_t size = static_cast<int64_t>(message.value ? message.value->size() : 0);
  ++messages_;
  bytes_ += size;
  if (current_tally_ == nullptr || current_.second != message.partition ||
      current_.first != message.topic) {
    current_ = {std::string(message.topic), message.partition};
    current_tally_ = &tallies_[current_];
    current_next_ = &next_[current_];
  }
  Tally& tally = *current_tally_;
  ++tally.messages;
  tally.bytes += size;
  *current_next_ = message.offset + 1;
  if (!direct_) return false;
  auto out = direct_->Add(message);
  if (out.kind == DirectRows::Outcome::Kind::kTombstone) {
    ++tombstones_;
    ++tally.tombstones;
  } else if (out.kind == DirectRows::Outcome::Kind::kDeadLetter) {
    AddDeadLetter(owned != nullptr ? *owned : message.ToMessage(), std::move(out.reason),
                  std::move(out.error));
  } else {
    size_t index = 0;
    while (index < direct_partitions_.size() &&
           (direct_partitions_[index].second != message.partition ||
            direct_partitions_[index].first != message.topic)) {
      ++index;
    }
    if (index == direct_partitions_.size()) {
      direct_partitions_.emplace_back(std::string(message.topic), message.partition);
    }
    direct_deletes_.push_back(out.deleted);
    direct_partition_.push_back(static_cast<uint32_t>(index));
  }
  return true;
}

void BatchBuilder::AddGenerally(const KafkaMessage& message) {
  Tally& tally = *current_tally_;
  ChangeEvent event;
  if (auto error = DecodeChangeEvent(message.value, &event)) {
    AddDeadLetter(message, kReasonInvalidJson, *error);
    return;
  }
  if (event.kind == ChangeEvent::Kind::kTombstone) {
    // Debezium's tombstone follows the delete event that already carried the row.
    ++tombstones_;
    ++tally.tombstones;
    return;
  }
  MessageMeta meta = MetaOf(message, /*headers=*/true);
  meta.op = event.op;
  meta.source_ts_ms = event.source_ts_ms;
  meta.deleted = event.deleted;
  nlohmann::json row;
  if (auto error = mapping_->MapRecord(event.record, meta, &row)) {
    AddDeadLetter(message, error->reason, error->message);
    return;
  }
  if (evolver_ != nullptr) evolver_->ExtendRow(event.record, *schema_, &row, &new_columns_);
  pending_.push_back(
      {message, row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), event.deleted});
}

arrow::Status BatchBuilder::FinishDirect(StreamBatch* batch) {
  if (direct_->rows() > 0) {
    direct_keep_.resize(direct_partition_.size(), true);
    const bool all =
        std::find(direct_keep_.begin(), direct_keep_.end(), false) == direct_keep_.end();
    ARROW_ASSIGN_OR_RAISE(auto rows, direct_->Finish(all ? std::vector<bool>{} : direct_keep_));
    if (rows->num_rows() > 0) {
      batch->rows = std::move(rows);
      for (size_t i = 0; i < direct_deletes_.size(); ++i) {
        if (direct_keep_[i]) batch->deletes.push_back(direct_deletes_[i]);
      }
    }
  }
  direct_deletes_.clear();
  direct_partition_.clear();
  direct_partitions_.clear();
  direct_keep_.clear();
  return arrow::Status::OK();
}

void BatchBuilder::CoverTo(const TopicPartition& partition, int64_t end) {
  auto it = next_.find(partition);
  if (it != next_.end() && it->second < end) it->second = end;
}

void BatchBuilder::DropPartitions(const std::set<TopicPartition>& partitions) {
  auto dropped = [&](const KafkaMessage& m) {
    return partitions.count({m.topic, m.partition}) > 0;
  };
  std::erase_if(pending_, [&](const Pending& p) { return dropped(p.message); });
  for (size_t i = 0; i < direct_partition_.size(); ++i) {
    if (partitions.count(direct_partitions_[direct_partition_[i]]) > 0) {
      direct_keep_.resize(direct_partition_.size(), true);
      direct_keep_[i] = false;
    }
  }
  std::erase_if(letters_, [&](const auto& l) { return dropped(l.first); });
  current_next_ = nullptr;
  current_tally_ = nullptr;
  for (const auto& tp : partitions) {
    next_.erase(tp);
    // Only these partitions' share leaves the counts (a cooperative revoke keeps the rest).
    auto it = tallies_.find(tp);
    if (it == tallies_.end()) continue;
    messages_ -= it->second.messages;
    tombstones_ -= it->second.tombstones;
    bytes_ -= it->second.bytes;
    tallies_.erase(it);
  }
}

arrow::Result<StreamBatch> BatchBuilder::Finish() {
  StreamBatch batch;
  batch.messages = messages_;
  batch.tombstones = tombstones_;
  for (const auto& [tp, next] : next_) {
    batch.partitions.insert(tp);
    batch.next[tp] = next;
  }
  if (direct_) ARROW_RETURN_NOT_OK(FinishDirect(&batch));
  std::string lines;
  for (const auto& p : pending_) {
    lines += p.line;
    lines += '\n';
  }
  std::vector<const Pending*> kept;
  if (!pending_.empty()) {
    auto rows = iceberg::ReadJsonRows(lines, *schema_, "stream rows");
    if (rows.ok()) {
      batch.rows = *rows;
      for (const auto& p : pending_) kept.push_back(&p);
    } else {
      // Some row does not convert: find which, one by one, and keep the others.
      std::vector<std::shared_ptr<arrow::Table>> good;
      for (const auto& p : pending_) {
        auto one = iceberg::ReadJsonRows(p.line + "\n", *schema_, "message");
        if (one.ok()) {
          good.push_back(*one);
          kept.push_back(&p);
        } else {
          AddDeadLetter(p.message, kReasonCastFailed, one.status().message());
        }
      }
      if (!good.empty()) {
        ARROW_ASSIGN_OR_RAISE(batch.rows, arrow::ConcatenateTables(good));
      }
    }
  }
  for (const auto* p : kept) {
    batch.deletes.push_back(p->deleted);
    batch.row_json.push_back(p->line);
    batch.row_keys.push_back(p->message.key);
  }
  for (auto& [message, why] : letters_) {
    DeadLetter letter;
    letter.topic = message.topic;
    letter.partition = message.partition;
    letter.offset = message.offset;
    letter.timestamp_ms = message.timestamp_ms;
    letter.key = std::move(message.key);
    letter.value = std::move(message.value);
    letter.headers = std::move(message.headers);
    letter.reason = why.first;
    letter.error = why.second;
    ++batch.dead_letters_by_reason[letter.reason];
    batch.dead_letters.push_back(std::move(letter));
  }
  pending_.clear();
  letters_.clear();
  next_.clear();
  tallies_.clear();
  current_next_ = nullptr;
  current_tally_ = nullptr;
  messages_ = tombstones_ = bytes_ = 0;
  return batch;
}

}  // namespace floe::stream
