#pragma once

// The Glue request bodies a Glue catalog builds (TableInput, DatabaseInput) and the pieces it
// reads back, in the layout PyIceberg's glue catalog and Java's GlueTableOperations use.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "floe/iceberg/metadata/table_metadata.h"

namespace floe::catalog::glue {

inline constexpr char kTableTypeKey[] = "table_type";
inline constexpr char kIcebergTableType[] = "ICEBERG";
inline constexpr char kMetadataLocationKey[] = "metadata_location";
inline constexpr char kPreviousMetadataLocationKey[] = "previous_metadata_location";

/// TableInput of an Iceberg table whose current metadata is `metadata` at `metadata_location`.
/// `existing` is the Glue table as read (its Parameters are kept, as PyIceberg does), or null
/// for a new table. Table properties are copied into Parameters.
nlohmann::json IcebergTableInput(const std::string& name, const iceberg::TableMetadata& metadata,
                                 const std::string& metadata_location,
                                 const std::string& previous_metadata_location,
                                 const nlohmann::json* existing);

/// TableInput that recreates `table` (as GetTable answered it) under a new name.
nlohmann::json RenamedTableInput(const std::string& new_name, const nlohmann::json& table);

/// DatabaseInput of a namespace: `Description` and `location` (LocationUri) are Glue fields,
/// everything else Parameters.
nlohmann::json DatabaseInput(const std::string& name,
                             const std::map<std::string, std::string>& properties);

/// The namespace properties of a database as GetDatabase answers it (the inverse).
std::map<std::string, std::string> DatabaseProperties(const nlohmann::json& database);

/// True when the Glue table is an Iceberg table (`table_type` ICEBERG, any case).
bool IsIcebergTable(const nlohmann::json& table);

/// A string field of a JSON object, or "".
std::string StringField(const nlohmann::json& object, const char* key);

/// Parameters[`key`] of a Glue table, or "".
std::string TableParameter(const nlohmann::json& table, const char* key);

}  // namespace floe::catalog::glue
