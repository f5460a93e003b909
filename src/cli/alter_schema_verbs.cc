// The schema verbs of `floe table alter`: add-column, drop-column, rename-column,
// update-column, set-default, move-column, set-identifier-fields. Each builds one UpdateSchema and
// checks it against the table as loaded, so a broken rule is reported before anything is written.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/alter_command.h"
#include "cli/output.h"
#include "floe/iceberg/type/literal_conversion.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/update_schema.h"

namespace floe::cli {
namespace {

using iceberg::UpdateSchema;

arrow::Result<iceberg::TypePtr> ParseType(const std::string& text) {
  auto type = iceberg::ParseTypeText(text);
  if (!type.ok()) return UsageError(type.status().message());
  return type;
}

// A default as typed on the command line, read as a value of the column's type. Nested and
// unknown columns take no default; UpdateSchema says so, naming the column.
arrow::Result<iceberg::Literal> ParseDefault(const std::string& text,
                                             const iceberg::TypePtr& type) {
  if (!type->is_primitive() || type->id() == iceberg::TypeId::kUnknown) {
    return iceberg::Literal::String(text);
  }
  auto value = iceberg::ParseValueText(text, type);
  if (!value.ok()) return UsageError("default value " + value.status().message());
  return value;
}

// The position options shared by add-column and move-column.
struct Position {
  std::string after;
  std::string before;
  bool first = false;

  void Define(CLI::App* cmd) {
    auto* after_opt = cmd->add_option("--after", after, "Place it right after column COL");
    auto* before_opt = cmd->add_option("--before", before, "Place it right before column COL");
    auto* first_opt = cmd->add_flag("--first", first, "Place it first in its struct");
    after_opt->excludes(before_opt)->excludes(first_opt);
    before_opt->excludes(first_opt);
  }
  bool given() const { return first || !after.empty() || !before.empty(); }

  // A position names a sibling by its leaf name or full path; both mean the same struct.
  static std::string Sibling(const std::string& column, const std::string& other) {
    auto dot = column.rfind('.');
    if (dot == std::string::npos || other.find('.') != std::string::npos) return other;
    return column.substr(0, dot + 1) + other;
  }
  void Apply(UpdateSchema& update, const std::string& column) const {
    if (first) {
      update.MoveFirst(column);
    } else if (!after.empty()) {
      update.MoveAfter(column, Sibling(column, after));
    } else if (!before.empty()) {
      update.MoveBefore(column, Sibling(column, before));
    }
  }
};

// Returns the change once it plans cleanly on the table as loaded.
arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> Checked(
    std::unique_ptr<UpdateSchema> update) {
  ARROW_RETURN_NOT_OK(update->Plan(update->table()->metadata()).status());
  return std::unique_ptr<iceberg::PendingUpdate>(std::move(update));
}

const bool kAddColumn = RegisterAlterVerb(
    "add-column", "Add a column (nested: parent.name)", [](CLI::App* cmd) -> MakeChange {
      struct Args {
        std::string name, type, doc;
        std::optional<std::string> default_text;
        bool required = false;
        Position position;
      };
      auto args = std::make_shared<Args>();
      cmd->add_option("name", args->name, "Column name; a.b adds b to struct a")->required();
      cmd->add_option("type", args->type, "Type in schema text, e.g. long, struct<x: int>")
          ->required();
      cmd->add_option("--doc", args->doc, "Column documentation");
      cmd->add_flag("--required", args->required,
                    "Make it required (only while the table has no rows, or with --default)");
      cmd->add_option("--default", args->default_text,
                      "Format v3: the value older rows read and writers fill in when they "
                      "leave the column out (its initial- and write-default)");
      args->position.Define(cmd);
      return [args](std::shared_ptr<iceberg::Table> table) {
        return [&]() -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
          ARROW_ASSIGN_OR_RAISE(auto type, ParseType(args->type));
          std::optional<iceberg::Literal> default_value;
          if (args->default_text) {
            ARROW_ASSIGN_OR_RAISE(default_value, ParseDefault(*args->default_text, type));
          }
          auto update = std::make_unique<UpdateSchema>(std::move(table));
          if (args->required) {
            update->AddRequiredColumn(args->name, type, args->doc, default_value);
          } else {
            update->AddColumn(args->name, type, args->doc, default_value);
          }
          args->position.Apply(*update, args->name);
          return Checked(std::move(update));
        }();
      };
    });

const bool kDropColumn =
    RegisterAlterVerb("drop-column", "Drop a column", [](CLI::App* cmd) -> MakeChange {
      auto name = std::make_shared<std::string>();
      cmd->add_option("name", *name, "Column (dotted path for nested columns)")->required();
      return [name](std::shared_ptr<iceberg::Table> table) {
        auto update = std::make_unique<UpdateSchema>(std::move(table));
        update->DeleteColumn(*name);
        return Checked(std::move(update));
      };
    });

const bool kRenameColumn =
    RegisterAlterVerb("rename-column", "Rename a column", [](CLI::App* cmd) -> MakeChange {
      auto names = std::make_shared<std::pair<std::string, std::string>>();
      cmd->add_option("old", names->first, "Column (dotted path for nested columns)")->required();
      cmd->add_option("new", names->second, "Its new name (the leaf name only)")->required();
      return [names](std::shared_ptr<iceberg::Table> table) {
        auto update = std::make_unique<UpdateSchema>(std::move(table));
        update->RenameColumn(names->first, names->second);
        return Checked(std::move(update));
      };
    });

const bool kUpdateColumn = RegisterAlterVerb(
    "update-column", "Widen a column's type, make it optional or set its doc",
    [](CLI::App* cmd) -> MakeChange {
      struct Args {
        std::string name, type;
        std::optional<std::string> doc;
        bool optional = false;
      };
      auto args = std::make_shared<Args>();
      cmd->add_option("name", args->name, "Column (dotted path for nested columns)")->required();
      cmd->add_option("--type", args->type,
                      "Wider type: int to long, float to double, decimal(P,S) to decimal(P2,S)");
      cmd->add_flag("--optional", args->optional, "Make the column optional");
      cmd->add_option("--doc", args->doc, "Column documentation ('' clears it)");
      return [args](std::shared_ptr<iceberg::Table> table) {
        return [&]() -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
          if (args->type.empty() && !args->optional && !args->doc) {
            return UsageError("give --type, --optional or --doc");
          }
          auto update = std::make_unique<UpdateSchema>(std::move(table));
          if (!args->type.empty()) {
            ARROW_ASSIGN_OR_RAISE(auto type, ParseType(args->type));
            update->UpdateColumnType(args->name, type);
          }
          if (args->optional) update->MakeColumnOptional(args->name);
          if (args->doc) update->UpdateColumnDoc(args->name, *args->doc);
          return Checked(std::move(update));
        }();
      };
    });

const bool kSetDefault = RegisterAlterVerb(
    "set-default", "Format v3: set or clear the value writers fill in for a left-out column",
    [](CLI::App* cmd) -> MakeChange {
      struct Args {
        std::string name;
        std::optional<std::string> value;
        bool clear = false;
      };
      auto args = std::make_shared<Args>();
      cmd->add_option("name", args->name, "Column (dotted path for nested columns)")->required();
      auto* value_opt = cmd->add_option("value", args->value, "Its new write-default");
      cmd->add_flag("--clear", args->clear, "Remove the write-default")->excludes(value_opt);
      return [args](std::shared_ptr<iceberg::Table> table) {
        return [&]() -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
          if (!args->value && !args->clear) return UsageError("give a value or --clear");
          iceberg::Literal value = iceberg::Literal::Null();
          if (args->value) {
            const auto* field = table->metadata().CurrentSchema()->FindFieldByName(args->name);
            if (field == nullptr) {
              return UsageError("cannot update column '" + args->name + "': not found");
            }
            ARROW_ASSIGN_OR_RAISE(value, ParseDefault(*args->value, field->type));
          }
          auto update = std::make_unique<UpdateSchema>(std::move(table));
          update->UpdateColumnDefault(args->name, std::move(value));
          return Checked(std::move(update));
        }();
      };
    });

const bool kMoveColumn = RegisterAlterVerb(
    "move-column", "Move a column within its struct", [](CLI::App* cmd) -> MakeChange {
      struct Args {
        std::string name;
        Position position;
      };
      auto args = std::make_shared<Args>();
      cmd->add_option("name", args->name, "Column (dotted path for nested columns)")->required();
      args->position.Define(cmd);
      return [args](std::shared_ptr<iceberg::Table> table) {
        return [&]() -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
          if (!args->position.given()) return UsageError("give --after, --before or --first");
          auto update = std::make_unique<UpdateSchema>(std::move(table));
          args->position.Apply(*update, args->name);
          return Checked(std::move(update));
        }();
      };
    });

const bool kSetIdentifierFields = RegisterAlterVerb(
    "set-identifier-fields", "Set the identifier fields (comma-separated; '' clears them)",
    [](CLI::App* cmd) -> MakeChange {
      auto list = std::make_shared<std::string>();
      cmd->add_option("columns", *list, "a,b (dotted paths for nested columns)")->required();
      return [list](std::shared_ptr<iceberg::Table> table) {
        std::vector<std::string> names;
        std::stringstream in(*list);
        for (std::string name; std::getline(in, name, ',');) {
          auto begin = name.find_first_not_of(' ');
          auto end = name.find_last_not_of(' ');
          if (begin != std::string::npos) names.push_back(name.substr(begin, end - begin + 1));
        }
        auto update = std::make_unique<UpdateSchema>(std::move(table));
        update->SetIdentifierFields(std::move(names));
        return Checked(std::move(update));
      };
    });

}  // namespace
}  // namespace floe::cli
