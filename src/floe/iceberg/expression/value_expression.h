#pragma once

#include <arrow/datum.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg {

struct ValueExpr;
using ValueExprPtr = std::shared_ptr<const ValueExpr>;

/// A value computed per row: the right-hand side of UPDATE's `SET col = expr` (and MERGE's
/// update). Parsed by ParseValueExpression, evaluated on Arrow record batches with Arrow
/// compute, following SQL's NULL rules (an operator or function with a NULL input gives NULL,
/// except coalesce / IS NULL / AND / OR, which use three-valued logic).
///
/// Supported (keywords and function names case-insensitive):
/// - literals: integers (long), decimals `1.10` (decimal), `1e3` (double), 'strings' ('' escapes),
///   X'hex' (binary), TRUE / FALSE, NULL. A string meeting a date, time, timestamp, uuid or
///   numeric value (in a comparison, arithmetic, CASE, or the assigned column) is converted to
///   that type, as filters convert them: `SET day = '2024-03-01'`.
/// - column references by name, nested struct fields as `a.b`, "quoted" names.
/// - arithmetic `+ - * / %` and unary `-`, checked for overflow; `/` of two integers gives a
///   double, division by zero is an error; `%` is the remainder with the dividend's sign.
/// - `||` string concatenation (non-strings are cast to string).
/// - comparisons `= == != <> < <= > >=`, `x [NOT] IN (a, b, …)`, `x [NOT] BETWEEN a AND b`,
///   `IS [NOT] NULL`, `AND`, `OR`, `NOT` as boolean values.
/// - `CASE WHEN cond THEN v … [ELSE v] END` and `CASE x WHEN v THEN r … [ELSE r] END` (no
///   ELSE: NULL; a NULL condition is not taken).
/// - `CAST(x AS type)` with an Iceberg primitive type name (int, long, float, double,
///   decimal(P,S), date, time, timestamp, timestamptz, string, uuid, binary, fixed[L], boolean).
/// - functions: lower, upper, trim, ltrim, rtrim, length (characters), substring(s, start[,
///   len]) (1-based; start and len integer literals), replace(s, from, to) (literal strings),
///   concat(a, …) (NULL if any input is), coalesce(a, …), nullif(a, b), abs, round(x[, d])
///   (half away from zero; d an integer literal), floor, ceil.
struct ValueExpr {
  enum class Kind {
    kLiteral,   ///< `literal` (a null Literal for NULL)
    kColumn,    ///< `name`: the dotted column path
    kUnary,     ///< `name`: "-" or "not"; args[0]
    kBinary,    ///< `name`: + - * / % || = != < <= > >= and or; args[0], args[1]
    kFunction,  ///< `name`: the lower-case function name; args
    kCase,      ///< args: when0, then0, when1, then1, …, then the ELSE value if has_else
    kCast,      ///< `cast_type`; args[0]
    kIsNull,    ///< `negated` for IS NOT NULL; args[0]
  };
  Kind kind = Kind::kLiteral;
  std::string name;
  Literal literal;
  std::vector<ValueExprPtr> args;
  TypePtr cast_type;
  bool has_else = false;
  bool negated = false;
  size_t position = 0;  ///< 1-based character position in the text it was parsed from
};

/// Parses one value expression; errors give the 1-based character position.
arrow::Result<ValueExprPtr> ParseValueExpression(std::string_view text);

/// One `column = expression` of a SET list.
struct Assignment {
  std::string column;  ///< dotted path of the column assigned
  ValueExprPtr value;
  std::string text;  ///< the expression as written, for messages
};

/// Parses `col = expr, col2 = expr, …` (commas inside parentheses or CASE belong to the
/// expression). A column assigned twice is an error.
arrow::Result<std::vector<Assignment>> ParseAssignments(std::string_view text);

/// Evaluates `expr` for the rows of `batch`, whose columns are found by name (struct fields by
/// their path). The result is an array of batch->num_rows() values or a scalar.
arrow::Result<arrow::Datum> EvaluateValue(const ValueExpr& expr, const arrow::RecordBatch& batch);

/// Checks that every assigned column and every column an expression reads exists in `schema`
/// (primitive columns only may be assigned), before any file is read.
arrow::Status ValidateAssignments(const std::vector<Assignment>& assignments, const Schema& schema);

/// The rows of `batch` (in the table schema's Arrow form) with the assigned columns replaced.
/// Every expression sees the row as it was before the assignment (SQL semantics). Each value
/// is cast to its column's type: a decimal or double result is rounded (half away from zero)
/// to a decimal column's scale; any other cast that fails or loses information (overflow,
/// 2.5 into an int, a string that is not a date) is an error naming the column, as is NULL
/// for a required column.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> ApplyAssignments(
    const std::vector<Assignment>& assignments, const std::shared_ptr<arrow::RecordBatch>& batch,
    const Schema& schema);

}  // namespace floe::iceberg
