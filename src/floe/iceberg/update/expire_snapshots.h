#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/table/table_operations.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::iceberg {

/// What to expire (Java's ExpireSnapshots API). Unset fields fall back to the table properties
/// history.expire.max-snapshot-age-ms (5 days), history.expire.min-snapshots-to-keep (1) and
/// history.expire.max-ref-age-ms (forever); a branch's or tag's own retention wins over them.
struct ExpireOptions {
  /// Snapshots older than this (ms since the epoch) expire, unless a ref keeps them.
  std::optional<int64_t> older_than_ms;
  /// Every branch keeps at least this many of its newest ancestors (Java's retainLast).
  std::optional<int32_t> retain_last;
  /// Snapshots expired by id whatever their age; one a retained ref points at is an error.
  std::vector<int64_t> snapshot_ids;
};

/// The snapshots and refs an expiry removes from a table state.
struct ExpirySelection {
  std::vector<int64_t> snapshot_ids;  ///< ascending
  std::vector<std::string> refs;      ///< refs aged out (never `main`)
};

/// Which snapshots and refs expire at `now_ms` (Java's RemoveSnapshots.internalApply):
/// `main` always stays; another ref stays while its snapshot is younger than its
/// max-ref-age-ms. Each retained branch keeps its ancestors while fewer than its
/// min-snapshots-to-keep are kept or they are younger than its max-snapshot-age-ms; a retained
/// tag keeps its snapshot; a snapshot no retained ref reaches stays while it is younger than
/// the default age. Everything else expires.
arrow::Result<ExpirySelection> SelectExpiredSnapshots(const TableMetadata& metadata,
                                                      const ExpireOptions& options, int64_t now_ms);

/// Files an expiry deleted (or, for a preview, would delete), by kind.
struct ExpiredFiles {
  std::vector<std::string> data_files;
  std::vector<std::string> delete_files;
  std::vector<std::string> manifests;
  std::vector<std::string> manifest_lists;
  std::vector<std::string> statistics_files;
  std::vector<std::string> summary_files;

  size_t size() const;
};

/// The outcome of an expiry.
struct ExpireSnapshotsResult {
  ExpirySelection expired;
  ExpiredFiles files;
  /// Files of a kind whose deletion failed after the commit (some may be gone; the table no
  /// longer references any, so remove-orphan-files finds the rest), and the first error.
  std::vector<std::string> not_deleted;
  std::string delete_error;
};

/// The files reachable from `before` that are not reachable from `after`: what a change from
/// one state to the other leaves unreferenced. Metadata files are never among them (the
/// metadata log and write.metadata.delete-after-commit.enabled govern those).
arrow::Result<ExpiredFiles> FilesNoLongerReachable(io::FileIO& io, const TableState& before,
                                                   const TableState& after);

/// Removes old snapshots and then the files only they referenced (Java's RemoveSnapshots with
/// its reachable-file cleanup; spec: "Snapshot Retention Policy").
///
/// The metadata change commits first, with optimistic retries re-selecting the snapshots
/// against the fresh table. Only once the commit has succeeded are files deleted: those
/// reachable from the table as the winning attempt saw it and not from the committed table.
/// Files a concurrent commit added are in neither set's difference, so they are never deleted;
/// when the commit's outcome is unknown nothing is deleted. A table with gc.enabled=false is
/// refused, as in Java (its files may belong to other tables).
class ExpireSnapshots final : public PendingUpdate {
 public:
  ExpireSnapshots(std::shared_ptr<Table> table, ExpireOptions options)
      : PendingUpdate(std::move(table)), options_(std::move(options)) {}

  /// Whether files are deleted after the commit (default true; false expires metadata only).
  ExpireSnapshots& CleanExpiredFiles(bool clean) {
    clean_files_ = clean;
    return *this;
  }

  /// A check run at every commit attempt, against the table as it is then and the snapshots
  /// about to expire; an error aborts the expiry. Used to keep records that live in snapshot
  /// summaries (the ingest ledger) from being expired before they are folded elsewhere.
  ExpireSnapshots& SetValidation(
      std::function<arrow::Status(const TableMetadata&, const ExpirySelection&)> validate) {
    validate_ = std::move(validate);
    return *this;
  }

  arrow::Status Apply(TableMetadataBuilder& builder) override;

  /// Commits the expiry, then deletes the files no longer reachable.
  arrow::Result<ExpireSnapshotsResult> Commit();
  /// What Commit would do now, changing nothing (a dry run).
  arrow::Result<ExpireSnapshotsResult> Preview();

 private:
  arrow::Status CheckGcEnabled() const;

  ExpireOptions options_;
  bool clean_files_ = true;
  std::function<arrow::Status(const TableMetadata&, const ExpirySelection&)> validate_;
  ExpirySelection selected_;  ///< by the last Apply
  TableState applied_base_;   ///< the table the last Apply planned against
};

}  // namespace floe::iceberg
