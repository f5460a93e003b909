#pragma once

#include <string>
#include <string_view>

#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// Binary single-value serialization (spec Appendix D), used for lower/upper bounds in
/// manifests and partition field summaries.
arrow::Result<std::string> SerializeValue(const Literal& value);
arrow::Result<Literal> DeserializeValue(const TypePtr& type, std::string_view bytes);

/// Truncation of bounds the way the default metrics mode `truncate(16)` does it: a lower bound
/// keeps the first `width` code points (strings) or bytes (binary); an upper bound is truncated
/// and then its last code point / byte incremented so it still bounds the column from above.
/// Returns nullopt-like empty Literal (is_null) when no upper bound can be formed.
Literal TruncateLowerBound(const Literal& value, int width);
Literal TruncateUpperBound(const Literal& value, int width);

}  // namespace floe::iceberg
