// floe ingest SOURCE --table NS.T: Spark application log folders into Iceberg, exactly once.
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <cstdlib>
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/stop_signals.h"
#include "floe/ingest/ingest_pipeline.h"
#include "floe/ingest/job_environment.h"

namespace floe::cli {
namespace {

struct IngestArgs {
  std::string source;
  std::string table;
  std::string partition_by;
  std::string job_id;
  int threads = 0;
  std::string commit_every;
  bool no_rejects = false;
  bool dry_run = false;
  bool reingest_changed = false;
  int64_t max_line_bytes = ingest::kDefaultMaxLineBytes;
};

// The environment variables of the job floe replaces fill in what the flags leave out.
arrow::Status ApplyEnvironment(IngestArgs& args, GlobalOptions& global) {
  auto env = ingest::ReadJobEnvironment();
  if (!env.ok()) return UsageError(env.status().message());
  if (args.source.empty()) args.source = env->source;
  if (args.table.empty()) args.table = env->table;
  if (global.warehouse.empty()) global.warehouse = env->warehouse;
  if (global.catalog_type.empty()) global.catalog_type = env->catalog_type;
  if (!env->region.empty()) global.properties.push_back("client.region=" + env->region);
  if (args.source.empty()) return UsageError("no SOURCE given (or S3_BUCKET/S3_PREFIX)");
  if (args.table.empty()) {
    return UsageError("no --table given (or ICEBERG_DATABASE/ICEBERG_TABLE)");
  }
  return arrow::Status::OK();
}

// "--commit-every 10" is ten folders; "--commit-every 512MB" is that much new input.
arrow::Status ParseCommitEvery(const std::string& text, ingest::IngestOptions* options) {
  if (text.empty()) return arrow::Status::OK();
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, int64_t> kUnits = {
      {"B", 1},         {"KB", 1000},       {"MB", 1000000},         {"GB", 1000000000},
      {"KIB", 1 << 10}, {"MIB", 1LL << 20}, {"GIB", 1LL << 30}};
  if (digits == 0 || digits > 15 || (!unit.empty() && !kUnits.count(unit))) {
    return UsageError("--commit-every " + text + ": give a number of folders or a size like 512MB");
  }
  int64_t n = std::stoll(text.substr(0, digits));
  if (unit.empty()) {
    options->commit_every = static_cast<int>(std::min<int64_t>(n, 1 << 30));
  } else {
    options->commit_every_bytes = n * kUnits.at(unit);
  }
  return arrow::Status::OK();
}

// One line redrawn in place on a terminal.
void DrawProgress(const ingest::IngestProgress& p, double seconds) {
  double rate = seconds > 0 ? static_cast<double>(p.records) / seconds : 0;
  std::fprintf(stderr, "\r  folders %lld/%lld  files %lld/%lld  %.1f MB  %.0f rows/s   ",
               static_cast<long long>(p.folders_done), static_cast<long long>(p.folders_total),
               static_cast<long long>(p.files_done), static_cast<long long>(p.files_total),
               static_cast<double>(p.bytes_done) / 1e6, rate);
  std::fflush(stderr);
}

// "same file as …" reasons grouped under one name, so counts by reason stay few.
std::string ReasonKind(const std::string& reason) {
  return reason.rfind("same file as ", 0) == 0 ? "same file as another listed file" : reason;
}

nlohmann::json ReportJson(const ingest::IngestReport& r) {
  nlohmann::json skipped = nlohmann::json::array();
  std::map<std::string, int64_t> skipped_by_reason;
  for (const auto& s : r.skipped) {
    skipped.push_back({{"location", s.location}, {"reason", s.reason}});
    ++skipped_by_reason[ReasonKind(s.reason)];
  }
  nlohmann::json folders = nlohmann::json::array();
  std::vector<std::string> ok, failed;
  for (const auto& f : r.folders) {
    folders.push_back({{"folder", f.name},
                       {"status", f.status},
                       {"files", f.files},
                       {"records", f.records},
                       {"rejects", f.rejects},
                       {"error", f.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.error)}});
    (f.status == "FAILED" ? failed : ok).push_back(f.name);
  }
  return {{"job_id", r.job_id},
          {"dry_run", r.dry_run},
          {"total_records_processed", r.records},
          {"successful_folders", ok},
          {"failed_folders", failed},
          {"rejected_lines", r.rejects},
          {"rejects_by_reason", r.rejects_by_reason},
          {"files", r.files},
          {"bytes", r.bytes},
          {"commits", r.commits},
          {"recovered_batches", r.recovered_batches},
          {"changed_files", r.changed_files},
          {"unchanged_files", r.unchanged_files},
          {"swept_files", r.swept_files},
          {"warnings", r.warnings},
          {"skipped_entries", skipped},
          {"skipped_by_reason", skipped_by_reason},
          {"seconds", r.seconds},
          {"records_per_second", r.seconds > 0 ? static_cast<double>(r.records) / r.seconds : 0},
          {"folders", folders}};
}

void PrintReport(const ingest::IngestReport& r) {
  if (r.dry_run) {
    std::cout << "Dry run: " << r.folders.size() << " folder(s) with " << r.files
              << " new file(s), " << r.bytes << " bytes would be processed\n";
    for (const auto& f : r.folders) {
      std::cout << "  " << f.name << ": " << f.files << " new file(s)"
                << (f.error.empty() ? "" : " (" + f.error + ")") << "\n";
    }
    return;
  }
  std::vector<const ingest::FolderOutcome*> ok, failed;
  for (const auto& f : r.folders) (f.status == "FAILED" ? failed : ok).push_back(&f);
  std::cout << "Total records processed: " << r.records << "\n";
  std::cout << "Successful folders: " << ok.size() << "\n";
  for (const auto* f : ok) std::cout << "  " << f->name << " (" << f->records << " records)\n";
  std::cout << "Failed folders: " << failed.size() << "\n";
  for (const auto* f : failed) std::cout << "  " << f->name << ": " << f->error << "\n";
  std::cout << "Rejected lines: " << r.rejects << "\n";
  for (const auto& [reason, n] : r.rejects_by_reason) {
    std::cout << "  " << reason << ": " << n << "\n";
  }
  double rate = r.seconds > 0 ? static_cast<double>(r.records) / r.seconds : 0;
  std::printf("Read %lld file(s), %.1f MB in %.2f s (%.0f rows/s), %lld commit(s)%s\n",
              static_cast<long long>(r.files), static_cast<double>(r.bytes) / 1e6, r.seconds,
              rate, static_cast<long long>(r.commits),
              r.recovered_batches > 0 ? ", completing an interrupted earlier run" : "");
  if (r.swept_files > 0) {
    std::cout << "Removed " << r.swept_files
              << " file(s) a killed earlier run wrote and never committed\n";
  }
  if (r.changed_files > 0) {
    std::cout << "Changed files: " << r.changed_files
              << " (already ingested content differs; their folders failed, see above)\n";
  }
  if (r.unchanged_files > 0) {
    std::cout << "Touched but unchanged files: " << r.unchanged_files << " (not read again)\n";
  }
  if (!r.skipped.empty()) {
    std::map<std::string, int64_t> by_reason;
    for (const auto& s : r.skipped) ++by_reason[ReasonKind(s.reason)];
    std::cout << "Skipped entries (not regular files, never opened): " << r.skipped.size() << "\n";
    for (const auto& [reason, n] : by_reason) std::cout << "  " << reason << ": " << n << "\n";
    for (const auto& s : r.skipped) std::cout << "    " << s.location << "\n";
  }
  if (r.folders.empty()) std::cout << "Nothing new to ingest; nothing committed.\n";
}

arrow::Status RunIngestCommand(CliContext& ctx, IngestArgs args) {
  ARROW_RETURN_NOT_OK(ApplyEnvironment(args, ctx.options));
  auto id = iceberg::TableIdentifier::Parse(args.table);
  if (!id.ok()) return UsageError(id.status().message());
  if (args.threads < 0) return UsageError("--threads must be >= 0");
  ingest::IngestOptions options;
  options.source = args.source;
  ARROW_ASSIGN_OR_RAISE(options.source_properties, ctx.StorageProperties());
  options.table = *id;
  options.partition_by = args.partition_by;
  options.threads = args.threads;
  ARROW_RETURN_NOT_OK(ParseCommitEvery(args.commit_every, &options));
  options.rejects = !args.no_rejects;
  options.dry_run = args.dry_run;
  options.job_id = args.job_id;
  options.reingest_changed = args.reingest_changed;
  if (args.max_line_bytes < 1024) return UsageError("--max-line-bytes must be at least 1024");
  options.max_line_bytes = args.max_line_bytes;
  // A stop signal abandons the batch in progress whole; the run exits 130.
  options.stop = InstallStopHandlers();
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  const bool tty = isatty(STDERR_FILENO) && !ctx.options.json;
  const auto start = std::chrono::steady_clock::now();
  int64_t last_folders = -1;
  auto progress = [&](const ingest::IngestProgress& p) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (tty) {
      DrawProgress(p, secs);
    } else if (!ctx.options.json && p.folders_done != last_folders) {
      last_folders = p.folders_done;
      std::fprintf(stderr, "floe ingest: %lld/%lld folders, %lld files, %.1f MB, %lld records\n",
                   static_cast<long long>(p.folders_done),
                   static_cast<long long>(p.folders_total),
                   static_cast<long long>(p.files_done), static_cast<double>(p.bytes_done) / 1e6,
                   static_cast<long long>(p.records));
    }
  };
  auto report = ingest::RunIngest(*catalog, options, progress);
  if (tty) std::fprintf(stderr, "\n");
  if (!report.ok()) {
    // A file the run writes itself (its batch record) is named without its table.
    const std::string& message = report.status().message();
    if (!report.status().IsIOError() || message.find("table " + id->ToString() + ":") == 0) {
      return report.status();
    }
    return report.status().WithMessage("ingest into ", id->ToString(), ": ", message);
  }
  for (const auto& warning : report->warnings) std::cerr << "floe: warning: " << warning << "\n";
  if (ctx.options.json) {
    PrintJson(std::cout, ReportJson(*report));
  } else {
    PrintReport(*report);
  }
  if (!report->all_succeeded()) {
    // The first failure on the one stderr line: a full or read-only disk fails every folder
    // alike, and its reason should not take reading the report to find.
    size_t failed = 0;
    const ingest::FolderOutcome* first = nullptr;
    for (const auto& f : report->folders) {
      if (f.status == "SUCCESS" || f.status == "PENDING") continue;
      if (failed++ == 0) first = &f;
    }
    return arrow::Status::Invalid(failed, " of ", report->folders.size(), " folders failed (",
                                  first->name, ": ", first->error,
                                  "); they are retried on the next run");
  }
  return arrow::Status::OK();
}

}  // namespace

void AddIngestCommand(CLI::App& app, CliContext& ctx, Action* run) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand("ingest", "Ingest Spark application log folders (spark-*)");
  cmd->add_option("source", args->source, "Folder or URI holding spark-* app folders");
  cmd->add_option("--table", args->table, "NAMESPACE.TABLE for the log rows");
  cmd->add_option("--partition-by", args->partition_by,
                  "Partitioning of a new data table (default 'day(timestamp)')");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)");
  cmd->add_option("--commit-every", args->commit_every,
                  "Commit after N folders, or after a size of new input such as 512MB "
                  "(default: one commit per run)");
  cmd->add_flag("--no-rejects", args->no_rejects, "Do not keep rejected lines (still counted)");
  cmd->add_flag("--dry-run", args->dry_run, "List what would be processed; change nothing");
  cmd->add_option("--job-id", args->job_id, "Job id recorded in the tables (default: a UUID)");
  cmd->add_flag("--reingest-changed", args->reingest_changed,
                "Ingest a file whose already-ingested content changed again, from its start, "
                "as a new file (default: its folder fails and nothing of it is added)");
  cmd->add_option("--max-line-bytes", args->max_line_bytes,
                  "Reject longer lines unparsed as line_too_long (default 16 MiB)");
  cmd->fallthrough();
  cmd->callback([&ctx, run, args] {
    *run = [&ctx, args] { return RunIngestCommand(ctx, *args); };
  });
}

}  // namespace floe::cli
