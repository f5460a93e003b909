#include "cli/stream_sinks.h"

#include <iostream>

#include "cli/output.h"
#include "floe/io/file_io.h"
#include "floe/stream/sinks/console_sink.h"
#include "floe/stream/sinks/kafka_sink.h"
#include "floe/stream/sinks/parquet_sink.h"

namespace floe::cli {

void AddStreamSinkOptions(CLI::App& cmd, StreamSinkArgs& args) {
  cmd.add_option("--sink", args.sink,
                 "iceberg (NS.T, offsets in its snapshots; default); console: print each "
                 "micro-batch, progress only in the group's Kafka offsets (at least once); "
                 "parquet: files under --path with a manifest log holding the offsets; kafka: "
                 "JSON rows to --output-topic in transactions with the group's offsets");
  cmd.add_option("--path", args.path, "--sink parquet: folder or s3://bucket/prefix");
  cmd.add_option("--output-topic", args.output_topic, "--sink kafka: topic the rows go to");
  cmd.add_option("--dlq-topic", args.dlq_topic,
                 "--sink kafka: topic of the dead letters (default <output-topic>_dlq)");
  cmd.add_option("--console-rows", args.console_rows,
                 "--sink console: rows shown of each micro-batch (20)");
}

arrow::Result<std::unique_ptr<stream::StreamSink>> MakeStreamSink(
    CliContext& ctx, const StreamSinkArgs& args, const stream::StreamOptions& options) {
  if (options.mode != stream::StreamMode::kAppend) {
    return UsageError("--mode upsert needs --sink iceberg (the other sinks append)");
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, options.mapping.TableSchema());
  auto shared_schema = std::make_shared<const iceberg::Schema>(std::move(schema));
  const std::string stream_id = options.stream_id.empty() ? options.kafka.group : options.stream_id;
  if (args.sink == "console") {
    if (args.console_rows < 0) return UsageError("--console-rows must be >= 0");
    return std::make_unique<stream::ConsoleSink>(shared_schema, &std::cout, args.console_rows);
  }
  if (args.sink == "parquet") {
    if (args.path.empty()) return UsageError("--sink parquet needs --path DIR|s3://bucket/prefix");
    ARROW_ASSIGN_OR_RAISE(auto storage, ctx.StorageProperties());
    ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(args.path, storage));
    stream::ParquetSinkOptions o;
    o.path = args.path;
    o.stream_id = stream_id;
    o.schema = shared_schema;
    o.dead_letters = options.dead_letters;
    ARROW_ASSIGN_OR_RAISE(auto sink, stream::ParquetSink::Open(std::move(io), std::move(o)));
    return sink;
  }
  if (args.sink == "kafka") {
    if (args.output_topic.empty()) return UsageError("--sink kafka needs --output-topic");
    stream::KafkaSinkOptions o;
    o.brokers = options.kafka.brokers;
    o.output_topic = args.output_topic;
    o.dead_letter_topic = args.dlq_topic;
    o.stream_id = stream_id;
    o.schema = shared_schema;
    o.properties = options.kafka.properties;
    ARROW_ASSIGN_OR_RAISE(auto sink, stream::KafkaSink::Open(std::move(o)));
    return sink;
  }
  return UsageError("--sink is iceberg, console, parquet or kafka");
}

}  // namespace floe::cli
