#include "floe/stream/kafka_producer.h"

#include <librdkafka/rdkafkacpp.h>

namespace floe::stream {
namespace {

class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++report.delivered;
      return;
    }
    if (report.failed++ == 0) report.first_error = message.errstr();
  }
  ProducerReport report;
};

}  // namespace

class KafkaProducer::Impl {
 public:
  KafkaProducerOptions options;
  DeliveryCounter deliveries;
  std::unique_ptr<RdKafka::Producer> producer;
  int32_t partitions = 0;
  int64_t produced = 0;
};

KafkaProducer::KafkaProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaProducer::~KafkaProducer() {
  if (impl_->producer) impl_->producer->flush(5'000);
}

arrow::Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Open(
    const KafkaProducerOptions& options) {
  if (options.brokers.empty()) return arrow::Status::Invalid("--kafka needs --brokers");
  if (options.topic.empty()) return arrow::Status::Invalid("--kafka needs --topic");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", options.brokers},
      {"enable.idempotence", "true"},
      {"linger.ms", "20"},
      // The Java client's partitioner, so floe and Java producers put a key in one partition.
      {"partitioner", "murmur2_random"},
  };
  for (const auto& [k, v] : options.properties) settings[k] = v;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [k, v] : settings) {
    if (conf->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      return arrow::Status::Invalid("kafka property ", k, "=", v, ": ", error);
    }
  }
  if (conf->set("dr_cb", &impl->deliveries, error) != RdKafka::Conf::CONF_OK) {
    return arrow::Status::Invalid("kafka: delivery reports: ", error);
  }
  impl->producer.reset(RdKafka::Producer::create(conf.get(), error));
  if (!impl->producer) return arrow::Status::IOError("kafka: creating the producer: ", error);

  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(impl->producer.get(), options.topic, nullptr, error));
  if (!topic) return arrow::Status::IOError("kafka: topic ", options.topic, ": ", error);
  RdKafka::Metadata* raw = nullptr;
  auto err = impl->producer->metadata(false, topic.get(), &raw, 30'000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    return arrow::Status::IOError("kafka: looking up topic ", options.topic, " on ",
                                  options.brokers, ": ", RdKafka::err2str(err));
  }
  for (const auto* t : *metadata->topics()) {
    if (t->topic() != options.topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return arrow::Status::IOError("kafka: topic ", options.topic, ": ",
                                    RdKafka::err2str(t->err()),
                                    t->err() == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART
                                        ? " (create it first, with the partitions you want)"
                                        : "");
    }
    impl->partitions = static_cast<int32_t>(t->partitions()->size());
  }
  if (impl->partitions == 0) {
    return arrow::Status::IOError("kafka: topic ", options.topic, " has no partitions");
  }
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(impl)));
}

int32_t KafkaProducer::partitions() const { return impl_->partitions; }

arrow::Status KafkaProducer::Produce(const std::string& key,
                                     const std::optional<std::string>& value) {
  const int32_t partition = impl_->options.partition_by_key
                                ? RdKafka::Topic::PARTITION_UA
                                : static_cast<int32_t>(impl_->produced % impl_->partitions);
  for (;;) {
    auto err = impl_->producer->produce(
        impl_->options.topic, partition, RdKafka::Producer::RK_MSG_COPY,
        value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0,
        key.data(), key.size(), 0, nullptr);
    if (err == RdKafka::ERR_NO_ERROR) break;
    if (err != RdKafka::ERR__QUEUE_FULL) {
      return arrow::Status::IOError("kafka: producing to ", impl_->options.topic, ": ",
                                    RdKafka::err2str(err));
    }
    impl_->producer->poll(100);  // deliveries drain the queue
  }
  ++impl_->produced;
  return arrow::Status::OK();
}

void KafkaProducer::Poll() { impl_->producer->poll(0); }

arrow::Result<ProducerReport> KafkaProducer::Flush(int timeout_ms) {
  auto err = impl_->producer->flush(timeout_ms);
  const ProducerReport& report = impl_->deliveries.report;
  if (err != RdKafka::ERR_NO_ERROR) {
    return arrow::Status::IOError("kafka: ", impl_->producer->outq_len(),
                                  " message(s) still unacknowledged after ", timeout_ms / 1000,
                                  " s (", report.delivered, " delivered, ", report.failed,
                                  " failed)");
  }
  return report;
}

}  // namespace floe::stream
