#include "floe/stream/stream_run.h"

#include <chrono>
#include <iostream>

#include "floe/catalog/load_or_create_table.h"
#include "floe/catalog/sql/sql_catalog_store.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/stream/sinks/iceberg_sink.h"

namespace floe::stream {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

arrow::Result<std::pair<std::shared_ptr<iceberg::Table>, std::shared_ptr<iceberg::Table>>>
OpenStreamTables(catalog::Catalog& catalog, const StreamOptions& options) {
  ARROW_ASSIGN_OR_RAISE(bool ns_exists, catalog.NamespaceExists(options.table.ns));
  if (!ns_exists) {
    auto st = catalog.CreateNamespace(options.table.ns, {});
    if (!st.ok() && !catalog::IsAlreadyExists(st)) return st;
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, options.mapping.TableSchema());
  if (options.mode == StreamMode::kUpsert && options.mapping.key().empty()) {
    return arrow::Status::Invalid(
        "--mode upsert needs the mapping's `key` (the identifier "
        "columns rows are upserted on)");
  }
  auto spec = iceberg::ParsePartitionText(options.partition_by, schema);
  if (!spec.ok()) return arrow::Status::Invalid("--partition-by: ", spec.status().message());
  std::pair<std::shared_ptr<iceberg::Table>, std::shared_ptr<iceberg::Table>> tables;
  ARROW_ASSIGN_OR_RAISE(tables.first,
                        catalog::LoadOrCreateTable(catalog, options.table, schema, *spec));
  if (options.dead_letters) {
    const auto id = DeadLetterTableId(options.table);
    ARROW_ASSIGN_OR_RAISE(bool exists, catalog.TableExists(id));
    if (exists) {
      ARROW_ASSIGN_OR_RAISE(auto older, catalog.LoadTable(id));
      ARROW_RETURN_NOT_OK(AddMissingDeadLetterColumns(older));
    }
    ARROW_ASSIGN_OR_RAISE(tables.second,
                          catalog::LoadOrCreateTable(catalog, id, *DeadLetterSchema(),
                                                     iceberg::PartitionSpec::Unpartitioned()));
  }
  return tables;
}

arrow::Result<StreamReport> RunStream(catalog::Catalog& catalog, const StreamOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto tables, OpenStreamTables(catalog, options));
  const std::string stream_id = options.stream_id.empty() ? options.kafka.group : options.stream_id;
  return RunStreamInto(
      std::make_unique<IcebergSink>(tables.first, tables.second, stream_id, options.mode), options);
}

arrow::Result<StreamReport> RunStreamInto(std::unique_ptr<StreamSink> sink,
                                          const StreamOptions& options) {
  StreamSink& committer = *sink;
  ARROW_RETURN_NOT_OK(committer.Refresh());
  // --evolve: a sink without a schema of its own refuses it here, before reading anything.
  if (options.evolve) ARROW_RETURN_NOT_OK(committer.AddColumns({}).status());
  BatchBuilder builder(&options.mapping, committer.schema());
  SchemaEvolver evolver(&options.mapping);
  if (options.evolve) builder.EnableEvolve(&evolver);

  // Each assignment starts from the table's offsets as they are then.
  auto on_assign =
      [&](const std::set<TopicPartition>& partitions) -> arrow::Result<PartitionOffsets> {
    ARROW_RETURN_NOT_OK(committer.Refresh());
    if (options.on_assign) options.on_assign(partitions);
    return committer.committed();
  };
  auto on_revoke = [&](const std::set<TopicPartition>& partitions) {
    builder.DropPartitions(partitions);
  };
  KafkaSourceOptions kafka = options.kafka;
  kafka.resume_from_group = committer.resumes_from_group();
  ARROW_ASSIGN_OR_RAISE(auto source, KafkaSource::Open(kafka, on_assign, on_revoke));
  ARROW_RETURN_NOT_OK(committer.Attach(source.get()));

  StreamReport report;
  auto batch_started = Clock::now();
  auto commit = [&]() -> arrow::Status {
    if (options.evolve) {
      // New columns are added before the rows that have them are converted and committed; the
      // rows convert to the table's schema as it is now (other processes may have added some).
      ARROW_ASSIGN_OR_RAISE(auto schema, committer.AddColumns(builder.new_columns()));
      builder.SetSchema(std::move(schema));
    }
    ARROW_ASSIGN_OR_RAISE(auto batch, builder.Finish());
    batch_started = Clock::now();
    if (batch.partitions.empty()) return arrow::Status::OK();
    StreamBatch summary_of;
    summary_of.partitions = batch.partitions;
    summary_of.next = batch.next;
    summary_of.messages = batch.messages;
    summary_of.tombstones = batch.tombstones;
    summary_of.dead_letters_by_reason = batch.dead_letters_by_reason;
    ARROW_ASSIGN_OR_RAISE(auto result, committer.Commit(std::move(batch)));
    if (options.on_commit) options.on_commit(result, summary_of);
    if (!result.committed) {
      ++report.refused_commits;
      ARROW_RETURN_NOT_OK(committer.Refresh());
      return source->Rewind(committer.committed());
    }
    ++report.commits;
    report.messages += summary_of.messages;
    report.rows += result.rows;
    report.dead_letters += result.dead_letters;
    report.tombstones += summary_of.tombstones;
    source->CommitGroupOffsets(committer.committed());
    return arrow::Status::OK();
  };

  while (!(options.stop != nullptr && options.stop->load())) {
    ARROW_ASSIGN_OR_RAISE(auto message, source->Poll(100));
    for (const auto& [tp, end] : source->TakeEndsReached()) builder.CoverTo(tp, end);
    if (message) {
      if (builder.messages() == 0) batch_started = Clock::now();  // the interval runs from here
      builder.Add(*message);
      if (!options.dead_letters && builder.dead_letters() > 0) {
        // --on-error fail: stop at the first bad message; nothing of its batch commits.
        ARROW_ASSIGN_OR_RAISE(auto failed, builder.Finish());
        const auto& l = failed.dead_letters.front();
        return arrow::Status::Invalid(l.topic, "[", l.partition, "] offset ", l.offset, ": ",
                                      l.reason, ": ", l.error);
      }
    }
    bool full = builder.messages() >= options.max_records_per_commit ||
                (options.commit_bytes > 0 && builder.bytes() >= options.commit_bytes);
    bool due = builder.messages() > 0 && Clock::now() - batch_started >=
                                             std::chrono::milliseconds(options.commit_interval_ms);
    bool done = options.once && source->AtEnd();
    if (full || due || done) ARROW_RETURN_NOT_OK(commit());
    if (done) break;
  }
  ARROW_RETURN_NOT_OK(commit());  // stopped: what is in flight
  source->Close();
  return report;
}

}  // namespace floe::stream
