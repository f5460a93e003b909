#include "floe/stream/sinks/kafka_sink.h"

#include <librdkafka/rdkafkacpp.h>

#include "floe/stream/kafka_source.h"

namespace floe::stream {
namespace {

// An abortable transaction error: the batch is dropped and read again from the group's
// offsets. A fatal one (fenced by a newer producer with the same transactional id) stops.
struct TxnError {
  bool abortable = false;
  bool retriable = false;
  arrow::Status status;
};

TxnError Check(RdKafka::Error* raw, const char* what) {
  std::unique_ptr<RdKafka::Error> error(raw);
  if (error == nullptr) return {};
  TxnError out;
  out.abortable = error->txn_requires_abort() && !error->is_fatal();
  out.retriable = error->is_retriable();
  out.status = arrow::Status::IOError("kafka: ", what, ": ", error->str());
  return out;
}

}  // namespace

class KafkaSink::Impl {
 public:
  std::unique_ptr<RdKafka::Producer> producer;
  KafkaSource* source = nullptr;

  arrow::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                        const std::optional<std::string>& value, RdKafka::Headers* headers) {
    for (;;) {
      auto err = producer->produce(
          topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0,
          key ? key->data() : nullptr, key ? key->size() : 0, 0, headers, nullptr);
      if (err == RdKafka::ERR_NO_ERROR) return arrow::Status::OK();
      if (err == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(100);  // let deliveries drain the queue
        continue;
      }
      delete headers;  // left to us when produce fails
      return arrow::Status::IOError("kafka: producing to ", topic, ": ", RdKafka::err2str(err));
    }
  }
};

KafkaSink::KafkaSink(KafkaSinkOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

KafkaSink::~KafkaSink() {
  if (impl_->producer) impl_->producer->flush(5'000);
}

arrow::Result<std::unique_ptr<KafkaSink>> KafkaSink::Open(KafkaSinkOptions options) {
  if (options.output_topic.empty()) {
    return arrow::Status::Invalid("--sink kafka needs --output-topic");
  }
  if (options.dead_letter_topic.empty()) options.dead_letter_topic = options.output_topic + "_dlq";
  std::unique_ptr<KafkaSink> sink(new KafkaSink(std::move(options)));
  const auto& o = sink->options_;
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", o.brokers},
      {"transactional.id", "floe-stream-" + o.stream_id},
      {"enable.idempotence", "true"},
      {"transaction.timeout.ms", std::to_string(o.transaction_timeout_ms)},
  };
  // Consumer-only properties (group.*, session.*, …) would make the producer warn; pass on
  // only what a producer takes.
  for (const auto& [k, v] : o.properties) {
    if (k.rfind("group.", 0) == 0 || k.rfind("session.", 0) == 0 ||
        k.rfind("auto.", 0) == 0 || k.rfind("enable.auto", 0) == 0 || k == "isolation.level") {
      continue;
    }
    settings[k] = v;
  }
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : settings) {
    if (conf->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      return arrow::Status::Invalid("kafka property ", k, "=", v, ": ", error);
    }
  }
  sink->impl_->producer.reset(RdKafka::Producer::create(conf.get(), error));
  if (!sink->impl_->producer) {
    return arrow::Status::IOError("kafka: creating the producer: ", error);
  }
  // Fences an older producer with this id and aborts the transaction it left open.
  auto init = Check(sink->impl_->producer->init_transactions(60'000), "initialising transactions");
  ARROW_RETURN_NOT_OK(init.status);
  return sink;
}

arrow::Status KafkaSink::Attach(KafkaSource* source) {
  impl_->source = source;
  return arrow::Status::OK();
}

arrow::Result<CommitResult> KafkaSink::Commit(StreamBatch batch) {
  CommitResult result;
  if (batch.partitions.empty()) return result;
  if (impl_->source == nullptr) return arrow::Status::Invalid("kafka sink: no source attached");
  auto& producer = *impl_->producer;
  auto abort = [&](const TxnError& e) -> arrow::Result<CommitResult> {
    if (!e.abortable) return e.status;
    ARROW_RETURN_NOT_OK(Check(producer.abort_transaction(60'000), "aborting").status);
    result.refused_reason = e.status.message();
    return result;
  };
  ARROW_RETURN_NOT_OK(Check(producer.begin_transaction(), "beginning a transaction").status);
  for (size_t i = 0; i < batch.row_json.size(); ++i) {
    auto st = impl_->Produce(options_.output_topic, batch.row_keys[i], batch.row_json[i], nullptr);
    if (!st.ok()) return abort(TxnError{true, false, st});
  }
  for (const auto& l : batch.dead_letters) {
    auto* headers = RdKafka::Headers::create();
    // The message's own headers first, as it had them; then floe's, which say why.
    for (const auto& h : l.headers) {
      headers->add(h.name, h.value ? h.value->data() : nullptr, h.value ? h.value->size() : 0);
    }
    headers->add("floe.source", l.topic + "/" + std::to_string(l.partition) + "/" +
                                    std::to_string(l.offset));
    headers->add("floe.reason", l.reason);
    headers->add("floe.error", l.error);
    headers->add("floe.stream_id", options_.stream_id);
    auto st = impl_->Produce(options_.dead_letter_topic, l.key, l.value, headers);
    if (!st.ok()) return abort(TxnError{true, false, st});
  }
  std::vector<RdKafka::TopicPartition*> offsets;
  for (const auto& [tp, next] : batch.next) {
    offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, next));
  }
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(
      impl_->source->consumer()->groupMetadata());
  // The group metadata carries the consumer's generation: a consumer that lost its partitions
  // in a rebalance has its offsets, and so its transaction, refused by the group coordinator.
  auto sent = Check(producer.send_offsets_to_transaction(offsets, group.get(), 60'000),
                    "sending offsets to the transaction");
  RdKafka::TopicPartition::destroy(offsets);
  if (!sent.status.ok()) return abort(sent);
  for (int attempt = 0;; ++attempt) {
    auto committed = Check(producer.commit_transaction(60'000), "committing the transaction");
    if (committed.status.ok()) break;
    if (committed.abortable) return abort(committed);
    if (committed.retriable && attempt < 3) continue;  // a timeout: the commit may be retried
    return committed.status;
  }
  result.committed = true;
  result.rows = static_cast<int64_t>(batch.row_json.size());
  result.dead_letters = static_cast<int64_t>(batch.dead_letters.size());
  return result;
}

}  // namespace floe::stream
