#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_update.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/io/file_io.h"

namespace floe::iceberg {

/// A table's metadata as of one load: the parsed metadata and the file it came from.
struct TableState {
  std::shared_ptr<const TableMetadata> metadata;
  std::string metadata_location;
};

/// How table changes reach a catalog. Implemented by each catalog; the table operations in
/// this layer only see this interface, so they work the same on every catalog.
class TableOperations {
 public:
  virtual ~TableOperations() = default;

  virtual const TableIdentifier& identifier() const = 0;
  virtual std::shared_ptr<io::FileIO> io() const = 0;
  /// Reloads the current metadata from the catalog.
  virtual arrow::Result<TableState> Refresh() = 0;
  /// Commits a change: if every requirement holds on the table as the catalog has it now, the
  /// catalog applies `updates` to that metadata and makes the result current (spec: REST
  /// "CommitTableRequest"; the SQL catalog does the same locally, inside its compare-and-swap).
  /// A failed requirement or a lost race is a commit conflict (IsCommitConflict): nothing was
  /// committed, and the caller re-plans the change against a refreshed table. When the outcome
  /// cannot be known (IsCommitStateUnknown), the caller must not delete the files the change
  /// wrote, since the table may reference them now.
  virtual arrow::Result<TableState> Commit(const std::vector<TableRequirement>& requirements,
                                           const std::vector<TableUpdate>& updates) = 0;
};

/// The next metadata file location for a table: `<location>/metadata/NNNNN-<uuid>.metadata.json`
/// with NNNNN one past the version of `current_location` (00000 for a new table).
std::string NextMetadataLocation(const TableMetadata& metadata,
                                 const std::string& current_location);

/// Writes metadata JSON to the next location and returns that location.
arrow::Result<std::string> WriteMetadataFile(io::FileIO& io, const TableMetadata& metadata,
                                             const std::string& current_location);

}  // namespace floe::iceberg
