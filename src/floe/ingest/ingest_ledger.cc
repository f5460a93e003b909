#include "floe/ingest/ingest_ledger.h"

namespace floe::ingest {

std::map<std::string, std::map<std::string, std::string>> BatchesInHistory(
    const iceberg::TableMetadata& md) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto* s = md.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? md.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    auto it = s->summary.find(kSummaryBatchId);
    if (it != s->summary.end()) out[it->second] = s->summary;
  }
  return out;
}

namespace {

arrow::Result<IngestBatch> ReadBatch(io::FileIO& io, const std::string& location) {
  auto text = io.ReadAll(location);
  if (!text.ok()) {
    return arrow::Status::IOError("ingest batch file ", location,
                                  " named by the data table is unreadable: ",
                                  text.status().message());
  }
  return IngestBatch::FromJson(*text, location);
}

}  // namespace

arrow::Result<IngestLedger> IngestLedger::Load(const IngestTables& tables) {
  IngestLedger ledger;
  const auto& md = tables.data->metadata();
  ledger.data_location_ = md.location;
  ledger.io_ = tables.data->io();
  for (const auto& s : md.snapshots) ledger.known_snapshots_.insert(s.snapshot_id);
  auto in_rejects = tables.rejects ? BatchesInHistory(tables.rejects->metadata())
                                   : std::map<std::string, std::map<std::string, std::string>>{};
  auto in_metadata = BatchesInHistory(tables.metadata->metadata());
  for (const auto& [batch_id, summary] : BatchesInHistory(md)) {
    auto file = summary.find(kSummaryBatchFile);
    if (file == summary.end()) continue;
    ARROW_ASSIGN_OR_RAISE(IngestBatch batch, ReadBatch(*ledger.io_, file->second));
    for (const auto& f : batch.files) ledger.ingested_.insert(f.file.Key());
    if (tables.rejects && batch.total_rejects() > 0 && !in_rejects.count(batch_id)) {
      ledger.missing_rejects_.push_back(batch);
    }
    if (!in_metadata.count(batch_id)) ledger.missing_metadata_.push_back(std::move(batch));
  }
  return ledger;
}

std::string IngestLedger::BatchLocation(const std::string& batch_id) const {
  return io::JoinLocation(data_location_, "metadata/floe-ingest/" + batch_id + ".json");
}

arrow::Status IngestLedger::CheckNoConcurrentIngest(const iceberg::TableMetadata& base,
                                                    const std::set<std::string>& file_keys) const {
  for (const auto* s = base.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (known_snapshots_.count(s->snapshot_id)) break;  // history this ledger already read
    auto file = s->summary.find(kSummaryBatchFile);
    if (file == s->summary.end()) continue;
    ARROW_ASSIGN_OR_RAISE(IngestBatch other, ReadBatch(*io_, file->second));
    for (const auto& f : other.files) {
      if (file_keys.count(f.file.Key())) {
        return arrow::Status::Invalid("file ", f.file.location,
                                      " was ingested meanwhile by another run (batch ",
                                      other.batch_id, "); this batch is abandoned, run again");
      }
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::ingest
