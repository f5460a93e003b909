#pragma once

#include <arrow/result.h>
#include <arrow/table.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

struct UpsertOptions {
  /// Keys added to the snapshot summary (e.g. a source offset for exactly-once delivery).
  std::map<std::string, std::string> summary;
  /// When not empty, one flag per input row: the row deletes its key and is not inserted (a
  /// change-data-capture delete). Its key still goes into the equality delete file.
  std::vector<bool> deletes;
  /// A check run against the table as it is at every commit attempt (SetValidation).
  std::function<arrow::Status(const TableMetadata&)> validate;
};

struct UpsertResult {
  Snapshot snapshot;
  int64_t rows_written = 0;       ///< rows after deduplication
  int64_t rows_deduplicated = 0;  ///< input rows dropped because a later row had their key
  int64_t data_files_added = 0;
  int64_t delete_files_added = 0;
};

/// Upserts rows by the schema's identifier fields with equality deletes, as Flink's upsert
/// mode does for change-data capture: one snapshot adds an equality delete file on the
/// identifier columns holding every key of `rows`, and data files with the rows. The delete
/// file gets the new snapshot's sequence number, so it deletes the older rows of those keys
/// and not the rows added with it (spec: "Scan Planning": equality deletes apply to data
/// files with a lower data sequence number). Nothing is read.
///
/// `rows` are in the table schema's Arrow form (ConformToSchema); within them the last row of
/// a key wins. The table needs identifier fields (top-level, see UpdateSchema::
/// SetIdentifierFields), and the default partition spec may only use identifier columns as
/// sources, so that the delete lands in the partition of every older row of its key.
arrow::Result<UpsertResult> UpsertRows(const std::shared_ptr<Table>& table,
                                       const arrow::Table& rows, const UpsertOptions& options = {});

}  // namespace floe::iceberg
