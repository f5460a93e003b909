#pragma once

#include <cstdint>
#include <memory>

#include <arrow/array.h>
#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// `length` copies of a field default as an array of Arrow type `type` (the field's type in
/// floe's Arrow mapping), or `length` nulls when `value` is null: the column a reader fills
/// in for a field missing from a data file (initial-default) and a writer for a field the data
/// does not supply (write-default).
arrow::Result<std::shared_ptr<arrow::Array>> MakeDefaultArray(
    const std::shared_ptr<const Literal>& value, const std::shared_ptr<arrow::DataType>& type,
    int64_t length);

}  // namespace floe::iceberg
