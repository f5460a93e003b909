#include "floe/iceberg/expression/manifest_evaluator.h"

#include "floe/iceberg/expression/evaluator_internal.h"
#include "floe/iceberg/expression/inclusive_metrics_evaluator.h"
#include "floe/iceberg/expression/projection.h"

namespace floe::iceberg {
namespace {

using internal::ComparePrefix;
using internal::DecodeBound;

constexpr bool kMightMatch = true;
constexpr bool kCannotMatch = false;

bool IsFloating(const TypePtr& t) {
  return t && (t->id() == TypeId::kFloat || t->id() == TypeId::kDouble);
}

// The lower bound is absent only when every value is null (or NaN, which bounds exclude).
bool AllValuesAreNull(const PartitionFieldSummary& s, const TypePtr& type) {
  bool all_null = s.contains_null && !s.lower_bound.has_value();
  if (all_null && IsFloating(type)) {
    // Floating fields may hold NaNs the bounds leave out; only a known "no NaN" settles it.
    all_null = s.contains_nan.has_value() && !*s.contains_nan;
  }
  return all_null;
}

class SummaryVisitor {
 public:
  SummaryVisitor(const std::vector<PartitionFieldSummary>& summaries,
                 const std::vector<int32_t>& ids, const std::vector<TypePtr>& types)
      : summaries_(summaries), ids_(ids), types_(types) {}

  bool Eval(const Expression& e) const {
    return internal::MightMatch(e, [this](const Expression& p) { return LeafMightMatch(p); });
  }

 private:
  bool LeafMightMatch(const Expression& e) const {
    for (size_t i = 0; i < ids_.size(); ++i) {
      if (ids_[i] == e.ref().field_id) {
        if (!types_[i]) return kMightMatch;
        return Predicate(e, summaries_[i], types_[i]);
      }
    }
    return kMightMatch;
  }

  static bool Predicate(const Expression& e, const PartitionFieldSummary& s,
                        const TypePtr& type) {
    switch (e.op()) {
      case Op::kIsNull:
        return s.contains_null ? kMightMatch : kCannotMatch;
      case Op::kNotNull:
        return AllValuesAreNull(s, type) ? kCannotMatch : kMightMatch;
      case Op::kIsNan:
        if (s.contains_nan.has_value() && !*s.contains_nan) return kCannotMatch;
        return AllValuesAreNull(s, type) ? kCannotMatch : kMightMatch;
      case Op::kNotNan:
        // NaNs present, no nulls, and no bounds: every value is NaN.
        if (s.contains_nan.value_or(false) && !s.contains_null && !s.lower_bound) {
          return kCannotMatch;
        }
        return kMightMatch;
      case Op::kNotEq:
      case Op::kNotIn:
        return kMightMatch;
      case Op::kNotStartsWith:
        return NotStartsWith(e, s);
      default:
        break;
    }
    // Comparisons, IN and STARTS WITH need a non-null value; no lower bound means none.
    if (!s.lower_bound) return kCannotMatch;
    if (e.op() == Op::kStartsWith) {
      const std::string& prefix = e.literal().AsBytes();
      if (ComparePrefix(*s.lower_bound, prefix) > 0) return kCannotMatch;
      if (s.upper_bound && ComparePrefix(*s.upper_bound, prefix) < 0) return kCannotMatch;
      return kMightMatch;
    }
    auto lower = DecodeBound(type, *s.lower_bound);
    std::optional<Literal> upper;
    if (s.upper_bound) upper = DecodeBound(type, *s.upper_bound);
    return internal::BoundsMightMatch(e, std::move(lower), std::move(upper),
                                      InclusiveMetricsEvaluator::kInPredicateLimit);
  }

  static bool NotStartsWith(const Expression& e, const PartitionFieldSummary& s) {
    if (s.contains_null) return kMightMatch;
    if (!s.lower_bound || !s.upper_bound) return kMightMatch;
    const std::string& prefix = e.literal().AsBytes();
    if (internal::HasPrefix(*s.lower_bound, prefix) &&
        internal::HasPrefix(*s.upper_bound, prefix)) {
      return kCannotMatch;
    }
    return kMightMatch;
  }

  const std::vector<PartitionFieldSummary>& summaries_;
  const std::vector<int32_t>& ids_;
  const std::vector<TypePtr>& types_;
};

}  // namespace

arrow::Result<ManifestEvaluator> ManifestEvaluator::Make(const PartitionSpec& spec,
                                                         const Schema& schema,
                                                         const ExprPtr& bound_row_filter) {
  ARROW_ASSIGN_OR_RAISE(auto projected, ProjectInclusive(bound_row_filter, spec, schema));
  return MakeForPartitionFilter(spec, schema, std::move(projected));
}

arrow::Result<ManifestEvaluator> ManifestEvaluator::MakeForPartitionFilter(
    const PartitionSpec& spec, const Schema& schema, ExprPtr partition_filter) {
  ManifestEvaluator evaluator;
  for (const PartitionField& f : spec.fields()) {
    evaluator.field_ids_.push_back(f.field_id);
    TypePtr type;
    if (const NestedField* source = schema.FindFieldById(f.source_id)) {
      ARROW_ASSIGN_OR_RAISE(type, f.transform.ResultType(source->type));
    }
    evaluator.types_.push_back(std::move(type));
  }
  evaluator.filter_ = RewriteNot(partition_filter);
  return evaluator;
}

bool ManifestEvaluator::MightMatch(const ManifestFile& manifest) const {
  if (manifest.partitions.empty() || manifest.partitions.size() != field_ids_.size()) {
    return kMightMatch;
  }
  return SummaryVisitor(manifest.partitions, field_ids_, types_).Eval(*filter_);
}

}  // namespace floe::iceberg
