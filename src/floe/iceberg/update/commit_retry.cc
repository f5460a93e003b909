#include "floe/iceberg/update/commit_retry.h"

#include "floe/iceberg/metadata/table_properties.h"
#include "floe/util/properties.h"

namespace floe::iceberg {

RetryPolicy RetryPolicy::FromProperties(const TableMetadata& md) {
  RetryPolicy p;
  // A malformed setting keeps its default rather than blocking commits.
  const auto& props = md.properties;
  p.num_retries = static_cast<int>(
      util::IntPropertyOr(props, property::kCommitNumRetries, p.num_retries, 0, 1'000'000));
  p.min_wait_ms = util::IntPropertyOr(props, property::kCommitMinRetryWaitMs, p.min_wait_ms, 0);
  p.max_wait_ms = util::IntPropertyOr(props, property::kCommitMaxRetryWaitMs, p.max_wait_ms, 0);
  p.total_timeout_ms =
      util::IntPropertyOr(props, property::kCommitTotalRetryTimeMs, p.total_timeout_ms, 0);
  return p;
}

}  // namespace floe::iceberg
