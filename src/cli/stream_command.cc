// floe stream NS.T --brokers … --topic … --group … [--mapping FILE]: Kafka into Iceberg,
// exactly once, with a dead-letter table.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/stop_signals.h"
#include "cli/parquet_inputs.h"
#include "cli/stream_sinks.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/stream/stream_infer.h"
#include "floe/stream/stream_run.h"

namespace floe::cli {
namespace {

struct StreamArgs {
  std::vector<std::string> words;  ///< NS.T, or status NS.T
  std::string table;
  std::string brokers;
  std::vector<std::string> topics;
  std::string group;
  std::string mapping;
  std::string mode = "append";
  std::string stream_id;
  std::string starting_offsets = "earliest";
  bool once = false;
  std::string commit_interval = "10s";
  int64_t max_records_per_commit = 100'000;
  std::string commit_bytes;
  std::vector<std::string> kafka_properties;
  std::string on_error = "dlq";
  std::string partition_by;
  StreamSinkArgs sink;
  bool evolve = false;
  bool no_evolve = false;
  std::string key;
};

// "10s", "500ms", "2m", or plain seconds.
arrow::Result<int64_t> ParseDurationMs(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  int64_t scale = unit == "ms" ? 1 : unit == "s" || unit.empty() ? 1000 : unit == "m" ? 60'000 : 0;
  if (digits == 0 || digits > 9 || scale == 0) {
    return UsageError("--commit-interval " + text + ": give a duration like 10s, 500ms or 2m");
  }
  return std::stoll(text.substr(0, digits)) * scale;
}

// --json: what was inferred without --mapping.
nlohmann::json InferredJson(const stream::StreamMapping& mapping, bool from_table) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : mapping.columns()) {
    nlohmann::json column = {{"name", c.name}, {"type", c.type_text}, {"required", c.required}};
    if (c.meta != stream::MetaField::kNone) column["meta"] = true;
    columns.push_back(std::move(column));
  }
  return {{"from", from_table ? "table" : "messages"},
          {"columns", std::move(columns)},
          {"key", mapping.key()}};
}

// A stream allocates about the same memory for every batch (librdkafka's fetch buffers, the
// column buffers). glibc would hand it back to the kernel after each batch (it trims the heap
// top and maps large blocks afresh), so the next batch pays a page fault per 4 KB touched
// again: keep it instead. Memory stays at its peak, which the batch size bounds.
void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest glibc takes
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

arrow::Status RunStreamCommand(CliContext& ctx, const StreamArgs& args) {
  KeepFreedMemory();
  const bool into_table = args.sink.sink == "iceberg";
  auto id = iceberg::TableIdentifier::Parse(into_table ? args.table : "floe.unused");
  if (!id.ok()) return UsageError(id.status().message());
  if (args.brokers.empty()) return UsageError("--brokers is required");
  if (args.topics.empty()) return UsageError("--topic is required");
  if (args.group.empty()) return UsageError("--group is required");
  const bool infer = args.mapping.empty();
  if (infer && !into_table) {
    return UsageError("--mapping is required with --sink " + args.sink.sink +
                      " (without it the mapping comes from a table)");
  }
  if (!infer && !args.key.empty()) {
    return UsageError("--key is for streams without --mapping (the mapping file has `key`)");
  }
  if (args.evolve && args.no_evolve) return UsageError("give --evolve or --no-evolve, not both");
  stream::StreamOptions options;
  options.table = *id;
  options.kafka.brokers = args.brokers;
  for (const auto& t : args.topics) {
    // "--topic a,b" and "--topic a --topic b" alike; a regex starts with '^' and keeps commas.
    if (!t.empty() && t[0] == '^') {
      options.kafka.topics.push_back(t);
      continue;
    }
    std::stringstream list(t);
    std::string one;
    while (std::getline(list, one, ',')) {
      if (!one.empty()) options.kafka.topics.push_back(one);
    }
  }
  options.kafka.group = args.group;
  auto starting = stream::StartingOffsets::Parse(args.starting_offsets);
  if (!starting.ok()) return UsageError(starting.status().message());
  options.kafka.starting_offsets = *starting;
  for (const auto& kv : args.kafka_properties) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("--kafka-property " + kv + ": expected KEY=VALUE");
    }
    options.kafka.properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (infer) {
    options.infer_mapping = true;
    std::stringstream list(args.key);
    std::string one;
    while (std::getline(list, one, ',')) {
      if (!one.empty()) options.key.push_back(one);
    }
  } else {
    std::ifstream in(args.mapping);
    if (!in) return arrow::Status::IOError("--mapping ", args.mapping, ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    ARROW_ASSIGN_OR_RAISE(options.mapping, stream::StreamMapping::Parse(text.str(), args.mapping));
  }
  if (args.mode == "append") {
    options.mode = stream::StreamMode::kAppend;
  } else if (args.mode == "upsert") {
    options.mode = stream::StreamMode::kUpsert;
  } else {
    return UsageError("--mode is append or upsert");
  }
  if (args.on_error != "dlq" && args.on_error != "fail")
    return UsageError("--on-error is dlq or fail");
  options.dead_letters = args.on_error == "dlq";
  options.stream_id = args.stream_id;
  options.once = args.once;
  ARROW_ASSIGN_OR_RAISE(options.commit_interval_ms, ParseDurationMs(args.commit_interval));
  if (args.max_records_per_commit < 1) return UsageError("--max-records-per-commit must be >= 1");
  options.max_records_per_commit = args.max_records_per_commit;
  if (!args.commit_bytes.empty()) {
    ARROW_ASSIGN_OR_RAISE(options.commit_bytes, ParseByteSize("--commit-bytes", args.commit_bytes));
  }
  options.partition_by = args.partition_by;
  // Without --mapping the columns come from the data, so new keys keep becoming columns.
  options.evolve = args.evolve || (infer && !args.no_evolve);
  const bool json = ctx.options.json;
  options.on_commit = [json](const stream::CommitResult& r, const stream::StreamBatch& b) {
    if (!r.committed) {
      std::cerr << "floe stream: commit refused, batch dropped: " << r.refused_reason << "\n";
      return;
    }
    if (json) return;
    std::cerr << "floe stream: committed " << b.messages << " message(s): " << r.rows << " row(s), "
              << r.dead_letters << " dead letter(s)\n";
  };
  const std::string table_name = id->ToString();
  options.on_infer = [table_name](const stream::StreamMapping& m, bool from_table) {
    std::cerr << "floe stream: " << (from_table ? "mapping from " : "creating ") << table_name
              << (from_table ? "'s schema: " : " from the first messages: ")
              << stream::DescribeMapping(m) << "\n";
  };
  options.on_assign = [into_table](const std::set<stream::TopicPartition>& partitions) {
    std::cerr << "floe stream: assigned " << partitions.size() << " partition(s), reading from "
              << (into_table ? "the table's offsets" : "the sink's offsets") << "\n";
  };
  options.on_revoke = [](const std::set<stream::TopicPartition>& partitions) {
    std::cerr << "floe stream: revoked " << partitions.size() << " partition(s)\n";
  };
  // A stop signal: stop fetching, commit what is in flight, exit 0.
  options.stop = InstallStopHandlers();
  stream::StreamReport report;
  if (into_table) {
    ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
    ARROW_ASSIGN_OR_RAISE(report, stream::RunStream(*catalog, options));
  } else {
    ARROW_ASSIGN_OR_RAISE(auto sink, MakeStreamSink(ctx, args.sink, options));
    ARROW_ASSIGN_OR_RAISE(report, stream::RunStreamInto(std::move(sink), options));
  }
  if (infer && !report.inferred) {
    std::cerr << "floe stream: " << table_name
              << " was not created: no JSON record was read to infer it from\n";
  }
  if (json) {
    nlohmann::json out = {{"commits", report.commits},
                          {"refused_commits", report.refused_commits},
                          {"messages", report.messages},
                          {"rows", report.rows},
                          {"dead_letters", report.dead_letters},
                          {"tombstones", report.tombstones}};
    if (report.inferred) {
      out["inferred"] = InferredJson(*report.inferred, report.inferred_from_table);
    }
    PrintJson(std::cout, out);
  } else {
    const std::string into = into_table ? id->ToString() : "the " + args.sink.sink + " sink";
    std::cout << "Streamed " << report.messages << " message(s) into " << into << ": "
              << report.rows << " row(s), " << report.dead_letters << " dead letter(s), "
              << report.tombstones << " tombstone(s) in " << report.commits << " commit(s)\n";
  }
  return arrow::Status::OK();
}

struct StatusArgs {
  std::string table;
  std::string brokers;
  std::string stream_id;
  std::vector<std::string> kafka_properties;
};

// floe stream status NS.T: per stream and partition, the offset the table holds, and with
// --brokers the broker's end offset and the lag.
arrow::Status RunStatusCommand(CliContext& ctx, const StatusArgs& args) {
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto states, stream::StreamStates(table->metadata()));
  std::map<std::string, std::string> properties;
  for (const auto& kv : args.kafka_properties) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("--kafka-property " + kv + ": expected KEY=VALUE");
    }
    properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& state : states) {
    if (!args.stream_id.empty() && state.stream_id != args.stream_id) continue;
    stream::PartitionOffsets ends;
    if (!args.brokers.empty()) {
      std::set<stream::TopicPartition> partitions;
      for (const auto& [tp, offset] : state.offsets) partitions.insert(tp);
      ARROW_ASSIGN_OR_RAISE(ends, stream::QueryEndOffsets(args.brokers, properties, partitions));
    }
    for (const auto& [tp, offset] : state.offsets) {
      nlohmann::json row = {{"stream_id", state.stream_id},
                            {"topic", tp.first},
                            {"partition", tp.second},
                            {"committed_offset", offset},
                            {"last_commit_ms", state.committed_at_ms},
                            {"snapshot_id", state.snapshot_id}};
      auto end = ends.find(tp);
      row["end_offset"] = end == ends.end() ? nlohmann::json(nullptr) : nlohmann::json(end->second);
      row["lag"] = end == ends.end() ? nlohmann::json(nullptr)
                                     : nlohmann::json(std::max<int64_t>(0, end->second - offset));
      out.push_back(std::move(row));
    }
  }
  if (ctx.options.json) {
    PrintJson(std::cout, out);
    return arrow::Status::OK();
  }
  if (out.empty()) {
    std::cout << "No stream has committed to " << id->ToString() << "\n";
    return arrow::Status::OK();
  }
  std::printf("%-20s %-24s %9s %16s %16s %12s  %s\n", "stream", "topic", "partition", "committed",
              "end", "lag", "last commit");
  for (const auto& row : out) {
    auto text = [](const nlohmann::json& v) { return v.is_null() ? std::string("-") : v.dump(); };
    std::printf(
        "%-20s %-24s %9d %16s %16s %12s  %s\n", row["stream_id"].get<std::string>().c_str(),
        row["topic"].get<std::string>().c_str(), row["partition"].get<int>(),
        text(row["committed_offset"]).c_str(), text(row["end_offset"]).c_str(),
        text(row["lag"]).c_str(),
        iceberg::FormatTimestamp(row["last_commit_ms"].get<int64_t>() * 1000, true).c_str());
  }
  return arrow::Status::OK();
}

}  // namespace

void AddStreamCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<StreamArgs>();
  auto* cmd = app.add_subcommand("stream", "Stream Kafka (Debezium) messages into a table");
  cmd->add_option("table", args->words,
                  "NAMESPACE.TABLE, or `status NAMESPACE.TABLE`: per partition the offset the "
                  "table holds, with --brokers the end offset and lag")
      ->expected(0, 2);
  cmd->add_option("--brokers", args->brokers, "Kafka bootstrap servers (host:port,…)");
  cmd->add_option("--topic", args->topics, "Topic, comma-separated topics, or ^regex");
  cmd->add_option("--group", args->group, "Consumer group (shares partitions among processes)");
  cmd->add_option("--mapping", args->mapping,
                  "Mapping file (YAML: columns, key); without it the mapping comes from the "
                  "table's schema, or for a new table from the first messages");
  cmd->add_option("--key", args->key,
                  "Without --mapping: the key column(s) COL[,COL] of a new table (default: the "
                  "fields of a JSON message key)");
  cmd->add_option("--mode", args->mode, "append (a changelog) or upsert (one row per key)");
  cmd->add_option("--stream-id", args->stream_id,
                  "Names the offsets in the table's snapshots (default: the group)");
  cmd->add_option("--starting-offsets", args->starting_offsets,
                  "Where partitions the table has not seen start: earliest, latest, "
                  "{\"topic\": {\"0\": OFFSET}}, epoch ms, or an ISO-8601 time");
  cmd->add_flag("--once", args->once, "Consume what is available now, commit, exit");
  cmd->add_option("--commit-interval", args->commit_interval, "Commit at least this often (10s)");
  cmd->add_option("--max-records-per-commit", args->max_records_per_commit,
                  "Commit once a batch has this many messages (100000)");
  cmd->add_option("--commit-bytes", args->commit_bytes,
                  "Commit once a batch's message values reach this size (64MB, 1GiB)");
  cmd->add_option("--kafka-property", args->kafka_properties,
                  "librdkafka property KEY=VALUE (security.protocol, sasl.*, ssl.*, …)");
  cmd->add_option("--on-error", args->on_error,
                  "dlq: bad messages go to NS.T_dlq (default); fail: stop at the first");
  cmd->add_option("--partition-by", args->partition_by, "Partitioning of a new table");
  AddStreamSinkOptions(*cmd, args->sink);
  cmd->add_flag("--evolve", args->evolve,
                "Unmapped top-level JSON keys become optional columns (type inferred); on "
                "without --mapping");
  cmd->add_flag("--no-evolve", args->no_evolve,
                "Without --mapping: keep the inferred columns, leave new keys out");
  cmd->fallthrough();
  // `floe stream status NS.T` shares the options (--brokers, --stream-id, --kafka-property).
  cmd->callback([&ctx, run, args] {
    *run = [&ctx, args]() -> arrow::Status {
      const auto& words = args->words;
      if (words.size() == 2 && words[0] == "status") {
        StatusArgs status{words[1], args->brokers, args->stream_id, args->kafka_properties};
        return RunStatusCommand(ctx, status);
      }
      if (words.empty() && args->sink.sink != "iceberg") {
        return RunStreamCommand(ctx, *args);  // the other sinks need no table
      }
      if (words.size() != 1) {
        return UsageError("give `floe stream NS.T --brokers …` or `floe stream status NS.T`");
      }
      auto stream_args = *args;
      stream_args.table = words[0];
      return RunStreamCommand(ctx, stream_args);
    };
  });
}

}  // namespace floe::cli
