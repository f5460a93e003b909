#pragma once

#include <arrow/result.h>

#include <string>
#include <vector>

#include "floe/iceberg/table/table_operations.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// Every file a table's metadata references, by kind, each location once. Deleting exactly
/// these (and nothing found by walking folders) is what purging a table means: another table
/// may live below this one's location, and a registered table's files may sit among others.
/// Mirrors what Java's CatalogUtil.dropTableData deletes.
struct ReachableFiles {
  /// Data and delete files: every entry of every manifest, DELETED entries included (older
  /// snapshots still reference them).
  std::vector<std::string> content_files;
  /// Those of content_files that hold deletes (position, equality, deletion vectors).
  std::vector<std::string> delete_files;
  std::vector<std::string> manifests;
  std::vector<std::string> manifest_lists;
  /// Statistics and partition-statistics files.
  std::vector<std::string> statistics_files;
  /// Files named by snapshot summaries under kSummaryFileKeys and by table properties under
  /// kPropertyFileKeys.
  std::vector<std::string> summary_files;
  /// The current metadata file and every entry of the metadata log.
  std::vector<std::string> metadata_files;

  /// All of them, in a safe deletion order: what the metadata points at before the metadata,
  /// so a deletion that stops half-way leaves references to missing files, never files that
  /// nothing references.
  std::vector<std::string> All() const;
};

/// Lists the files reachable from a table state: its metadata file and log, and through every
/// snapshot (not only the current one) the manifest lists, manifests and their data and delete
/// files. A manifest shared by several snapshots is read once. Any manifest list or manifest
/// that cannot be read is an error naming it: a listing that silently missed files would make
/// a purge leave them behind, or an orphan-file sweep delete live ones.
arrow::Result<ReachableFiles> ListReachableFiles(io::FileIO& io, const TableState& state);

}  // namespace floe::iceberg
