// floe table alter NS.T add-partition-field | drop-partition-field | rename-partition-field |
// set-sort-order: partition evolution and sort orders, one change per call.
#include <memory>
#include <optional>
#include <string>

#include "cli/alter_command.h"
#include "floe/iceberg/update/replace_sort_order.h"
#include "floe/iceberg/update/update_partition_spec.h"

namespace floe::cli {
namespace {

[[maybe_unused]] const bool kAddPartitionField = RegisterAlterVerb(
    "add-partition-field",
    "Add a partition field to the default spec (new data is partitioned by it; old data keeps "
    "its spec)",
    [](CLI::App* cmd) -> MakeChange {
      struct Args {
        std::string term;
        std::string name;
      };
      auto args = std::make_shared<Args>();
      cmd->add_option("term", args->term, "Partition term: 'bucket(16, id)', 'day(ts)', 'id'")
          ->required();
      cmd->add_option("--name", args->name, "Partition field name (default as Iceberg names it)");
      return [args](std::shared_ptr<iceberg::Table> table)
                 -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
        auto change = std::make_unique<iceberg::UpdatePartitionSpec>(table);
        std::optional<std::string> name;
        if (!args->name.empty()) name = args->name;
        change->AddField(args->term, name);
        // Planned here once so that a bad term is reported before anything is committed.
        ARROW_RETURN_NOT_OK(change->Plan(table->metadata()).status());
        return change;
      };
    });

[[maybe_unused]] const bool kDropPartitionField = RegisterAlterVerb(
    "drop-partition-field",
    "Remove a partition field from the default spec (old data keeps its spec)",
    [](CLI::App* cmd) -> MakeChange {
      auto name = std::make_shared<std::string>();
      cmd->add_option("name", *name, "Partition field name (see `floe table describe`)")
          ->required();
      return [name](std::shared_ptr<iceberg::Table> table)
                 -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
        auto change = std::make_unique<iceberg::UpdatePartitionSpec>(table);
        change->RemoveField(*name);
        ARROW_RETURN_NOT_OK(change->Plan(table->metadata()).status());
        return change;
      };
    });

[[maybe_unused]] const bool kRenamePartitionField = RegisterAlterVerb(
    "rename-partition-field", "Rename a partition field of the default spec",
    [](CLI::App* cmd) -> MakeChange {
      auto names = std::make_shared<std::pair<std::string, std::string>>();
      cmd->add_option("name", names->first, "Current partition field name")->required();
      cmd->add_option("new_name", names->second, "New partition field name")->required();
      return [names](std::shared_ptr<iceberg::Table> table)
                 -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
        auto change = std::make_unique<iceberg::UpdatePartitionSpec>(table);
        change->RenameField(names->first, names->second);
        ARROW_RETURN_NOT_OK(change->Plan(table->metadata()).status());
        return change;
      };
    });

[[maybe_unused]] const bool kSetSortOrder = RegisterAlterVerb(
    "set-sort-order",
    "Replace the default sort order ('ts desc nulls last, id'; '' for unsorted); new data "
    "files are sorted by it",
    [](CLI::App* cmd) -> MakeChange {
      auto text = std::make_shared<std::string>();
      cmd->add_option("order", *text, "Sort order text; '' makes the table unsorted")->required();
      return [text](std::shared_ptr<iceberg::Table> table)
                 -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
        auto change = std::make_unique<iceberg::ReplaceSortOrder>(table);
        change->Text(*text);
        ARROW_RETURN_NOT_OK(change->Plan(table->metadata()).status());
        return change;
      };
    });

}  // namespace
}  // namespace floe::cli
