#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/ingest/ingest_batch.h"
#include "floe/ingest/ingest_tables.h"

namespace floe::ingest {

/// The data-table property naming the newest ledger checkpoint.
inline constexpr const char* kLedgerCheckpointProperty = "floe.ingest.ledger-checkpoint";
// The checkpoint belongs to the table: purge, expiry and orphan removal find it by this key.
static_assert(iceberg::kPropertyFileKeys[0] == std::string_view(kLedgerCheckpointProperty));

/// The ingest ledger folded into one file, so it outlives snapshot expiry.
///
/// The ledger is the batch records named by the data table's snapshot summaries; expiring a
/// snapshot deletes its record. A checkpoint holds the latest entry of every source file those
/// records list, the job ids and the ids of the batches it covers. It is written next to the
/// batch records, and named by the data table's property `floe.ingest.ledger-checkpoint`, which
/// no expiry touches (and which ListReachableFiles counts, so the file is never an orphan). A
/// ledger is then the checkpoint plus the records of the batches it does not cover, which are
/// still in the history. Only batches whose rejects and processing-metadata commits landed are
/// covered, so crash recovery still sees the others.
struct LedgerCheckpoint {
  std::vector<BatchFile> files;  ///< the latest entry per file identity
  std::set<std::string> committed_jobs;
  std::set<std::string> covered_batches;

  std::string ToJson() const;
  static arrow::Result<LedgerCheckpoint> FromJson(const std::string& json,
                                                  const std::string& location);
};

/// The checkpoint the data table's property names, or none.
arrow::Result<std::optional<LedgerCheckpoint>> ReadLedgerCheckpoint(
    io::FileIO& io, const iceberg::TableMetadata& data);

/// Folds every reconciled batch record of the data table's history into a new checkpoint and
/// commits the property naming it (the old checkpoint file is deleted once the commit is in).
/// Written by ingest when the records not covered grow past `min_uncovered`, and before
/// snapshots expire (min_uncovered 1). Returns the number of batches newly covered (0: nothing
/// was written).
arrow::Result<int64_t> CheckpointLedger(const IngestTables& tables, int64_t min_uncovered = 1);

/// The check an expiry of the data table runs at every attempt: every batch record of a
/// snapshot about to expire must be covered by the checkpoint the table names then (an ingest
/// that committed after the checkpoint was written is not): otherwise expiring it would make
/// ingest read its files again.
arrow::Status CheckExpiryKeepsLedger(io::FileIO& io, const iceberg::TableMetadata& data,
                                     const std::vector<int64_t>& expired_snapshot_ids);

/// For `floe table expire-snapshots`: when `id` is an ingest data table, or one of its
/// companion tables (whose histories tell which batches were reconciled), checkpoints the data
/// table's ledger. Any other table is left alone.
arrow::Status CheckpointLedgerBeforeExpiry(catalog::Catalog& catalog,
                                           const iceberg::TableIdentifier& id);

}  // namespace floe::ingest
