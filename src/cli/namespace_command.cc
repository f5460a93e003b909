// floe namespace create|list|drop|properties
#include <iostream>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "floe/iceberg/table/table_identifier.h"

namespace floe::cli {

void AddNamespaceCommands(CLI::App& app, CliContext& ctx, Action* run) {
  auto* group = app.add_subcommand("namespace", "Create, list and drop namespaces");
  group->require_subcommand(1);
  group->fallthrough();

  struct Args {
    std::string ns;
    std::vector<std::string> properties;
    std::vector<std::string> remove;
  };
  auto args = std::make_shared<Args>();

  auto* create = group->add_subcommand("create", "Create a namespace");
  create->add_option("namespace", args->ns, "Namespace, e.g. logs or a.b")->required();
  create->add_option("--property", args->properties, "KEY=VALUE (repeatable)");
  create->fallthrough();
  create->callback([&ctx, run, args] {
    *run = [&ctx, args]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto props, ParseKeyValues(args->properties));
      ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
      ARROW_RETURN_NOT_OK(catalog->CreateNamespace(iceberg::SplitNamespace(args->ns), props));
      if (!ctx.options.json) std::cout << "created namespace " << args->ns << "\n";
      return arrow::Status::OK();
    };
  });

  auto* list = group->add_subcommand("list", "List namespaces (below a parent, if given)");
  list->add_option("parent", args->ns, "Parent namespace");
  list->fallthrough();
  list->callback([&ctx, run, args] {
    *run = [&ctx, args]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
      catalog::Namespace parent;
      if (!args->ns.empty()) parent = iceberg::SplitNamespace(args->ns);
      ARROW_ASSIGN_OR_RAISE(auto namespaces, catalog->ListNamespaces(parent));
      nlohmann::json doc = nlohmann::json::array();
      TextTable table{{"namespace"}, {}};
      for (const auto& ns : namespaces) {
        std::string name = iceberg::TableIdentifier{ns, ""}.NamespaceString();
        doc.push_back(name);
        table.rows.push_back({name});
      }
      if (ctx.options.json) {
        PrintJson(std::cout, doc);
      } else {
        table.Print(std::cout);
      }
      return arrow::Status::OK();
    };
  });

  auto* drop = group->add_subcommand("drop", "Drop an empty namespace");
  drop->add_option("namespace", args->ns, "Namespace")->required();
  drop->fallthrough();
  drop->callback([&ctx, run, args] {
    *run = [&ctx, args]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
      ARROW_RETURN_NOT_OK(catalog->DropNamespace(iceberg::SplitNamespace(args->ns)));
      if (!ctx.options.json) std::cout << "dropped namespace " << args->ns << "\n";
      return arrow::Status::OK();
    };
  });

  auto* props = group->add_subcommand("properties", "Show or change namespace properties");
  props->add_option("namespace", args->ns, "Namespace")->required();
  props->add_option("--set", args->properties, "KEY=VALUE to set (repeatable)");
  props->add_option("--remove", args->remove, "KEY to remove (repeatable)");
  props->fallthrough();
  props->callback([&ctx, run, args] {
    *run = [&ctx, args]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
      auto ns = iceberg::SplitNamespace(args->ns);
      ARROW_ASSIGN_OR_RAISE(auto set, ParseKeyValues(args->properties));
      if (!set.empty() || !args->remove.empty()) {
        ARROW_RETURN_NOT_OK(catalog->UpdateNamespaceProperties(ns, set, args->remove));
      }
      ARROW_ASSIGN_OR_RAISE(auto current, catalog->LoadNamespaceProperties(ns));
      if (ctx.options.json) {
        PrintJson(std::cout, nlohmann::json(current));
      } else {
        TextTable table{{"key", "value"}, {}};
        for (const auto& [k, v] : current) table.rows.push_back({k, v});
        table.Print(std::cout);
      }
      return arrow::Status::OK();
    };
  });
}

}  // namespace floe::cli
