#pragma once

#include <cstdint>

#include "floe/iceberg/metadata/table_metadata.h"

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

}  // namespace floe::iceberg
