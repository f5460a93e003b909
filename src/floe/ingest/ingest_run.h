#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "floe/ingest/ingest_tables.h"

namespace floe::ingest {

/// A run of `floe ingest` as the tables see it while it works, so that a later run can tell a
/// killed run from a live one and remove exactly the files the killed one wrote and never
/// committed.
///
/// A run writes a marker `<data table>/metadata/floe-ingest/run-<job id>.json` before it
/// writes any file, naming its host, process and the prefix every file it writes starts with
/// (`RunFilePrefix`), and refreshes it every 30 s while it works; it removes the marker when it
/// ends. A marker left behind is a dead run's when its process is gone (same host and boot) or,
/// from another host, when it was not refreshed for `kStaleAfterMs` — ten minutes, far past the
/// refresh interval. Its leftover files are found by that prefix below the tables' data folders
/// and deleted unless the tables' metadata references them (never by their age).
class IngestRun {
 public:
  /// Writes the marker and starts refreshing it.
  static arrow::Result<std::unique_ptr<IngestRun>> Start(const IngestTables& tables,
                                                         const std::string& job_id);
  /// Stops refreshing and removes the marker.
  ~IngestRun();

  const std::string& file_prefix() const { return file_prefix_; }

  /// Keeps the marker when this run ends: its files are then removed as a dead run's, once
  /// its process is gone or the marker is stale.
  void LeaveMarker() { leave_marker_ = true; }

  /// Removes the leftovers of every dead run's marker; returns how many files it deleted.
  /// Files of live runs, and every file the tables reference, are never touched.
  static arrow::Result<int64_t> SweepDeadRuns(const IngestTables& tables,
                                              const std::string& own_job_id);

  /// Removes the files of this run that the tables do not reference: what its abandoned
  /// writers left (a worker process that died mid-read). Only once none of them can still
  /// write. Returns how many files it deleted.
  arrow::Result<int64_t> SweepOwnLeftovers(const IngestTables& tables) const;

  static constexpr int64_t kRefreshMs = 30'000;
  static constexpr int64_t kStaleAfterMs = 600'000;

 private:
  IngestRun() = default;
  std::string MarkerJson() const;

  std::shared_ptr<io::FileIO> io_;
  std::string marker_location_;
  std::string job_id_;
  std::string file_prefix_;
  int64_t started_ms_ = 0;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool leave_marker_ = false;
  std::thread refresher_;
};

/// `text` with characters other than letters, digits, '-' and '_' replaced by '_'.
std::string FileNameSafe(const std::string& text);

/// The prefix of the names of the files a run writes — data, rejects, processing rows and
/// batch records: `floe-<job id>-` (FileNameSafe).
std::string RunFilePrefix(const std::string& job_id);

}  // namespace floe::ingest
