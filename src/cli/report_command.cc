// floe report NS.T (verification of a log table) and floe status NS.T (per-folder status).
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "floe/iceberg/type/temporal.h"
#include "floe/ingest/ingest_tables.h"
#include "floe/ingest/log_report.h"

namespace floe::cli {
namespace {

nlohmann::json OptionalTime(const std::optional<int64_t>& us) {
  return us ? nlohmann::json(iceberg::FormatTimestamp(*us, true)) : nlohmann::json(nullptr);
}

arrow::Status RunReport(CliContext& ctx, const std::string& name, int64_t samples) {
  auto id = iceberg::TableIdentifier::Parse(name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  ARROW_ASSIGN_OR_RAISE(auto report, ingest::BuildLogReport(*table, samples));
  if (ctx.options.json) {
    nlohmann::json sample_rows = nlohmann::json::array();
    if (report.samples) {
      for (int64_t r = 0; r < report.samples->num_rows(); ++r) {
        nlohmann::json row = nlohmann::json::object();
        for (int c = 0; c < report.samples->num_columns(); ++c) {
          auto column = report.samples->column(c);
          int64_t offset = r;
          for (const auto& chunk : column->chunks()) {
            if (offset < chunk->length()) {
              row[report.samples->field(c)->name()] = CellToJson(*chunk, offset);
              break;
            }
            offset -= chunk->length();
          }
        }
        sample_rows.push_back(row);
      }
    }
    PrintJson(std::cout, {{"table", id->ToString()},
                          {"total_records", report.total_records},
                          {"first_timestamp", OptionalTime(report.first_timestamp_us)},
                          {"last_timestamp", OptionalTime(report.last_timestamp_us)},
                          {"unique_apps", report.unique_apps},
                          {"unique_pods", report.unique_pods},
                          {"log_levels", report.log_levels},
                          {"samples", sample_rows}});
    return arrow::Status::OK();
  }
  std::cout << "Verification of " << id->ToString() << "\n"
            << "  total records: " << report.total_records << "\n"
            << "  date range:    "
            << (report.first_timestamp_us
                    ? iceberg::FormatTimestamp(*report.first_timestamp_us, true) + " .. " +
                          iceberg::FormatTimestamp(*report.last_timestamp_us, true)
                    : std::string("(empty)"))
            << "\n"
            << "  unique apps:   " << report.unique_apps << "\n"
            << "  unique pods:   " << report.unique_pods << "\n"
            << "  log levels:\n";
  for (const auto& [level, n] : report.log_levels) {
    std::cout << "    " << level << ": " << n << "\n";
  }
  if (report.samples && report.samples->num_rows() > 0) {
    std::cout << "  sample records:\n";
    return WriteTable(*report.samples, OutputFormat::kTable, "");
  }
  return arrow::Status::OK();
}

arrow::Status RunStatus(CliContext& ctx, const std::string& name) {
  auto id = iceberg::TableIdentifier::Parse(name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(ingest::MetadataTableId(*id)));
  ARROW_ASSIGN_OR_RAISE(auto statuses, ingest::LatestFolderStatuses(*table));
  if (ctx.options.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& s : statuses) {
      doc.push_back({{"folder", s.folder},
                     {"location", s.location},
                     {"status", s.status},
                     {"records_processed", s.records},
                     {"processing_start_time", OptionalTime(s.start_us)},
                     {"processing_end_time", OptionalTime(s.end_us)},
                     {"error_message", s.error.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(s.error)},
                     {"job_id", s.job_id},
                     {"runs", s.runs}});
    }
    PrintJson(std::cout, doc);
    return arrow::Status::OK();
  }
  TextTable out{{"folder", "status", "records", "started", "ended", "error"}, {}};
  for (const auto& s : statuses) {
    out.rows.push_back({s.folder, s.status, std::to_string(s.records),
                        s.start_us ? iceberg::FormatTimestamp(*s.start_us, true) : "",
                        s.end_us ? iceberg::FormatTimestamp(*s.end_us, true) : "", s.error});
  }
  out.Print(std::cout);
  return arrow::Status::OK();
}

}  // namespace

void AddReportCommands(CLI::App& app, CliContext& ctx, Action* run) {
  auto name = std::make_shared<std::string>();
  auto samples = std::make_shared<int64_t>(5);
  auto* report = app.add_subcommand("report", "Verify a log table: counts, range, levels, samples");
  report->add_option("table", *name, "NAMESPACE.TABLE")->required();
  report->add_option("--samples", *samples, "Sample records to show (default 5)");
  report->fallthrough();
  report->callback([&ctx, run, name, samples] {
    *run = [&ctx, name, samples] { return RunReport(ctx, *name, *samples); };
  });
  auto* status = app.add_subcommand("status", "Latest processing status of each app folder");
  status->add_option("table", *name, "NAMESPACE.TABLE (the data table)")->required();
  status->fallthrough();
  status->callback([&ctx, run, name] { *run = [&ctx, name] { return RunStatus(ctx, *name); }; });
}

}  // namespace floe::cli
