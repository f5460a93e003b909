#pragma once

#include <memory>
#include <set>

#include <arrow/array.h>
#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/scalar.h>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

/// Row filtering of Arrow data with a bound Iceberg filter, used after file pruning.
///
/// Columns are found by name in the batch, as the reader projects them: a top-level column by
/// its field name, a struct field by the path of names (s.a → field "a" of struct column "s").
/// Evaluation follows SQL three-valued logic: a comparison with a null is unknown, unknown rows
/// are dropped, and NOT of unknown stays unknown (Bind already pushed NOTs down). A filter
/// that reads columns the caller does not want returned needs them read anyway: see
/// ReferencedFieldIds in expression.h.

/// The Arrow compute expression of a bound filter. Literals are typed as Iceberg's Arrow
/// mapping (long → int64, timestamptz → timestamp[us, UTC], uuid → fixed_size_binary(16),
/// decimal(P,S) → decimal128(P,S), …); with `batch_schema`, literals are cast to the types of
/// the batch's columns instead, and a referenced column missing from it is an error.
arrow::Result<arrow::compute::Expression> ToArrowExpression(
    const ExprPtr& bound_filter, const Schema& schema,
    const arrow::Schema* batch_schema = nullptr);

/// A boolean mask, true exactly for the rows of `batch` where the filter is true (never null).
arrow::Result<std::shared_ptr<arrow::BooleanArray>> FilterMask(const ExprPtr& bound_filter,
                                                               const Schema& schema,
                                                               const arrow::RecordBatch& batch);

/// The rows of `batch` where the filter is true.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> FilterRecordBatch(
    const ExprPtr& bound_filter, const Schema& schema,
    const std::shared_ptr<arrow::RecordBatch>& batch);

/// The Arrow scalar for an Iceberg literal (null literals give a typed null scalar).
arrow::Result<std::shared_ptr<arrow::Scalar>> LiteralToArrowScalar(const Literal& value);

}  // namespace floe::iceberg
