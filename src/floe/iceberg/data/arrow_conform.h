#pragma once

#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/table.h>

#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Makes user data fit a table: columns matched by name (case-insensitive when unambiguous),
/// cast to the table's Arrow types, missing columns filled with their write-default (format
/// v3) or else nulls (a required column without one is an error), in schema
/// order, with field ids on every field. Extra columns, impossible casts and nulls in required
/// columns are errors that name the column and `source` (e.g. the input file).
arrow::Result<std::shared_ptr<arrow::Table>> ConformToSchema(
    const std::shared_ptr<arrow::Table>& data, const Schema& schema, const std::string& source);

}  // namespace floe::iceberg
