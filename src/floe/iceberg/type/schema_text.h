#pragma once

// The little text languages for schemas and partition specs used by the CLI (and usable from
// the library).
//
// Schema text: a comma-separated list of `name type [constraints]`:
//
//   id long not null, ts timestamptz, name string comment 'display name',
//   price decimal(10, 2), tags list<string>, attrs map<string, long>,
//   loc struct<lat: double, lon: double not null>
//
// - Types: boolean int long float double date time timestamp timestamptz string uuid binary
//   decimal(P, S) fixed[L] list<T> map<K, V> struct<name: T, ...>, and for format v3 tables
//   timestamp_ns timestamptz_ns unknown; aliases bigint->long,
//   integer->int, bool->boolean, varchar/text->string, timestamp_tz->timestamptz,
//   numeric->decimal, array->list, fixed(L)->fixed[L]. Type names are case-insensitive; a
//   ':' between a name and its type is optional.
// - Fields are optional unless marked `not null` (or `required`); `null` / `optional` say so
//   explicitly. A list element or map value is marked the same way inside the brackets:
//   `list<string not null>`. Map keys are always required. `comment '...'` sets the doc.
// - Names that are not plain identifiers are written "quoted" (or `quoted`).
// - Field ids are assigned 1..N the way Iceberg assigns fresh ids (Java
//   TypeUtil.assignFreshIds, PyIceberg assign_fresh_schema_ids): the fields of a struct get
//   consecutive ids first, then the types of those fields are numbered in order; a list
//   numbers its element, a map its key then value, before descending into them.
//
// Partition text: a comma-separated list of partition fields over a schema:
//
//   day(ts), bucket(16, id), truncate(4, name), identity(region), region, year(ts),
//   month(ts), hour(ts), void(x), day(ts) as ts_d
//
// A bare column name is identity; bucket/truncate take the number and the column in either
// order; `years/months/days/hours` are accepted as in Spark DDL. Nested columns use dotted
// names. Field ids start at 1000 and names default as Java's PartitionSpec.Builder does:
// `col` for identity, `col_year`, `col_month`, `col_day`, `col_hour`, `col_bucket`,
// `col_trunc`, `col_null` (void). An empty text is the unpartitioned spec.

#include <arrow/result.h>

#include <string>
#include <string_view>

#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Parses schema text into a schema with id 0 and fresh field ids. Errors read
/// "schema text: at column N: expected ..., got 'token'".
arrow::Result<Schema> ParseSchemaText(std::string_view text);

/// Parses the text of one type ("long", "list<string not null>", "struct<a: int, b: string>");
/// nested fields get fresh ids from 1. Errors read like ParseSchemaText's.
arrow::Result<TypePtr> ParseTypeText(std::string_view text);

/// Schema text for a schema (field ids are not part of the language); ParseSchemaText of the
/// result gives the same names, types, requiredness and docs.
std::string SchemaToText(const Schema& schema);

/// The text of one type ("decimal(10, 2)", "list<string not null>", "struct<a: int>").
std::string TypeToText(const Type& type);

/// Parses partition text over a schema into spec 0. Errors read
/// "partition text: at column N: ..." and name the offending column or transform.
arrow::Result<PartitionSpec> ParsePartitionText(std::string_view text, const Schema& schema);

/// Partition text for a spec over its schema ("day(ts), bucket(16, id)"); a field whose name
/// differs from the default gets "as name".
std::string PartitionToText(const PartitionSpec& spec, const Schema& schema);

/// The text of one transform of a column: "bucket(16, id)", "day(ts)", "id" (identity).
std::string TransformTermText(const Transform& transform, int32_t source_id, const Schema& schema);

}  // namespace floe::iceberg
