#pragma once

// An Iceberg table's columns as Glue (and so Athena, and Hive-style engines) shows them: the
// StorageDescriptor.Columns of the Glue table, in the form Java's IcebergToGlueConverter and
// PyIceberg's glue catalog write.

#include <map>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/type/type.h"

namespace floe::catalog::glue {

/// One Glue column.
struct GlueColumn {
  std::string name;
  /// Hive type string: "bigint", "decimal(9,2)", "struct<a:int,b:array<string>>", ...
  std::string type;
  std::string comment;  ///< the field's doc
  /// `iceberg.field.id`, `iceberg.field.optional`, `iceberg.field.current`.
  std::map<std::string, std::string> parameters;
};

/// The Hive type string of an Iceberg type (time and uuid as string, fixed as binary, both
/// timestamps as timestamp, as the other Iceberg implementations write them).
std::string GlueTypeString(const iceberg::Type& type);

/// The columns of the current schema (`iceberg.field.current` true), then the columns of
/// older schemas not in it by name (`iceberg.field.current` false), so dropped columns still
/// show in Glue as Java and PyIceberg keep them.
std::vector<GlueColumn> GlueColumns(const iceberg::TableMetadata& metadata);

}  // namespace floe::catalog::glue
