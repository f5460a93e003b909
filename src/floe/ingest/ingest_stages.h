#pragma once

// The stages of an ingest run, shared by RunIngest (one process reads and commits) and the
// distributed ingest (workers read shards, one coordinator commits): prepare the tables, plan
// what to read, read it into folder parts, merge the parts per folder, commit one batch.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/catalog/catalog.h"
#include "floe/ingest/folder_ingest.h"
#include "floe/ingest/ingest_ledger.h"
#include "floe/ingest/ingest_pipeline.h"
#include "floe/ingest/ingest_run.h"

namespace floe::ingest {

struct PendingFile {
  const SourceFile* file;
  FilePlan plan;
};

/// A folder with something to read (or one that could not be listed).
struct PendingFolder {
  const AppFolder* folder;
  std::vector<PendingFile> files;
  int64_t bytes = 0;  ///< new bytes to read
};

/// The tables, ledger, run marker and plan of a run. Held by pointer: `pending` points into
/// `folders`.
struct PreparedIngest {
  IngestTables tables;
  std::unique_ptr<IngestLedger> ledger;  ///< null in a dry run of a table not yet created
  std::unique_ptr<IngestRun> run;        ///< removes its marker however the run ends
  std::vector<AppFolder> folders;
  std::vector<PendingFolder> pending;
};

/// Stage 1: opens the tables (creating them unless a dry run), loads the ledger and — unless a
/// dry run — removes dead runs' leftovers, puts up this run's marker, completes batches a crash
/// interrupted; then lists the source and plans what to read. Fills the report's job id,
/// skipped entries, swept files, recovered batches and warnings.
arrow::Result<std::unique_ptr<PreparedIngest>> PrepareIngest(catalog::Catalog& catalog,
                                                             const IngestOptions& options,
                                                             IngestReport* report);

/// Running totals shared by the workers of a read.
struct ProgressSink {
  IngestProgress totals;
  std::mutex mu;
  std::function<void(const IngestProgress&)> callback;
};

/// Stage 2: every file of the folders [begin, end) of `pending` read by `threads` workers into
/// parts (not merged, so parts of one folder from several processes can be merged in one).
std::vector<std::vector<FolderWork>> ReadFolderParts(const IngestTables& tables,
                                                     const FolderReadOptions& options,
                                                     const std::string& job_id, int threads,
                                                     const std::vector<PendingFolder>& pending,
                                                     size_t begin, size_t end,
                                                     ProgressSink* progress);

/// Stage 3: each folder's outcome from its parts (a folder that could not be listed fails).
std::vector<FolderWork> MergeFolders(const IngestTables& tables,
                                     const std::vector<PendingFolder>& pending, size_t begin,
                                     size_t end, std::vector<std::vector<FolderWork>> parts,
                                     ProgressSink* progress);

/// Stage 4: the batch record of the folders' work, then the data commit that makes it true,
/// then the rejects and processing-metadata commits carrying the same batch id. Adds what was
/// committed to the report. A stop asked for before the data commit abandons the batch whole.
arrow::Status CommitFolders(const IngestTables& tables, const IngestLedger& ledger,
                            const std::atomic<bool>* stop, const std::string& job_id,
                            const std::string& batch_id, std::vector<FolderWork> work,
                            IngestReport* report);

bool StopRequested(const std::atomic<bool>* stop);

/// The options workers read source files with.
FolderReadOptions ReadOptionsOf(const IngestOptions& options, const std::string& job_id);

/// All cores when `threads` is 0.
int ThreadsOf(int threads);

}  // namespace floe::ingest
