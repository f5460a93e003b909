#include "floe/iceberg/update/commit_retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "floe/iceberg/metadata/table_metadata_builder.h"

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

namespace {

// I/O errors name their file; the table is added here, once for every file a commit writes
// (data a change rewrites, manifests, the manifest list, the metadata file).
arrow::Status InTable(const TableIdentifier& id, const arrow::Status& status) {
  std::string prefix = "table " + id.ToString() + ": ";
  if (status.ok() || !status.IsIOError() || status.message().rfind(prefix, 0) == 0) {
    return status;
  }
  return status.WithMessage(prefix, status.message());
}

arrow::Status CommitAttempts(Table& table, const ApplyChange& apply) {
  RetryPolicy policy = RetryPolicy::FromProperties(table.metadata());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t start = NowMs();
  TableState base = table.state();
  for (int attempt = 0;; ++attempt) {
    ARROW_ASSIGN_OR_RAISE(TableMetadata updated, apply(base));
    auto committed = table.operations().Commit(base, updated);
    if (committed.ok()) {
      table.Adopt(std::move(*committed));
      return arrow::Status::OK();
    }
    if (!IsCommitConflict(committed.status()) || attempt >= policy.num_retries ||
        NowMs() - start > policy.total_timeout_ms) {
      if (IsCommitConflict(committed.status())) {
        return committed.status().WithMessage(
            committed.status().message(), " (gave up after ", attempt + 1,
            " attempts; raise ", property::kCommitNumRetries, " to retry more)");
      }
      return committed.status();
    }
    // Exponential backoff with full jitter, so racing writers spread out.
    int64_t cap = std::min(policy.max_wait_ms, policy.min_wait_ms << std::min(attempt, 20));
    std::uniform_int_distribution<int64_t> wait(policy.min_wait_ms / 2, std::max<int64_t>(cap, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait(rng)));
    ARROW_ASSIGN_OR_RAISE(base, table.operations().Refresh());
  }
}

}  // namespace

arrow::Status CommitWithRetry(Table& table, const ApplyChange& apply) {
  return InTable(table.identifier(), CommitAttempts(table, apply));
}

}  // namespace floe::iceberg
