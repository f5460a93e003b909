#pragma once

#include <arrow/result.h>
#include <arrow/table.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// Writes rows (already in the table schema's Arrow form, see ConformToSchema) as data files of
/// the table's current schema and default partition spec, the rows of each file sorted by the
/// table's default sort order (if it has one). Nothing is committed; on error the files
/// written so far are deleted.
arrow::Result<std::vector<DataFile>> WriteDataFiles(const Table& table, const arrow::Table& rows,
                                                    const std::string& file_prefix = "");

/// Writes rows and commits them in one "append" snapshot on `branch`; `summary` adds keys to
/// the snapshot summary; `file_prefix` starts the new files' names. If the commit fails the new
/// files are deleted (unless its outcome is unknown).
arrow::Result<Snapshot> AppendRows(const std::shared_ptr<Table>& table, const arrow::Table& rows,
                                   const std::map<std::string, std::string>& summary = {},
                                   const std::string& file_prefix = "",
                                   const std::string& branch = kMainBranch);

}  // namespace floe::iceberg
