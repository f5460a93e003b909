#include "floe/ingest/ingest_stages.h"

#include <arrow/builder.h>
#include <arrow/table.h>

#include <atomic>
#include <limits>
#include <set>
#include <thread>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/util/failpoint.h"
#include "floe/util/uuid.h"

namespace floe::ingest {
namespace {

// Batch records a run folds into the ledger checkpoint once this many are not covered.
constexpr int64_t kCheckpointEveryBatches = 32;

// Processing-metadata rows for the folders of a batch.
arrow::Result<std::shared_ptr<arrow::Table>> MetadataRows(const std::vector<FolderResult>& folders,
                                                          const std::string& job_id) {
  ARROW_ASSIGN_OR_RAISE(auto schema, iceberg::ToArrowSchema(*ProcessingMetadataSchema()));
  auto ts_type = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  arrow::StringBuilder selector, path, status, error, job;
  arrow::Int32Builder records;
  arrow::TimestampBuilder start(ts_type, arrow::default_memory_pool()),
      end(ts_type, arrow::default_memory_pool()), updated(ts_type, arrow::default_memory_pool());
  for (const auto& f : folders) {
    ARROW_RETURN_NOT_OK(selector.Append(f.name));
    ARROW_RETURN_NOT_OK(path.Append(f.location));
    ARROW_RETURN_NOT_OK(status.Append(f.status));
    ARROW_RETURN_NOT_OK(records.Append(
        static_cast<int32_t>(std::min<int64_t>(f.records, std::numeric_limits<int32_t>::max()))));
    ARROW_RETURN_NOT_OK(start.Append(f.start_us));
    ARROW_RETURN_NOT_OK(end.Append(f.end_us));
    ARROW_RETURN_NOT_OK(f.error.empty() ? error.AppendNull() : error.Append(f.error));
    ARROW_RETURN_NOT_OK(job.Append(job_id));
    ARROW_RETURN_NOT_OK(updated.Append(f.end_us));
  }
  std::vector<std::shared_ptr<arrow::Array>> cols(9);
  ARROW_RETURN_NOT_OK(selector.Finish(&cols[0]));
  ARROW_RETURN_NOT_OK(path.Finish(&cols[1]));
  ARROW_RETURN_NOT_OK(status.Finish(&cols[2]));
  ARROW_RETURN_NOT_OK(records.Finish(&cols[3]));
  ARROW_RETURN_NOT_OK(start.Finish(&cols[4]));
  ARROW_RETURN_NOT_OK(end.Finish(&cols[5]));
  ARROW_RETURN_NOT_OK(error.Finish(&cols[6]));
  ARROW_RETURN_NOT_OK(job.Finish(&cols[7]));
  ARROW_RETURN_NOT_OK(updated.Finish(&cols[8]));
  return arrow::Table::Make(schema, cols);
}

arrow::Status CommitMetadata(const IngestTables& tables, const std::vector<FolderResult>& folders,
                             const std::string& job_id, const std::string& batch_id,
                             const std::string& file_prefix) {
  if (folders.empty()) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto rows, MetadataRows(folders, job_id));
  std::map<std::string, std::string> summary;
  if (!batch_id.empty()) summary[kSummaryBatchId] = batch_id;
  return iceberg::AppendRows(tables.metadata, *rows, summary, file_prefix).status();
}

arrow::Status CommitRejects(const IngestTables& tables, std::vector<iceberg::DataFile> files,
                            const std::string& batch_id) {
  iceberg::FastAppend append(tables.rejects);
  append.AppendFiles(std::move(files));
  append.SetSummary(kSummaryBatchId, batch_id);
  return append.Commit().status();
}

// Completes batches a crash interrupted between their data commit and the later commits.
arrow::Result<int64_t> Recover(const IngestTables& tables, const IngestLedger& ledger,
                               const std::string& file_prefix) {
  int64_t recovered = 0;
  for (const auto& batch : ledger.missing_rejects()) {
    ARROW_ASSIGN_OR_RAISE(auto files, RewriteBatchRejects(tables, batch, file_prefix));
    ARROW_RETURN_NOT_OK(CommitRejects(tables, std::move(files), batch.batch_id));
    ++recovered;
  }
  for (const auto& batch : ledger.missing_metadata()) {
    ARROW_RETURN_NOT_OK(
        CommitMetadata(tables, batch.folders, batch.job_id, batch.batch_id, file_prefix));
    ++recovered;
  }
  return recovered;
}

void DeleteFiles(io::FileIO& io, const std::vector<iceberg::DataFile>& files) {
  for (const auto& f : files) (void)io.Delete(f.file_path);
}

arrow::Status Interrupted() {
  return arrow::Status::Cancelled("interrupted; the next run resumes");
}

// What to read. A folder is pending when a file of it is new, grew, changed or was
// touched, or when it could not be listed.
std::vector<PendingFolder> PlanFolders(const std::vector<AppFolder>& folders,
                                       const IngestLedger* ledger, IngestReport* report) {
  std::vector<PendingFolder> pending;
  for (const auto& folder : folders) {
    for (const auto& s : folder.skipped) report->skipped.push_back(s);
    PendingFolder p{&folder, {}, 0};
    for (const auto& f : folder.files) {
      FilePlan plan = ledger ? ledger->Plan(f) : FilePlan{};
      if (!ledger) plan.read.end = f.size;
      if (plan.action == FilePlan::Action::kSkip) continue;
      p.bytes += plan.read.end - plan.read.start;
      p.files.push_back(PendingFile{&f, std::move(plan)});
    }
    if (p.files.empty() && folder.error.empty()) continue;
    pending.push_back(std::move(p));
  }
  return pending;
}

// A folder gets a processing-metadata row and a line in the summary when it failed or gave
// new lines; one whose files were only touched is recorded in the batch alone.
bool Reportable(const FolderWork& w) { return w.result.status == kStatusFailed || w.lines > 0; }

arrow::Status CommitBatch(const IngestTables& tables, const IngestLedger& ledger,
                          const std::atomic<bool>* stop, const IngestBatch& batch,
                          std::vector<iceberg::DataFile> data_files,
                          std::vector<iceberg::DataFile> reject_files, IngestReport* report) {
  auto& io = *tables.data->io();
  auto abandon = [&](const arrow::Status& st) {
    // After an unknown commit outcome the table may hold the batch: the next run's ledger
    // finds out from the batch id, and its leftover sweep removes what is not referenced
    // (the run's driver leaves its marker up for that).
    if (iceberg::IsCommitStateUnknown(st)) return st;
    DeleteFiles(io, data_files);
    DeleteFiles(io, reject_files);
    return st;
  };
  // A stop asked for before the data commit abandons the batch whole; once the data commit
  // is in, the batch's two small commits that follow are finished.
  util::PausePoint("before-data-commit");
  if (StopRequested(stop)) return abandon(Interrupted());
  if (!batch.files.empty()) {
    std::set<std::string> identities;
    for (const auto& f : batch.files) identities.insert(f.file.identity);
    std::string batch_location = ledger.BatchLocation(batch.batch_id);
    arrow::Status st = io.WriteAll(batch_location, batch.ToJson());
    if (!st.ok()) return abandon(st);
    util::Failpoint("before-data-commit");
    iceberg::FastAppend append(tables.data);
    append.AppendFiles(data_files);
    append.SetSummary(kSummaryBatchId, batch.batch_id);
    append.SetSummary(kSummaryBatchFile, batch_location);
    append.SetValidation([&](const iceberg::TableMetadata& base) {
      return ledger.CheckNoConcurrentIngest(base, identities);
    });
    append.AllowEmpty();
    // Test hook: a commit the catalog never applied whose answer was lost (a timeout).
    auto committed = util::FailpointArmed("data-commit-unanswered", "")
                         ? arrow::Result<iceberg::Snapshot>(iceberg::CommitStateUnknown(
                               "no answer from the catalog (failpoint data-commit-unanswered)"))
                         : append.Commit();
    if (!committed.ok()) {
      if (!iceberg::IsCommitStateUnknown(committed.status())) (void)io.Delete(batch_location);
      return abandon(committed.status());
    }
    ++report->commits;
    util::Failpoint("after-data-commit");
    if (tables.rejects && batch.total_rejects() > 0) {
      ARROW_RETURN_NOT_OK(CommitRejects(tables, std::move(reject_files), batch.batch_id));
      ++report->commits;
    }
    util::Failpoint("after-rejects-commit");
  }
  if (!batch.folders.empty()) {
    ARROW_RETURN_NOT_OK(CommitMetadata(tables, batch.folders, batch.job_id,
                                       batch.files.empty() ? "" : batch.batch_id,
                                       RunFilePrefix(batch.job_id)));
    ++report->commits;
  }
  util::Failpoint("after-metadata-commit");
  return arrow::Status::OK();
}

void AddToReport(const FolderWork& w, IngestReport* report) {
  report->changed_files += w.changed_files;
  report->unchanged_files += w.unchanged_files;
  if (!Reportable(w)) return;
  report->folders.push_back(FolderOutcome{w.result.name, w.result.status,
                                          static_cast<int64_t>(w.files.size()), w.result.records,
                                          w.result.rejects, w.result.error});
  report->records += w.result.status == kStatusSuccess ? w.result.records : 0;
  report->rejects += w.result.rejects;
  report->files += static_cast<int64_t>(w.files.size());
  report->bytes += w.bytes;
  for (const auto& [reason, count] : w.rejects_by_reason) {
    report->rejects_by_reason[reason] += count;
  }
}

}  // namespace

bool StopRequested(const std::atomic<bool>* stop) { return stop != nullptr && stop->load(); }

FolderReadOptions ReadOptionsOf(const IngestOptions& options, const std::string& job_id) {
  FolderReadOptions read;
  read.reingest_changed = options.reingest_changed;
  read.max_line_bytes = options.max_line_bytes;
  read.stop = options.stop;
  read.file_prefix = RunFilePrefix(job_id);
  return read;
}

int ThreadsOf(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

arrow::Result<std::unique_ptr<PreparedIngest>> PrepareIngest(catalog::Catalog& catalog,
                                                             const IngestOptions& options,
                                                             IngestReport* report) {
  auto prepared = std::make_unique<PreparedIngest>();
  IngestTables& tables = prepared->tables;
  // The source is listed and read with its own FileIO, whatever stores the tables.
  ARROW_ASSIGN_OR_RAISE(auto source_io, io::MakeFileIO(options.source, options.source_properties));
  ARROW_ASSIGN_OR_RAISE(bool exists, catalog.TableExists(options.table));
  if (!options.dry_run || exists) {
    if (options.dry_run) {
      ARROW_ASSIGN_OR_RAISE(tables.data, catalog.LoadTable(options.table));
      ARROW_ASSIGN_OR_RAISE(tables.metadata, catalog.LoadTable(MetadataTableId(options.table)));
      auto rejects = catalog.LoadTable(RejectsTableId(options.table));
      if (rejects.ok()) tables.rejects = *rejects;
    } else {
      ARROW_ASSIGN_OR_RAISE(
          tables, OpenIngestTables(catalog, options.table, options.partition_by, options.rejects));
    }
    tables.source_io = source_io;
    ARROW_ASSIGN_OR_RAISE(auto loaded, IngestLedger::Load(tables));
    prepared->ledger = std::make_unique<IngestLedger>(std::move(loaded));
    if (!options.dry_run) {
      // Leftovers of killed runs go first; this run's marker goes up before it writes a file.
      ARROW_ASSIGN_OR_RAISE(report->swept_files,
                            IngestRun::SweepDeadRuns(tables, report->job_id));
      auto started_run = IngestRun::Start(tables, report->job_id);
      if (started_run.ok()) {
        prepared->run = std::move(*started_run);
      } else {
        // The data table's storage refuses even a small file: every folder will fail on its
        // own and say why; a crash now would leave files no later run can attribute.
        report->warnings.push_back("cannot write this run's marker (" +
                                   started_run.status().message() +
                                   "): files a crash of this run leaves are not removed later");
      }
      ARROW_ASSIGN_OR_RAISE(report->recovered_batches,
                            Recover(tables, *prepared->ledger, RunFilePrefix(report->job_id)));
      report->commits += report->recovered_batches;
      // Keeps loading the ledger cheap as the history grows (and ready for expiry).
      auto checkpointed = CheckpointLedger(tables, kCheckpointEveryBatches);
      if (!checkpointed.ok()) {
        report->warnings.push_back("cannot checkpoint the ingest ledger (" +
                                   checkpointed.status().message() +
                                   "); the next run tries again");
      }
    }
  }
  tables.source_io = source_io;
  ARROW_ASSIGN_OR_RAISE(prepared->folders, ListAppFolders(*source_io, options.source));
  prepared->pending = PlanFolders(prepared->folders, prepared->ledger.get(), report);
  return prepared;
}

// Workers take files one at a time, in folder order, so a large folder is shared by all
// threads; each keeps one open part (reader, parser and writers) for its current folder.
std::vector<std::vector<FolderWork>> ReadFolderParts(const IngestTables& tables,
                                                     const FolderReadOptions& options,
                                                     const std::string& job_id, int threads,
                                                     const std::vector<PendingFolder>& pending,
                                                     size_t begin, size_t end,
                                                     ProgressSink* progress) {
  std::vector<std::pair<size_t, size_t>> items;  // (folder, file) indices
  for (size_t i = begin; i < end; ++i) {
    for (size_t f = 0; f < pending[i].files.size(); ++f) items.emplace_back(i, f);
  }
  std::vector<std::vector<FolderWork>> parts(end - begin);
  std::unique_ptr<std::atomic<bool>[]> failed(new std::atomic<bool>[end - begin]);
  std::vector<size_t> remaining(end - begin);
  for (size_t i = begin; i < end; ++i) {
    failed[i - begin] = false;
    remaining[i - begin] = pending[i].files.size();
  }
  std::mutex parts_mu;
  std::atomic<size_t> next{0};
  auto worker = [&](int64_t task_id) {
    std::unique_ptr<FolderPartWriter> part;
    size_t part_folder = 0;
    auto finish_part = [&] {
      if (!part) return;
      FolderWork done = part->Finish();
      part.reset();
      std::lock_guard<std::mutex> lock(parts_mu);
      if (done.result.status == kStatusFailed) failed[part_folder - begin] = true;
      if (progress) {
        std::lock_guard<std::mutex> totals_lock(progress->mu);
        progress->totals.records += done.result.records;
      }
      parts[part_folder - begin].push_back(std::move(done));
    };
    for (size_t k = next++; k < items.size(); k = next++) {
      auto [i, f] = items[k];
      if (part && part_folder != i) finish_part();
      const PendingFile& file = pending[i].files[f];
      if (!failed[i - begin] && !StopRequested(options.stop)) {
        if (!part) {
          auto made = FolderPartWriter::Make(tables, *pending[i].folder, job_id, task_id, options);
          if (!made.ok()) {
            std::lock_guard<std::mutex> lock(parts_mu);
            failed[i - begin] = true;
            parts[i - begin].push_back(FailedFolder(*pending[i].folder, made.status().message()));
          } else {
            part = std::move(*made);
            part_folder = i;
          }
        }
        // A failed file fails the folder; its other files need not be read.
        if (part && !part->AddFile(*file.file, file.plan).ok()) failed[i - begin] = true;
      }
      if (!progress) continue;
      std::lock_guard<std::mutex> lock(progress->mu);
      ++progress->totals.files_done;
      progress->totals.bytes_done += file.plan.read.end - file.plan.read.start;
      if (--remaining[i - begin] == 0) ++progress->totals.folders_done;
      if (progress->callback) progress->callback(progress->totals);
    }
    finish_part();
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && t < static_cast<int>(items.size()); ++t) {
    pool.emplace_back(worker, t);
  }
  worker(0);
  for (auto& t : pool) t.join();
  return parts;
}

std::vector<FolderWork> MergeFolders(const IngestTables& tables,
                                     const std::vector<PendingFolder>& pending, size_t begin,
                                     size_t end, std::vector<std::vector<FolderWork>> parts,
                                     ProgressSink* progress) {
  std::vector<FolderWork> work;
  for (size_t i = begin; i < end; ++i) {
    const AppFolder& folder = *pending[i].folder;
    if (!folder.error.empty()) {
      work.push_back(FailedFolder(folder, folder.error));
      if (!progress) continue;
      std::lock_guard<std::mutex> lock(progress->mu);
      ++progress->totals.folders_done;
      if (progress->callback) progress->callback(progress->totals);
    } else {
      work.push_back(MergeFolderParts(tables, folder, std::move(parts[i - begin])));
    }
  }
  return work;
}

arrow::Status CommitFolders(const IngestTables& tables, const IngestLedger& ledger,
                            const std::atomic<bool>* stop, const std::string& job_id,
                            const std::string& batch_id, std::vector<FolderWork> work,
                            IngestReport* report) {
  IngestBatch batch;
  batch.batch_id = batch_id;
  batch.job_id = job_id;
  std::vector<iceberg::DataFile> data_files, reject_files;
  for (auto& w : work) {
    if (Reportable(w)) batch.folders.push_back(w.result);
    for (auto& f : w.files) batch.files.push_back(f);
    for (auto& f : w.data_files) data_files.push_back(std::move(f));
    for (auto& f : w.reject_files) reject_files.push_back(std::move(f));
  }
  ARROW_RETURN_NOT_OK(CommitBatch(tables, ledger, stop, batch, std::move(data_files),
                                  std::move(reject_files), report));
  for (const auto& w : work) AddToReport(w, report);
  return arrow::Status::OK();
}

}  // namespace floe::ingest
