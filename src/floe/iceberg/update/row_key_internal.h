#pragma once

// Row keys for hash joins and deduplication (MERGE, upsert): the values of some columns of a
// row encoded as one byte string, equal exactly when the values are equal. Internal to
// floe_iceberg.

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <memory>
#include <string>
#include <vector>

namespace floe::iceberg::row_level_internal {

/// The key of every row of `batch` over `columns` (top-level column names); `has_null[i]` is
/// set when a key value of row i is null (SQL: such a key equals nothing).
arrow::Result<std::vector<std::string>> EncodeRowKeys(const arrow::RecordBatch& batch,
                                                      const std::vector<std::string>& columns,
                                                      std::vector<bool>* has_null);

/// "id=5, region='eu'": the key values of row `row`, for messages.
std::string DescribeRowKey(const arrow::RecordBatch& batch, const std::vector<std::string>& columns,
                           int64_t row);

}  // namespace floe::iceberg::row_level_internal
