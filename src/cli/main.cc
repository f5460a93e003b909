// floe: command-line front end over libfloe. Each subcommand group lives in its own file;
// this file parses, runs the chosen action and maps the outcome to an exit code.
#include <iostream>
#include <optional>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "floe/catalog/catalog_config.h"

namespace floe::cli {

namespace {

// The catalog the options select: its name, and its configured properties (nullopt when no
// catalog of that name is configured) with the command line's over them.
struct SelectedCatalog {
  std::string name;
  std::optional<catalog::Properties> configured;
  catalog::Properties overrides;
};

arrow::Result<SelectedCatalog> SelectCatalog(const GlobalOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto config, catalog::CatalogConfig::Load());
  SelectedCatalog selected;
  ARROW_ASSIGN_OR_RAISE(selected.overrides, ParseKeyValues(options.properties));
  selected.name = options.catalog.empty() ? config.default_catalog() : options.catalog;
  selected.configured = config.catalog(selected.name);
  if (selected.configured) {
    for (const auto& [k, v] : selected.overrides) (*selected.configured)[k] = v;
    if (!options.warehouse.empty()) (*selected.configured)["warehouse"] = options.warehouse;
    if (!options.catalog_uri.empty()) (*selected.configured)["uri"] = options.catalog_uri;
  }
  return selected;
}

}  // namespace

arrow::Result<catalog::Properties> CliContext::StorageProperties() {
  ARROW_ASSIGN_OR_RAISE(auto selected, SelectCatalog(options));
  return selected.configured ? *selected.configured : selected.overrides;
}

// A configured catalog when one has the name; the old job's ICEBERG_CATALOG_TYPE; else the
// embedded SQLite catalog in the warehouse folder.
arrow::Result<catalog::Catalog*> CliContext::Catalog() {
  if (catalog_) return catalog_.get();
  ARROW_ASSIGN_OR_RAISE(auto selected, SelectCatalog(options));
  if (selected.configured) {
    ARROW_ASSIGN_OR_RAISE(catalog_, catalog::LoadCatalog(selected.name, *selected.configured));
  } else if (!options.catalog_type.empty() && options.catalog_type != "sql") {
    catalog::Properties props = selected.overrides;
    props["type"] = options.catalog_type;
    if (!options.warehouse.empty()) props["warehouse"] = options.warehouse;
    ARROW_ASSIGN_OR_RAISE(catalog_, catalog::LoadCatalog(selected.name, props));
  } else {
    catalog::CatalogOptions opts;
    if (!options.warehouse.empty()) opts.warehouse = options.warehouse;
    opts.catalog_name = selected.name;
    opts.uri = options.catalog_uri;
    opts.properties = selected.overrides;
    ARROW_ASSIGN_OR_RAISE(catalog_, catalog::OpenCatalog(opts));
  }
  return catalog_.get();
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--warehouse", options.warehouse,
                 "Warehouse folder or URI (default: the catalog's, else ./warehouse)")
      ->envname("FLOE_WAREHOUSE");
  app.add_option("--catalog", options.catalog,
                 "Catalog name from .pyiceberg.yaml / PYICEBERG_CATALOG__* (default: "
                 "default-catalog, else 'default'; unconfigured names are the embedded catalog)")
      ->envname("FLOE_CATALOG");
  app.add_option("--catalog-uri", options.catalog_uri,
                 "SQLite catalog file (default <warehouse>/catalog.db)")
      ->envname("FLOE_CATALOG_URI");
  app.add_option("--catalog-property", options.properties,
                 "Catalog or storage setting KEY=VALUE (e.g. s3.endpoint=…) over the configured "
                 "ones (repeatable)");
  app.add_flag("--json", options.json, "Machine-readable JSON output");
}

}  // namespace floe::cli

int main(int argc, char** argv) {
  using namespace floe::cli;
  CLI::App app{"floe: logs and event streams into Apache Iceberg tables", "floe"};
  app.require_subcommand(1);
  app.fallthrough();
  CliContext ctx;
  AddGlobalOptions(app, ctx.options);
  Action run;
  AddNamespaceCommands(app, ctx, &run);
  AddTableCommands(app, ctx, &run);
  AddAppendCommand(app, ctx, &run);
  AddDeleteCommand(app, ctx, &run);
  AddScanCommand(app, ctx, &run);
  AddIngestCommand(app, ctx, &run);
  AddStreamCommand(app, ctx, &run);
  AddReportCommands(app, ctx, &run);
  AddGenCommand(app, ctx, &run);
  AddCatalogCommands(app, ctx, &run);
  AddUpdateCommand(app, ctx, &run);
  AddMergeCommand(app, ctx, &run);
  AddParquetCommands(app, ctx, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "floe: " << e.what() << "\n" << "Run 'floe --help' for usage.\n";
    return 2;
  }
  if (!run) {
    std::cerr << "floe: no command given; run 'floe --help'\n";
    return 2;
  }
  arrow::Status status = run();
  if (!status.ok()) {
    std::cerr << "floe: " << status.message() << "\n";
    if (status.IsCancelled()) return 130;  // stopped by SIGINT or SIGTERM
    return IsUsageError(status) ? 2 : 1;
  }
  return 0;
}
