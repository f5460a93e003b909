#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>
#include <CLI/CLI.hpp>

#include "floe/catalog/catalog.h"

namespace floe::cli {

/// Options every subcommand accepts, before or after the subcommand name.
struct GlobalOptions {
  /// Empty: the configured catalog's warehouse, or ./warehouse for the embedded catalog.
  std::string warehouse;
  /// Empty: the configuration's `default-catalog`, else "default".
  std::string catalog;
  std::string catalog_uri;  ///< SQLite file; <warehouse>/catalog.db when empty
  /// `--catalog-property k=v`: catalog and storage settings over the configured ones.
  std::vector<std::string> properties;
  /// The catalog type the old job's ICEBERG_CATALOG_TYPE asks for when no catalog of that
  /// name is configured ("" or "sql": the embedded catalog).
  std::string catalog_type;
  bool json = false;  ///< machine-readable output for listings
};

/// Shared state of one CLI invocation: the options and, once opened, the catalog.
class CliContext {
 public:
  GlobalOptions options;

  arrow::Result<catalog::Catalog*> Catalog();
  /// The settings for files outside the catalog (ingest sources, append inputs, scan output
  /// files): the selected catalog's configured properties (its `s3.*`) under the
  /// `--catalog-property` ones.
  arrow::Result<catalog::Properties> StorageProperties();

 private:
  std::unique_ptr<catalog::Catalog> catalog_;
};

/// A subcommand's action; its status becomes the exit code (0 ok, 1 failure).
using Action = std::function<arrow::Status()>;

/// Registers a subcommand group; `run` receives the action chosen by the parsed subcommand.
void AddNamespaceCommands(CLI::App& app, CliContext& ctx, Action* run);
void AddTableCommands(CLI::App& app, CliContext& ctx, Action* run);
void AddAppendCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddDeleteCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddScanCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddIngestCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddStreamCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddReportCommands(CLI::App& app, CliContext& ctx, Action* run);
void AddGenCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddCatalogCommands(CLI::App& app, CliContext& ctx, Action* run);
void AddUpdateCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddMergeCommand(CLI::App& app, CliContext& ctx, Action* run);
void AddParquetCommands(CLI::App& app, CliContext& ctx, Action* run);


/// Adds --warehouse/--catalog/--catalog-uri/--catalog-property/--json to a (sub)command.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

}  // namespace floe::cli
