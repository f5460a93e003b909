#pragma once

// The rules a new schema is checked against when UpdateSchema plans it (spec: "Schema
// Evolution", "Identifier Field IDs", "Default values"). Each returns an error that names the
// column and the rule. Internal to floe_iceberg.

#include <cstdint>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg::schema_rules {

/// "'name'", as the messages quote columns.
std::string Quoted(const std::string& name);

/// The valid type promotions that floe writes: int to long, float to double, decimal(P, S) to
/// decimal(P', S) with P' > P.
bool CanWiden(const Type& from, const Type& to);

/// Names stay unique within each struct of `type` (renames and adds may not collide).
arrow::Status CheckNames(const Type& type, const std::string& prefix);

/// Identifier fields are required primitive fields, not float or double, nested in required
/// structs only (Java's validateIdentifierField).
arrow::Status CheckIdentifier(const Schema& schema, int32_t id);

/// A partition field's name may be a column's only when it is an identity (or void) of that
/// column, in every spec of the table (PyIceberg's validate_partition_name).
arrow::Status CheckPartitionNames(const TableMetadata& base, const Schema& draft);

/// A default for column `name` of `type`, converted to the type as a filter literal is
/// ("5" for a long, '2024-01-01' for a date); a null literal stays null (no default). Only
/// primitive columns other than unknown take defaults.
arrow::Result<std::shared_ptr<const Literal>> DefaultFor(const std::string& name,
                                                         const TypePtr& type,
                                                         const Literal& value);

}  // namespace floe::iceberg::schema_rules
