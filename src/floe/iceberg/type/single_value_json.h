#pragma once

// JSON single-value serialization (Iceberg spec, Appendix D: "JSON single-value
// serialization"), the form of field defaults (`initial-default`, `write-default`) in schema
// JSON. Primitive values only: floe keeps defaults on primitive fields.

#include <string_view>

#include <arrow/result.h>
#include <nlohmann/json.hpp>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// The JSON form of a non-null primitive value: booleans and numbers as JSON values; decimals
/// ("14.20"), dates ("2017-11-16"), times ("22:31:08.123456"), timestamps
/// ("2017-11-16T22:31:08.123456", timestamptz with "+00:00", _ns types with 9 fraction digits),
/// strings and uuids as strings; fixed and binary as lower-case hex strings.
arrow::Result<nlohmann::ordered_json> LiteralToJson(const Literal& value);

/// Reads a value of `type` from its JSON form; `where` names the position for error messages
/// ("schemas[0].fields[3].initial-default"). JSON null is not a value here: callers treat it
/// as "no default".
arrow::Result<Literal> LiteralFromJson(const TypePtr& type, const nlohmann::json& json,
                                       std::string_view where);

}  // namespace floe::iceberg
