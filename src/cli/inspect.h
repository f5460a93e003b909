#pragma once

#include "cli/cli_context.h"

namespace floe::cli {

/// floe table snapshots|history|refs|metadata_log_entries|manifests|all_manifests|files|
/// data_files|delete_files|all_files|all_data_files|all_delete_files|entries|all_entries|
/// partitions NS.T [--snapshot ID | --ref NAME] [--format F] [--output FILE]: the metadata
/// tables.
void AddInspectCommands(CLI::App& table_group, CliContext& ctx, Action* run);

}  // namespace floe::cli
