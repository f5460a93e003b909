#include "floe/ingest/ledger_checkpoint.h"

#include <map>
#include <nlohmann/json.hpp>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/pending_update.h"
#include "floe/ingest/ingest_ledger.h"
#include "floe/util/uuid.h"

namespace floe::ingest {
namespace {

// Points the property at a new checkpoint, if it still names the one the checkpoint was built
// on: two racing checkpoints must not replace a newer one with an older one.
class SetCheckpoint final : public iceberg::PendingUpdate {
 public:
  SetCheckpoint(std::shared_ptr<iceberg::Table> table, std::string expected, std::string location)
      : PendingUpdate(std::move(table)),
        expected_(std::move(expected)),
        location_(std::move(location)) {}

  arrow::Status Apply(iceberg::TableMetadataBuilder& builder) override {
    const auto& props = builder.current().properties;
    auto it = props.find(kLedgerCheckpointProperty);
    std::string now = it == props.end() ? std::string() : it->second;
    if (now != expected_) {
      return arrow::Status::Invalid("table ", table_->identifier().ToString(),
                                    ": another ledger checkpoint was committed meanwhile (", now,
                                    "); this one is dropped, run again");
    }
    return builder.SetProperties({{kLedgerCheckpointProperty, location_}});
  }

 private:
  std::string expected_;
  std::string location_;
};

bool HasBatchRecords(const iceberg::TableMetadata& md) {
  for (const auto& s : md.snapshots) {
    if (s.summary.count(kSummaryBatchFile)) return true;
  }
  return false;
}

}  // namespace

std::string LedgerCheckpoint::ToJson() const {
  IngestBatch as_batch;  // the file entries in the batch record's own form
  as_batch.batch_id = "ledger-checkpoint";
  as_batch.files = files;
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(as_batch.ToJson());
  doc["committed-jobs"] = committed_jobs;
  doc["covered-batches"] = covered_batches;
  return doc.dump();
}

arrow::Result<LedgerCheckpoint> LedgerCheckpoint::FromJson(const std::string& json,
                                                           const std::string& location) {
  ARROW_ASSIGN_OR_RAISE(IngestBatch as_batch, IngestBatch::FromJson(json, location));
  auto doc = nlohmann::json::parse(json, nullptr, false);
  LedgerCheckpoint out;
  out.files = std::move(as_batch.files);
  for (const char* key : {"committed-jobs", "covered-batches"}) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_array()) {
      return arrow::Status::Invalid("ingest ledger checkpoint ", location, ": missing ", key);
    }
    auto& into =
        std::string_view(key) == "committed-jobs" ? out.committed_jobs : out.covered_batches;
    for (const auto& v : *it) {
      if (!v.is_string()) {
        return arrow::Status::Invalid("ingest ledger checkpoint ", location, ": ", key,
                                      " holds a non-string");
      }
      into.insert(v.get<std::string>());
    }
  }
  return out;
}

arrow::Result<std::optional<LedgerCheckpoint>> ReadLedgerCheckpoint(
    io::FileIO& io, const iceberg::TableMetadata& data) {
  auto it = data.properties.find(kLedgerCheckpointProperty);
  if (it == data.properties.end() || it->second.empty()) return std::nullopt;
  auto text = io.ReadAll(it->second);
  if (!text.ok()) {
    return arrow::Status::IOError("ingest ledger checkpoint ", it->second,
                                  " named by the data table's property ", kLedgerCheckpointProperty,
                                  " is unreadable: ", text.status().message());
  }
  ARROW_ASSIGN_OR_RAISE(auto checkpoint, LedgerCheckpoint::FromJson(*text, it->second));
  return checkpoint;
}

arrow::Result<int64_t> CheckpointLedger(const IngestTables& tables, int64_t min_uncovered) {
  ARROW_ASSIGN_OR_RAISE(IngestLedger ledger, IngestLedger::Load(tables));
  std::set<std::string> unreconciled;
  for (const auto* missing : {&ledger.missing_rejects(), &ledger.missing_metadata()}) {
    for (const auto& b : *missing) unreconciled.insert(b.batch_id);
  }
  // Start from the old checkpoint; apply the newly covered batches oldest first, so a file's
  // latest entry wins. A batch left out stays in the history, and its entries with it.
  LedgerCheckpoint next = ledger.checkpoint().value_or(LedgerCheckpoint{});
  std::map<std::string, BatchFile> files;
  for (auto& f : next.files) files[f.file.identity] = std::move(f);
  int64_t covered = 0;
  for (const auto& batch : ledger.uncovered_batches()) {
    if (unreconciled.count(batch.batch_id)) continue;
    next.covered_batches.insert(batch.batch_id);
    next.committed_jobs.insert(batch.job_id);
    for (const auto& f : batch.files) files[f.file.identity] = f;
    ++covered;
  }
  if (covered == 0 || covered < min_uncovered) return 0;
  next.files.clear();
  for (auto& [identity, f] : files) next.files.push_back(std::move(f));

  auto& io = *tables.data->io();
  const std::string location =
      io::JoinLocation(tables.data->metadata().location,
                       "metadata/floe-ingest/ledger-checkpoint-" + util::RandomUuid() + ".json");
  ARROW_RETURN_NOT_OK(io.WriteAll(location, next.ToJson()));
  SetCheckpoint change(tables.data, ledger.checkpoint_location(), location);
  arrow::Status committed = change.Commit();
  if (!committed.ok()) {
    if (!iceberg::IsCommitStateUnknown(committed)) (void)io.Delete(location);
    return committed;
  }
  // Nothing names the old checkpoint now.
  if (!ledger.checkpoint_location().empty()) (void)io.Delete(ledger.checkpoint_location());
  return covered;
}

arrow::Status CheckExpiryKeepsLedger(io::FileIO& io, const iceberg::TableMetadata& data,
                                     const std::vector<int64_t>& expired_snapshot_ids) {
  std::optional<LedgerCheckpoint> checkpoint;
  bool loaded = false;
  for (int64_t id : expired_snapshot_ids) {
    const iceberg::Snapshot* s = data.SnapshotById(id);
    if (s == nullptr || !s->summary.count(kSummaryBatchFile)) continue;
    auto batch = s->summary.find(kSummaryBatchId);
    if (batch == s->summary.end()) continue;
    if (!loaded) {
      ARROW_ASSIGN_OR_RAISE(checkpoint, ReadLedgerCheckpoint(io, data));
      loaded = true;
    }
    if (!checkpoint || !checkpoint->covered_batches.count(batch->second)) {
      return arrow::Status::Invalid(
          "snapshot ", id, " records ingest batch ", batch->second,
          ", which no ledger checkpoint covers yet (an ingest committed meanwhile, or its "
          "rejects or processing metadata are still missing); expiring it would make ingest read "
          "its files again: run floe ingest (or expire-snapshots) again");
    }
  }
  return arrow::Status::OK();
}

arrow::Status CheckpointLedgerBeforeExpiry(catalog::Catalog& catalog,
                                           const iceberg::TableIdentifier& id) {
  // The data table is `id` itself or, for a companion table, `id` less its suffix.
  iceberg::TableIdentifier data_id = id;
  for (const std::string suffix : {"_processing_metadata", "_rejects"}) {
    if (id.name.size() > suffix.size() &&
        id.name.compare(id.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      iceberg::TableIdentifier candidate{id.ns, id.name.substr(0, id.name.size() - suffix.size())};
      ARROW_ASSIGN_OR_RAISE(bool exists, catalog.TableExists(candidate));
      if (exists) data_id = candidate;
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto data, catalog.LoadTable(data_id));
  if (!HasBatchRecords(data->metadata())) return arrow::Status::OK();  // not an ingest table
  IngestTables tables;
  tables.data = data;
  auto metadata = catalog.LoadTable(MetadataTableId(data_id));
  if (!metadata.ok()) {
    return metadata.status().WithMessage(
        "ingest table ", data_id.ToString(), " has no processing-metadata table (",
        metadata.status().message(), "); expiring its snapshots would lose its ledger");
  }
  tables.metadata = *metadata;
  auto rejects = catalog.LoadTable(RejectsTableId(data_id));
  if (rejects.ok()) tables.rejects = *rejects;
  return CheckpointLedger(tables).status();
}

}  // namespace floe::ingest
