#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/type/literal.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// The node kinds of a row filter (Iceberg's expression API: Expression.Operation).
enum class Op {
  kTrue,
  kFalse,
  kAnd,
  kOr,
  kNot,
  // Unary predicates.
  kIsNull,
  kNotNull,
  kIsNan,
  kNotNan,
  // Literal predicates (one literal).
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kEq,
  kNotEq,
  kStartsWith,
  kNotStartsWith,
  // Set predicates (one or more literals).
  kIn,
  kNotIn,
};

/// The operation that holds exactly when `op` does not (for predicates), e.g. < ↔ >=.
Op NegateOp(Op op);
/// SQL-like spelling: "<", "IS NULL", "NOT IN", "STARTS WITH", "AND", …
const char* OpToString(Op op);
bool IsUnaryOp(Op op);
bool IsLiteralOp(Op op);
bool IsSetOp(Op op);
inline bool IsPredicateOp(Op op) { return IsUnaryOp(op) || IsLiteralOp(op) || IsSetOp(op); }

/// The column a predicate tests. Unbound: only `name` is set, as written by the user.
/// Bound: `field_id`, `type` and `required` come from the schema and `name` is the schema's full
/// dotted name of the field.
struct Reference {
  std::string name;
  int32_t field_id = -1;
  TypePtr type;
  bool required = false;
};

class Expression;
using ExprPtr = std::shared_ptr<const Expression>;

/// An immutable row-filter tree: constants, AND / OR / NOT, and predicates on one column.
///
/// Unbound predicates name their column and carry literals as written (long, double, decimal,
/// string, boolean, binary). `Bind` resolves them against a schema: literals are converted to the
/// column's type, so a bound predicate's literals always have exactly the column type.
class Expression {
 public:
  static ExprPtr True();
  static ExprPtr False();
  /// Simplifies constants: And(true, x) = x, And(false, x) = false.
  static ExprPtr And(ExprPtr left, ExprPtr right);
  /// Simplifies constants: Or(true, x) = true, Or(false, x) = x.
  static ExprPtr Or(ExprPtr left, ExprPtr right);
  /// Simplifies Not(true) = false, Not(false) = true and Not(Not(x)) = x.
  static ExprPtr Not(ExprPtr child);
  /// An unbound predicate on the column `name`; `literals` must fit the operation (none for
  /// unary, one for literal operations, at least one for IN / NOT IN). Literals are not
  /// validated here; Bind reports problems.
  static ExprPtr Predicate(Op op, std::string name, std::vector<Literal> literals = {});
  /// A bound predicate (used by Bind and by projections onto partition fields).
  static ExprPtr BoundPredicate(Op op, Reference ref, std::vector<Literal> literals = {});

  Op op() const { return op_; }
  bool is_predicate() const { return IsPredicateOp(op_); }
  /// Whether this predicate (or every predicate under this node) is bound. Constants are bound.
  bool is_bound() const { return bound_; }
  /// Children of AND / OR; `left()` is the child of NOT.
  const ExprPtr& left() const { return left_; }
  const ExprPtr& right() const { return right_; }
  /// The column of a predicate.
  const Reference& ref() const { return ref_; }
  const std::vector<Literal>& literals() const { return literals_; }
  /// The single literal of a literal predicate.
  const Literal& literal() const { return literals_.front(); }

  /// Filter text in the syntax ParseFilter accepts; ParseFilter(e.ToString()) binds to the same
  /// expression as e.
  std::string ToString() const;

  Expression(Op op, ExprPtr left, ExprPtr right, Reference ref, std::vector<Literal> literals,
             bool bound);

 private:
  Op op_;
  ExprPtr left_, right_;
  Reference ref_;
  std::vector<Literal> literals_;
  bool bound_;
};

/// Structural equality (same shape, columns, and literals in the same order).
bool ExpressionEquals(const Expression& a, const Expression& b);

/// Resolves every column against `schema` and converts literals to the column types
/// (Java's UnboundPredicate.bind semantics):
/// - integers widen to long, float, double, decimal (rescaled), date (days) and
///   time / timestamp (µs); a long outside int range makes the predicate always true or false
///   ("i < 3000000000" is true for an int column), as do doubles outside float range;
/// - strings convert to date ("2024-03-01"), time, timestamp and timestamptz ("2024-03-01",
///   "2024-03-01T10:00:00[.ffffff]", with an offset or "Z" for timestamptz), uuid, and decimal;
/// - IS NULL on a required column is false, NOT NULL on one is true;
/// - IN / NOT IN drop out-of-range values, collapse duplicates, and become = / != with one value.
/// NOTs are pushed down while binding, so a bound tree has no NOT nodes; a negated ordering
/// comparison on a float / double column keeps NaN rows (NOT x < 1 → x >= 1 OR x IS NAN). A
/// comparison that holds for every value becomes NOT NULL on an optional column (NOT NAN for
/// orderings of floating columns), keeping SQL semantics: null rows never match a comparison,
/// NaN never matches <, <=, >, >= or =. Errors name the column and the offending literal.
arrow::Result<ExprPtr> Bind(const ExprPtr& expr, const Schema& schema, bool case_sensitive = true);

/// Pushes every NOT down to the predicates by negating them (De Morgan), so the result has no
/// NOT nodes. Works on bound and unbound trees; on bound trees a negated ordering comparison
/// of a float / double column also keeps NaN (NOT x < 1 → x >= 1 OR x IS NAN), since NaN
/// compares false with everything. Unbound trees cannot know the type: Bind handles NOT
/// itself and does not rely on this for them.
ExprPtr RewriteNot(const ExprPtr& expr);

/// The field ids a bound expression reads (for reading columns a filter needs but the caller
/// did not project).
std::set<int32_t> ReferencedFieldIds(const ExprPtr& expr);

/// The names of the struct fields leading from the schema root to `field_id`
/// (["s", "a"] for s.a); empty when the field is absent or sits inside a list or map.
std::vector<std::string> FieldPath(const Schema& schema, int32_t field_id);

// Convenience constructors for unbound predicates.
ExprPtr IsNull(std::string name);
ExprPtr NotNull(std::string name);
ExprPtr IsNan(std::string name);
ExprPtr NotNan(std::string name);
ExprPtr Lt(std::string name, Literal value);
ExprPtr LtEq(std::string name, Literal value);
ExprPtr Gt(std::string name, Literal value);
ExprPtr GtEq(std::string name, Literal value);
ExprPtr Eq(std::string name, Literal value);
ExprPtr NotEq(std::string name, Literal value);
ExprPtr StartsWith(std::string name, std::string prefix);
ExprPtr NotStartsWith(std::string name, std::string prefix);
ExprPtr In(std::string name, std::vector<Literal> values);
ExprPtr NotIn(std::string name, std::vector<Literal> values);

}  // namespace floe::iceberg
