#include "floe/iceberg/expression/residual_evaluator.h"

#include <variant>

#include "floe/iceberg/expression/projection.h"

namespace floe::iceberg {
namespace {

bool IsNaN(const Literal& value) {
  if (auto* f = std::get_if<float>(&value.value())) return *f != *f;
  if (auto* d = std::get_if<double>(&value.value())) return *d != *d;
  return false;
}

// Whether SQL and Java's evaluator agree that a null value fails this predicate.
bool NullFails(Op op) {
  switch (op) {
    case Op::kLt:
    case Op::kLtEq:
    case Op::kGt:
    case Op::kGtEq:
    case Op::kEq:
    case Op::kIn:
    case Op::kStartsWith:
    case Op::kIsNan:
      return true;
    default:
      return false;
  }
}

void CollectPredicates(const ExprPtr& expr, std::vector<ExprPtr>& out) {
  if (!expr) return;
  if (expr->is_predicate()) {
    out.push_back(expr);
    return;
  }
  CollectPredicates(expr->left(), out);
  CollectPredicates(expr->right(), out);
}

}  // namespace

arrow::Result<ResidualEvaluator> ResidualEvaluator::Make(const PartitionSpec& spec,
                                                         const Schema& schema,
                                                         ExprPtr bound_filter) {
  ResidualEvaluator eval;
  eval.filter_ = bound_filter ? std::move(bound_filter) : Expression::True();
  eval.arity_ = spec.fields().size();
  std::unordered_map<int32_t, bool> other_transforms;
  for (size_t i = 0; i < spec.fields().size(); ++i) {
    const PartitionField& field = spec.fields()[i];
    if (field.transform.kind() == Transform::Kind::kIdentity) {
      eval.identity_[field.source_id].push_back(i);
    } else if (field.transform.kind() != Transform::Kind::kVoid) {
      other_transforms[field.source_id] = true;
    }
  }
  std::vector<ExprPtr> predicates;
  CollectPredicates(eval.filter_, predicates);
  for (const ExprPtr& pred : predicates) {
    if (!other_transforms.count(pred->ref().field_id)) continue;
    ARROW_ASSIGN_OR_RAISE(auto evaluator, PartitionEvaluator::Make(spec, schema, pred));
    eval.projected_.emplace(pred.get(), std::move(evaluator));
  }
  return eval;
}

ExprPtr ResidualEvaluator::ResidualFor(const std::vector<Literal>& partition) const {
  if (partition.size() != arity_) return filter_;  // not a tuple of this spec: decide nothing
  return Visit(filter_, partition);
}

ExprPtr ResidualEvaluator::Visit(const ExprPtr& expr,
                                 const std::vector<Literal>& partition) const {
  switch (expr->op()) {
    case Op::kTrue:
    case Op::kFalse:
      return expr;
    case Op::kAnd: {
      ExprPtr left = Visit(expr->left(), partition);
      if (left->op() == Op::kFalse) return left;
      ExprPtr right = Visit(expr->right(), partition);
      if (left == expr->left() && right == expr->right()) return expr;
      return Expression::And(std::move(left), std::move(right));
    }
    case Op::kOr: {
      ExprPtr left = Visit(expr->left(), partition);
      if (left->op() == Op::kTrue) return left;
      ExprPtr right = Visit(expr->right(), partition);
      if (left == expr->left() && right == expr->right()) return expr;
      return Expression::Or(std::move(left), std::move(right));
    }
    case Op::kNot:
      return expr;  // bound filters have none; left as is
    default:
      return VisitPredicate(expr, partition);
  }
}

ExprPtr ResidualEvaluator::VisitPredicate(const ExprPtr& pred,
                                          const std::vector<Literal>& partition) const {
  if (auto it = identity_.find(pred->ref().field_id); it != identity_.end()) {
    // Every row of the file holds the partition value in this column.
    const Literal& value = partition[it->second.front()];
    if (value.is_null()) {
      if (pred->op() == Op::kIsNull) return Expression::True();
      if (pred->op() == Op::kNotNull || NullFails(pred->op())) return Expression::False();
      return pred;
    }
    if (IsNaN(value)) return pred;
    return EvaluatePredicate(*pred, value) ? Expression::True() : Expression::False();
  }
  if (auto it = projected_.find(pred.get()); it != projected_.end()) {
    if (!it->second.MightMatch(partition)) return Expression::False();
  }
  return pred;
}

}  // namespace floe::iceberg
