// floe catalog list|show: the catalogs .pyiceberg.yaml and PYICEBERG_CATALOG__* configure,
// secrets masked.
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "floe/catalog/catalog_config.h"
#include "floe/util/properties.h"

namespace floe::cli {
namespace {

// What `list` shows of a catalog: its type and where it is.
std::string Where(const catalog::Properties& props) {
  std::string uri = util::StringProperty(props, "uri");
  if (!uri.empty()) return uri;
  std::string endpoint = util::StringProperty(props, "glue.endpoint");
  if (!endpoint.empty()) return endpoint;
  return util::StringProperty(props, "glue.region", util::StringProperty(props, "warehouse"));
}

}  // namespace

void AddCatalogCommands(CLI::App& app, CliContext& ctx, Action* run) {
  auto* group = app.add_subcommand(
      "catalog", "Show the catalogs configured in .pyiceberg.yaml and PYICEBERG_CATALOG__*");
  group->require_subcommand(1);
  group->fallthrough();
  auto name = std::make_shared<std::string>();

  auto* list = group->add_subcommand("list", "List the configured catalogs");
  list->fallthrough();
  list->callback([&ctx, run] {
    *run = [&ctx]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto config, catalog::CatalogConfig::Load());
      nlohmann::json doc = nlohmann::json::array();
      TextTable table{{"name", "type", "where", "default"}, {}};
      const std::string default_name = config.default_catalog();
      bool default_configured = false;
      for (const auto& catalog_name : config.catalog_names()) {
        auto props = *config.catalog(catalog_name);
        auto type = catalog::CatalogType(catalog_name, props);
        std::string type_text = type.ok() ? *type : "?";
        bool is_default = catalog_name == default_name;
        default_configured |= is_default;
        doc.push_back({{"name", catalog_name},
                       {"type", type_text},
                       {"where", Where(props)},
                       {"default", is_default}});
        table.rows.push_back({catalog_name, type_text, Where(props), is_default ? "*" : ""});
      }
      if (ctx.options.json) {
        PrintJson(std::cout, {{"source", config.source()},
                              {"default", default_name},
                              {"catalogs", doc}});
        return arrow::Status::OK();
      }
      std::cout << "config: " << (config.source().empty() ? "(no .pyiceberg.yaml found)"
                                                          : config.source())
                << "\n";
      if (!table.rows.empty()) table.Print(std::cout);
      if (!default_configured) {
        std::cout << "default: '" << default_name
                  << "' is not configured: the embedded SQLite catalog in ./warehouse\n";
      }
      return arrow::Status::OK();
    };
  });

  auto* show = group->add_subcommand("show", "Show one catalog's settings (secrets masked)");
  show->add_option("name", *name, "Catalog name")->required();
  show->fallthrough();
  show->callback([&ctx, run, name] {
    *run = [&ctx, name]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto config, catalog::CatalogConfig::Load());
      auto props = config.catalog(*name);
      if (!props) {
        return arrow::Status::KeyError("no catalog '", *name, "' is configured",
                                       config.source().empty() ? "" : " in " + config.source(),
                                       " or in PYICEBERG_CATALOG__", *name, "__* variables");
      }
      auto shown = catalog::RedactSecrets(*props);
      ARROW_ASSIGN_OR_RAISE(auto type, catalog::CatalogType(*name, *props));
      if (ctx.options.json) {
        PrintJson(std::cout, {{"name", *name}, {"type", type}, {"properties", shown}});
        return arrow::Status::OK();
      }
      std::cout << "catalog " << *name << " (" << type << ")\n";
      TextTable table{{"property", "value"}, {}};
      for (const auto& [k, v] : shown) table.rows.push_back({k, v});
      table.Print(std::cout);
      return arrow::Status::OK();
    };
  });
}

}  // namespace floe::cli
