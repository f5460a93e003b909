#include "floe/iceberg/expression/partition_evaluator.h"

#include "floe/iceberg/expression/evaluator_internal.h"
#include "floe/iceberg/expression/projection.h"

namespace floe::iceberg {

bool EvaluatePredicate(const Expression& pred, const Literal& value) {
  const Op op = pred.op();
  switch (op) {
    case Op::kIsNull:
      return value.is_null();
    case Op::kNotNull:
      return !value.is_null();
    case Op::kIsNan:
      return internal::IsNaN(value);
    case Op::kNotNan:
      return !internal::IsNaN(value);
    default:
      break;
  }
  if (value.is_null()) return op == Op::kNotEq || op == Op::kNotIn || op == Op::kNotStartsWith;
  switch (op) {
    case Op::kLt:
      return value.Compare(pred.literal()) < 0;
    case Op::kLtEq:
      return value.Compare(pred.literal()) <= 0;
    case Op::kGt:
      return value.Compare(pred.literal()) > 0;
    case Op::kGtEq:
      return value.Compare(pred.literal()) >= 0;
    case Op::kEq:
      return value.Compare(pred.literal()) == 0;
    case Op::kNotEq:
      return value.Compare(pred.literal()) != 0;
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      for (const Literal& v : pred.literals()) found = found || value.Compare(v) == 0;
      return op == Op::kIn ? found : !found;
    }
    case Op::kStartsWith:
    case Op::kNotStartsWith: {
      auto* s = std::get_if<std::string>(&value.value());
      bool starts = s != nullptr && internal::HasPrefix(*s, pred.literal().AsBytes());
      return op == Op::kStartsWith ? starts : !starts;
    }
    default:
      return true;
  }
}

namespace {

bool Eval(const Expression& e, const std::vector<int32_t>& ids, const std::vector<Literal>& tuple) {
  return internal::MightMatch(e, [&](const Expression& pred) {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == pred.ref().field_id) return EvaluatePredicate(pred, tuple[i]);
    }
    return true;
  });
}

}  // namespace

arrow::Result<PartitionEvaluator> PartitionEvaluator::Make(const PartitionSpec& spec,
                                                           const Schema& schema,
                                                           const ExprPtr& bound_row_filter) {
  ARROW_ASSIGN_OR_RAISE(auto projected, ProjectInclusive(bound_row_filter, spec, schema));
  return PartitionEvaluator(spec, std::move(projected));
}

PartitionEvaluator::PartitionEvaluator(const PartitionSpec& spec, ExprPtr partition_filter)
    : filter_(RewriteNot(partition_filter)) {
  for (const PartitionField& f : spec.fields()) field_ids_.push_back(f.field_id);
}

bool PartitionEvaluator::MightMatch(const std::vector<Literal>& partition) const {
  if (partition.size() != field_ids_.size()) return true;
  return Eval(*filter_, field_ids_, partition);
}

arrow::Result<StrictPartitionEvaluator> StrictPartitionEvaluator::Make(
    const PartitionSpec& spec, const Schema& schema, const ExprPtr& bound_row_filter) {
  ARROW_ASSIGN_OR_RAISE(auto projected, ProjectStrict(bound_row_filter, spec, schema));
  std::vector<int32_t> ids;
  for (const PartitionField& f : spec.fields()) ids.push_back(f.field_id);
  return StrictPartitionEvaluator(std::move(ids), std::move(projected));
}

bool StrictPartitionEvaluator::MustMatch(const std::vector<Literal>& partition) const {
  if (partition.size() != field_ids_.size()) return false;
  // The projection has no NOT and names only fields of the spec, so "might match" on the
  // tuple is an exact evaluation here.
  return Eval(*filter_, field_ids_, partition);
}

}  // namespace floe::iceberg
