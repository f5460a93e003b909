#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/ingest/app_folder_source.h"
#include "floe/ingest/source_reader.h"

namespace floe::ingest {

struct IngestOptions {
  std::string source;  ///< folder or URI holding spark-* app folders
  /// FileIO properties for reading the source (s3.endpoint, keys, …; io/s3/s3_file_io.h).
  io::FileIOProperties source_properties;
  iceberg::TableIdentifier table;
  std::string partition_by;  ///< for a new data table; default day(timestamp)
  int threads = 0;           ///< 0: all cores
  int commit_every = 0;      ///< folders per commit; 0: no folder limit
  int64_t commit_every_bytes = 0;  ///< new input bytes per commit; 0: no byte limit
  bool rejects = true;       ///< keep rejected lines in <table>_rejects
  bool dry_run = false;      ///< list what would be processed, change nothing
  std::string job_id;        ///< default: a fresh UUID
  /// Read a file whose already-ingested content changed again from its start, as a new
  /// file; by default such a file fails its folder and nothing of it is added.
  bool reingest_changed = false;
  /// Longer lines are rejected as `line_too_long` unparsed (memory per thread is bounded
  /// by about this much).
  int64_t max_line_bytes = kDefaultMaxLineBytes;
  /// Set (by a signal handler, say) to stop: the batch in progress is abandoned whole,
  /// nothing of it is committed, and RunIngest returns a Cancelled status.
  const std::atomic<bool>* stop = nullptr;
};

/// Running totals for progress displays.
struct IngestProgress {
  int64_t folders_done = 0;
  int64_t folders_total = 0;
  int64_t files_done = 0;
  int64_t files_total = 0;
  int64_t bytes_done = 0;
  int64_t records = 0;
};

struct FolderOutcome {
  std::string name;
  std::string status;  ///< SUCCESS, FAILED, or PENDING in a dry run
  int64_t files = 0;   ///< new files read (or to read, in a dry run)
  int64_t records = 0;
  int64_t rejects = 0;
  std::string error;
};

/// What a run did, for the closing summary.
struct IngestReport {
  std::string job_id;
  bool dry_run = false;
  std::vector<FolderOutcome> folders;  ///< folders with new files, in name order
  int64_t records = 0;
  int64_t rejects = 0;
  std::map<std::string, int64_t> rejects_by_reason;
  int64_t files = 0;
  int64_t bytes = 0;
  int64_t commits = 0;
  int64_t recovered_batches = 0;  ///< earlier batches completed after a crash
  /// Entries below app folders that are not regular files (or a second path to one already
  /// listed), never opened: location and reason.
  std::vector<SkippedEntry> skipped;
  int64_t changed_files = 0;    ///< files whose ingested content changed (their folders fail)
  int64_t unchanged_files = 0;  ///< files with a new time whose content is as ingested
  int64_t swept_files = 0;      ///< files a killed earlier run wrote and never committed, removed
  std::vector<std::string> warnings;  ///< what went wrong without failing a folder
  double seconds = 0;

  bool all_succeeded() const;
};

/// floe's main job: every new file of every app folder below the source into the data table,
/// its rejected lines into the rejects table, and a status row per folder into the
/// processing-metadata table — exactly once, whatever crashes in between. See ingest_batch.h
/// for how a run is recorded and ingest_ledger.h for how the next run reads it back.
arrow::Result<IngestReport> RunIngest(catalog::Catalog& catalog, const IngestOptions& options,
                                      const std::function<void(const IngestProgress&)>& progress =
                                          nullptr);

}  // namespace floe::ingest
