#include "floe/ingest/ingest_pipeline.h"

#include <chrono>

#include "floe/iceberg/errors.h"
#include "floe/ingest/ingest_stages.h"
#include "floe/util/uuid.h"

namespace floe::ingest {
namespace {

using Clock = std::chrono::steady_clock;

IngestReport DryRunReport(IngestReport report, const std::vector<PendingFolder>& pending) {
  for (const auto& p : pending) {
    FolderOutcome out;
    out.name = p.folder->name;
    out.status = "PENDING";
    out.files = static_cast<int64_t>(p.files.size());
    out.error = p.folder->error;
    for (const auto& f : p.files) {
      if (f.plan.action == FilePlan::Action::kChanged) ++report.changed_files;
    }
    report.folders.push_back(out);
    report.files += out.files;
    report.bytes += p.bytes;
  }
  return report;
}

}  // namespace

bool IngestReport::all_succeeded() const {
  for (const auto& f : folders) {
    if (f.status != "SUCCESS" && f.status != "PENDING") return false;
  }
  return true;
}

arrow::Result<IngestReport> RunIngest(catalog::Catalog& catalog, const IngestOptions& options,
                                      const std::function<void(const IngestProgress&)>& progress) {
  const auto started = Clock::now();
  IngestReport report;
  report.job_id = options.job_id.empty() ? util::RandomUuid() : options.job_id;
  report.dry_run = options.dry_run;
  ARROW_ASSIGN_OR_RAISE(auto prepared, PrepareIngest(catalog, options, &report));
  const std::vector<PendingFolder>& pending = prepared->pending;
  if (options.dry_run) {
    report = DryRunReport(std::move(report), pending);
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
  }
  ProgressSink sink;
  sink.callback = progress;
  sink.totals.folders_total = static_cast<int64_t>(pending.size());
  for (const auto& p : pending) sink.totals.files_total += static_cast<int64_t>(p.files.size());

  const int threads = ThreadsOf(options.threads);
  const FolderReadOptions read_options = ReadOptionsOf(options, report.job_id);
  // Batches of whole folders: up to commit_every folders and commit_every_bytes of new input
  // (a folder larger than the byte limit makes a batch of its own).
  auto batch_end = [&](size_t begin) {
    size_t end = begin;
    int64_t bytes = 0;
    while (end < pending.size()) {
      bool full =
          (options.commit_every > 0 && end - begin >= static_cast<size_t>(options.commit_every)) ||
          (options.commit_every_bytes > 0 && end > begin &&
           bytes + pending[end].bytes > options.commit_every_bytes);
      if (full) break;
      bytes += pending[end].bytes;
      ++end;
    }
    return end;
  };
  for (size_t begin = 0, end = 0, n = 0; begin < pending.size(); begin = end, ++n) {
    end = batch_end(begin);
    auto parts = ReadFolderParts(prepared->tables, read_options, report.job_id, threads, pending,
                                 begin, end, &sink);
    auto work = MergeFolders(prepared->tables, pending, begin, end, std::move(parts), &sink);
    arrow::Status committed =
        CommitFolders(prepared->tables, *prepared->ledger, options.stop, report.job_id,
                      report.job_id + "-" + std::to_string(n), std::move(work), &report);
    if (!committed.ok()) {
      // The batch's files may be in the table or not: the marker stays, so that the next run,
      // which knows, removes those the table does not reference.
      if (iceberg::IsCommitStateUnknown(committed) && prepared->run) {
        prepared->run->LeaveMarker();
      }
      return committed;
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return report;
}

}  // namespace floe::ingest
