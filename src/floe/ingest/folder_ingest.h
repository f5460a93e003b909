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

/// Reads, decompresses and parses `files` of `folder`, writing valid records as data files
/// of the data table and rejected lines as files of the rejects table. Any unreadable file
/// fails the whole folder: its written files are deleted and nothing of it is committed.
/// `task_id` keeps file names of parallel workers apart. `on_file` reports progress.
FolderWork IngestFolder(const IngestTables& tables, const AppFolder& folder,
                        const std::vector<SourceFile>& files, const std::string& job_id,
                        int64_t task_id, const std::function<void(int64_t bytes)>& on_file);

/// Re-reads the files of a committed batch that had rejects and writes their rejected lines
/// again (parsing is deterministic), for a batch whose rejects commit was lost in a crash.
/// Fails if a file changed since the batch read it.
arrow::Result<std::vector<iceberg::DataFile>> RewriteBatchRejects(const IngestTables& tables,
                                                                  const IngestBatch& batch);

}  // namespace floe::ingest
