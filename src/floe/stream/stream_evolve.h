#pragma once

// `floe stream --evolve`: the mapping names some columns; every other top-level key of a
// record becomes an optional column of its own, added to the table when a batch first meets
// it. Its type comes from the first non-null value: integer → long, other number → double,
// true/false → boolean, text → string; an object or a list is kept as its JSON text (string).
// A later value its column does not take is a dead letter (cast-failed), as for mapped
// columns. Rows written before a column was added read null in it.

#include <arrow/result.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "floe/iceberg/table/table.h"
#include "floe/iceberg/type/schema.h"
#include "floe/stream/stream_mapping.h"

namespace floe::stream {

/// A column name in ASCII lower case: names that differ only in case clash.
std::string LowerName(std::string s);

/// New columns a batch met, by name, with their inferred types.
using NewColumns = std::map<std::string, iceberg::TypePtr>;

/// The type of a column first met with `value` (not null): the typing above.
iceberg::TypePtr InferColumnType(const nlohmann::json& value);

class SchemaEvolver {
 public:
  explicit SchemaEvolver(const StreamMapping* mapping);

  /// Adds `record`'s unmapped top-level keys to `row` (already mapped): a key that is a column
  /// of `schema` takes its value; one that is not yet is recorded in `found`. Keys a mapped
  /// column reads, and keys naming a mapped column, are left out.
  void ExtendRow(const nlohmann::json& record, const iceberg::Schema& schema,
                 nlohmann::json* row, NewColumns* found) const;

 private:
  std::set<std::string> mapped_names_;  ///< lower-cased: row keys match columns ignoring case
  std::set<std::string> read_keys_;
};

/// Adds `columns` (those still missing) to `table` as optional columns in one schema change,
/// and returns the current schema after it (with none: the current schema, reloaded).
arrow::Result<std::shared_ptr<const iceberg::Schema>> AddStreamColumns(
    const std::shared_ptr<iceberg::Table>& table, const NewColumns& columns);

}  // namespace floe::stream
