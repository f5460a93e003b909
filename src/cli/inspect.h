#pragma once

#include "cli/cli_context.h"

namespace floe::cli {

/// floe table snapshots|history|files|manifests|partitions NS.T: the metadata tables.
void AddInspectCommands(CLI::App& table_group, CliContext& ctx, Action* run);

}  // namespace floe::cli
