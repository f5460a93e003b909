#include "floe/iceberg/expression/strict_metrics_evaluator.h"

#include "floe/iceberg/expression/evaluator_internal.h"

namespace floe::iceberg {
namespace {

using internal::ComparePrefix;
using internal::DecodeBound;
using internal::HasPrefix;

constexpr bool kMustMatch = true;
constexpr bool kMightNotMatch = false;

bool IsFloating(const TypePtr& type) {
  return type->id() == TypeId::kFloat || type->id() == TypeId::kDouble;
}

class StrictVisitor {
 public:
  explicit StrictVisitor(const DataFile& file) : file_(file) {}

  bool Eval(const Expression& e) const {
    switch (e.op()) {
      case Op::kTrue:
        return kMustMatch;
      case Op::kFalse:
        return kMightNotMatch;
      case Op::kAnd:
        return Eval(*e.left()) && Eval(*e.right());
      case Op::kOr:
        return Eval(*e.left()) || Eval(*e.right());
      case Op::kNot:
        // RewriteNot removes them; what cannot be reasoned about proves nothing.
        return kMightNotMatch;
      default:
        return Predicate(e);
    }
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
    return values && nulls && *values == *nulls;
  }
  bool ContainsNaNsOnly(int32_t id) const {
    auto values = Count(file_.value_counts, id);
    auto nans = Count(file_.nan_value_counts, id);
    return values && nans && *values == *nans;
  }
  bool HasNoNulls(int32_t id) const {
    auto nulls = Count(file_.null_value_counts, id);
    return nulls && *nulls == 0;
  }
  // Non-floating columns hold no NaN; floating ones only prove it with a count.
  bool HasNoNaNs(const Reference& ref) const {
    if (!IsFloating(ref.type)) return true;
    auto nans = Count(file_.nan_value_counts, ref.field_id);
    return nans && *nans == 0;
  }

  std::optional<Literal> Bound(const std::map<int32_t, std::string>& bounds,
                               const Reference& ref) const {
    auto it = bounds.find(ref.field_id);
    if (it == bounds.end()) return std::nullopt;
    auto v = DecodeBound(ref.type, it->second);
    if (v && internal::IsNaN(*v)) return std::nullopt;
    return v;
  }
  const std::string* RawBound(const std::map<int32_t, std::string>& bounds, int32_t id) const {
    auto it = bounds.find(id);
    return it == bounds.end() ? nullptr : &it->second;
  }

  bool Predicate(const Expression& e) const {
    const Reference& ref = e.ref();
    const int32_t id = ref.field_id;
    switch (e.op()) {
      case Op::kIsNull:
        return ContainsNullsOnly(id) ? kMustMatch : kMightNotMatch;
      case Op::kNotNull:
        return HasNoNulls(id) ? kMustMatch : kMightNotMatch;
      case Op::kIsNan:
        return ContainsNaNsOnly(id) ? kMustMatch : kMightNotMatch;
      case Op::kNotNan: {
        // A null's NaN-ness is unknown in SQL, so nulls fail NOT NAN too.
        if (!HasNoNulls(id)) return kMightNotMatch;
        return HasNoNaNs(ref) ? kMustMatch : kMightNotMatch;
      }
      default:
        break;
    }
    // Every other predicate fails on null rows and is not relied on for NaN rows.
    if (!HasNoNulls(id) || !HasNoNaNs(ref)) return kMightNotMatch;
    switch (e.op()) {
      case Op::kStartsWith:
        return StartsWith(e);
      case Op::kNotStartsWith:
        return NotStartsWith(e);
      default:
        break;
    }
    auto lower = Bound(file_.lower_bounds, ref);
    auto upper = Bound(file_.upper_bounds, ref);
    const Literal* lit = IsLiteralOp(e.op()) ? &e.literal() : nullptr;
    switch (e.op()) {
      case Op::kLt:
        return upper && upper->Compare(*lit) < 0;
      case Op::kLtEq:
        return upper && upper->Compare(*lit) <= 0;
      case Op::kGt:
        return lower && lower->Compare(*lit) > 0;
      case Op::kGtEq:
        return lower && lower->Compare(*lit) >= 0;
      case Op::kEq:
        // lower ≤ v ≤ upper with lower = upper = x leaves only x.
        return lower && upper && lower->Compare(*lit) == 0 && upper->Compare(*lit) == 0;
      case Op::kNotEq:
        return (lower && lower->Compare(*lit) > 0) || (upper && upper->Compare(*lit) < 0);
      case Op::kIn: {
        if (!lower || !upper || lower->Compare(*upper) != 0) return kMightNotMatch;
        for (const Literal& v : e.literals()) {
          if (lower->Compare(v) == 0) return kMustMatch;
        }
        return kMightNotMatch;
      }
      case Op::kNotIn: {
        if (e.literals().size() > StrictMetricsEvaluator::kInPredicateLimit) return kMightNotMatch;
        for (const Literal& v : e.literals()) {
          const bool outside = (lower && lower->Compare(v) > 0) || (upper && upper->Compare(v) < 0);
          if (!outside) return kMightNotMatch;
        }
        return kMustMatch;
      }
      default:
        return kMightNotMatch;
    }
  }

  // Strings with a prefix form one range of the sort order, so both bounds having it puts
  // every value in it. A truncated upper bound whose increment reached into the prefix no
  // longer has it, which only makes the answer more cautious.
  bool StartsWith(const Expression& e) const {
    const std::string& prefix = e.literal().AsBytes();
    const std::string* lower = RawBound(file_.lower_bounds, e.ref().field_id);
    const std::string* upper = RawBound(file_.upper_bounds, e.ref().field_id);
    if (lower == nullptr || upper == nullptr) return kMightNotMatch;
    return HasPrefix(*lower, prefix) && HasPrefix(*upper, prefix);
  }

  // No value has the prefix when the whole range sorts above or below the prefix's range.
  bool NotStartsWith(const Expression& e) const {
    const std::string& prefix = e.literal().AsBytes();
    const int32_t id = e.ref().field_id;
    if (const std::string* lower = RawBound(file_.lower_bounds, id)) {
      if (ComparePrefix(*lower, prefix) > 0) return kMustMatch;
    }
    if (const std::string* upper = RawBound(file_.upper_bounds, id)) {
      if (ComparePrefix(*upper, prefix) < 0) return kMustMatch;
    }
    return kMightNotMatch;
  }

  const DataFile& file_;
};

}  // namespace

StrictMetricsEvaluator::StrictMetricsEvaluator(ExprPtr bound_filter)
    : filter_(RewriteNot(bound_filter)) {}

bool StrictMetricsEvaluator::MustMatch(const DataFile& file) const {
  if (file.record_count == 0) return kMustMatch;
  // Negative counts come from imports that did not know the count.
  if (file.record_count < 0) return kMightNotMatch;
  return StrictVisitor(file).Eval(*filter_);
}

}  // namespace floe::iceberg
