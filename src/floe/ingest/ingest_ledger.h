#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/ingest/ingest_batch.h"
#include "floe/ingest/ingest_tables.h"
#include "floe/ingest/ledger_checkpoint.h"
#include "floe/ingest/source_reader.h"

namespace floe::ingest {

/// What to do with one listed file, from what the ledger knows of it.
struct FilePlan {
  enum class Action {
    kSkip,    ///< same size and time as ingested: unchanged, not read
    kRead,    ///< read `read` (new, grown, touched: the reader checks the prefix)
    kChanged  ///< its ingested content is gone (it shrank): reported, not read
  };
  Action action = Action::kRead;
  ReadPlan read;
  /// The ledger's latest entry for the file, if any.
  std::optional<BatchFile> earlier;
};

/// What the tables say has been ingested, read from their snapshot histories (never from the
/// processing-metadata rows, which are reconciled to it): the ledger checkpoint, if the data
/// table has one (ledger_checkpoint.h), plus the batch records it does not cover.
class IngestLedger {
 public:
  static arrow::Result<IngestLedger> Load(const IngestTables& tables);

  /// The latest batch entry for a file identity, or null.
  const BatchFile* Find(const std::string& identity) const;
  /// What to read of `file` now. A file not seen before is read whole. One seen before is
  /// skipped if its size and time are unchanged; otherwise the bytes after its ingested
  /// prefix are read once the prefix is found unchanged (a file only touched gives none; a
  /// grown one whose unterminated last line was rejected is read again from that line). A
  /// file smaller than its ingested prefix has changed.
  FilePlan Plan(const SourceFile& file) const;

  /// Batches whose data commit landed but whose rejects commit did not (a crash between them).
  const std::vector<IngestBatch>& missing_rejects() const { return missing_rejects_; }
  /// Batches whose data commit landed but whose processing-metadata commit did not.
  const std::vector<IngestBatch>& missing_metadata() const { return missing_metadata_; }
  /// Job ids of every batch in the data table's history.
  const std::set<std::string>& committed_jobs() const { return committed_jobs_; }
  /// The checkpoint loaded (none if the data table has none) and where it was.
  const std::optional<LedgerCheckpoint>& checkpoint() const { return checkpoint_; }
  const std::string& checkpoint_location() const { return checkpoint_location_; }
  /// The batch records of the current ancestry the checkpoint does not cover, oldest first.
  const std::vector<IngestBatch>& uncovered_batches() const { return uncovered_; }

  /// Where a new batch's record goes: `<data table>/metadata/floe-ingest/floe-<batch id>.json`
  /// (its name starts with its run's file prefix).
  std::string BatchLocation(const std::string& batch_id) const;

  /// The data-table check run at every commit attempt of a batch: fails if a batch committed
  /// since this ledger was loaded (a concurrent ingest) read one of the file `identities`.
  arrow::Status CheckNoConcurrentIngest(const iceberg::TableMetadata& base,
                                        const std::set<std::string>& identities) const;

 private:
  std::string data_location_;
  std::shared_ptr<io::FileIO> io_;
  std::map<std::string, BatchFile> files_;  // identity -> latest entry
  std::set<int64_t> known_snapshots_;
  std::set<std::string> committed_jobs_;
  std::vector<IngestBatch> missing_rejects_;
  std::vector<IngestBatch> missing_metadata_;
  std::optional<LedgerCheckpoint> checkpoint_;
  std::string checkpoint_location_;
  std::vector<IngestBatch> uncovered_;
};

/// batch id → the snapshot summary of the table's current ancestry that recorded it.
std::map<std::string, std::map<std::string, std::string>> BatchesInHistory(
    const iceberg::TableMetadata& metadata);

/// Compression as recorded in batch files ("none", "gzip", "zstd").
std::string CompressionName(Compression c);
Compression CompressionFromName(const std::string& name);

}  // namespace floe::ingest
