#pragma once

#include <cstdint>
#include <functional>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/table/table.h"

namespace floe::iceberg {

/// How often and how patiently a table change retries after losing a commit race
/// (table properties commit.retry.*; defaults as in Java).
struct RetryPolicy {
  int num_retries = 4;
  int64_t min_wait_ms = 100;
  int64_t max_wait_ms = 60'000;
  int64_t total_timeout_ms = 1'800'000;

  static RetryPolicy FromProperties(const TableMetadata& metadata);
};

/// Produces the metadata a change wants, given the table as it is now.
using ApplyChange = std::function<arrow::Result<TableMetadata>(const TableState& base)>;

/// Optimistic commit: apply the change to the table's current metadata and compare-and-swap it
/// in; on a conflict, refresh, re-apply (the change re-validates itself against the new base)
/// and retry with jittered exponential backoff. On success the table holds the new state.
arrow::Status CommitWithRetry(Table& table, const ApplyChange& apply);

}  // namespace floe::iceberg
