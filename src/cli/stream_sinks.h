#pragma once

// The sinks of `floe stream` besides the Iceberg table (--sink console|parquet|kafka).

#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "floe/stream/stream_run.h"

namespace floe::cli {

struct StreamSinkArgs {
  std::string sink = "iceberg";
  std::string path;          ///< parquet
  std::string output_topic;  ///< kafka
  std::string dlq_topic;     ///< kafka; default <output-topic>_dlq
  int64_t console_rows = 20;
};

/// Registers --sink, --path, --output-topic, --dlq-topic and --console-rows.
void AddStreamSinkOptions(CLI::App& cmd, StreamSinkArgs& args);

/// The sink `args` names for `options` (its mapping, stream id, Kafka settings); not for
/// "iceberg", which RunStream opens from the catalog.
arrow::Result<std::unique_ptr<stream::StreamSink>> MakeStreamSink(
    CliContext& ctx, const StreamSinkArgs& args, const stream::StreamOptions& options);

}  // namespace floe::cli
