#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/data_file.h"
#include "floe/ingest/ingest_batch.h"
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
  int64_t bytes = 0;
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
                                                               int64_t task_id);
  ~FolderPartWriter();

  /// Reads one file of the folder; on error the part is failed and holds no file.
  arrow::Status AddFile(const SourceFile& file);
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

/// Re-reads the files of a committed batch that had rejects and writes their rejected lines
/// again (parsing is deterministic), for a batch whose rejects commit was lost in a crash.
/// Fails if a file changed since the batch read it.
arrow::Result<std::vector<iceberg::DataFile>> RewriteBatchRejects(const IngestTables& tables,
                                                                  const IngestBatch& batch);

}  // namespace floe::ingest
