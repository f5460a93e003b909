#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// What to sweep (Java's DeleteOrphanFiles action).
struct OrphanFileOptions {
  /// The folder to list: the table location (default) or a folder below it.
  std::optional<std::string> location;
  /// Only files last modified before this (ms since the epoch) are orphans; default three days
  /// ago, as in Java, so files of a commit still being written are never taken.
  std::optional<int64_t> older_than_ms;
  bool dry_run = false;
};

/// What a sweep found and deleted.
struct OrphanFilesResult {
  /// Files under the location no metadata references, older than the cut-off: deleted (or,
  /// for a dry run, to delete).
  std::vector<std::string> orphan_files;
  int64_t files_listed = 0;
  /// When deleting failed: the files that may remain, and the first error.
  std::vector<std::string> not_deleted;
  std::string delete_error;
};

/// Deletes the files under a table's location that its metadata does not reference (Java's
/// DeleteOrphanFiles / remove_orphan_files): files left by failed or killed writers.
///
/// The location is listed first (FileIO::ListEach: local folders and S3 prefixes); then the
/// table is refreshed and every file it references is collected — everything
/// ListReachableFiles finds (content files, manifests, manifest lists, statistics, batch
/// records and ledger checkpoints), the metadata files of the whole metadata-log chain and the
/// version hint — so a file committed before the listing ended is never taken. Locations are
/// compared in one spelling (`file:/p`, `file:///p` and `/p` alike; `s3a://` and `s3n://` as
/// `s3://`), as Java's equal-schemes handling does. A referenced location floe cannot read is
/// an error and nothing is deleted. Files newer than the cut-off are kept whatever they are.
arrow::Result<OrphanFilesResult> RemoveOrphanFiles(Table& table, const OrphanFileOptions& options);

/// The one spelling of a location used to compare listed and referenced files.
arrow::Result<std::string> NormalizedLocation(std::string_view location);

}  // namespace floe::iceberg
