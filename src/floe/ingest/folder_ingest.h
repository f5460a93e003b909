#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/manifest/data_file.h"
#include "floe/ingest/ingest_batch.h"
#include "floe/ingest/ingest_ledger.h"
#include "floe/ingest/ingest_tables.h"

namespace floe::ingest {

/// Everything one app folder produced in a run: data and reject files written (not yet
/// committed), what each source file gave, and the folder's outcome.
struct FolderWork {
  FolderResult result;
  std::vector<BatchFile> files;  ///< empty when the folder failed
  std::vector<iceberg::DataFile> data_files;
  std::vector<iceberg::DataFile> reject_files;
  std::map<std::string, int64_t> rejects_by_reason;
  int64_t bytes = 0;           ///< bytes read past what earlier batches read
  int64_t lines = 0;           ///< new lines read
  int64_t changed_files = 0;   ///< files whose ingested content changed
  int64_t unchanged_files = 0; ///< files touched (new time) whose content is as ingested
  bool had_earlier = false;    ///< some file of the folder was ingested by an earlier batch
};

/// How workers read source files.
struct FolderReadOptions {
  /// Read a file whose ingested content changed again from its start, as a new file
  /// (its old rows stay); otherwise such a file fails its folder.
  bool reingest_changed = false;
  int64_t max_line_bytes = kDefaultMaxLineBytes;
  /// Set by a signal handler: the read in progress stops at its next window.
  const std::atomic<bool>* stop = nullptr;
  /// Starts the names of the data and reject files written (the run's, see ingest_run.h).
  std::string file_prefix;
};

/// One worker's share of one app folder: it reads, decompresses and parses files of the
/// folder, writing valid records as data files and rejected lines as reject files. Several
/// workers may share a folder; MergeFolderParts then decides the folder's outcome.
class FolderPartWriter {
 public:
  /// `task_id` keeps the file names of parallel workers apart.
  static arrow::Result<std::unique_ptr<FolderPartWriter>> Make(const IngestTables& tables,
                                                               const AppFolder& folder,
                                                               const std::string& job_id,
                                                               int64_t task_id,
                                                               FolderReadOptions options);
  ~FolderPartWriter();

  /// Reads what `plan` says of one file of the folder; on error (or a changed file) the
  /// part is failed and holds no file.
  arrow::Status AddFile(const SourceFile& file, const FilePlan& plan);
  /// Closes the writers; returns the part (failed parts delete what they wrote).
  FolderWork Finish();

 private:
  struct Impl;
  explicit FolderPartWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A failed part of `folder` that read nothing (e.g. the folder could not be listed).
FolderWork FailedFolder(const AppFolder& folder, const std::string& error);

/// The folder's outcome from its workers' parts: any failed part fails the whole folder and
/// deletes every file the parts wrote; a folder without a valid record fails with "No valid
/// records found" but keeps its rejects.
FolderWork MergeFolderParts(const IngestTables& tables, const AppFolder& folder,
                            std::vector<FolderWork> parts);

/// Re-reads the bytes of a committed batch's files that had rejects and writes their rejected
/// lines again (reading is deterministic), for a batch whose rejects commit was lost in a
/// crash. Fails if a file's bytes are no longer those the batch read (by their CRC-64).
arrow::Result<std::vector<iceberg::DataFile>> RewriteBatchRejects(const IngestTables& tables,
                                                                  const IngestBatch& batch,
                                                                  const std::string& file_prefix);

}  // namespace floe::ingest
