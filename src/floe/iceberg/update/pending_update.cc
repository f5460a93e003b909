#include "floe/iceberg/update/pending_update.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/commit_retry.h"

namespace floe::iceberg {
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

void Remove(io::FileIO& io, std::vector<std::string>& files) {
  for (const auto& file : files) (void)io.Delete(file);
  files.clear();
}

}  // namespace

arrow::Status PendingUpdate::Commit() { return CommitChanges(*table_, {this}); }

arrow::Status CommitChanges(Table& table, const std::vector<PendingUpdate*>& changes,
                            const TableMetadataBuilder* create) {
  io::FileIO& io = *table.io();
  auto drop_attempt = [&] {
    for (auto* change : changes) Remove(io, change->attempt_files());
  };
  auto drop_all = [&] {
    for (auto* change : changes) {
      Remove(io, change->attempt_files());
      Remove(io, change->change_files());
    }
  };
  auto keep_all = [&] {
    for (auto* change : changes) {
      change->attempt_files().clear();
      change->change_files().clear();
    }
  };
  const RetryPolicy policy = RetryPolicy::FromProperties(table.metadata());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t start = NowMs();
  for (int attempt = 0;; ++attempt) {
    drop_attempt();  // files of the attempt that lost
    const TableState base = table.state();
    TableMetadataBuilder builder = create ? *create : TableMetadataBuilder(*base.metadata);
    for (auto* change : changes) {
      arrow::Status applied = change->Apply(builder);
      if (!applied.ok()) {
        drop_all();
        return InTable(table.identifier(), applied);
      }
    }
    if (create == nullptr && builder.empty()) {
      keep_all();  // nothing to commit, and nothing written that a commit would reference
      return arrow::Status::OK();
    }
    std::vector<TableRequirement> requirements =
        create ? std::vector<TableRequirement>{AssertCreate{}}
               : RequirementsFor(base.metadata.get(), builder.updates());
    auto committed = table.operations().Commit(requirements, builder.updates());
    if (committed.ok()) {
      table.Adopt(std::move(*committed));
      keep_all();
      return arrow::Status::OK();
    }
    const arrow::Status& failed = committed.status();
    if (IsCommitStateUnknown(failed)) {
      // The table may reference what this change wrote: deleting it could corrupt the table.
      keep_all();
      return InTable(table.identifier(),
                     failed.WithMessage(failed.message(),
                                        " (the commit may have succeeded: its files are kept; "
                                        "reload the table to see)"));
    }
    if (!IsCommitConflict(failed) || create != nullptr || attempt >= policy.num_retries ||
        NowMs() - start > policy.total_timeout_ms) {
      drop_all();
      if (IsCommitConflict(failed)) {
        return InTable(table.identifier(),
                       failed.WithMessage(failed.message(), " (gave up after ", attempt + 1,
                                          " attempts; raise ", property::kCommitNumRetries,
                                          " to retry more)"));
      }
      return InTable(table.identifier(), failed);
    }
    // Exponential backoff with full jitter, so racing writers spread out.
    int64_t cap = std::min(policy.max_wait_ms, policy.min_wait_ms << std::min(attempt, 20));
    std::uniform_int_distribution<int64_t> wait(policy.min_wait_ms / 2, std::max<int64_t>(cap, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait(rng)));
    auto fresh = table.operations().Refresh();
    if (!fresh.ok()) {
      drop_all();
      return InTable(table.identifier(), fresh.status());
    }
    table.Adopt(std::move(*fresh));
  }
}

}  // namespace floe::iceberg
