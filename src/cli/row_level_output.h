#pragma once

// Output shared by `floe update` and `floe merge`.

#include <arrow/result.h>

#include <string>

#include "cli/cli_context.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/iceberg/update/update_rows.h"

namespace floe::cli {

/// --mode copy-on-write|merge-on-read and --isolation serializable|snapshot, when given.
arrow::Status ParseRowLevelOverrides(const std::string& mode, const std::string& isolation,
                                     std::optional<iceberg::RowLevelMode>* mode_out,
                                     std::optional<iceberg::IsolationLevel>* isolation_out);

/// Prints the counts (JSON with --json): `verb` is "updated" or "merged into".
void PrintRowLevelResult(CliContext& ctx, const std::string& verb,
                         const iceberg::TableIdentifier& id, const iceberg::RowLevelResult& r);

}  // namespace floe::cli
