// floe gen --kafka --brokers HOST:PORT --topic T [--messages N] [--rate R] [--bad-rate R]
//               [--format debezium-flat|debezium-envelope] [--keys N] [--seed S]
//               [--partitions-by-key] [--tombstones]: produces N deterministic change events
// and prints what it sent.
#include "cli/gen_kafka.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/output.h"
#include "cli/stop_signals.h"
#include "floe/stream/kafka_producer.h"
#include "floe/testing/change_events.h"

namespace floe::cli {
namespace {

void PrintSummary(const GlobalOptions& global, const GenKafkaArgs& args,
                  const testing::ChangeEventSummary& s, int32_t partitions, double seconds) {
  if (global.json) {
    PrintJson(std::cout, {{"topic", args.topic},
                          {"partitions", partitions},
                          {"format", args.format},
                          {"messages", s.messages},
                          {"change_events", s.messages - s.tombstones - s.bad_messages},
                          {"ops", s.ops},
                          {"tombstones", s.tombstones},
                          {"bad_messages", s.bad_messages},
                          {"bad_by_kind", s.bad_by_kind},
                          {"live_keys", s.live_keys},
                          {"bytes", s.bytes},
                          {"seconds", seconds}});
    return;
  }
  std::cout << "produced " << s.messages << " message(s) to " << args.topic << " ("
            << partitions << " partition(s), " << args.format << "): "
            << s.messages - s.tombstones - s.bad_messages << " change event(s) + "
            << s.bad_messages << " bad + " << s.tombstones << " tombstone(s)\n";
  std::cout << "ops:";
  for (const auto& [op, count] : s.ops) std::cout << " " << op << "=" << count;
  std::cout << "\n";
  for (const auto& [kind, count] : s.bad_by_kind) {
    std::cout << "  " << kind << ": " << count << "\n";
  }
  std::cout << "live keys at the end: " << s.live_keys << "\n"
            << s.bytes << " bytes in " << seconds << " s\n";
}

}  // namespace

arrow::Status RunGenKafka(CliContext& ctx, const GenKafkaArgs& args, uint64_t seed,
                          double bad_rate) {
  if (args.messages < 0) return UsageError("--messages must be >= 0");
  if (!(args.rate >= 0)) return UsageError("--rate is messages per second, 0 or more");
  testing::ChangeEventOptions options;
  auto format = testing::ParseChangeEventFormat(args.format);
  if (!format.ok()) return UsageError(format.status().message());
  options.format = *format;
  options.keys = args.keys;
  options.bad_rate = bad_rate;
  options.tombstones = args.tombstones;
  options.seed = seed;
  auto generator = testing::ChangeEventGenerator::Make(options);
  if (!generator.ok()) return UsageError(generator.status().message());

  stream::KafkaProducerOptions producer_options;
  producer_options.brokers = args.brokers;
  producer_options.topic = args.topic;
  producer_options.partition_by_key = args.partitions_by_key;
  auto properties = ParseKeyValues(args.kafka_properties);
  if (!properties.ok()) return UsageError(properties.status().message());
  producer_options.properties = *properties;
  ARROW_ASSIGN_OR_RAISE(auto producer, stream::KafkaProducer::Open(producer_options));

  // A stop signal ends producing; what was produced is flushed and summed up.
  const std::atomic<bool>* stop = InstallStopHandlers();
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < args.messages && !stop->load(); ++i) {
    if (args.rate > 0) {
      // Paced from the start, so a slow moment is made up for rather than carried on.
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(i) / args.rate)));
    }
    auto message = (*generator)->Next();
    ARROW_RETURN_NOT_OK(producer->Produce(message.key, message.value));
    producer->Poll();
  }
  ARROW_ASSIGN_OR_RAISE(auto report, producer->Flush(60'000));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& summary = (*generator)->summary();
  if (report.failed > 0) {
    return arrow::Status::IOError("kafka: ", report.failed, " of ", summary.messages,
                                  " message(s) were not delivered to ", args.topic, ": ",
                                  report.first_error);
  }
  PrintSummary(ctx.options, args, summary, producer->partitions(), seconds);
  return arrow::Status::OK();
}

}  // namespace floe::cli
