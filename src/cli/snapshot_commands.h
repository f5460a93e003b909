#pragma once

#include "cli/cli_context.h"

namespace floe::cli {

/// floe table branch|tag create|replace|drop, rollback, set-current-snapshot, cherry-pick,
/// fast-forward: branches, tags and the current snapshot.
void AddSnapshotCommands(CLI::App& table_group, CliContext& ctx, Action* run);

}  // namespace floe::cli
