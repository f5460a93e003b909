#pragma once

#include <arrow/status.h>

#include <string>

#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/io/file_io.h"

namespace floe::catalog {

/// Deletes the files of a dropped table (Java's CatalogUtil.dropTableData): exactly the ones its
/// metadata references (iceberg::ListReachableFiles), never a folder walk, so a table nested
/// below its location or files beside a registered table's stay. Folders at or below
/// `table_location` that this leaves empty are removed too. A file already gone is not an
/// error; other failures do not stop the rest and are reported naming the file.
arrow::Status DropTableData(io::FileIO& io, const iceberg::TableIdentifier& id,
                            const std::string& table_location,
                            const iceberg::ReachableFiles& files);

}  // namespace floe::catalog
