#pragma once

#include <map>
#include <memory>
#include <string>

#include <arrow/result.h>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_properties.h"

namespace floe::iceberg {


/// Metadata of a new, empty v2 table. The schema keeps its field ids; the spec and sort order
/// are re-numbered as the first of the table (spec id 0, order id 1 if sorted). The
/// `format-version` property, if given, must be 2 and is not stored among the properties.
arrow::Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                              const SortOrder& sort_order,
                                              const std::string& location,
                                              std::map<std::string, std::string> properties);

/// Appends a snapshot whose parent is the current one and makes it current on `main`
/// (snapshots, snapshot-log, refs, last-sequence-number, last-updated-ms).
TableMetadata WithSnapshot(const TableMetadata& base, Snapshot snapshot);

/// Sets and removes properties.
TableMetadata WithProperties(const TableMetadata& base,
                             const std::map<std::string, std::string>& set,
                             const std::vector<std::string>& remove);

/// Records `previous_location` in the metadata log of a metadata about to replace it, keeping
/// at most `write.metadata.previous-versions-max` entries.
TableMetadata WithMetadataLogEntry(const TableMetadata& updated, const TableMetadata& previous,
                                   const std::string& previous_location);

/// A fresh snapshot id: positive, random, not used by the table yet.
int64_t NewSnapshotId(const TableMetadata& metadata);

/// Milliseconds since the epoch, now.
int64_t NowMs();

}  // namespace floe::iceberg
