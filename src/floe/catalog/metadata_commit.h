#pragma once

// The metadata side of a commit in a catalog that keeps a pointer to the current metadata file
// (the SQL and Glue catalogs; a REST catalog does this on its server): read the file the
// pointer names, check the requirements, apply the updates, write the next file. The caller
// then swaps the pointer its own way.

#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/metadata/table_update.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/iceberg/table/table_operations.h"
#include "floe/io/file_io.h"

namespace floe::catalog {

/// The table as the metadata file at `metadata_location` describes it.
arrow::Result<iceberg::TableState> ReadTableState(io::FileIO& io,
                                                  const std::string& metadata_location);

/// True when the commit creates the table (it carries assert-create).
bool IsCreateCommit(const std::vector<iceberg::TableRequirement>& requirements);

/// A new table's metadata from its update list; an invalid list is an error naming the table.
arrow::Result<iceberg::TableMetadata> NewTableMetadata(
    const iceberg::TableIdentifier& id, const std::vector<iceberg::TableUpdate>& updates);

/// The update list of a new table made of `request`, at `request.location` or else at
/// `default_location`; an invalid request is an error naming the table.
arrow::Result<iceberg::TableMetadataBuilder> NewTableBuilder(const iceberg::TableIdentifier& id,
                                                             const CreateTableRequest& request,
                                                             const std::string& default_location);

/// Checks `requirements` against `base`, applies `updates` to it and writes the result as the
/// next metadata file (its log naming `base`'s file). nullopt when there is nothing to apply.
/// Updates that no longer apply although the requirements hold mean the table moved on in a
/// way the requirements do not capture: a CommitConflict, so the caller re-plans.
arrow::Result<std::optional<iceberg::TableState>> WriteNextMetadata(
    io::FileIO& io, const iceberg::TableIdentifier& id, const iceberg::TableState& base,
    const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates);

}  // namespace floe::catalog
