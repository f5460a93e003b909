#include "floe/iceberg/update/commit_retry.h"

#include "floe/iceberg/metadata/table_properties.h"

namespace floe::iceberg {
namespace {
int64_t IntProperty(const TableMetadata& md, const char* key, int64_t fallback) {
  auto it = md.properties.find(key);
  if (it == md.properties.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return fallback;  // a malformed property keeps the default rather than blocking commits
  }
}
}  // namespace

RetryPolicy RetryPolicy::FromProperties(const TableMetadata& md) {
  RetryPolicy p;
  p.num_retries = static_cast<int>(IntProperty(md, property::kCommitNumRetries, p.num_retries));
  p.min_wait_ms = IntProperty(md, property::kCommitMinRetryWaitMs, p.min_wait_ms);
  p.max_wait_ms = IntProperty(md, property::kCommitMaxRetryWaitMs, p.max_wait_ms);
  p.total_timeout_ms = IntProperty(md, property::kCommitTotalRetryTimeMs, p.total_timeout_ms);
  return p;
}

}  // namespace floe::iceberg
