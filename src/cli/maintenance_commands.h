#pragma once

#include "cli/cli_context.h"

namespace floe::cli {

/// floe table expire-snapshots, remove-orphan-files, rewrite-manifests: keeping a table's
/// history and files in check.
void AddMaintenanceCommands(CLI::App& table_group, CliContext& ctx, Action* run);

}  // namespace floe::cli
