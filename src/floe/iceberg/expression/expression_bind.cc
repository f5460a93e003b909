// Binding unbound filters to a schema (Java: UnboundPredicate.bind).

#include <cmath>

#include <arrow/status.h>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/literal_conversion.h"

namespace floe::iceberg {
namespace {

using Kind = ConvertedLiteral::Kind;

// The chain of fields from the root to `id` through structs only; empty when absent or inside
// a list or map (whose values have no single per-row value to compare).
bool StructChain(const std::vector<NestedField>& fields, int32_t id,
                 std::vector<const NestedField*>* chain) {
  for (const auto& f : fields) {
    chain->push_back(&f);
    if (f.id == id) return true;
    if (f.type && f.type->id() == TypeId::kStruct && StructChain(f.type->fields(), id, chain)) {
      return true;
    }
    chain->pop_back();
  }
  return false;
}

bool IsFloating(const TypePtr& t) {
  return t->id() == TypeId::kFloat || t->id() == TypeId::kDouble;
}

bool IsNanLiteral(const Literal& v) {
  if (v.is_null()) return false;
  if (auto* f = std::get_if<float>(&v.value())) return std::isnan(*f);
  if (auto* d = std::get_if<double>(&v.value())) return std::isnan(*d);
  return false;
}

bool IsOrdering(Op op) {
  return op == Op::kLt || op == Op::kLtEq || op == Op::kGt || op == Op::kGtEq;
}

// A comparison `op` that holds for every value of the column. For SQL semantics null rows
// must still be dropped, so an optional column keeps a NOT NULL test; and NaN is unordered,
// so an ordering comparison on a floating column still excludes it.
ExprPtr AlwaysTrueFor(const Reference& ref, Op op) {
  if (IsFloating(ref.type) && IsOrdering(op)) return Expression::BoundPredicate(Op::kNotNan, ref);
  if (ref.required) return Expression::True();
  return Expression::BoundPredicate(Op::kNotNull, ref);
}

// Binds `pred`, or its negation when `negated` (NOTs are pushed down while binding, where
// the column type is known). `ref_out` receives the bound column.
arrow::Result<ExprPtr> BindPredicateImpl(const Expression& pred, const Schema& schema,
                                         bool case_sensitive, bool negated, Reference* ref_out) {
  const std::string& name = pred.ref().name;
  const NestedField* field = schema.FindFieldByName(name, case_sensitive);
  if (field == nullptr) {
    return arrow::Status::Invalid("filter references unknown column '", name, "'");
  }
  std::vector<const NestedField*> chain;
  if (!StructChain(schema.fields(), field->id, &chain)) {
    return arrow::Status::Invalid("filter column '", name,
                                  "' is inside a list or map; only struct fields can be filtered");
  }
  if (!field->type->is_primitive()) {
    return arrow::Status::Invalid("filter column '", name, "' has type ",
                                  field->type->ToString(),
                                  "; only primitive columns can be filtered");
  }
  Reference ref;
  ref.name = schema.FindColumnName(field->id);
  ref.field_id = field->id;
  ref.type = field->type;
  // A required field under an optional struct is still null when its parent is.
  ref.required = true;
  for (const NestedField* f : chain) ref.required = ref.required && f->required;
  *ref_out = ref;

  const Op op = negated ? NegateOp(pred.op()) : pred.op();
  auto context = [&]() {
    return "filter '" + std::string(negated ? "NOT " : "") + pred.ToString() +
           "' on column '" + ref.name + "' (" + ref.type->ToString() + "): ";
  };

  if (IsUnaryOp(op)) {
    if (!pred.literals().empty()) {
      return arrow::Status::Invalid(context(), OpToString(op), " takes no value");
    }
    switch (op) {
      case Op::kIsNull:
        if (ref.required) return Expression::False();
        break;
      case Op::kNotNull:
        if (ref.required) return Expression::True();
        break;
      default:
        if (!IsFloating(ref.type)) {
          return arrow::Status::Invalid(context(), OpToString(op),
                                        " needs a float or double column");
        }
        break;
    }
    return Expression::BoundPredicate(op, std::move(ref));
  }

  for (const Literal& v : pred.literals()) {
    if (IsNanLiteral(v)) {
      return arrow::Status::Invalid(context(), "NaN cannot be compared; use IS NAN / IS NOT NAN");
    }
  }

  if (IsLiteralOp(op)) {
    if (pred.literals().size() != 1) {
      return arrow::Status::Invalid(context(), OpToString(op), " takes exactly one value");
    }
    if (op == Op::kStartsWith || op == Op::kNotStartsWith) {
      const Literal& prefix = pred.literal();
      if (ref.type->id() != TypeId::kString || !prefix.type() ||
          prefix.type()->id() != TypeId::kString) {
        return arrow::Status::Invalid(context(), OpToString(op),
                                      " needs a string column and a string prefix");
      }
      return Expression::BoundPredicate(op, std::move(ref), {prefix});
    }
    auto converted = ConvertLiteral(pred.literal(), ref.type);
    if (!converted.ok()) return arrow::Status::Invalid(context(), converted.status().message());
    switch (converted->kind) {
      case Kind::kValue:
        return Expression::BoundPredicate(op, std::move(ref), {std::move(converted->value)});
      case Kind::kAboveMax:
        // Every value of the column is below the literal.
        if (op == Op::kLt || op == Op::kLtEq || op == Op::kNotEq) return AlwaysTrueFor(ref, op);
        return Expression::False();
      case Kind::kBelowMin:
        if (op == Op::kGt || op == Op::kGtEq || op == Op::kNotEq) return AlwaysTrueFor(ref, op);
        return Expression::False();
    }
  }

  // IN / NOT IN.
  if (pred.literals().empty()) {
    return arrow::Status::Invalid(context(), OpToString(op), " needs at least one value");
  }
  std::vector<Literal> values;
  for (const Literal& v : pred.literals()) {
    auto converted = ConvertLiteral(v, ref.type);
    if (!converted.ok()) return arrow::Status::Invalid(context(), converted.status().message());
    // Values no column value can equal do not change IN / NOT IN.
    if (converted->kind != Kind::kValue) continue;
    bool seen = false;
    for (const Literal& existing : values) seen = seen || existing == converted->value;
    if (!seen) values.push_back(std::move(converted->value));
  }
  if (values.empty()) return op == Op::kIn ? Expression::False() : AlwaysTrueFor(ref, op);
  if (values.size() == 1) {
    return Expression::BoundPredicate(op == Op::kIn ? Op::kEq : Op::kNotEq, std::move(ref),
                                      std::move(values));
  }
  return Expression::BoundPredicate(op, std::move(ref), std::move(values));
}

arrow::Result<ExprPtr> BindPredicate(const Expression& pred, const Schema& schema,
                                     bool case_sensitive, bool negated) {
  Reference ref;
  ARROW_ASSIGN_OR_RAISE(auto bound, BindPredicateImpl(pred, schema, case_sensitive, negated, &ref));
  // NaN is unordered: NOT (x < 1) holds for NaN while x >= 1 does not.
  if (negated && IsOrdering(pred.op()) && IsFloating(ref.type)) {
    return Expression::Or(std::move(bound), Expression::BoundPredicate(Op::kIsNan, ref));
  }
  return bound;
}

arrow::Result<ExprPtr> BindTree(const ExprPtr& expr, const Schema& schema, bool case_sensitive,
                                bool negated) {
  switch (expr->op()) {
    case Op::kTrue:
      return negated ? Expression::False() : expr;
    case Op::kFalse:
      return negated ? Expression::True() : expr;
    case Op::kAnd:
    case Op::kOr: {
      ARROW_ASSIGN_OR_RAISE(auto left, BindTree(expr->left(), schema, case_sensitive, negated));
      ARROW_ASSIGN_OR_RAISE(auto right, BindTree(expr->right(), schema, case_sensitive, negated));
      // De Morgan: NOT (a AND b) = NOT a OR NOT b.
      if ((expr->op() == Op::kAnd) != negated) {
        return Expression::And(std::move(left), std::move(right));
      }
      return Expression::Or(std::move(left), std::move(right));
    }
    case Op::kNot:
      return BindTree(expr->left(), schema, case_sensitive, !negated);
    default:
      if (expr->is_bound()) return negated ? RewriteNot(Expression::Not(expr)) : expr;
      return BindPredicate(*expr, schema, case_sensitive, negated);
  }
}

}  // namespace

arrow::Result<ExprPtr> Bind(const ExprPtr& expr, const Schema& schema, bool case_sensitive) {
  // NOTs go down to the predicates while binding: a comparison made constant by an
  // out-of-range literal is "true unless null" (bound as NOT NULL), which only holds outside a
  // NOT, and negating an ordering comparison on a floating column must keep NaN rows.
  return BindTree(expr, schema, case_sensitive, /*negated=*/false);
}

}  // namespace floe::iceberg
