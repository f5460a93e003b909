#pragma once

#include <cstdint>
#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// Iceberg → Arrow, the in-memory form of table data. Every field, including list elements
/// ("element") and map keys ("key") / values ("value"), carries its Iceberg field id as
/// `PARQUET:field_id` metadata, so a Parquet file written from it has ids throughout.
///
/// boolean → bool, int → int32, long → int64, float → float32, double → float64,
/// decimal(P,S) → decimal128(P,S), date → date32, time → time64[us],
/// timestamp → timestamp[us], timestamptz → timestamp[us, UTC], timestamp_ns →
/// timestamp[ns], timestamptz_ns → timestamp[ns, UTC], unknown → null, string → utf8,
/// uuid → arrow.uuid (fixed_size_binary(16) storage, written as Parquet UUID like PyIceberg
/// does), fixed[L] → fixed_size_binary(L), binary → binary, struct / list / map alike.
/// Required fields are non-nullable.
arrow::Result<std::shared_ptr<arrow::DataType>> ToArrowType(const Type& type);
arrow::Result<std::shared_ptr<arrow::Field>> ToArrowField(const NestedField& field);
arrow::Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema);

/// Arrow → Iceberg for files and data written by others. Field ids come from
/// `PARQUET:field_id` metadata and must be present on every field at every depth.
/// Accepts the usual Arrow variants: int8/16/32 and uint8/16 → int, uint32 / int64 → long,
/// large and view strings / binaries, timestamps in s / ms / us (with a UTC zone →
/// timestamptz) and ns (timestamp_ns / timestamptz_ns), null → unknown, large lists,
/// dictionary-encoded values, arrow.uuid.
arrow::Result<TypePtr> FromArrowType(const arrow::DataType& type);
arrow::Result<std::shared_ptr<const Schema>> FromArrowSchema(const arrow::Schema& schema,
                                                             int32_t schema_id = 0);

/// Arrow → Iceberg ignoring any ids in the Arrow schema and assigning fresh ones from 1 the
/// way Iceberg does for a new table: the fields of a struct get consecutive ids, then their
/// nested types are numbered in order.
arrow::Result<std::shared_ptr<const Schema>> FromArrowSchemaWithFreshIds(
    const arrow::Schema& schema, int32_t schema_id = 0);

/// Whether any top-level field of the Arrow schema has a field id.
bool HasFieldIds(const arrow::Schema& schema);

}  // namespace floe::iceberg
