#pragma once

// The REST JSON of the change model (spec: rest-catalog-open-api.yaml, "TableUpdate" with its
// "action" discriminator and "TableRequirement" with its "type" discriminator): what a REST
// catalog sends in a CommitTableRequest and what a server reads from one. Field names are the
// OpenAPI schema's; schemas, specs, sort orders and snapshots use the table metadata JSON.
// Internal to floe_iceberg and the catalogs above it (nlohmann types in the signatures).

#include <arrow/result.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/metadata/table_update.h"

namespace floe::iceberg {

/// {"action": "...", ...} for one update.
nlohmann::ordered_json TableUpdateToJson(const TableUpdate& update);
/// Reads one update; an unknown action is an error naming it. `where` prefixes errors.
arrow::Result<TableUpdate> TableUpdateFromJson(const nlohmann::json& json,
                                               std::string_view where = "update");

/// {"type": "...", ...} for one requirement; assert-ref-snapshot-id writes a null
/// "snapshot-id" when the ref must not exist.
nlohmann::ordered_json TableRequirementToJson(const TableRequirement& requirement);
arrow::Result<TableRequirement> TableRequirementFromJson(const nlohmann::json& json,
                                                         std::string_view where = "requirement");

/// JSON arrays of the above, in order.
nlohmann::ordered_json TableUpdatesToJson(const std::vector<TableUpdate>& updates);
nlohmann::ordered_json TableRequirementsToJson(const std::vector<TableRequirement>& requirements);
arrow::Result<std::vector<TableUpdate>> TableUpdatesFromJson(const nlohmann::json& json,
                                                             std::string_view where = "updates");
arrow::Result<std::vector<TableRequirement>> TableRequirementsFromJson(
    const nlohmann::json& json, std::string_view where = "requirements");

}  // namespace floe::iceberg
