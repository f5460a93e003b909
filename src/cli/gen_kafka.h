#pragma once

// floe gen --kafka: Debezium change events for a rides table (floe/testing/change_events.h)
// produced into a Kafka topic, for demos and tests of `floe stream`.

#include <cstdint>
#include <string>
#include <vector>

#include <arrow/status.h>

#include "cli/cli_context.h"

namespace floe::cli {

struct GenKafkaArgs {
  std::string brokers;
  std::string topic;
  int64_t messages = 1000;
  double rate = 0;  ///< messages per second; 0: as fast as the broker takes them
  std::string format = "debezium-flat";
  int64_t keys = 100;
  bool partitions_by_key = false;
  bool tombstones = false;
  std::vector<std::string> kafka_properties;
};

/// `seed` and `bad_rate` are the options `floe gen` shares with the corpus generator.
arrow::Status RunGenKafka(CliContext& ctx, const GenKafkaArgs& args, uint64_t seed,
                          double bad_rate);

}  // namespace floe::cli
