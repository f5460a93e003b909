#include "floe/stream/stream_run.h"

#include <chrono>
#include <deque>
#include <iterator>
#include <iostream>

#include "floe/catalog/load_or_create_table.h"
#include "floe/catalog/sql/sql_catalog_store.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/stream/sinks/iceberg_sink.h"
#include "floe/stream/stream_infer.h"

namespace floe::stream {
namespace {

using Clock = std::chrono::steady_clock;

// What a stream into a table that does not exist yet read before creating it.
struct FirstBatch {
  std::vector<KafkaMessage> messages;
  // After the messages, so it closes (and its revoke handler runs) while they are there.
  std::unique_ptr<KafkaSource> source;
};

bool Stopped(const StreamOptions& options) {
  return options.stop != nullptr && options.stop->load();
}

// Reads the first batch (as many messages as one commit takes, or what is there) and infers
// the table's mapping from it; none when stopped, or with --once when no record arrived.
arrow::Result<std::optional<StreamMapping>> ReadFirstBatch(const StreamOptions& options,
                                                           FirstBatch* first) {
  // No table, so no offsets: every partition starts per --starting-offsets.
  auto on_assign =
      [&options](const std::set<TopicPartition>& partitions) -> arrow::Result<PartitionOffsets> {
    if (options.on_assign && !partitions.empty()) options.on_assign(partitions);
    return PartitionOffsets{};
  };
  auto on_revoke = [&options, first](const std::set<TopicPartition>& partitions) {
    if (options.on_revoke && !partitions.empty()) options.on_revoke(partitions);
    std::erase_if(first->messages, [&](const KafkaMessage& m) {
      return partitions.count({m.topic, m.partition}) > 0;
    });
  };
  ARROW_ASSIGN_OR_RAISE(first->source, KafkaSource::Open(options.kafka, on_assign, on_revoke));
  auto started = Clock::now();
  int64_t bytes = 0;
  size_t tried = 0;  // messages the last inference saw
  while (!Stopped(options)) {
    ARROW_ASSIGN_OR_RAISE(auto message, first->source->Poll(100));
    if (message) {
      if (first->messages.empty()) started = Clock::now();
      bytes += message->value ? static_cast<int64_t>(message->value->size()) : 0;
      first->messages.push_back(std::move(*message));
    }
    const int64_t n = static_cast<int64_t>(first->messages.size());
    bool full = n >= options.max_records_per_commit ||
                (options.commit_bytes > 0 && bytes >= options.commit_bytes);
    bool due = n > 0 && Clock::now() - started >=
                            std::chrono::milliseconds(options.commit_interval_ms);
    bool at_end = first->source->AtEnd();
    if ((full || due || at_end) && first->messages.size() > tried) {
      ARROW_ASSIGN_OR_RAISE(auto mapping, InferMapping(first->messages, options.mode, options.key));
      if (mapping) return mapping;
      tried = first->messages.size();  // no record yet: read on
    }
    if (options.once && at_end) break;
  }
  return std::nullopt;
}

arrow::Result<StreamReport> RunStreamFrom(std::unique_ptr<StreamSink> sink,
                                          const StreamOptions& options, FirstBatch first);

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
    if (options.infer_mapping) {
      return arrow::Status::Invalid(
          "--mode upsert needs a key: give --key COLUMN[,COLUMN] (the table has no identifier "
          "fields, and the message keys are not JSON objects whose fields are columns)");
    }
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
  StreamOptions resolved = options;
  FirstBatch first;
  bool from_table = false;
  if (options.infer_mapping) {
    ARROW_ASSIGN_OR_RAISE(from_table, catalog.TableExists(options.table));
    if (!from_table) {
      ARROW_ASSIGN_OR_RAISE(auto inferred, ReadFirstBatch(options, &first));
      if (!inferred) return StreamReport{};  // nothing to create the table from
      resolved.mapping = std::move(*inferred);
      // Another process of the stream may have created it from its own first batch meanwhile:
      // then its schema is the mapping, as on any later start.
      ARROW_ASSIGN_OR_RAISE(from_table, catalog.TableExists(options.table));
    }
    if (from_table) {
      ARROW_ASSIGN_OR_RAISE(auto table, catalog.LoadTable(options.table));
      ARROW_ASSIGN_OR_RAISE(resolved.mapping,
                            MappingFromSchema(*table->metadata().CurrentSchema()));
      if (!options.key.empty() && options.key != resolved.mapping.key()) {
        std::string have;
        for (const auto& k : resolved.mapping.key()) have += (have.empty() ? "" : ",") + k;
        return arrow::Status::Invalid("--key: table ", options.table.ToString(),
                                      " exists and its key is [", have, "]");
      }
    }
    if (options.on_infer) options.on_infer(resolved.mapping, from_table);
  }
  ARROW_ASSIGN_OR_RAISE(auto tables, OpenStreamTables(catalog, resolved));
  const std::string stream_id = options.stream_id.empty() ? options.kafka.group : options.stream_id;
  ARROW_ASSIGN_OR_RAISE(
      auto report,
      RunStreamFrom(std::make_unique<IcebergSink>(tables.first, tables.second, stream_id,
                                                  options.mode),
                    resolved, std::move(first)));
  if (options.infer_mapping) {
    report.inferred = resolved.mapping;
    report.inferred_from_table = from_table;
  }
  return report;
}

arrow::Result<StreamReport> RunStreamInto(std::unique_ptr<StreamSink> sink,
                                          const StreamOptions& options) {
  return RunStreamFrom(std::move(sink), options, FirstBatch{});
}

namespace {

arrow::Result<StreamReport> RunStreamFrom(std::unique_ptr<StreamSink> sink,
                                          const StreamOptions& options, FirstBatch first) {
  StreamSink& committer = *sink;
  ARROW_RETURN_NOT_OK(committer.Refresh());
  // --evolve: a sink without a schema of its own refuses it here, before reading anything.
  if (options.evolve) ARROW_RETURN_NOT_OK(committer.AddColumns({}).status());
  BatchBuilder builder(&options.mapping, committer.schema());
  SchemaEvolver evolver(&options.mapping);
  if (options.evolve) builder.EnableEvolve(&evolver);
  if (committer.rows_only()) builder.EnableDirectRows(committer.takes_dictionary_strings());

  // Each assignment starts from the table's offsets as they are then.
  auto on_assign =
      [&](const std::set<TopicPartition>& partitions) -> arrow::Result<PartitionOffsets> {
    ARROW_RETURN_NOT_OK(committer.Refresh());
    if (options.on_assign && !partitions.empty()) options.on_assign(partitions);
    return committer.committed();
  };
  // The first batch's messages not yet added (read before the table existed).
  std::deque<KafkaMessage> queued(std::make_move_iterator(first.messages.begin()),
                                  std::make_move_iterator(first.messages.end()));
  auto on_revoke = [&](const std::set<TopicPartition>& partitions) {
    if (options.on_revoke && !partitions.empty()) options.on_revoke(partitions);
    builder.DropPartitions(partitions);
    std::erase_if(queued, [&](const KafkaMessage& m) {
      return partitions.count({m.topic, m.partition}) > 0;
    });
  };
  std::unique_ptr<KafkaSource> source = std::move(first.source);
  if (source) {
    source->SetHandlers(on_assign, on_revoke);
    if (!committer.committed().empty()) {
      // Another process created the table and committed meanwhile: read from its offsets.
      queued.clear();
      ARROW_RETURN_NOT_OK(source->Rewind(committer.committed()));
    }
  } else {
    KafkaSourceOptions kafka = options.kafka;
    kafka.resume_from_group = committer.resumes_from_group();
    ARROW_ASSIGN_OR_RAISE(source, KafkaSource::Open(kafka, on_assign, on_revoke));
  }
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
      queued.clear();
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

  KafkaMessage polled;  // one for all messages: its strings keep their memory
  // The direct path maps no headers (only a dead letter keeps them, read when there is one)
  // and reads each message where librdkafka holds it.
  const bool in_place = builder.direct();
  KafkaMessageView view;
  while (!Stopped(options)) {
    bool got = false;
    bool from_source = false;
    const int64_t letters = builder.dead_letters();
    if (!queued.empty()) {
      polled = std::move(queued.front());
      queued.pop_front();
      got = true;
    } else if (in_place) {
      ARROW_ASSIGN_OR_RAISE(got, source->PollView(100, &view));
      from_source = got;
    } else {
      ARROW_ASSIGN_OR_RAISE(got, source->PollInto(100, &polled));
      from_source = got;
    }
    for (const auto& [tp, end] : source->TakeEndsReached()) builder.CoverTo(tp, end);
    if (got) {
      if (builder.messages() == 0) batch_started = Clock::now();  // the interval runs from here
      if (from_source && in_place) {
        builder.Add(view);
        if (builder.dead_letters() > letters) {
          builder.SetLastDeadLetterHeaders(source->LastHeaders());
        }
      } else {
        builder.Add(polled);
      }
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
    // The clock is read when the source is idle and every 64 messages, not for each one.
    bool due = builder.messages() > 0 && (!got || builder.messages() % 64 == 0) &&
               Clock::now() - batch_started >= std::chrono::milliseconds(options.commit_interval_ms);
    bool done = options.once && queued.empty() && source->AtEnd();
    if (full || due || done) ARROW_RETURN_NOT_OK(commit());
    if (done) break;
  }
  ARROW_RETURN_NOT_OK(commit());  // stopped: what is in flight
  source->CommitGroupOffsets(committer.committed(), /*wait=*/true);
  source->Close();
  return report;
}

}  // namespace

}  // namespace floe::stream
