#include "floe/iceberg/expression/inclusive_metrics_evaluator.h"

#include "floe/iceberg/expression/evaluator_internal.h"

namespace floe::iceberg {
namespace {

using internal::ComparePrefix;
using internal::DecodeBound;

constexpr bool kMightMatch = true;
constexpr bool kCannotMatch = false;

class MetricsVisitor {
 public:
  explicit MetricsVisitor(const DataFile& file) : file_(file) {}

  bool Eval(const Expression& e) const {
    return internal::MightMatch(e, [this](const Expression& p) { return Predicate(p); });
  }

 private:
  static std::optional<int64_t> Count(const std::map<int32_t, int64_t>& counts, int32_t id) {
    auto it = counts.find(id);
    if (it == counts.end()) return std::nullopt;
    return it->second;
  }

  bool ContainsNullsOnly(int32_t id) const {
    auto values = Count(file_.value_counts, id);
    auto nulls = Count(file_.null_value_counts, id);
    return values && nulls && *values - *nulls == 0;
  }
  bool ContainsNaNsOnly(int32_t id) const {
    auto values = Count(file_.value_counts, id);
    auto nans = Count(file_.nan_value_counts, id);
    return values && nans && *nans == *values;
  }
  bool MayContainNull(int32_t id) const {
    auto nulls = Count(file_.null_value_counts, id);
    return !nulls || *nulls != 0;
  }

  std::optional<Literal> Bound(const std::map<int32_t, std::string>& bounds,
                               const Reference& ref) const {
    auto it = bounds.find(ref.field_id);
    if (it == bounds.end()) return std::nullopt;
    return DecodeBound(ref.type, it->second);
  }
  const std::string* RawBound(const std::map<int32_t, std::string>& bounds, int32_t id) const {
    auto it = bounds.find(id);
    return it == bounds.end() ? nullptr : &it->second;
  }

  bool Predicate(const Expression& e) const {
    const Reference& ref = e.ref();
    const int32_t id = ref.field_id;
    switch (e.op()) {
      case Op::kIsNull: {
        auto nulls = Count(file_.null_value_counts, id);
        return nulls && *nulls == 0 ? kCannotMatch : kMightMatch;
      }
      case Op::kNotNull:
        return ContainsNullsOnly(id) ? kCannotMatch : kMightMatch;
      case Op::kIsNan: {
        auto nans = Count(file_.nan_value_counts, id);
        if (nans && *nans == 0) return kCannotMatch;
        // Without NaN counts, a column of only nulls still has no NaN.
        return ContainsNullsOnly(id) ? kCannotMatch : kMightMatch;
      }
      case Op::kNotNan:
        return ContainsNaNsOnly(id) ? kCannotMatch : kMightMatch;
      case Op::kNotEq:
      case Op::kNotIn:
        // Bounds cannot show that every value equals the literal(s).
        return kMightMatch;
      case Op::kStartsWith:
        return StartsWith(e);
      case Op::kNotStartsWith:
        return NotStartsWith(e);
      default:
        break;
    }
    // Comparisons and IN: no non-null, non-NaN value means no match.
    if (ContainsNullsOnly(id) || ContainsNaNsOnly(id)) return kCannotMatch;
    auto lower = Bound(file_.lower_bounds, ref);
    auto upper = Bound(file_.upper_bounds, ref);
    return internal::BoundsMightMatch(e, std::move(lower), std::move(upper),
                                      InclusiveMetricsEvaluator::kInPredicateLimit);
  }

  bool StartsWith(const Expression& e) const {
    const int32_t id = e.ref().field_id;
    if (ContainsNullsOnly(id)) return kCannotMatch;
    const std::string& prefix = e.literal().AsBytes();
    // Bounds are compared on at most the prefix length, so truncated bounds stay valid.
    if (const std::string* lower = RawBound(file_.lower_bounds, id)) {
      if (ComparePrefix(*lower, prefix) > 0) return kCannotMatch;
    }
    if (const std::string* upper = RawBound(file_.upper_bounds, id)) {
      if (ComparePrefix(*upper, prefix) < 0) return kCannotMatch;
    }
    return kMightMatch;
  }

  bool NotStartsWith(const Expression& e) const {
    const int32_t id = e.ref().field_id;
    if (MayContainNull(id)) return kMightMatch;
    const std::string& prefix = e.literal().AsBytes();
    // Every value starts with the prefix only when both bounds do (sorted strings sharing a
    // prefix at both ends share it throughout).
    const std::string* lower = RawBound(file_.lower_bounds, id);
    const std::string* upper = RawBound(file_.upper_bounds, id);
    if (lower == nullptr || upper == nullptr) return kMightMatch;
    if (internal::HasPrefix(*lower, prefix) && internal::HasPrefix(*upper, prefix)) {
      return kCannotMatch;
    }
    return kMightMatch;
  }

  const DataFile& file_;
};

}  // namespace

InclusiveMetricsEvaluator::InclusiveMetricsEvaluator(ExprPtr bound_filter)
    : filter_(RewriteNot(bound_filter)) {}

bool InclusiveMetricsEvaluator::MightMatch(const DataFile& file) const {
  if (file.record_count == 0) return kCannotMatch;
  // Negative counts come from imports that did not know the count.
  if (file.record_count < 0) return kMightMatch;
  return MetricsVisitor(file).Eval(*filter_);
}

}  // namespace floe::iceberg
