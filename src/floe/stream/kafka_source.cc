#include "floe/stream/kafka_source.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <iostream>
#include <utility>

namespace floe::stream {

class KafkaSource::Impl : public RdKafka::RebalanceCb {
 public:
  KafkaSourceOptions options;
  AssignHandler on_assign;
  RevokeHandler on_revoke;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::set<TopicPartition> assigned;
  std::set<TopicPartition> at_end;
  PartitionOffsets ends_reached;
  PartitionOffsets latest_starts;  ///< where --starting-offsets latest put fresh partitions
  arrow::Status rebalance_error;
  bool closed = false;
  /// What PollInto or PollView returned last, for LastHeaders; freed at the next poll.
  rd_kafka_message_t* last = nullptr;

  void ReleaseLast() {
    if (last != nullptr) rd_kafka_message_destroy(last);
    last = nullptr;
  }
  arrow::Result<rd_kafka_message_t*> Next(int timeout_ms);

  // Where each partition in `fresh` (never recorded by the table) starts, per
  // --starting-offsets; a time is looked up on the brokers (offsets-for-times).
  // `for_seek`: seek() takes no OFFSET_STORED, so the group's offsets are looked up here.
  arrow::Status SetStartingOffsets(std::vector<RdKafka::TopicPartition*>& fresh, bool for_seek) {
    using Kind = StartingOffsets::Kind;
    const StartingOffsets& start = options.starting_offsets;
    if (options.resume_from_group) {
      // OFFSET_STORED falls back to auto.offset.reset, which follows starting_offsets.
      for (auto* p : fresh) p->set_offset(RdKafka::Topic::OFFSET_STORED);
      if (!for_seek || fresh.empty()) return arrow::Status::OK();
      auto err = consumer->committed(fresh, 30'000);
      if (err != RdKafka::ERR_NO_ERROR) {
        return arrow::Status::IOError("kafka: the group's offsets: ", RdKafka::err2str(err));
      }
      for (auto* p : fresh) {
        if (p->offset() >= 0) continue;
        p->set_offset(start.kind == Kind::kLatest ? RdKafka::Topic::OFFSET_END
                                                  : RdKafka::Topic::OFFSET_BEGINNING);
      }
      return arrow::Status::OK();
    }
    if (start.kind == Kind::kLatest) return ResolveLatest(fresh);
    for (auto* p : fresh) {
      p->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      if (start.kind == Kind::kTimestamp) p->set_offset(start.timestamp_ms);
      if (start.kind == Kind::kOffsets) {
        auto it = start.offsets.find({p->topic(), p->partition()});
        if (it != start.offsets.end()) p->set_offset(it->second);
      }
    }
    if (start.kind != Kind::kTimestamp || fresh.empty()) return arrow::Status::OK();
    auto err = consumer->offsetsForTimes(fresh, 30'000);
    if (err != RdKafka::ERR_NO_ERROR) {
      return arrow::Status::IOError("kafka: offsets for time ", start.timestamp_ms, ": ",
                                    RdKafka::err2str(err));
    }
    for (auto* p : fresh) {
      if (p->err() != RdKafka::ERR_NO_ERROR) {
        return arrow::Status::IOError("kafka: offset for time ", start.timestamp_ms, " of ",
                                      p->topic(), "[", p->partition(),
                                      "]: ", RdKafka::err2str(p->err()));
      }
      // No message at or after the time: start at the end.
      if (p->offset() < 0) p->set_offset(RdKafka::Topic::OFFSET_END);
    }
    return arrow::Status::OK();
  }

  // latest: where an earlier run of the group resolved it (one that had nothing to commit
  // there records it in the group, see CommitGroupOffsets), else the partition's end now — as
  // an offset, so that what is produced after it is read by the next run too.
  arrow::Status ResolveLatest(std::vector<RdKafka::TopicPartition*>& fresh) {
    if (fresh.empty()) return arrow::Status::OK();
    auto err = consumer->committed(fresh, 30'000);
    if (err != RdKafka::ERR_NO_ERROR) {
      return arrow::Status::IOError("kafka: the group's offsets: ", RdKafka::err2str(err));
    }
    for (auto* p : fresh) {
      if (p->err() != RdKafka::ERR_NO_ERROR || p->offset() < 0) {
        int64_t low = 0, high = 0;
        err = consumer->query_watermark_offsets(p->topic(), p->partition(), &low, &high, 30'000);
        if (err != RdKafka::ERR_NO_ERROR) {
          return arrow::Status::IOError("kafka: end offset of ", p->topic(), "[", p->partition(),
                                        "]: ", RdKafka::err2str(err));
        }
        p->set_offset(high);
      }
      latest_starts[{p->topic(), p->partition()}] = p->offset();
    }
    return arrow::Status::OK();
  }

  // Sets each partition's offset: the table's, or the starting point for one it never saw.
  arrow::Status SetOffsets(std::vector<RdKafka::TopicPartition*>& partitions,
                           const PartitionOffsets& offsets, bool for_seek) {
    std::vector<RdKafka::TopicPartition*> fresh;
    for (auto* p : partitions) {
      auto it = offsets.find({p->topic(), p->partition()});
      if (it == offsets.end()) {
        fresh.push_back(p);
      } else {
        p->set_offset(it->second);
      }
    }
    return SetStartingOffsets(fresh, for_seek);
  }

  // The cooperative protocol (partition.assignment.strategy=cooperative-sticky) hands over
  // only the partitions that move; the eager one revokes and reassigns them all.
  arrow::Status AssignAt(std::vector<RdKafka::TopicPartition*>& partitions,
                         const PartitionOffsets& offsets, bool cooperative) {
    ARROW_RETURN_NOT_OK(SetOffsets(partitions, offsets, /*for_seek=*/false));
    if (cooperative) {
      std::unique_ptr<RdKafka::Error> error(consumer->incremental_assign(partitions));
      if (error) return arrow::Status::IOError("kafka: assigning partitions: ", error->str());
      return arrow::Status::OK();
    }
    auto err = consumer->assign(partitions);
    if (err != RdKafka::ERR_NO_ERROR) {
      return arrow::Status::IOError("kafka: assigning partitions: ", RdKafka::err2str(err));
    }
    return arrow::Status::OK();
  }

  void Forget(const std::set<TopicPartition>& partitions) {
    for (const auto& tp : partitions) {
      assigned.erase(tp);
      at_end.erase(tp);
      ends_reached.erase(tp);
    }
  }

  void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = c->rebalance_protocol() == "COOPERATIVE";
    std::set<TopicPartition> tps;
    for (auto* p : partitions) tps.insert({p->topic(), p->partition()});
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      // Cooperative: `partitions` are the new ones only; the others keep their positions.
      auto offsets = on_assign(tps);
      if (!offsets.ok()) {
        rebalance_error = offsets.status();
        if (!cooperative) c->unassign();
        return;
      }
      auto status = AssignAt(partitions, *offsets, cooperative);
      if (!status.ok()) {
        rebalance_error = status;
        return;
      }
      if (cooperative) {
        assigned.insert(tps.begin(), tps.end());
      } else {
        assigned = tps;
        at_end.clear();
        ends_reached.clear();
      }
    } else {
      // Only the revoked partitions' pending rows are dropped (all of them when eager).
      on_revoke(tps);
      if (cooperative) {
        std::unique_ptr<RdKafka::Error> error(c->incremental_unassign(partitions));
        if (error) rebalance_error = arrow::Status::IOError("kafka: unassigning: ", error->str());
        Forget(tps);
      } else {
        c->unassign();
        assigned.clear();
        at_end.clear();
        ends_reached.clear();
      }
    }
  }
};

KafkaSource::KafkaSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaSource::~KafkaSource() { Close(); }

void KafkaSource::SetHandlers(AssignHandler on_assign, RevokeHandler on_revoke) {
  impl_->on_assign = std::move(on_assign);
  impl_->on_revoke = std::move(on_revoke);
}

arrow::Result<std::unique_ptr<KafkaSource>> KafkaSource::Open(const KafkaSourceOptions& options,
                                                              AssignHandler on_assign,
                                                              RevokeHandler on_revoke) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->on_assign = std::move(on_assign);
  impl->on_revoke = std::move(on_revoke);
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group},
      // The table holds the offsets; the group's are only written back for monitoring.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"isolation.level", "read_committed"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset",
       options.starting_offsets.kind == StartingOffsets::Kind::kLatest ? "latest" : "earliest"},
  };
  for (const auto& [k, v] : options.properties) settings[k] = v;
  std::string error;
  for (const auto& [k, v] : settings) {
    if (conf->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      return arrow::Status::Invalid("kafka property ", k, "=", v, ": ", error);
    }
  }
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(impl.get()), error) !=
      RdKafka::Conf::CONF_OK) {
    return arrow::Status::Invalid("kafka: ", error);
  }
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!impl->consumer) return arrow::Status::IOError("kafka: creating the consumer: ", error);
  auto err = impl->consumer->subscribe(options.topics);
  if (err != RdKafka::ERR_NO_ERROR) {
    return arrow::Status::IOError("kafka: subscribing to the topics: ", RdKafka::err2str(err));
  }
  return std::unique_ptr<KafkaSource>(new KafkaSource(std::move(impl)));
}

arrow::Result<std::optional<KafkaMessage>> KafkaSource::Poll(int timeout_ms) {
  KafkaMessage out;
  ARROW_ASSIGN_OR_RAISE(bool got, PollInto(timeout_ms, &out));
  if (!got) return std::nullopt;
  return out;
}

namespace {

// Assigns into the optional's string, keeping its memory, rather than making a new one.
void AssignBytes(const void* data, size_t size, std::optional<std::string>* out) {
  if (data == nullptr) {
    out->reset();
    return;
  }
  if (!*out) out->emplace();
  (*out)->assign(static_cast<const char*>(data), size);
}

void ReadHeaders(const rd_kafka_message_t* message, std::vector<MessageHeader>* out) {
  out->clear();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    auto& header = out->emplace_back();
    header.name = name;
    AssignBytes(value, size, &header.value);
  }
}

std::optional<int64_t> TimestampOf(const rd_kafka_message_t* m) {
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t ms = rd_kafka_message_timestamp(m, &type);
  if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) return std::nullopt;
  return ms;
}

}  // namespace

std::vector<MessageHeader> KafkaSource::LastHeaders() const {
  std::vector<MessageHeader> out;
  if (impl_->last != nullptr) ReadHeaders(impl_->last, &out);
  return out;
}

// The next message, kept as `last` until the next poll; null when none came (a timeout, a
// partition's end, a transient error).
arrow::Result<rd_kafka_message_t*> KafkaSource::Impl::Next(int timeout_ms) {
  ReleaseLast();
  // Through the C API: the C++ one allocates a wrapper object for every message, copies the
  // topic name into a new string and makes a headers object, headers or not. A message
  // already fetched is taken without waiting: librdkafka reads the clock for a timeout.
  rd_kafka_t* rk = consumer->c_ptr();
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 0);
  if (m == nullptr && timeout_ms != 0 && rebalance_error.ok()) {
    m = rd_kafka_consumer_poll(rk, timeout_ms);
  }
  if (!rebalance_error.ok()) {
    if (m != nullptr) rd_kafka_message_destroy(m);
    return rebalance_error;
  }
  if (m == nullptr) return nullptr;  // timed out
  std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> owned(
      m, rd_kafka_message_destroy);
  const char* topic = m->rkt != nullptr ? rd_kafka_topic_name(m->rkt) : "";
  switch (m->err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      if (!at_end.empty()) at_end.erase({topic, m->partition});
      last = owned.release();
      return last;
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
      at_end.insert({topic, m->partition});
      ends_reached[{topic, m->partition}] = m->offset;
      return nullptr;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
      return arrow::Status::IOError("kafka: ", rd_kafka_message_errstr(m));
    default:
      // Transient (a broker restarting, a connection dropped): librdkafka retries.
      std::cerr << "kafka: " << rd_kafka_message_errstr(m) << "\n";
      return nullptr;
  }
}

arrow::Result<bool> KafkaSource::PollInto(int timeout_ms, KafkaMessage* out, bool headers) {
  ARROW_ASSIGN_OR_RAISE(rd_kafka_message_t* m, impl_->Next(timeout_ms));
  if (m == nullptr) return false;
  out->topic.assign(rd_kafka_topic_name(m->rkt));
  out->partition = m->partition;
  out->offset = m->offset;
  out->timestamp_ms = TimestampOf(m);
  AssignBytes(m->key, m->key_len, &out->key);
  AssignBytes(m->payload, m->len, &out->value);
  if (headers) {
    ReadHeaders(m, &out->headers);
  } else {
    out->headers.clear();
  }
  return true;
}

arrow::Result<bool> KafkaSource::PollView(int timeout_ms, KafkaMessageView* out) {
  ARROW_ASSIGN_OR_RAISE(rd_kafka_message_t* m, impl_->Next(timeout_ms));
  if (m == nullptr) return false;
  out->topic = rd_kafka_topic_name(m->rkt);
  out->partition = m->partition;
  out->offset = m->offset;
  out->timestamp_ms = TimestampOf(m);
  out->key.reset();
  out->value.reset();
  if (m->key != nullptr) out->key.emplace(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) out->value.emplace(static_cast<const char*>(m->payload), m->len);
  return true;
}

const std::set<TopicPartition>& KafkaSource::assignment() const { return impl_->assigned; }

bool KafkaSource::AtEnd() const {
  // Fewer partitions at their end than assigned: not all are (the common answer, asked after
  // every message).
  if (impl_->assigned.empty() || impl_->at_end.size() < impl_->assigned.size()) return false;
  for (const auto& tp : impl_->assigned) {
    if (!impl_->at_end.count(tp)) return false;
  }
  return true;
}

PartitionOffsets KafkaSource::TakeEndsReached() { return std::exchange(impl_->ends_reached, {}); }

arrow::Status KafkaSource::Rewind(const PartitionOffsets& offsets) {
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& tp : impl_->assigned) {
    partitions.push_back(RdKafka::TopicPartition::create(tp.first, tp.second));
  }
  // Seek, never assign: outside the rebalance callback, assign() races a rebalance librdkafka
  // has already begun (a session that timed out while this process was stalled) and breaks
  // its assignment state. A seek bumps the partition's fetch version, so messages fetched
  // before it are dropped; a partition meanwhile revoked is re-assigned from the table.
  auto status = impl_->SetOffsets(partitions, offsets, /*for_seek=*/true);
  for (auto* p : partitions) {
    if (status.ok()) impl_->consumer->seek(*p, 0);
  }
  RdKafka::TopicPartition::destroy(partitions);
  impl_->at_end.clear();
  impl_->ends_reached.clear();
  return status;
}

void KafkaSource::CommitGroupOffsets(const PartitionOffsets& offsets, bool wait) {
  PartitionOffsets all = offsets;
  // A fresh partition that --starting-offsets latest placed keeps that place in the group
  // until the table records it.
  for (const auto& [tp, offset] : impl_->latest_starts) all.emplace(tp, offset);
  std::vector<RdKafka::TopicPartition*> partitions;
  for (const auto& [tp, offset] : all) {
    if (!impl_->assigned.count(tp)) continue;
    partitions.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
  }
  if (!partitions.empty()) {
    if (wait) {
      impl_->consumer->commitSync(partitions);
    } else {
      impl_->consumer->commitAsync(partitions);
    }
  }
  RdKafka::TopicPartition::destroy(partitions);
}

RdKafka::KafkaConsumer* KafkaSource::consumer() { return impl_->consumer.get(); }

void KafkaSource::Close() {
  if (impl_ && !impl_->closed) {
    impl_->closed = true;
    impl_->ReleaseLast();  // librdkafka's handle outlives none of its messages
    impl_->consumer->close();
  }
}

arrow::Result<PartitionOffsets> QueryEndOffsets(
    const std::string& brokers, const std::map<std::string, std::string>& properties,
    const std::set<TopicPartition>& partitions) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::map<std::string, std::string> settings = {{"bootstrap.servers", brokers},
                                                 {"isolation.level", "read_committed"}};
  for (const auto& [k, v] : properties) settings[k] = v;
  std::string error;
  for (const auto& [k, v] : settings) {
    if (conf->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      return arrow::Status::Invalid("kafka property ", k, "=", v, ": ", error);
    }
  }
  std::unique_ptr<RdKafka::Producer> handle(RdKafka::Producer::create(conf.get(), error));
  if (!handle) return arrow::Status::IOError("kafka: ", error);
  PartitionOffsets ends;
  for (const auto& tp : partitions) {
    int64_t low = 0, high = 0;
    auto err = handle->query_watermark_offsets(tp.first, tp.second, &low, &high, 10'000);
    if (err != RdKafka::ERR_NO_ERROR) {
      return arrow::Status::IOError("kafka: end offset of ", tp.first, "[", tp.second,
                                    "]: ", RdKafka::err2str(err));
    }
    ends[tp] = high;
  }
  return ends;
}

}  // namespace floe::stream
