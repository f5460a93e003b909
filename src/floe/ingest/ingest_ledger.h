#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/table_metadata.h"
#include "floe/ingest/ingest_batch.h"
#include "floe/ingest/ingest_tables.h"

namespace floe::ingest {

/// What the tables say has been ingested, read from their snapshot histories (never from the
/// processing-metadata rows, which are reconciled to it).
class IngestLedger {
 public:
  static arrow::Result<IngestLedger> Load(const IngestTables& tables);

  bool IsIngested(const SourceFile& file) const { return ingested_.count(file.Key()) > 0; }
  /// Batches whose data commit landed but whose rejects commit did not (a crash between them).
  const std::vector<IngestBatch>& missing_rejects() const { return missing_rejects_; }
  /// Batches whose data commit landed but whose processing-metadata commit did not.
  const std::vector<IngestBatch>& missing_metadata() const { return missing_metadata_; }

  /// Where a new batch's record goes: `<data table>/metadata/floe-ingest/<batch id>.json`.
  std::string BatchLocation(const std::string& batch_id) const;

  /// The data-table check run at every commit attempt of a batch: fails if a batch committed
  /// since this ledger was loaded (a concurrent ingest) already took one of `file_keys`.
  arrow::Status CheckNoConcurrentIngest(const iceberg::TableMetadata& base,
                                        const std::set<std::string>& file_keys) const;

 private:
  std::string data_location_;
  std::shared_ptr<io::FileIO> io_;
  std::set<std::string> ingested_;
  std::set<int64_t> known_snapshots_;
  std::vector<IngestBatch> missing_rejects_;
  std::vector<IngestBatch> missing_metadata_;
};

/// batch id → the snapshot summary of the table's current ancestry that recorded it.
std::map<std::string, std::map<std::string, std::string>> BatchesInHistory(
    const iceberg::TableMetadata& metadata);

}  // namespace floe::ingest
