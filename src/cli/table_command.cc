// floe table create|list|describe|drop|rename|properties|snapshots|history
#include <functional>
#include <iostream>

#include "cli/alter_command.h"
#include "cli/cli_context.h"
#include "cli/inspect.h"
#include "cli/output.h"
#include "cli/maintenance_commands.h"
#include "cli/snapshot_commands.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/type/schema_json_internal.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/sort_order_text.h"
#include "floe/iceberg/update/update_properties.h"

namespace floe::cli {
namespace {

struct TableArgs {
  std::string table;
  std::string target;
  std::string schema;
  std::string partition_by;
  std::string location;
  std::vector<std::string> properties;
  std::vector<std::string> remove;
  bool purge = false;
  int format_version = 0;  ///< create: 0 means the default (2)
};

arrow::Result<iceberg::TableIdentifier> ParseTableName(const std::string& text) {
  auto id = iceberg::TableIdentifier::Parse(text);
  if (!id.ok()) return UsageError(id.status().message());
  return id;
}

arrow::Status Create(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto id, ParseTableName(args.table));
  catalog::CreateTableRequest request;
  auto schema = iceberg::ParseSchemaText(args.schema);
  if (!schema.ok()) return UsageError("--schema: " + schema.status().message());
  request.schema = std::move(*schema);
  if (!args.partition_by.empty()) {
    auto spec = iceberg::ParsePartitionText(args.partition_by, request.schema);
    if (!spec.ok()) return UsageError("--partition-by: " + spec.status().message());
    request.spec = std::move(*spec);
  }
  request.location = args.location;
  ARROW_ASSIGN_OR_RAISE(request.properties, ParseKeyValues(args.properties));
  if (args.format_version != 0) {
    // The reserved property picks the version, as in Java and PyIceberg.
    request.properties["format-version"] = std::to_string(args.format_version);
  }
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->CreateTable(id, request));
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", id.ToString()},
                          {"location", table->metadata().location},
                          {"metadata_location", table->metadata_location()}});
  } else {
    std::cout << "created table " << id.ToString() << " at " << table->metadata().location << "\n";
  }
  return arrow::Status::OK();
}

arrow::Status List(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  std::vector<catalog::Namespace> namespaces;
  if (args.table.empty()) {
    // Every namespace, depth first, so `floe table list` shows the whole catalog.
    std::vector<catalog::Namespace> pending = {{}};
    while (!pending.empty()) {
      auto parent = pending.back();
      pending.pop_back();
      ARROW_ASSIGN_OR_RAISE(auto children, catalog->ListNamespaces(parent));
      for (auto& child : children) {
        namespaces.push_back(child);
        pending.push_back(child);
      }
    }
  } else {
    namespaces.push_back(iceberg::SplitNamespace(args.table));
  }
  nlohmann::json doc = nlohmann::json::array();
  TextTable out{{"table"}, {}};
  for (const auto& ns : namespaces) {
    ARROW_ASSIGN_OR_RAISE(auto tables, catalog->ListTables(ns));
    for (const auto& id : tables) {
      doc.push_back(id.ToString());
      out.rows.push_back({id.ToString()});
    }
  }
  if (ctx.options.json) {
    PrintJson(std::cout, doc);
  } else {
    out.Print(std::cout);
  }
  return arrow::Status::OK();
}

arrow::Status Describe(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto id, ParseTableName(args.table));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(id));
  const auto& md = table->metadata();
  auto schema = md.CurrentSchema();
  const auto& spec = md.DefaultSpec();
  iceberg::SortOrder sort_order;
  for (const auto& order : md.sort_orders) {
    if (order.order_id == md.default_sort_order_id) sort_order = order;
  }
  if (ctx.options.json) {
    auto fields = nlohmann::json::parse(iceberg::SerializePartitionFields(spec));
    nlohmann::json specs = nlohmann::json::array();
    for (const auto& s : md.partition_specs) {
      specs.push_back(nlohmann::json::parse(iceberg::PartitionSpecToJson(s).dump()));
    }
    nlohmann::json doc = {
        {"table", id.ToString()},
        {"location", md.location},
        {"metadata_location", table->metadata_location()},
        {"format_version", md.format_version},
        {"table_uuid", md.table_uuid},
        {"schema", nlohmann::json::parse(iceberg::SerializeSchema(*schema))},
        {"partition_spec", fields},
        {"default_spec_id", md.default_spec_id},
        {"partition_specs", specs},
        {"sort_order", iceberg::SortOrderToJson(sort_order)},
        {"sort_order_text", iceberg::SortOrderToText(sort_order, *schema)},
        {"properties", md.properties},
        {"current_snapshot_id", md.current_snapshot_id ? nlohmann::json(*md.current_snapshot_id)
                                                       : nlohmann::json(nullptr)},
        {"snapshots", md.snapshots.size()}};
    PrintJson(std::cout, doc);
    return arrow::Status::OK();
  }
  std::cout << "table        " << id.ToString() << "\n"
            << "location     " << md.location << "\n"
            << "metadata     " << table->metadata_location() << "\n"
            << "uuid         " << md.table_uuid << "\n"
            << "format       v" << md.format_version << "\n"
            << "snapshot     "
            << (md.current_snapshot_id ? std::to_string(*md.current_snapshot_id) : "none") << " ("
            << md.snapshots.size() << " in history)\n\n";
  // Every field at any depth, by its full dotted name, so nested docs show too.
  TextTable columns{{"id", "name", "type", "required", "doc"}, {}};
  std::function<void(const iceberg::NestedField&, const std::string&)> add_row =
      [&](const iceberg::NestedField& f, const std::string& prefix) {
        std::string name = prefix + f.name;
        std::string type = f.type->is_primitive()                     ? f.type->ToString()
                           : f.type->id() == iceberg::TypeId::kStruct ? "struct"
                           : f.type->id() == iceberg::TypeId::kList   ? "list"
                                                                      : "map";
        columns.rows.push_back(
            {std::to_string(f.id), name, type, f.required ? "yes" : "no", f.doc});
        for (const auto& child : f.type->fields()) add_row(child, name + ".");
      };
  for (const auto& f : schema->fields()) add_row(f, "");
  columns.Print(std::cout);
  std::cout << "\nschema " << schema->schema_id() << ", identifier fields:";
  if (schema->identifier_field_ids().empty()) std::cout << " none";
  for (size_t i = 0; i < schema->identifier_field_ids().size(); ++i) {
    std::cout << (i == 0 ? " " : ", ") << schema->FindColumnName(schema->identifier_field_ids()[i]);
  }
  std::cout << "\n";
  // Every spec: files written before a partition evolution keep the spec they were written with.
  std::cout << "\n";
  for (const auto& s : md.partition_specs) {
    std::cout << "partition spec " << s.spec_id()
              << (s.spec_id() == spec.spec_id() ? " (default)" : "") << ":";
    if (s.fields().empty()) std::cout << " unpartitioned";
    for (const auto& f : s.fields()) {
      std::cout << " " << f.name << "=" << f.transform.ToString() << "("
                << schema->FindColumnName(f.source_id) << ")";
    }
    std::cout << "\n";
  }
  std::cout << "sort order " << sort_order.order_id << ": "
            << (sort_order.fields.empty() ? "unsorted"
                                          : iceberg::SortOrderToText(sort_order, *schema))
            << "\n";
  if (!md.properties.empty()) {
    std::cout << "\n";
    TextTable props{{"property", "value"}, {}};
    for (const auto& [k, v] : md.properties) props.rows.push_back({k, v});
    props.Print(std::cout);
  }
  return arrow::Status::OK();
}

arrow::Status Drop(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto id, ParseTableName(args.table));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_RETURN_NOT_OK(catalog->DropTable(id, args.purge));
  if (!ctx.options.json) {
    std::cout << "dropped table " << id.ToString() << (args.purge ? " and its files" : "") << "\n";
  }
  return arrow::Status::OK();
}

arrow::Status Rename(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto from, ParseTableName(args.table));
  ARROW_ASSIGN_OR_RAISE(auto to, ParseTableName(args.target));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_RETURN_NOT_OK(catalog->RenameTable(from, to));
  if (!ctx.options.json)
    std::cout << "renamed " << from.ToString() << " to " << to.ToString() << "\n";
  return arrow::Status::OK();
}

arrow::Status Register(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto id, ParseTableName(args.table));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->RegisterTable(id, args.target));
  if (!ctx.options.json) {
    std::cout << "registered " << id.ToString() << " at " << table->metadata_location() << "\n";
  }
  return arrow::Status::OK();
}

arrow::Status Properties(CliContext& ctx, const TableArgs& args) {
  ARROW_ASSIGN_OR_RAISE(auto id, ParseTableName(args.table));
  ARROW_ASSIGN_OR_RAISE(auto set, ParseKeyValues(args.properties));
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(id));
  if (!set.empty() || !args.remove.empty()) {
    ARROW_RETURN_NOT_OK(iceberg::SetTableProperties(table, set, args.remove));
  }
  if (ctx.options.json) {
    PrintJson(std::cout, nlohmann::json(table->metadata().properties));
  } else {
    TextTable props{{"property", "value"}, {}};
    for (const auto& [k, v] : table->metadata().properties) props.rows.push_back({k, v});
    props.Print(std::cout);
  }
  return arrow::Status::OK();
}

}  // namespace

void AddTableCommands(CLI::App& app, CliContext& ctx, Action* run) {
  auto* group = app.add_subcommand("table", "Create, inspect and drop tables");
  group->require_subcommand(1);
  group->fallthrough();
  auto args = std::make_shared<TableArgs>();
  using Fn = arrow::Status (*)(CliContext&, const TableArgs&);
  auto bind = [&ctx, run, args](CLI::App* cmd, Fn fn) {
    cmd->fallthrough();
    cmd->callback([&ctx, run, args, fn] { *run = [&ctx, args, fn] { return fn(ctx, *args); }; });
  };

  auto* create = group->add_subcommand("create", "Create a table");
  create->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  create
      ->add_option("--schema", args->schema,
                   "Columns, e.g. 'id long not null, ts timestamptz, name string'")
      ->required();
  create->add_option("--partition-by", args->partition_by,
                     "Partition transforms, e.g. 'day(ts), bucket(16, id)'");
  create->add_option("--location", args->location, "Table location (default under warehouse)");
  create->add_option("--property", args->properties, "KEY=VALUE table property (repeatable)");
  create->add_option("--format-version", args->format_version, "Iceberg format version (2 or 3)")
      ->check(CLI::Range(2, 3));
  bind(create, &Create);

  auto* list = group->add_subcommand("list", "List tables (of one namespace, if given)");
  list->add_option("namespace", args->table, "Namespace");
  bind(list, &List);

  auto* describe = group->add_subcommand("describe", "Schema, partitioning and properties");
  describe->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  bind(describe, &Describe);

  auto* drop = group->add_subcommand("drop", "Drop a table");
  drop->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  drop->add_flag("--purge", args->purge,
                 "Also delete the files the table's metadata references (data, delete, manifest, "
                 "metadata and statistics files), and no others");
  bind(drop, &Drop);

  auto* rename = group->add_subcommand("rename", "Rename a table");
  rename->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  rename->add_option("new_name", args->target, "NAMESPACE.TABLE")->required();
  bind(rename, &Rename);

  auto* reg = group->add_subcommand("register", "Add an existing table by its metadata file");
  reg->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  reg->add_option("metadata_location", args->target, "Path or URI of a .metadata.json")->required();
  bind(reg, &Register);

  auto* props = group->add_subcommand("properties", "Show or change table properties");
  props->add_option("table", args->table, "NAMESPACE.TABLE")->required();
  props->add_option("--set", args->properties, "KEY=VALUE (repeatable)");
  props->add_option("--remove", args->remove, "KEY (repeatable)");
  bind(props, &Properties);

  AddInspectCommands(*group, ctx, run);
  AddAlterCommand(*group, ctx, run);
  AddSnapshotCommands(*group, ctx, run);
  AddMaintenanceCommands(*group, ctx, run);
}

}  // namespace floe::cli
