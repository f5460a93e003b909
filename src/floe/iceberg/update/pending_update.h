#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// One change to a table (an append, a schema change, a new branch, ...), planned as metadata
/// updates. Java's PendingUpdate: the change is kept as the operation the user asked for, not
/// as a finished update list, so that every commit attempt re-plans it against the table as it
/// is then; a retry after a conflict never sends stale updates.
///
/// Commit() commits the change alone, with optimistic retries; a Transaction commits several
/// in order, as one atomic update list.
class PendingUpdate {
 public:
  virtual ~PendingUpdate() = default;

  /// Plans the change on top of `builder.current()` (the table as it is now, plus the changes
  /// of the same transaction before this one) and records its updates in `builder`. Called
  /// once per commit attempt; it may write files (manifests), which it lists in
  /// `attempt_files()` so they are removed if the attempt does not commit.
  virtual arrow::Status Apply(TableMetadataBuilder& builder) = 0;

  /// Commits this change on its own, retrying on conflicts (table properties commit.retry.*).
  arrow::Status Commit();

  /// Files written by the last Apply for that attempt only: removed when the attempt does not
  /// commit (and the outcome is known).
  std::vector<std::string>& attempt_files() { return attempt_files_; }
  /// Files written once and reused by every attempt (e.g. the manifest of appended files):
  /// removed when the change finally fails (and the outcome is known).
  std::vector<std::string>& change_files() { return change_files_; }
  const std::shared_ptr<Table>& table() const { return table_; }

 protected:
  explicit PendingUpdate(std::shared_ptr<Table> table) : table_(std::move(table)) {}

  std::shared_ptr<Table> table_;
  std::vector<std::string> attempt_files_;
  std::vector<std::string> change_files_;
};

/// Commits `changes` to `table` as one update list, in order, each planned on top of the ones
/// before it; on a conflict the table is refreshed and every change planned again, with
/// jittered exponential backoff (table properties commit.retry.*). `create`, when given, is the
/// update list of a table being created (assert-create). On success `table` holds the new state.
arrow::Status CommitChanges(Table& table, const std::vector<PendingUpdate*>& changes,
                            const TableMetadataBuilder* create = nullptr);

}  // namespace floe::iceberg
