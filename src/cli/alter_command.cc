// floe table alter NS.T <verb> ...: loads the table, builds the verb's change and commits it
// (with optimistic retries: the change is re-planned against the table as it is then).
#include "cli/alter_command.h"

#include <iostream>
#include <vector>

#include "cli/output.h"

namespace floe::cli {
namespace {

struct Verb {
  std::string name;
  std::string description;
  DefineVerb define;
};

std::vector<Verb>& Verbs() {
  static std::vector<Verb> verbs;  // filled by static initializers of the verb files
  return verbs;
}

arrow::Status Alter(CliContext& ctx, const std::string& table_name, const std::string& verb,
                    const MakeChange& make) {
  auto id = iceberg::TableIdentifier::Parse(table_name);
  if (!id.ok()) return UsageError(id.status().message());
  ARROW_ASSIGN_OR_RAISE(auto* catalog, ctx.Catalog());
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(*id));
  auto change = make(table);
  if (!change.ok()) {
    // Argument errors (an unknown column, a malformed type) are usage errors of the verb.
    return change.status().WithMessage(verb, ": ", change.status().message());
  }
  const std::string before = table->metadata_location();
  ARROW_RETURN_NOT_OK((*change)->Commit());
  // A change that asks for what the table already is commits nothing.
  const bool changed = table->metadata_location() != before;
  if (ctx.options.json) {
    PrintJson(std::cout, {{"table", id->ToString()},
                          {"change", verb},
                          {"changed", changed},
                          {"metadata_location", table->metadata_location()}});
  } else if (changed) {
    std::cout << "altered table " << id->ToString() << ": " << verb << "\n";
  } else {
    std::cout << "table " << id->ToString() << " already is so: " << verb
              << " changed nothing\n";
  }
  return arrow::Status::OK();
}

}  // namespace

bool RegisterAlterVerb(std::string name, std::string description, DefineVerb define) {
  Verbs().push_back({std::move(name), std::move(description), std::move(define)});
  return true;
}

void AddAlterCommand(CLI::App& table_group, CliContext& ctx, Action* run) {
  auto* alter = table_group.add_subcommand("alter", "Change a table's schema, partitioning or "
                                                    "sort order (one change per call)");
  alter->fallthrough();
  alter->require_subcommand(1);
  auto table_name = std::make_shared<std::string>();
  alter->add_option("table", *table_name, "NAMESPACE.TABLE")->required();
  for (const auto& verb : Verbs()) {
    auto* cmd = alter->add_subcommand(verb.name, verb.description);
    cmd->fallthrough();
    MakeChange make = verb.define(cmd);
    std::string name = verb.name;
    cmd->callback([&ctx, run, table_name, name, make] {
      *run = [&ctx, table_name, name, make] { return Alter(ctx, *table_name, name, make); };
    });
  }
}

}  // namespace floe::cli
