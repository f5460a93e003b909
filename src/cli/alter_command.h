#pragma once

// `floe table alter NS.T <verb> ...`: one subcommand per kind of table change. Each verb lives
// in the file of its area (alter_schema_verbs.cc, alter_spec_verbs.cc, ...) and registers
// itself here at start-up, so adding a verb never touches this file.

#include <functional>
#include <memory>
#include <string>

#include <arrow/result.h>
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "floe/iceberg/update/pending_update.h"

namespace floe::cli {

/// Builds the change a verb asks for, from the options parsed into its subcommand.
using MakeChange = std::function<arrow::Result<std::unique_ptr<iceberg::PendingUpdate>>(
    std::shared_ptr<iceberg::Table> table)>;

/// Declares a verb's options on its subcommand `cmd` and returns the function that builds the
/// change once they are parsed (bind the options to state the returned function shares).
using DefineVerb = std::function<MakeChange(CLI::App* cmd)>;

/// Registers a verb of `floe table alter`; use as a namespace-scope initializer:
///   const bool kAddColumn = RegisterAlterVerb("add-column", "Add a column", [](CLI::App* c) {...});
bool RegisterAlterVerb(std::string name, std::string description, DefineVerb define);

/// Adds `alter` with every registered verb to the `table` group.
void AddAlterCommand(CLI::App& table_group, CliContext& ctx, Action* run);

}  // namespace floe::cli
