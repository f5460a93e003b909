#pragma once

#include <string_view>

#include <arrow/result.h>

#include "floe/iceberg/expression/expression.h"

namespace floe::iceberg {

/// Parses filter text into an unbound expression, e.g.
///
///     a > 5 AND (b = 'x' OR c IS NULL) AND NOT d IN (1, 2, 3) AND ts >= '2024-03-01T00:00:00'
///
/// Grammar (keywords case-insensitive; OR binds loosest, then AND, then NOT):
///   expr      := and (OR and)*
///   and       := not (AND not)*
///   not       := NOT not | '(' expr ')' | TRUE | FALSE | predicate
///   predicate := column (op value | IS [NOT] NULL | IS [NOT] NAN | [NOT] IN '(' value, … ')'
///                        | [NOT] STARTS WITH value)
///   op        := < | <= | > | >= | = | == | != | <>
///   column    := name ('.' name)*  with name an identifier or a "double-quoted" name
///                ("" inside quotes is a quote)
///   value     := integer | decimal (1.50) | float (1e3, 2.5E-1) | 'string' ('' escapes)
///                | X'hex bytes' | TRUE | FALSE
/// Integers become long literals, plain decimals decimal literals and exponent forms doubles;
/// Bind converts them to the column types. Errors give the 1-based character position.
arrow::Result<ExprPtr> ParseFilter(std::string_view text);

}  // namespace floe::iceberg
