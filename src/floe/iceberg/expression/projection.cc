#include "floe/iceberg/expression/projection.h"

#include <limits>

namespace floe::iceberg {
namespace {

using TK = Transform::Kind;

// `v + delta` for integral or decimal storage; nullopt on overflow or other storage.
std::optional<Literal> Adjust(const Literal& v, int delta) {
  if (auto* i = std::get_if<int32_t>(&v.value())) {
    int64_t r = int64_t{*i} + delta;
    if (r > std::numeric_limits<int32_t>::max() || r < std::numeric_limits<int32_t>::min()) {
      return std::nullopt;
    }
    return Literal(v.type(), static_cast<int32_t>(r));
  }
  if (auto* l = std::get_if<int64_t>(&v.value())) {
    if ((delta > 0 && *l == std::numeric_limits<int64_t>::max()) ||
        (delta < 0 && *l == std::numeric_limits<int64_t>::min())) {
      return std::nullopt;
    }
    return Literal(v.type(), *l + delta);
  }
  if (auto* d = std::get_if<__int128>(&v.value())) return Literal(v.type(), *d + delta);
  return std::nullopt;
}

bool IsTemporal(TK k) {
  return k == TK::kYear || k == TK::kMonth || k == TK::kDay || k == TK::kHour;
}

bool IsBytes(const TypePtr& t) { return t->id() == TypeId::kString || t->id() == TypeId::kBinary; }

// Number of characters that truncate counts: code points for strings, bytes otherwise.
size_t TruncLength(const TypePtr& t, const std::string& s) {
  if (t->id() != TypeId::kString) return s.size();
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class Projector {
 public:
  Projector(const PartitionField& field, const TypePtr& source_type, TypePtr result_type)
      : field_(field), source_type_(source_type) {
    ref_.name = field.name;
    ref_.field_id = field.field_id;
    ref_.type = std::move(result_type);
    ref_.required = false;
  }

  // The projection of `pred`, or nullptr when this partition field cannot narrow it.
  ExprPtr Project(const Expression& pred) const {
    const Transform& t = field_.transform;
    const Op op = pred.op();
    if (t.kind() == TK::kVoid) return nullptr;
    if (t.kind() == TK::kIdentity) return Expression::BoundPredicate(op, ref_, pred.literals());
    if (op == Op::kIsNull || op == Op::kNotNull) return Expression::BoundPredicate(op, ref_);
    if (IsUnaryOp(op)) return nullptr;
    if (op == Op::kIn) return ProjectSet(pred);
    if (t.kind() == TK::kBucket) {
      if (op != Op::kEq) return nullptr;
      auto v = Apply(pred.literal());
      return v ? Expression::BoundPredicate(Op::kEq, ref_, {*v}) : nullptr;
    }
    if (t.kind() == TK::kTruncate && IsBytes(source_type_)) return ProjectBytes(pred);
    ExprPtr projected = ProjectRange(pred);
    if (projected && IsTemporal(t.kind())) return FixNegativeTime(projected);
    return projected;
  }

 private:
  std::optional<Literal> Apply(const Literal& v) const {
    auto r = field_.transform.Apply(v);
    if (!r.ok() || r->is_null()) return std::nullopt;
    return *std::move(r);
  }

  ExprPtr ProjectSet(const Expression& pred) const {
    std::vector<Literal> values;
    for (const Literal& v : pred.literals()) {
      auto p = Apply(v);
      if (!p) return nullptr;
      bool seen = false;
      for (const Literal& existing : values) seen = seen || existing == *p;
      if (!seen) values.push_back(std::move(*p));
    }
    ExprPtr projected = Expression::BoundPredicate(Op::kIn, ref_, std::move(values));
    if (IsTemporal(field_.transform.kind())) return FixNegativeTime(projected);
    return projected;
  }

  // Order-preserving integral transforms (truncate of numbers, year/month/day/hour): a strict
  // bound becomes a closed bound one unit inside, which then transforms monotonically.
  ExprPtr ProjectRange(const Expression& pred) const {
    const Literal& v = pred.literal();
    std::optional<Literal> boundary;
    Op op;
    switch (pred.op()) {
      case Op::kLt:
        boundary = Adjust(v, -1);
        op = Op::kLtEq;
        break;
      case Op::kLtEq:
        boundary = v;
        op = Op::kLtEq;
        break;
      case Op::kGt:
        boundary = Adjust(v, 1);
        op = Op::kGtEq;
        break;
      case Op::kGtEq:
        boundary = v;
        op = Op::kGtEq;
        break;
      case Op::kEq:
        boundary = v;
        op = Op::kEq;
        break;
      default:
        return nullptr;
    }
    // At the edge of the type the strict bound cannot move inward; the closed one still holds.
    if (!boundary) boundary = v;
    auto projected = Apply(*boundary);
    if (!projected) return nullptr;
    return Expression::BoundPredicate(op, ref_, {std::move(*projected)});
  }

  // truncate[W] of strings and binary: truncation is monotone but not strictly, so strict
  // bounds become closed ones on the truncated boundary itself.
  ExprPtr ProjectBytes(const Expression& pred) const {
    const Literal& v = pred.literal();
    Op op;
    switch (pred.op()) {
      case Op::kLt:
      case Op::kLtEq:
        op = Op::kLtEq;
        break;
      case Op::kGt:
      case Op::kGtEq:
        op = Op::kGtEq;
        break;
      case Op::kEq:
        op = Op::kEq;
        break;
      case Op::kStartsWith:
        // A value starting with P truncates to something starting with truncate(P).
        op = Op::kStartsWith;
        break;
      case Op::kNotStartsWith: {
        const size_t len = TruncLength(source_type_, v.AsBytes());
        const size_t width = static_cast<size_t>(field_.transform.param());
        // Shorter prefix: the truncated value keeps the whole prefix question. Equal length:
        // the truncated value equals the prefix exactly when the value starts with it.
        if (len < width) return Expression::BoundPredicate(Op::kNotStartsWith, ref_, {v});
        if (len == width) return Expression::BoundPredicate(Op::kNotEq, ref_, {v});
        return nullptr;
      }
      default:
        return nullptr;
    }
    auto projected = Apply(v);
    if (!projected) return nullptr;
    return Expression::BoundPredicate(op, ref_, {std::move(*projected)});
  }

  // Java writers before 1.0 computed year/month/day/hour of pre-1970 values by truncating
  // toward zero, one unit above the floor the spec requires; accept both values.
  ExprPtr FixNegativeTime(const ExprPtr& projected) const {
    auto negative = [](const Literal& v) {
      auto* i = std::get_if<int32_t>(&v.value());
      return i != nullptr && *i < 0;
    };
    switch (projected->op()) {
      case Op::kLtEq:
        if (negative(projected->literal())) {
          return Expression::BoundPredicate(Op::kLtEq, ref_, {*Adjust(projected->literal(), 1)});
        }
        return projected;
      case Op::kEq:
        if (negative(projected->literal())) {
          return Expression::BoundPredicate(
              Op::kIn, ref_, {projected->literal(), *Adjust(projected->literal(), 1)});
        }
        return projected;
      case Op::kIn: {
        std::vector<Literal> values = projected->literals();
        for (const Literal& v : projected->literals()) {
          if (!negative(v)) continue;
          Literal next = *Adjust(v, 1);
          bool seen = false;
          for (const Literal& existing : values) seen = seen || existing == next;
          if (!seen) values.push_back(std::move(next));
        }
        return Expression::BoundPredicate(Op::kIn, ref_, std::move(values));
      }
      default:
        // >= bounds: the older values are larger, so they already satisfy the bound.
        return projected;
    }
  }

  const PartitionField& field_;
  TypePtr source_type_;
  Reference ref_;
};

struct FieldProjector {
  int32_t source_id;
  Projector projector;
};

ExprPtr ProjectTree(const ExprPtr& e, const std::vector<FieldProjector>& projectors) {
  switch (e->op()) {
    case Op::kTrue:
    case Op::kFalse:
      return e;
    case Op::kAnd:
      return Expression::And(ProjectTree(e->left(), projectors),
                             ProjectTree(e->right(), projectors));
    case Op::kOr:
      return Expression::Or(ProjectTree(e->left(), projectors),
                            ProjectTree(e->right(), projectors));
    case Op::kNot:
      // Unreachable after RewriteNot; true is always a valid inclusive projection.
      return Expression::True();
    default:
      break;
  }
  ExprPtr result = Expression::True();
  for (const FieldProjector& fp : projectors) {
    if (fp.source_id != e->ref().field_id) continue;
    ExprPtr projected = fp.projector.Project(*e);
    if (projected) result = Expression::And(result, projected);
  }
  return result;
}

// Strict projection through one partition field: a predicate on partition values that, when
// it holds for a partition, holds for every row in it, under SQL semantics (a null row matches
// only IS NULL, a NaN row no comparison). EvaluatePredicate lets a null partition value pass
// !=, NOT IN and NOT STARTS WITH, so those carry an explicit NOT NULL.
class StrictProjector {
 public:
  StrictProjector(const PartitionField& field, const TypePtr& source_type, TypePtr result_type)
      : field_(field), source_type_(source_type) {
    ref_.name = field.name;
    ref_.field_id = field.field_id;
    ref_.type = std::move(result_type);
    ref_.required = false;
  }

  // The projection of `pred`, or nullptr when this partition field cannot prove it.
  ExprPtr Project(const Expression& pred) const {
    const TK kind = field_.transform.kind();
    const Op op = pred.op();
    if (kind == TK::kVoid) return nullptr;
    // A partition value is null exactly when its source value is.
    if (op == Op::kIsNull || op == Op::kNotNull) return Expression::BoundPredicate(op, ref_);
    if (kind == TK::kIdentity) return ProjectIdentity(pred);
    if (op == Op::kIsNan || op == Op::kNotNan) return nullptr;
    if (kind == TK::kBucket) {
      // Only a different bucket proves a value differs.
      if (op != Op::kNotEq && op != Op::kNotIn) return nullptr;
      return ProjectExclusion(pred);
    }
    if (kind == TK::kTruncate && IsBytes(source_type_)) return ProjectBytes(pred);
    return ProjectRange(pred);
  }

 private:
  std::optional<Literal> Apply(const Literal& v) const {
    auto r = field_.transform.Apply(v);
    if (!r.ok() || r->is_null()) return std::nullopt;
    return *std::move(r);
  }
  ExprPtr NotNullAnd(ExprPtr e) const {
    return Expression::And(Expression::BoundPredicate(Op::kNotNull, ref_), std::move(e));
  }
  // Java writers before 1.0 put pre-1970 values one unit above their spec partition (see
  // FixNegativeTime), so a negative time partition cannot prove a lower bound or a difference.
  bool UnsafeTime(const Literal& p) const {
    if (!IsTemporal(field_.transform.kind())) return false;
    auto* i = std::get_if<int32_t>(&p.value());
    return i == nullptr || *i < 0;
  }

  ExprPtr ProjectIdentity(const Expression& pred) const {
    ExprPtr same = Expression::BoundPredicate(pred.op(), ref_, pred.literals());
    const Op op = pred.op();
    if (op == Op::kIsNan) return same;
    ExprPtr guarded = NotNullAnd(same);
    // A NaN partition value holds only NaN rows, which no comparison matches.
    const TypeId t = source_type_->id();
    if (op != Op::kNotNan && (t == TypeId::kFloat || t == TypeId::kDouble)) {
      guarded = Expression::And(Expression::BoundPredicate(Op::kNotNan, ref_), guarded);
    }
    return guarded;
  }

  // != and NOT IN: a partition value that differs from every transformed literal.
  ExprPtr ProjectExclusion(const Expression& pred) const {
    std::vector<Literal> values;
    for (const Literal& v : pred.literals()) {
      auto p = Apply(v);
      if (!p || UnsafeTime(*p)) return nullptr;
      bool seen = false;
      for (const Literal& existing : values) seen = seen || existing == *p;
      if (!seen) values.push_back(std::move(*p));
    }
    Op op = values.size() == 1 ? Op::kNotEq : Op::kNotIn;
    return NotNullAnd(Expression::BoundPredicate(op, ref_, std::move(values)));
  }

  // Order-preserving transforms whose partitions are ranges (truncate of numbers, year /
  // month / day / hour): every value of partition p is below v when p < f(v), and above v
  // when p > f(v), since f rounds down.
  ExprPtr ProjectRange(const Expression& pred) const {
    const Literal& v = pred.literal();
    std::optional<Literal> boundary;
    Op op;
    switch (pred.op()) {
      case Op::kLt:
        boundary = v;
        op = Op::kLt;
        break;
      case Op::kLtEq:
        boundary = Adjust(v, 1);  // x <= v is x < v + 1
        op = Op::kLt;
        break;
      case Op::kGt:
        boundary = v;
        op = Op::kGt;
        break;
      case Op::kGtEq:
        boundary = Adjust(v, -1);  // x >= v is x > v - 1
        op = Op::kGt;
        break;
      case Op::kNotEq:
      case Op::kNotIn:
        return ProjectExclusion(pred);
      default:
        return nullptr;
    }
    if (!boundary) return nullptr;
    auto projected = Apply(*boundary);
    if (!projected) return nullptr;
    if (op == Op::kGt && UnsafeTime(*projected)) return nullptr;
    return Expression::BoundPredicate(op, ref_, {std::move(*projected)});
  }

  // truncate[W] of strings and binary: a partition value is the first W characters of its
  // rows' values (or the whole value when shorter), so a partition sorting strictly below
  // (above) truncate(v) holds only values below (above) v.
  ExprPtr ProjectBytes(const Expression& pred) const {
    const Literal& v = pred.literal();
    const size_t width = static_cast<size_t>(field_.transform.param());
    Op op;
    switch (pred.op()) {
      case Op::kLt:
      case Op::kLtEq:
        op = Op::kLt;
        break;
      case Op::kGt:
      case Op::kGtEq:
        op = Op::kGt;
        break;
      case Op::kNotEq:
      case Op::kNotIn:
        return ProjectExclusion(pred);
      case Op::kStartsWith:
        // A partition value starting with the prefix is the start of every value in it.
        return Expression::BoundPredicate(Op::kStartsWith, ref_, {v});
      case Op::kNotStartsWith:
        // Within the width, truncation keeps the prefix question; beyond it, only a value
        // truncating to truncate(prefix) can start with the prefix.
        if (TruncLength(source_type_, v.AsBytes()) <= width) {
          return NotNullAnd(Expression::BoundPredicate(Op::kNotStartsWith, ref_, {v}));
        }
        return ProjectExclusion(pred);
      default:
        return nullptr;
    }
    auto projected = Apply(v);
    if (!projected) return nullptr;
    return Expression::BoundPredicate(op, ref_, {std::move(*projected)});
  }

  const PartitionField& field_;
  TypePtr source_type_;
  Reference ref_;
};

struct FieldStrictProjector {
  int32_t source_id;
  StrictProjector projector;
};

ExprPtr ProjectStrictTree(const ExprPtr& e, const std::vector<FieldStrictProjector>& projectors) {
  switch (e->op()) {
    case Op::kTrue:
    case Op::kFalse:
      return e;
    case Op::kAnd:
      return Expression::And(ProjectStrictTree(e->left(), projectors),
                             ProjectStrictTree(e->right(), projectors));
    case Op::kOr:
      return Expression::Or(ProjectStrictTree(e->left(), projectors),
                            ProjectStrictTree(e->right(), projectors));
    case Op::kNot:
      // Unreachable after RewriteNot; false is always a valid strict projection.
      return Expression::False();
    default:
      break;
  }
  // Any one partition field proving the predicate is enough.
  ExprPtr result = Expression::False();
  for (const FieldStrictProjector& fp : projectors) {
    if (fp.source_id != e->ref().field_id) continue;
    ExprPtr projected = fp.projector.Project(*e);
    if (projected) result = Expression::Or(result, projected);
  }
  return result;
}

}  // namespace

arrow::Result<ExprPtr> ProjectInclusive(const ExprPtr& bound_filter, const PartitionSpec& spec,
                                        const Schema& schema) {
  std::vector<FieldProjector> projectors;
  for (const PartitionField& field : spec.fields()) {
    const NestedField* source = schema.FindFieldById(field.source_id);
    // A partition field whose source column was dropped cannot constrain any predicate.
    if (source == nullptr) continue;
    ARROW_ASSIGN_OR_RAISE(TypePtr result_type, field.transform.ResultType(source->type));
    projectors.push_back({field.source_id, Projector(field, source->type, result_type)});
  }
  return ProjectTree(RewriteNot(bound_filter), projectors);
}

}  // namespace floe::iceberg

namespace floe::iceberg {

arrow::Result<ExprPtr> ProjectStrict(const ExprPtr& bound_filter, const PartitionSpec& spec,
                                     const Schema& schema) {
  std::vector<FieldStrictProjector> projectors;
  for (const PartitionField& field : spec.fields()) {
    const NestedField* source = schema.FindFieldById(field.source_id);
    if (source == nullptr) continue;
    ARROW_ASSIGN_OR_RAISE(TypePtr result_type, field.transform.ResultType(source->type));
    projectors.push_back({field.source_id, StrictProjector(field, source->type, result_type)});
  }
  return ProjectStrictTree(RewriteNot(bound_filter), projectors);
}

}  // namespace floe::iceberg
