// floe table alter NS.T upgrade-format-version --format-version N: raises the table's Iceberg
// format version (2 -> 3, 1 -> 2 or 3); nothing is rewritten.
#include <memory>

#include "cli/alter_command.h"
#include "floe/iceberg/update/update_format_version.h"

namespace floe::cli {
namespace {

[[maybe_unused]] const bool kUpgradeFormatVersion = RegisterAlterVerb(
    "upgrade-format-version",
    "Raise the table's format version (1 -> 2 -> 3); it can never be lowered",
    [](CLI::App* cmd) -> MakeChange {
      auto version = std::make_shared<int>(0);
      cmd->add_option("--format-version", *version, "The new format version (2 or 3)")
          ->required()
          ->check(CLI::Range(1, 3));
      return [version](std::shared_ptr<iceberg::Table> table)
                 -> arrow::Result<std::unique_ptr<iceberg::PendingUpdate>> {
        return std::make_unique<iceberg::UpdateFormatVersion>(table, *version);
      };
    });

}  // namespace
}  // namespace floe::cli
