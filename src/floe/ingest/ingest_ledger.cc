#include "floe/ingest/ingest_ledger.h"

#include <algorithm>

#include "floe/ingest/ingest_run.h"

namespace floe::ingest {

namespace {

// Snapshots of the current ancestry, oldest first.
std::vector<const iceberg::Snapshot*> Ancestry(const iceberg::TableMetadata& md) {
  std::vector<const iceberg::Snapshot*> out;
  for (const auto* s = md.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? md.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    out.push_back(s);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

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

std::map<std::string, std::map<std::string, std::string>> BatchesInHistory(
    const iceberg::TableMetadata& md) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto* s : Ancestry(md)) {
    auto it = s->summary.find(kSummaryBatchId);
    if (it != s->summary.end()) out[it->second] = s->summary;
  }
  return out;
}

std::string CompressionName(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "none";
}

Compression CompressionFromName(const std::string& name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  return Compression::kNone;
}

arrow::Result<IngestLedger> IngestLedger::Load(const IngestTables& tables) {
  IngestLedger ledger;
  const auto& md = tables.data->metadata();
  ledger.data_location_ = md.location;
  ledger.io_ = tables.data->io();
  for (const auto& s : md.snapshots) ledger.known_snapshots_.insert(s.snapshot_id);
  ARROW_ASSIGN_OR_RAISE(ledger.checkpoint_, ReadLedgerCheckpoint(*ledger.io_, md));
  if (ledger.checkpoint_) {
    ledger.checkpoint_location_ = md.properties.at(kLedgerCheckpointProperty);
    ledger.committed_jobs_ = ledger.checkpoint_->committed_jobs;
    for (const auto& f : ledger.checkpoint_->files) ledger.files_[f.file.identity] = f;
  }
  auto in_rejects = tables.rejects ? BatchesInHistory(tables.rejects->metadata())
                                   : std::map<std::string, std::map<std::string, std::string>>{};
  auto in_metadata = BatchesInHistory(tables.metadata->metadata());
  for (const auto* s : Ancestry(md)) {  // oldest first: later entries of a file win
    auto id = s->summary.find(kSummaryBatchId);
    auto file = s->summary.find(kSummaryBatchFile);
    if (id == s->summary.end() || file == s->summary.end()) continue;
    if (ledger.checkpoint_ && ledger.checkpoint_->covered_batches.count(id->second)) continue;
    ARROW_ASSIGN_OR_RAISE(IngestBatch batch, ReadBatch(*ledger.io_, file->second));
    ledger.committed_jobs_.insert(batch.job_id);
    for (const auto& f : batch.files) ledger.files_[f.file.identity] = f;
    if (tables.rejects && batch.total_rejects() > 0 && !in_rejects.count(id->second)) {
      ledger.missing_rejects_.push_back(batch);
    }
    if (!in_metadata.count(id->second)) ledger.missing_metadata_.push_back(batch);
    ledger.uncovered_.push_back(std::move(batch));
  }
  return ledger;
}

const BatchFile* IngestLedger::Find(const std::string& identity) const {
  auto it = files_.find(identity);
  return it == files_.end() ? nullptr : &it->second;
}

FilePlan IngestLedger::Plan(const SourceFile& file) const {
  FilePlan plan;
  plan.read.end = file.size;
  const BatchFile* earlier = Find(file.identity);
  if (earlier == nullptr) return plan;  // new: read whole
  plan.earlier = *earlier;
  const SourceFile& seen = earlier->file;
  if (file.size == seen.size && file.mtime_ns == seen.mtime_ns) {
    plan.action = FilePlan::Action::kSkip;
    return plan;
  }
  if (file.size < seen.size || !earlier->has_crc) {
    // Its ingested bytes are not all there, or cannot be checked (recorded without a CRC).
    plan.action = FilePlan::Action::kChanged;
    return plan;
  }
  plan.read.start = seen.size;
  plan.read.prefix_crc = earlier->crc64;
  plan.read.first_line = earlier->at_line_start ? earlier->last_line + 1 : earlier->last_line;
  plan.read.compression = CompressionFromName(earlier->compression);
  if (file.size > seen.size && earlier->rejected_tail_start >= 0) {
    // The unterminated last line rejected then may have been a line being written: read it
    // again, whole, with what followed it.
    plan.read.start = earlier->rejected_tail_start;
    plan.read.prefix_crc = earlier->rejected_tail_crc64;
    plan.read.first_line = earlier->last_line;
  }
  return plan;
}

std::string IngestLedger::BatchLocation(const std::string& batch_id) const {
  return io::JoinLocation(data_location_,
                          "metadata/floe-ingest/floe-" + FileNameSafe(batch_id) + ".json");
}

arrow::Status IngestLedger::CheckNoConcurrentIngest(
    const iceberg::TableMetadata& base, const std::set<std::string>& identities) const {
  for (const auto* s = base.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    if (known_snapshots_.count(s->snapshot_id)) break;  // history this ledger already read
    auto file = s->summary.find(kSummaryBatchFile);
    if (file == s->summary.end()) continue;
    ARROW_ASSIGN_OR_RAISE(IngestBatch other, ReadBatch(*io_, file->second));
    for (const auto& f : other.files) {
      if (identities.count(f.file.identity)) {
        return arrow::Status::Invalid("file ", f.file.location,
                                      " was ingested meanwhile by another run (batch ",
                                      other.batch_id, "); this batch is abandoned, run again");
      }
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::ingest
