#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/metadata/row_level_settings.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// How DeleteRows runs; isolation and mode default to the table's write.delete.* properties.
struct DeleteRowsOptions {
  std::string branch = kMainBranch;
  std::optional<IsolationLevel> isolation;
  std::optional<RowLevelMode> mode;
};

/// What a DeleteRows did.
struct DeleteRowsResult {
  /// The snapshot committed; none when no row matched (nothing is committed then).
  std::optional<Snapshot> snapshot;
  int64_t rows_deleted = 0;
  /// Data files dropped whole: every live row matched (metadata-only when their partition
  /// or column metrics prove it).
  int64_t data_files_removed = 0;
  /// Copy-on-write: data files replaced by a copy without the deleted rows.
  int64_t data_files_rewritten = 0;
  int64_t data_files_added = 0;
  /// Merge-on-read: position delete files (or deletion vectors) written.
  int64_t delete_files_added = 0;
  /// Delete files dropped because the data file they applied to was removed.
  int64_t delete_files_removed = 0;
  RowLevelMode mode = RowLevelMode::kCopyOnWrite;
  IsolationLevel isolation = IsolationLevel::kSerializable;
};

/// Deletes the rows matching `filter` (unbound, by column name) from a branch of the table —
/// the library operation behind `floe delete` (Java / Spark's DELETE FROM):
/// - a data file whose partition values or column metrics prove every row matches (strict
///   projection and StrictMetricsEvaluator) is removed with the delete files that name only
///   it without being read (unless equality deletes apply to it: then it is read to count its
///   live rows); a file all of whose live rows turn out to match when read goes the same way;
/// - otherwise, by the mode: copy-on-write rewrites the file without the matching rows (its
///   existing deletes applied); merge-on-read writes position delete files for the matching
///   rows' positions, per partition.
/// The change commits as one RowDelta validated against the snapshot it read: files it
/// removes or references must still be live, no delete files may have been added for them,
/// and under serializable isolation no data files may have been added that the filter
/// covers. A failed validation is ValidationFailed; files this call wrote are removed then.
arrow::Result<DeleteRowsResult> DeleteRows(const std::shared_ptr<Table>& table, ExprPtr filter,
                                           const DeleteRowsOptions& options = {});

}  // namespace floe::iceberg
