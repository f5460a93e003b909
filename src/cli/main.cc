// floe: command-line front end over libfloe. Each subcommand group lives in its own file;
// this file parses, runs the chosen action and maps the outcome to an exit code.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"

namespace floe::cli {

arrow::Result<catalog::Catalog*> CliContext::Catalog() {
  if (!catalog_) {
    catalog::CatalogOptions opts;
    opts.warehouse = options.warehouse;
    opts.catalog_name = options.catalog;
    opts.uri = options.catalog_uri;
    opts.properties = options.properties;
    ARROW_ASSIGN_OR_RAISE(catalog_, catalog::OpenCatalog(opts));
  }
  return catalog_.get();
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--warehouse", options.warehouse,
                 "Warehouse folder or URI (default ./warehouse)")
      ->envname("FLOE_WAREHOUSE");
  app.add_option("--catalog", options.catalog, "Catalog name (default 'default')")
      ->envname("FLOE_CATALOG");
  app.add_option("--catalog-uri", options.catalog_uri,
                 "SQLite catalog file (default <warehouse>/catalog.db)")
      ->envname("FLOE_CATALOG_URI");
  app.add_flag("--json", options.json, "Machine-readable JSON output");
  // Before the subcommand: `table create` and `namespace create` have a --property of their
  // own (table and namespace properties).
  app.add_option_function<std::vector<std::string>>(
         "--property",
         [&options](const std::vector<std::string>& pairs) {
           for (const auto& kv : pairs) {
             auto eq = kv.find('=');
             if (eq == std::string::npos || eq == 0) {
               throw CLI::ValidationError("--property", "expected KEY=VALUE, got '" + kv + "'");
             }
             options.properties[kv.substr(0, eq)] = kv.substr(eq + 1);
           }
         },
         "KEY=VALUE catalog/FileIO property, e.g. s3.endpoint=http://host:9000 (repeatable)")
      ->allow_extra_args(false);
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
  AddScanCommand(app, ctx, &run);
  AddIngestCommand(app, ctx, &run);
  AddReportCommands(app, ctx, &run);
  AddGenCommand(app, ctx, &run);
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
