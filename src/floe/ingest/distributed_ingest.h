#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/catalog/catalog.h"
#include "floe/ingest/ingest_pipeline.h"

namespace floe::ingest {

struct PreparedIngest;

/// The one process that commits an ingest whose files are read by others (Ray tasks, say):
/// it plans the run as RunIngest does, hands out the new files as shards, takes back what each
/// shard's reader wrote — file descriptors, never rows — and commits everything in one batch,
/// with the batch record RunIngest writes, so a later `floe ingest` or distributed run goes on
/// from it exactly once and a concurrent ingest of the same files is refused as ever.
///
/// A shard may be read any number of times (a retried task, a worker that died): the
/// coordinator commits the one result it is given per shard, and once the readers are done
/// deletes every file of the run the tables do not reference. Every reader writes under the
/// run's file prefix and the run's marker stands while the coordinator lives, so should the
/// coordinator itself die, the next run removes the lot as a dead run's leftovers.
class IngestCoordinator {
 public:
  /// Prepares the run (tables created if missing, dead runs' leftovers removed, this run's
  /// marker put up, batches a crash interrupted completed), lists the source and splits the new
  /// bytes into at most `max_shards` shards of about equal size; a file is never split, a
  /// folder may be. `options.commit_every*` do not apply (one batch); a dry run is refused.
  static arrow::Result<std::unique_ptr<IngestCoordinator>> Start(catalog::Catalog& catalog,
                                                                 const IngestOptions& options,
                                                                 int max_shards);
  /// An uncommitted run is aborted.
  ~IngestCoordinator();

  const std::string& job_id() const;
  /// One self-contained description per shard (JSON) for ReadShard, in any process.
  const std::vector<std::string>& shards() const;
  /// What ReadShard returned for a shard; one result per shard, in any order.
  arrow::Status AddShardResult(const std::string& result);
  /// Merges the parts of every folder and commits them in one batch; then removes the files of
  /// abandoned attempts. Needs the result of every shard. Call once no shard is still read.
  arrow::Result<IngestReport> Commit();
  /// Commits nothing and deletes every file of the run the tables do not reference (the
  /// shards' results among them). Call once no shard is still read.
  arrow::Status Abort();

 private:
  IngestCoordinator() = default;
  struct State;
  std::unique_ptr<State> state_;
};

struct ShardReadOptions {
  int threads = 1;  ///< 0: all cores
  /// FileIO properties for reading the source (s3.endpoint, keys, …).
  io::FileIOProperties source_properties;
  /// Set to stop: the read in progress is abandoned and a Cancelled status returned.
  const std::atomic<bool>* stop = nullptr;
};

/// Reads one of IngestCoordinator::shards() in a process that can open the catalog and the
/// source: the shard's files parsed into data and reject files of the tables, not committed.
/// Returns what the coordinator commits (IngestCoordinator::AddShardResult). A folder whose
/// file fails is a failed part in the result, not an error; an error means the shard could
/// not be read at all (and may be retried).
arrow::Result<std::string> ReadShard(catalog::Catalog& catalog, const std::string& shard,
                                     const ShardReadOptions& options);

}  // namespace floe::ingest
