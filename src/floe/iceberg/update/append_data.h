#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/table.h>

#include <atomic>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {

/// Writes rows (already in the table schema's Arrow form, see ConformToSchema) as data files of
/// the table's current schema and default partition spec, the rows of each file sorted by the
/// table's default sort order (if it has one). Nothing is committed; on error the files
/// written so far are deleted.
arrow::Result<std::vector<DataFile>> WriteDataFiles(const Table& table, const arrow::Table& rows,
                                                    const std::string& file_prefix = "");

/// Writes the rows of a stream of user data as data files, one batch at a time (memory stays
/// bounded whatever the stream's length): each batch is made to fit the current schema first
/// (ConformToSchema; `source` names the data in its errors). Nothing is committed; on error,
/// or when `stop` is set, the files written so far are deleted (a stop is Cancelled).
arrow::Result<std::vector<DataFile>> WriteDataFiles(const Table& table,
                                                    arrow::RecordBatchReader& rows,
                                                    const std::string& source,
                                                    const std::atomic<bool>* stop = nullptr);

/// Commits `update`, which adds `files` written for it. If the commit fails the files are
/// deleted, unless its outcome is unknown: the table may then reference them.
arrow::Result<Snapshot> CommitWrittenFiles(SnapshotProducer& update, io::FileIO& io,
                                           const std::vector<DataFile>& files);

/// Writes the rows of a stream (as above) and commits them in one "append" snapshot on
/// `branch`; nullopt, with nothing committed, when the stream holds no row.
arrow::Result<std::optional<Snapshot>> AppendStream(const std::shared_ptr<Table>& table,
                                                    arrow::RecordBatchReader& rows,
                                                    const std::string& source,
                                                    const std::string& branch = kMainBranch,
                                                    const std::atomic<bool>* stop = nullptr);

/// Writes rows and commits them in one "append" snapshot on `branch`; `summary` adds keys to
/// the snapshot summary; `file_prefix` starts the new files' names. If the commit fails the new
/// files are deleted (unless its outcome is unknown).
arrow::Result<Snapshot> AppendRows(const std::shared_ptr<Table>& table, const arrow::Table& rows,
                                   const std::map<std::string, std::string>& summary = {},
                                   const std::string& file_prefix = "",
                                   const std::string& branch = kMainBranch);

}  // namespace floe::iceberg
