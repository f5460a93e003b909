#pragma once

// Schema helpers shared by the encoder, the decoder and the container; not public API.

#include <cstdint>
#include <string_view>

#include <arrow/status.h>
#include <nlohmann/json.hpp>

#include "floe/format/avro/avro_schema.h"

namespace floe::avro::internal {

/// The Avro spelling of a type ("null", "record", ...).
std::string_view TypeName(AvroType type);

/// The schema as a JSON document (see AvroSchema::ToJsonString).
nlohmann::json SchemaToJson(const AvroSchema& schema);

/// Attribute values to JSON and back; objects, arrays and huge integers travel as AvroRawJson.
nlohmann::json PropValueToJson(const AvroPropValue& value);
AvroPropValue PropValueFromJson(const nlohmann::json& value);

/// True for null, boolean, int, long, float, double, bytes and string.
bool IsPrimitive(AvroType type);

/// Checks that a schema can be written so that any Avro reader accepts it: no missing
/// children, names and symbols matching [A-Za-z_][A-Za-z0-9_]* (dotted for full names),
/// unique field names and symbols, each name defined once (a reused name must denote the
/// same definition), unions without nested unions or duplicate unnamed branches.
arrow::Status ValidateForWriting(const AvroSchema& schema);

/// The fewest bytes one datum of this schema encodes to (0 for null and empty records).
/// Used to bound item counts read from untrusted input.
int64_t MinEncodedSize(const AvroSchema& schema);

}  // namespace floe::avro::internal
