#pragma once

#include <arrow/result.h>

#include <memory>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/type/schema.h"

namespace floe::catalog {

/// Loads table `id`, creating it with `schema` and `spec` when it does not exist. A writer
/// that creates its own tables (ingest, stream) runs as several processes: when another one
/// created the table meanwhile, theirs is loaded. An existing table must have every column of
/// `schema` by name with the same type, else the error names the column.
arrow::Result<std::shared_ptr<iceberg::Table>> LoadOrCreateTable(
    Catalog& catalog, const iceberg::TableIdentifier& id, const iceberg::Schema& schema,
    const iceberg::PartitionSpec& spec);

}  // namespace floe::catalog
