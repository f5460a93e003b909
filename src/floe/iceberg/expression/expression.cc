#include "floe/iceberg/expression/expression.h"

#include <cctype>

#include "floe/iceberg/type/literal_conversion.h"

namespace floe::iceberg {

Op NegateOp(Op op) {
  switch (op) {
    case Op::kTrue: return Op::kFalse;
    case Op::kFalse: return Op::kTrue;
    case Op::kAnd: return Op::kOr;
    case Op::kOr: return Op::kAnd;
    case Op::kNot: return Op::kNot;
    case Op::kIsNull: return Op::kNotNull;
    case Op::kNotNull: return Op::kIsNull;
    case Op::kIsNan: return Op::kNotNan;
    case Op::kNotNan: return Op::kIsNan;
    case Op::kLt: return Op::kGtEq;
    case Op::kLtEq: return Op::kGt;
    case Op::kGt: return Op::kLtEq;
    case Op::kGtEq: return Op::kLt;
    case Op::kEq: return Op::kNotEq;
    case Op::kNotEq: return Op::kEq;
    case Op::kStartsWith: return Op::kNotStartsWith;
    case Op::kNotStartsWith: return Op::kStartsWith;
    case Op::kIn: return Op::kNotIn;
    case Op::kNotIn: return Op::kIn;
  }
  return op;
}

const char* OpToString(Op op) {
  switch (op) {
    case Op::kTrue: return "true";
    case Op::kFalse: return "false";
    case Op::kAnd: return "AND";
    case Op::kOr: return "OR";
    case Op::kNot: return "NOT";
    case Op::kIsNull: return "IS NULL";
    case Op::kNotNull: return "IS NOT NULL";
    case Op::kIsNan: return "IS NAN";
    case Op::kNotNan: return "IS NOT NAN";
    case Op::kLt: return "<";
    case Op::kLtEq: return "<=";
    case Op::kGt: return ">";
    case Op::kGtEq: return ">=";
    case Op::kEq: return "=";
    case Op::kNotEq: return "!=";
    case Op::kStartsWith: return "STARTS WITH";
    case Op::kNotStartsWith: return "NOT STARTS WITH";
    case Op::kIn: return "IN";
    case Op::kNotIn: return "NOT IN";
  }
  return "?";
}

bool IsUnaryOp(Op op) {
  return op == Op::kIsNull || op == Op::kNotNull || op == Op::kIsNan || op == Op::kNotNan;
}
bool IsLiteralOp(Op op) {
  switch (op) {
    case Op::kLt:
    case Op::kLtEq:
    case Op::kGt:
    case Op::kGtEq:
    case Op::kEq:
    case Op::kNotEq:
    case Op::kStartsWith:
    case Op::kNotStartsWith:
      return true;
    default:
      return false;
  }
}
bool IsSetOp(Op op) { return op == Op::kIn || op == Op::kNotIn; }

Expression::Expression(Op op, ExprPtr left, ExprPtr right, Reference ref,
                       std::vector<Literal> literals, bool bound)
    : op_(op),
      left_(std::move(left)),
      right_(std::move(right)),
      ref_(std::move(ref)),
      literals_(std::move(literals)),
      bound_(bound) {}

ExprPtr Expression::True() {
  static const ExprPtr kTrueExpr = std::make_shared<Expression>(
      Op::kTrue, nullptr, nullptr, Reference{}, std::vector<Literal>{}, true);
  return kTrueExpr;
}

ExprPtr Expression::False() {
  static const ExprPtr kFalseExpr = std::make_shared<Expression>(
      Op::kFalse, nullptr, nullptr, Reference{}, std::vector<Literal>{}, true);
  return kFalseExpr;
}

ExprPtr Expression::And(ExprPtr left, ExprPtr right) {
  if (left->op() == Op::kFalse || right->op() == Op::kFalse) return False();
  if (left->op() == Op::kTrue) return right;
  if (right->op() == Op::kTrue) return left;
  bool bound = left->is_bound() && right->is_bound();
  return std::make_shared<Expression>(Op::kAnd, std::move(left), std::move(right), Reference{},
                                      std::vector<Literal>{}, bound);
}

ExprPtr Expression::Or(ExprPtr left, ExprPtr right) {
  if (left->op() == Op::kTrue || right->op() == Op::kTrue) return True();
  if (left->op() == Op::kFalse) return right;
  if (right->op() == Op::kFalse) return left;
  bool bound = left->is_bound() && right->is_bound();
  return std::make_shared<Expression>(Op::kOr, std::move(left), std::move(right), Reference{},
                                      std::vector<Literal>{}, bound);
}

ExprPtr Expression::Not(ExprPtr child) {
  if (child->op() == Op::kTrue) return False();
  if (child->op() == Op::kFalse) return True();
  if (child->op() == Op::kNot) return child->left();
  bool bound = child->is_bound();
  return std::make_shared<Expression>(Op::kNot, std::move(child), nullptr, Reference{},
                                      std::vector<Literal>{}, bound);
}

ExprPtr Expression::Predicate(Op op, std::string name, std::vector<Literal> literals) {
  Reference ref;
  ref.name = std::move(name);
  return std::make_shared<Expression>(op, nullptr, nullptr, std::move(ref), std::move(literals),
                                      false);
}

ExprPtr Expression::BoundPredicate(Op op, Reference ref, std::vector<Literal> literals) {
  return std::make_shared<Expression>(op, nullptr, nullptr, std::move(ref), std::move(literals),
                                      true);
}

namespace {

bool IsKeyword(std::string_view word) {
  static constexpr const char* kKeywords[] = {"and",    "or",   "not",  "in",    "is",
                                              "null",   "nan",  "true", "false", "starts",
                                              "with"};
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* k : kKeywords) {
    if (lower == k) return true;
  }
  return false;
}

bool IsPlainIdentifier(std::string_view part) {
  if (part.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(part[0])) && part[0] != '_') return false;
  for (char c : part) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return !IsKeyword(part);
}

// Prints a dotted column name bare when every part is a plain identifier, else quoted whole.
std::string FormatColumn(const std::string& name) {
  bool plain = true;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view part = std::string_view(name).substr(start, dot - start);
    if (!IsPlainIdentifier(part)) plain = false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string Child(const ExprPtr& child, Op parent) {
  bool wrap = (child->op() == Op::kAnd || child->op() == Op::kOr) &&
              (parent == Op::kNot || child->op() != parent);
  std::string s = child->ToString();
  return wrap ? "(" + s + ")" : s;
}

}  // namespace

std::string Expression::ToString() const {
  switch (op_) {
    case Op::kTrue:
    case Op::kFalse:
      return OpToString(op_);
    case Op::kAnd:
    case Op::kOr: {
      // Parsing is left-associative, so a right child of the same kind keeps its parentheses.
      std::string right = Child(right_, op_);
      if (right_->op() == op_) right = "(" + right + ")";
      return Child(left_, op_) + " " + OpToString(op_) + " " + right;
    }
    case Op::kNot:
      return "NOT " + Child(left_, op_);
    default:
      break;
  }
  std::string out = FormatColumn(ref_.name) + " " + OpToString(op_);
  if (IsUnaryOp(op_)) return out;
  if (IsLiteralOp(op_)) return out + " " + FormatFilterLiteral(literals_.front());
  out += " (";
  for (size_t i = 0; i < literals_.size(); ++i) {
    if (i > 0) out += ", ";
    out += FormatFilterLiteral(literals_[i]);
  }
  return out + ")";
}

bool ExpressionEquals(const Expression& a, const Expression& b) {
  if (a.op() != b.op() || a.is_bound() != b.is_bound()) return false;
  if (a.op() == Op::kAnd || a.op() == Op::kOr) {
    return ExpressionEquals(*a.left(), *b.left()) && ExpressionEquals(*a.right(), *b.right());
  }
  if (a.op() == Op::kNot) return ExpressionEquals(*a.left(), *b.left());
  if (!a.is_predicate()) return true;
  if (a.ref().name != b.ref().name || a.ref().field_id != b.ref().field_id) return false;
  if (a.literals().size() != b.literals().size()) return false;
  for (size_t i = 0; i < a.literals().size(); ++i) {
    if (!(a.literals()[i] == b.literals()[i])) return false;
  }
  return true;
}

namespace {

ExprPtr Negate(const ExprPtr& e) {
  switch (e->op()) {
    case Op::kTrue:
      return Expression::False();
    case Op::kFalse:
      return Expression::True();
    case Op::kAnd:
      return Expression::Or(Negate(e->left()), Negate(e->right()));
    case Op::kOr:
      return Expression::And(Negate(e->left()), Negate(e->right()));
    case Op::kNot:
      return RewriteNot(e->left());
    default:
      break;
  }
  Op negated = NegateOp(e->op());
  if (e->is_bound()) {
    ExprPtr p = Expression::BoundPredicate(negated, e->ref(), e->literals());
    const TypePtr& t = e->ref().type;
    const bool floating = t && (t->id() == TypeId::kFloat || t->id() == TypeId::kDouble);
    const bool ordering = e->op() == Op::kLt || e->op() == Op::kLtEq || e->op() == Op::kGt ||
                          e->op() == Op::kGtEq;
    // NaN is unordered: NOT (x < 1) holds for NaN while x >= 1 does not.
    if (floating && ordering) {
      return Expression::Or(std::move(p), Expression::BoundPredicate(Op::kIsNan, e->ref()));
    }
    return p;
  }
  return Expression::Predicate(negated, e->ref().name, e->literals());
}

}  // namespace

ExprPtr RewriteNot(const ExprPtr& expr) {
  switch (expr->op()) {
    case Op::kAnd:
      return Expression::And(RewriteNot(expr->left()), RewriteNot(expr->right()));
    case Op::kOr:
      return Expression::Or(RewriteNot(expr->left()), RewriteNot(expr->right()));
    case Op::kNot:
      return Negate(expr->left());
    default:
      return expr;
  }
}

std::set<int32_t> ReferencedFieldIds(const ExprPtr& expr) {
  std::set<int32_t> ids;
  std::vector<const Expression*> stack{expr.get()};
  while (!stack.empty()) {
    const Expression* e = stack.back();
    stack.pop_back();
    if (e->left()) stack.push_back(e->left().get());
    if (e->right()) stack.push_back(e->right().get());
    if (e->is_predicate() && e->ref().field_id >= 0) ids.insert(e->ref().field_id);
  }
  return ids;
}

namespace {
bool FindPath(const std::vector<NestedField>& fields, int32_t id, std::vector<std::string>* path) {
  for (const auto& f : fields) {
    if (f.id == id) {
      path->push_back(f.name);
      return true;
    }
    if (f.type && f.type->id() == TypeId::kStruct) {
      path->push_back(f.name);
      if (FindPath(f.type->fields(), id, path)) return true;
      path->pop_back();
    }
  }
  return false;
}
}  // namespace

std::vector<std::string> FieldPath(const Schema& schema, int32_t field_id) {
  std::vector<std::string> path;
  if (!FindPath(schema.fields(), field_id, &path)) path.clear();
  return path;
}

ExprPtr IsNull(std::string name) { return Expression::Predicate(Op::kIsNull, std::move(name)); }
ExprPtr NotNull(std::string name) { return Expression::Predicate(Op::kNotNull, std::move(name)); }
ExprPtr IsNan(std::string name) { return Expression::Predicate(Op::kIsNan, std::move(name)); }
ExprPtr NotNan(std::string name) { return Expression::Predicate(Op::kNotNan, std::move(name)); }
ExprPtr Lt(std::string name, Literal v) {
  return Expression::Predicate(Op::kLt, std::move(name), {std::move(v)});
}
ExprPtr LtEq(std::string name, Literal v) {
  return Expression::Predicate(Op::kLtEq, std::move(name), {std::move(v)});
}
ExprPtr Gt(std::string name, Literal v) {
  return Expression::Predicate(Op::kGt, std::move(name), {std::move(v)});
}
ExprPtr GtEq(std::string name, Literal v) {
  return Expression::Predicate(Op::kGtEq, std::move(name), {std::move(v)});
}
ExprPtr Eq(std::string name, Literal v) {
  return Expression::Predicate(Op::kEq, std::move(name), {std::move(v)});
}
ExprPtr NotEq(std::string name, Literal v) {
  return Expression::Predicate(Op::kNotEq, std::move(name), {std::move(v)});
}
ExprPtr StartsWith(std::string name, std::string prefix) {
  return Expression::Predicate(Op::kStartsWith, std::move(name),
                               {Literal::String(std::move(prefix))});
}
ExprPtr NotStartsWith(std::string name, std::string prefix) {
  return Expression::Predicate(Op::kNotStartsWith, std::move(name),
                               {Literal::String(std::move(prefix))});
}
ExprPtr In(std::string name, std::vector<Literal> values) {
  return Expression::Predicate(Op::kIn, std::move(name), std::move(values));
}
ExprPtr NotIn(std::string name, std::vector<Literal> values) {
  return Expression::Predicate(Op::kNotIn, std::move(name), std::move(values));
}

}  // namespace floe::iceberg
