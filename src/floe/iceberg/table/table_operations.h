#pragma once

#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/iceberg/metadata/table_metadata.h"
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
  /// Writes `updated` as a new metadata file and swaps it in if the table still points at
  /// `base`. A lost race returns a status for which IsCommitConflict() is true; the caller
  /// refreshes and retries.
  virtual arrow::Result<TableState> Commit(const TableState& base,
                                           const TableMetadata& updated) = 0;
};

/// The next metadata file location for a table: `<location>/metadata/NNNNN-<uuid>.metadata.json`
/// with NNNNN one past the version of `current_location` (00000 for a new table).
std::string NextMetadataLocation(const TableMetadata& metadata,
                                 const std::string& current_location);

/// Writes metadata JSON to the next location and returns that location.
arrow::Result<std::string> WriteMetadataFile(io::FileIO& io, const TableMetadata& metadata,
                                             const std::string& current_location);

}  // namespace floe::iceberg
