#include "cli/row_level_output.h"

#include <iostream>

#include "cli/output.h"

namespace floe::cli {

arrow::Status ParseRowLevelOverrides(const std::string& mode, const std::string& isolation,
                                     std::optional<iceberg::RowLevelMode>* mode_out,
                                     std::optional<iceberg::IsolationLevel>* isolation_out) {
  if (mode == "copy-on-write") {
    *mode_out = iceberg::RowLevelMode::kCopyOnWrite;
  } else if (mode == "merge-on-read") {
    *mode_out = iceberg::RowLevelMode::kMergeOnRead;
  } else if (!mode.empty()) {
    return UsageError("--mode: '" + mode + "' is neither copy-on-write nor merge-on-read");
  }
  if (isolation == "serializable") {
    *isolation_out = iceberg::IsolationLevel::kSerializable;
  } else if (isolation == "snapshot") {
    *isolation_out = iceberg::IsolationLevel::kSnapshot;
  } else if (!isolation.empty()) {
    return UsageError("--isolation: '" + isolation + "' is neither serializable nor snapshot");
  }
  return arrow::Status::OK();
}

void PrintRowLevelResult(CliContext& ctx, const std::string& verb,
                         const iceberg::TableIdentifier& id, const iceberg::RowLevelResult& r) {
  if (ctx.options.json) {
    nlohmann::json doc = {{"table", id.ToString()},
                          {"rows_updated", r.rows_updated},
                          {"rows_deleted", r.rows_deleted},
                          {"rows_inserted", r.rows_inserted},
                          {"data_files_added", r.data_files_added},
                          {"data_files_removed", r.data_files_removed},
                          {"delete_files_added", r.delete_files_added},
                          {"mode", iceberg::ToString(r.mode)},
                          {"isolation", iceberg::ToString(r.isolation)},
                          {"executions", r.executions}};
    doc["snapshot_id"] = r.snapshot ? nlohmann::json(r.snapshot->snapshot_id) : nlohmann::json();
    PrintJson(std::cout, doc);
    return;
  }
  std::cout << verb << " " << id.ToString() << ": " << r.rows_updated << " row(s) updated, "
            << r.rows_deleted << " deleted, " << r.rows_inserted << " inserted";
  if (!r.snapshot) {
    std::cout << "; nothing committed\n";
    return;
  }
  std::cout << " (" << iceberg::ToString(r.mode) << ": +" << r.data_files_added << "/-"
            << r.data_files_removed << " data file(s), +" << r.delete_files_added
            << " delete file(s); snapshot " << r.snapshot->snapshot_id << ")\n";
}

}  // namespace floe::cli
