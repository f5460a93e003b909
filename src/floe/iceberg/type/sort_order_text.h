#pragma once

// The sort order text language of the CLI (and the library): a comma-separated list of sort
// fields, each a term of the partition text language (schema_text.h) with an optional
// direction and null order:
//
//   ts desc nulls last, id, bucket(4, x) asc nulls first, day(ts) desc
//
// Defaults as Spark SQL and Java's SortOrder.Builder: `asc`, and nulls first when ascending,
// nulls last when descending. An empty text is the unsorted order.

#include <arrow/result.h>

#include <string>
#include <string_view>

#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/sort_order.h"

namespace floe::iceberg {

/// Parses sort order text over a schema into an order with id 1 (0 when unsorted). Errors read
/// "sort order text: at column N: ..." and name the column or transform at fault.
arrow::Result<SortOrder> ParseSortOrderText(std::string_view text, const Schema& schema);

/// Sort order text for an order over its schema, every direction and null order written out
/// ("ts desc nulls last, id asc nulls first"); "" for the unsorted order.
std::string SortOrderToText(const SortOrder& order, const Schema& schema);

}  // namespace floe::iceberg
