#pragma once

// JSON forms of types, schemas, partition specs and sort orders (Iceberg spec, Appendix C:
// "JSON serialization"). Used by table metadata files, and on their own by manifests (the
// "schema" and "partition-spec" key-value metadata) and Parquet files ("iceberg.schema").
//
// Writers return nlohmann::ordered_json so members come out in the order the spec lists them.
// Readers take nlohmann::json and report errors as "<where>: <what is wrong>", where `where`
// is the path inside the document ("schemas[1].fields[0]"); callers prefix the file name.
//
// Field defaults (`initial-default` / `write-default`, format v3) are kept on NestedField in
// the spec's JSON single-value form and written back as read. A field of a type floe does not
// read yet (variant, geometry, geography) fails the read with an error naming the column.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <nlohmann/json.hpp>

#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/sort_order.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// A type: primitives as strings ("long", "decimal(10, 2)", "fixed[16]"), nested types as
/// objects ({"type": "struct", "fields": [...]}, list, map).
nlohmann::ordered_json TypeToJson(const Type& type);
/// Reads a type; `where` names the position of the value for error messages.
arrow::Result<TypePtr> TypeFromJson(const nlohmann::json& json, std::string_view where = "type");

/// A schema: a struct object plus "schema-id" and "identifier-field-ids".
nlohmann::ordered_json SchemaToJson(const Schema& schema);
/// Reads a schema object; a missing "schema-id" reads as 0 (format v1).
arrow::Result<std::shared_ptr<const Schema>> SchemaFromJson(const nlohmann::json& json,
                                                            std::string_view where = "");
/// Compact JSON text of a schema.
std::string SerializeSchema(const Schema& schema);
/// Parses schema JSON text; errors start with "schema JSON: ".
arrow::Result<std::shared_ptr<const Schema>> ParseSchemaJson(std::string_view text);

/// The fields of a spec as a JSON array of {"name", "transform", "source-id", "field-id"}.
nlohmann::ordered_json PartitionFieldsToJson(const PartitionSpec& spec);
/// {"spec-id": N, "fields": [...]}.
nlohmann::ordered_json PartitionSpecToJson(const PartitionSpec& spec);
/// Reads an array of partition fields. Format v1 fields may lack "field-id"; those get
/// consecutive ids from 1000 in order, as the spec requires for v1 readers.
arrow::Result<std::vector<PartitionField>> PartitionFieldsFromJson(const nlohmann::json& json,
                                                                   std::string_view where);
/// Reads a {"spec-id", "fields"} object.
arrow::Result<PartitionSpec> PartitionSpecFromJson(const nlohmann::json& json,
                                                   std::string_view where);
/// Compact JSON text of a spec's field array (the manifest "partition-spec" metadata value).
std::string SerializePartitionFields(const PartitionSpec& spec);
/// Parses either a spec object or a bare field array (then the spec gets `spec_id`); errors
/// start with "partition spec JSON: ".
arrow::Result<PartitionSpec> ParsePartitionSpecJson(std::string_view text, int32_t spec_id);

/// {"order-id": N, "fields": [{"transform", "source-id", "direction", "null-order"}]}.
nlohmann::ordered_json SortOrderToJson(const SortOrder& order);
arrow::Result<SortOrder> SortOrderFromJson(const nlohmann::json& json, std::string_view where);

}  // namespace floe::iceberg
