// floe gen OUTPUT_DIR [--seed N] [--apps N] [--executors N] [--size 100MB | --records N]
//                     [--bad-rate R] [--gzip-share S] [--zstd-share S] [--decoys N]: writes a
// synthetic, deterministic corpus of Spark-on-Kubernetes Fluent Bit logs for tests and
// benchmarks, and prints what it wrote. With --kafka it produces Debezium change events into a
// topic instead (gen_kafka.h).
#include <cctype>
#include <charconv>
#include <chrono>
#include <iostream>

#include "cli/cli_context.h"
#include "cli/gen_kafka.h"
#include "cli/output.h"
#include "cli/parquet_inputs.h"
#include "floe/testing/corpus_generator.h"

namespace floe::cli {
namespace {

struct GenArgs {
  testing::CorpusOptions options;
  std::string size = "16MiB";
  int64_t records = 0;
  bool kafka = false;
  GenKafkaArgs kafka_args;
};

void PrintSummary(const GlobalOptions& global, const testing::CorpusSummary& s,
                  const std::string& output, double seconds) {
  if (global.json) {
    PrintJson(std::cout, {{"output", output},
                          {"app_folders", s.app_folders},
                          {"files", s.files},
                          {"gzip_files", s.gzip_files},
                          {"zstd_files", s.zstd_files},
                          {"bytes", s.bytes},
                          {"uncompressed_bytes", s.uncompressed_bytes},
                          {"lines", s.lines},
                          {"blank_lines", s.blank_lines},
                          {"good_lines", s.good_lines},
                          {"bad_lines", s.bad_lines},
                          {"bad_by_kind", s.bad_by_kind},
                          {"bad_by_reason", s.bad_by_reason},
                          {"decoy_entries", s.decoy_entries},
                          {"decoy_files", s.decoy_files},
                          {"seconds", seconds}});
    return;
  }
  const double mb = static_cast<double>(s.uncompressed_bytes) / 1e6;
  std::cout << "wrote " << output << ": " << s.app_folders.size() << " app folder(s), " << s.files
            << " file(s) (" << s.gzip_files << " gzip, " << s.zstd_files << " zstd), " << s.bytes
            << " bytes on disk, " << s.uncompressed_bytes << " uncompressed\n"
            << "lines: " << s.lines << " = " << s.good_lines << " good + " << s.bad_lines
            << " bad + " << s.blank_lines << " blank\n";
  for (const auto& [reason, count] : s.bad_by_reason) {
    std::cout << "  " << reason << ": " << count << "\n";
  }
  std::cout << "decoys: " << s.decoy_entries << " top-level entr"
            << (s.decoy_entries == 1 ? "y" : "ies") << " to ignore, holding " << s.decoy_files
            << " file(s)\n";
  std::cout << "took " << seconds << " s (" << (seconds > 0 ? mb / seconds : 0) << " MB/s)\n";
}

arrow::Status RunGen(CliContext& ctx, GenArgs& args) {
  if (args.kafka) {
    if (!args.options.output.empty()) {
      return UsageError("floe gen --kafka writes to a topic: give no OUTPUT_DIR");
    }
    return RunGenKafka(ctx, args.kafka_args, args.options.seed, args.options.bad_line_rate);
  }
  if (args.options.output.empty()) {
    return UsageError("floe gen needs OUTPUT_DIR (or --kafka --brokers … --topic …)");
  }
  if (args.records > 0) {
    args.options.records_per_pod = args.records;
  } else {
    ARROW_ASSIGN_OR_RAISE(args.options.target_bytes, ParseByteSize("--size", args.size));
  }
  const auto start = std::chrono::steady_clock::now();
  auto summary = testing::GenerateCorpus(args.options);
  if (!summary.ok()) {
    if (summary.status().IsInvalid()) return UsageError(summary.status().message());
    return summary.status();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(ctx.options, *summary, args.options.output, seconds);
  return arrow::Status::OK();
}

}  // namespace

void AddGenCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<GenArgs>();
  auto& o = args->options;
  auto* cmd = app.add_subcommand(
      "gen",
      "Write a synthetic corpus of Spark-on-Kubernetes Fluent Bit logs, or with --kafka produce "
      "Debezium change events into a topic (deterministic)");
  cmd->add_option("output", o.output, "Folder to create (must not exist or be empty)");
  cmd->add_option("--seed", o.seed, "Random seed; the same seed writes the same bytes")
      ->capture_default_str();
  // Options of one form only: the corpus's exclude --kafka, the producer's need it.
  std::vector<CLI::Option*> corpus_only, kafka_only;
  corpus_only.push_back(
      cmd->add_option("--apps", o.apps, "spark-<hex> app folders")->capture_default_str());
  corpus_only.push_back(cmd->add_option("--executors", o.executors_per_app,
                                        "Executor pods per app, besides the driver")
                            ->capture_default_str());
  corpus_only.push_back(
      cmd->add_option("--files-per-pod", o.files_per_pod, "About this many files per pod")
          ->capture_default_str());
  auto* size =
      cmd->add_option("--size", args->size, "Total uncompressed line bytes (100MB, 2GiB, …)")
          ->capture_default_str();
  corpus_only.push_back(size);
  corpus_only.push_back(
      cmd->add_option("--records", args->records, "Exactly N lines per pod instead of --size")
          ->excludes(size));
  cmd->add_option("--bad-rate", o.bad_line_rate,
                  "Chance that a line (--kafka: a message) is bad (every kind dealt)")
      ->capture_default_str();
  corpus_only.push_back(
      cmd->add_option("--gzip-share", o.gzip_share, "Share of files gzip-compressed")
          ->capture_default_str());
  corpus_only.push_back(
      cmd->add_option("--zstd-share", o.zstd_share, "Share of files zstd-compressed")
          ->capture_default_str());
  corpus_only.push_back(
      cmd->add_option("--decoys", o.decoy_folders, "Top-level entries an ingest must ignore")
          ->capture_default_str());
  auto& k = args->kafka_args;
  auto* kafka =
      cmd->add_flag("--kafka", args->kafka, "Produce change events into --topic instead of files");
  kafka_only.push_back(
      cmd->add_option("--brokers", k.brokers, "--kafka: bootstrap servers (host:port,…)"));
  kafka_only.push_back(cmd->add_option("--topic", k.topic, "--kafka: the topic (it must exist)"));
  kafka_only.push_back(
      cmd->add_option("--messages", k.messages, "--kafka: messages to produce, tombstones included")
          ->capture_default_str());
  kafka_only.push_back(
      cmd->add_option("--rate", k.rate, "--kafka: messages per second (0: as fast as possible)")
          ->capture_default_str());
  kafka_only.push_back(
      cmd->add_option("--format", k.format, "--kafka: debezium-flat or debezium-envelope")
          ->capture_default_str());
  kafka_only.push_back(
      cmd->add_option("--keys", k.keys, "--kafka: distinct ride ids (the message keys)")
          ->capture_default_str());
  kafka_only.push_back(cmd->add_flag(
      "--partitions-by-key", k.partitions_by_key,
      "--kafka: partition by key (a key's changes stay in order); default: in turn"));
  kafka_only.push_back(
      cmd->add_flag("--tombstones", k.tombstones, "--kafka: a tombstone after each delete"));
  kafka_only.push_back(
      cmd->add_option("--kafka-property", k.kafka_properties,
                      "--kafka: librdkafka property KEY=VALUE (security.protocol, sasl.*, …)"));
  for (auto* option : corpus_only) option->excludes(kafka);
  for (auto* option : kafka_only) option->needs(kafka);
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] { *run = [&ctx, args] { return RunGen(ctx, *args); }; });
}

}  // namespace floe::cli
