// Evaluation of value expressions (value_expression.h) with Arrow compute, node by node.

#include "floe/iceberg/expression/value_expression.h"

#include <arrow/array/array_nested.h>
#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include <limits>
#include <map>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/arrow_filter.h"
#include "floe/iceberg/type/literal_conversion.h"

namespace floe::iceberg {
namespace cp = arrow::compute;
namespace {

arrow::Status EnsureComputeInitialized() {
  static arrow::Status status = cp::Initialize();
  return status;
}

const arrow::DataType& TypeOf(const arrow::Datum& d) { return *d.type(); }

// Lengths of the prefixes of a dotted path that end before a dot, and the whole path; longest
// first.
std::vector<size_t> PrefixEnds(std::string_view path) {
  std::vector<size_t> ends = {path.size()};
  for (size_t i = path.size(); i-- > 0;) {
    if (path[i] == '.') ends.push_back(i);
  }
  return ends;
}

bool IsNullType(const arrow::Datum& d) { return d.type()->id() == arrow::Type::NA; }
bool IsString(const arrow::Datum& d) {
  auto id = d.type()->id();
  return id == arrow::Type::STRING || id == arrow::Type::LARGE_STRING;
}
bool IsInteger(const arrow::DataType& t) { return arrow::is_integer(t.id()); }
bool IsNumeric(const arrow::DataType& t) {
  return arrow::is_integer(t.id()) || arrow::is_floating(t.id()) || arrow::is_decimal(t.id());
}

// The integer value of a literal argument (substring's start, round's digits).
const Literal* IntegerLiteral(const ValueExpr& e) {
  if (e.kind != ValueExpr::Kind::kLiteral || e.literal.is_null() || !e.literal.type()) {
    return nullptr;
  }
  return e.literal.type()->id() == TypeId::kLong ? &e.literal : nullptr;
}

class Evaluator {
 public:
  explicit Evaluator(const arrow::RecordBatch& batch) : batch_(batch) {}

  arrow::Result<arrow::Datum> Eval(const ValueExpr& e) {
    switch (e.kind) {
      case ValueExpr::Kind::kLiteral:
        return EvalLiteral(e);
      case ValueExpr::Kind::kColumn:
        return EvalColumn(e);
      case ValueExpr::Kind::kUnary:
        return EvalUnary(e);
      case ValueExpr::Kind::kBinary:
        return EvalBinary(e);
      case ValueExpr::Kind::kFunction:
        return EvalFunction(e);
      case ValueExpr::Kind::kCase:
        return EvalCase(e);
      case ValueExpr::Kind::kCast:
        return EvalCast(e);
      case ValueExpr::Kind::kIsNull: {
        ARROW_ASSIGN_OR_RAISE(auto v, Eval(*e.args[0]));
        return Call(e, e.negated ? "is_valid" : "is_null", {v});
      }
    }
    return arrow::Status::Invalid("unknown value expression");
  }

  /// `value` (the result of `e`) as `target`; a string literal is converted as filters
  /// convert them, so '2024-03-01' becomes a date.
  /// `explicit_cast` (CAST) truncates a fraction toward zero instead of failing.
  arrow::Result<arrow::Datum> Coerce(const ValueExpr& e, const arrow::Datum& value,
                                     const std::shared_ptr<arrow::DataType>& target,
                                     bool explicit_cast = false) {
    if (value.type()->Equals(*target)) return value;
    if (IsNullType(value)) return arrow::Datum(arrow::MakeNullScalar(target));
    if (e.kind == ValueExpr::Kind::kLiteral && !e.literal.is_null() &&
        e.literal.type()->id() == TypeId::kString && target->id() != arrow::Type::STRING) {
      ARROW_ASSIGN_OR_RAISE(auto iceberg_type, FromArrowType(*target));
      auto converted = ConvertLiteral(e.literal, iceberg_type);
      if (!converted.ok() || converted->kind != ConvertedLiteral::Kind::kValue) {
        return Fail(
            e, "'" + e.literal.AsBytes() + "' is not a " + iceberg_type->ToString() + " value");
      }
      ARROW_ASSIGN_OR_RAISE(auto scalar, LiteralToArrowScalar(converted->value));
      if (!scalar->type->Equals(*target)) {
        ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(arrow::Datum(scalar), target));
        return cast;
      }
      return arrow::Datum(scalar);
    }
    cp::CastOptions options = cp::CastOptions::Safe();
    options.allow_float_truncate = explicit_cast;
    arrow::Datum source = value;
    if (IsInteger(TypeOf(value)) && target->id() == arrow::Type::DECIMAL128) {
      // Arrow refuses integer → decimal(P,S) when P is below the integer type's digits; go
      // through decimal(38,S), whose narrowing checks each value instead.
      auto wide = cp::Cast(
          value, arrow::decimal128(38, static_cast<const arrow::DecimalType&>(*target).scale()));
      if (wide.ok()) source = *wide;
    }
    auto cast = cp::Cast(source, target, options);
    if (!cast.ok()) {
      return Fail(e, "cannot convert " + value.type()->ToString() + " to " + target->ToString() +
                         ": " + cast.status().message());
    }
    return cast;
  }

  arrow::Status Fail(const ValueExpr& e, const std::string& what) const {
    return arrow::Status::Invalid("value expression at position ", e.position, ": ", what);
  }

 private:
  arrow::Result<arrow::Datum> Call(const ValueExpr& e, const std::string& fn,
                                   const std::vector<arrow::Datum>& args,
                                   const cp::FunctionOptions* options = nullptr) {
    ARROW_RETURN_NOT_OK(EnsureComputeInitialized());
    auto result = cp::CallFunction(fn, args, options);
    if (!result.ok()) {
      std::string types;
      for (const auto& a : args) types += (types.empty() ? "" : ", ") + a.type()->ToString();
      std::string what = e.kind == ValueExpr::Kind::kFunction ? e.name + "()" : "'" + e.name + "'";
      if (e.kind == ValueExpr::Kind::kIsNull) what = "IS NULL";
      return Fail(e, what + " of (" + types + "): " + result.status().message());
    }
    return result;
  }

  arrow::Result<arrow::Datum> EvalLiteral(const ValueExpr& e) {
    if (e.literal.is_null()) return arrow::Datum(std::make_shared<arrow::NullScalar>());
    ARROW_ASSIGN_OR_RAISE(auto scalar, LiteralToArrowScalar(e.literal));
    return arrow::Datum(scalar);
  }

  arrow::Result<arrow::Datum> EvalColumn(const ValueExpr& e) {
    std::shared_ptr<arrow::Array> array;
    std::string_view rest = e.name;
    std::string prefix;
    while (true) {
      // The longest name first: a column name may itself contain dots.
      std::shared_ptr<arrow::Array> found;
      size_t used = 0;
      for (size_t end : PrefixEnds(rest)) {
        std::string candidate(rest.substr(0, end));
        if (!array) {
          found = batch_.GetColumnByName(candidate);
        } else if (array->type_id() == arrow::Type::STRUCT) {
          const auto& st = static_cast<const arrow::StructArray&>(*array);
          int index = st.struct_type()->GetFieldIndex(candidate);
          // A field of a null struct is null.
          if (index >= 0) {
            ARROW_ASSIGN_OR_RAISE(found, st.GetFlattenedField(index));
          }
        }
        if (found) {
          used = end;
          break;
        }
      }
      if (!found) return Fail(e, "no column '" + prefix + std::string(rest) + "' in the table");
      array = found;
      if (used >= rest.size()) return arrow::Datum(array);
      prefix += std::string(rest.substr(0, used + 1));
      rest = rest.substr(used + 1);
    }
  }

  arrow::Result<arrow::Datum> EvalUnary(const ValueExpr& e) {
    ARROW_ASSIGN_OR_RAISE(auto v, Eval(*e.args[0]));
    if (IsNullType(v)) return v;
    if (e.name == "not") {
      if (v.type()->id() != arrow::Type::BOOL) return Fail(e, "NOT needs a boolean value");
      return Call(e, "invert", {v});
    }
    if (!IsNumeric(TypeOf(v))) return Fail(e, "'-' needs a number, got " + v.type()->ToString());
    return Call(e, "negate_checked", {v});
  }

  // Brings a string literal on one side to the other side's type (date = '2024-03-01').
  arrow::Status CoercePair(const ValueExpr& e, arrow::Datum& l, arrow::Datum& r) {
    const ValueExpr& le = *e.args[0];
    const ValueExpr& re = *e.args[1];
    if (IsString(l) && !IsString(r) && !IsNullType(r) && le.kind == ValueExpr::Kind::kLiteral) {
      ARROW_ASSIGN_OR_RAISE(l, Coerce(le, l, r.type()));
    } else if (IsString(r) && !IsString(l) && !IsNullType(l) &&
               re.kind == ValueExpr::Kind::kLiteral) {
      ARROW_ASSIGN_OR_RAISE(r, Coerce(re, r, l.type()));
    }
    if (IsNullType(l) && !IsNullType(r)) l = arrow::MakeNullScalar(r.type());
    if (IsNullType(r) && !IsNullType(l)) r = arrow::MakeNullScalar(l.type());
    return arrow::Status::OK();
  }

  arrow::Result<arrow::Datum> EvalBinary(const ValueExpr& e) {
    ARROW_ASSIGN_OR_RAISE(auto l, Eval(*e.args[0]));
    ARROW_ASSIGN_OR_RAISE(auto r, Eval(*e.args[1]));
    const std::string& op = e.name;
    if (op == "and" || op == "or") {
      if (IsNullType(l)) l = arrow::MakeNullScalar(arrow::boolean());
      if (IsNullType(r)) r = arrow::MakeNullScalar(arrow::boolean());
      if (l.type()->id() != arrow::Type::BOOL || r.type()->id() != arrow::Type::BOOL) {
        return Fail(e, "'" + op + "' needs boolean values, got " + l.type()->ToString() + " and " +
                           r.type()->ToString());
      }
      return Call(e, op == "and" ? "and_kleene" : "or_kleene", {l, r});
    }
    if (op == "||") {
      if (IsNullType(l) || IsNullType(r)) return arrow::Datum(arrow::MakeNullScalar(arrow::utf8()));
      ARROW_ASSIGN_OR_RAISE(l, AsString(*e.args[0], l));
      ARROW_ASSIGN_OR_RAISE(r, AsString(*e.args[1], r));
      return Call(e, "binary_join_element_wise", {l, r, arrow::Datum(std::string())});
    }
    ARROW_RETURN_NOT_OK(CoercePair(e, l, r));
    if (IsNullType(l)) return l;  // NULL op NULL
    static const std::map<std::string, std::string> kCompare = {
        {"=", "equal"},       {"!=", "not_equal"}, {"<", "less"},
        {"<=", "less_equal"}, {">", "greater"},    {">=", "greater_equal"}};
    if (auto it = kCompare.find(op); it != kCompare.end()) return Call(e, it->second, {l, r});
    if (!IsNumeric(TypeOf(l)) || !IsNumeric(TypeOf(r))) {
      return Fail(e, "'" + op + "' needs numbers, got " + l.type()->ToString() + " and " +
                         r.type()->ToString());
    }
    if (op == "+") return Call(e, "add_checked", {l, r});
    if (op == "-") return Call(e, "subtract_checked", {l, r});
    if (op == "*") return Call(e, "multiply_checked", {l, r});
    if (op == "%") return Call(e, "remainder_checked", {l, r});
    // SQL's `/` of integers is not integer division.
    if (IsInteger(TypeOf(l)) && IsInteger(TypeOf(r))) {
      ARROW_ASSIGN_OR_RAISE(l, cp::Cast(l, arrow::float64()));
      ARROW_ASSIGN_OR_RAISE(r, cp::Cast(r, arrow::float64()));
      ARROW_ASSIGN_OR_RAISE(auto zero, Call(e, "equal", {r, arrow::Datum(0.0)}));
      ARROW_ASSIGN_OR_RAISE(auto any_zero, cp::Any(zero));
      if (any_zero.scalar_as<arrow::BooleanScalar>().is_valid &&
          any_zero.scalar_as<arrow::BooleanScalar>().value) {
        return Fail(e, "division by zero");
      }
    }
    return Call(e, "divide_checked", {l, r});
  }

  arrow::Result<arrow::Datum> AsString(const ValueExpr& e, const arrow::Datum& v) {
    if (IsString(v)) return v;
    return Coerce(e, v, arrow::utf8());
  }

  arrow::Result<arrow::Datum> EvalFunction(const ValueExpr& e) {
    const std::string& fn = e.name;
    std::vector<arrow::Datum> args;
    for (const auto& a : e.args) {
      ARROW_ASSIGN_OR_RAISE(auto v, Eval(*a));
      args.push_back(std::move(v));
    }
    if (fn == "coalesce") {
      std::vector<arrow::Datum> typed;
      for (auto& a : args) {
        if (!IsNullType(a)) typed.push_back(a);
      }
      if (typed.empty()) return args[0];
      if (typed.size() == 1) return typed[0];
      return Call(e, "coalesce", typed);
    }
    if (fn == "concat") {
      for (size_t i = 0; i < args.size(); ++i) {
        if (IsNullType(args[i])) return arrow::Datum(arrow::MakeNullScalar(arrow::utf8()));
        ARROW_ASSIGN_OR_RAISE(args[i], AsString(*e.args[i], args[i]));
      }
      args.push_back(arrow::Datum(std::string()));
      return Call(e, "binary_join_element_wise", args);
    }
    if (fn == "nullif") {
      arrow::Datum a = args[0], b = args[1];
      if (IsNullType(a)) return a;
      if (IsNullType(b)) return a;
      ValueExpr pair = e;
      pair.name = "=";
      ARROW_RETURN_NOT_OK(CoercePair(pair, a, b));
      ARROW_ASSIGN_OR_RAISE(auto eq, Call(e, "equal", {a, b}));
      ARROW_ASSIGN_OR_RAISE(eq, Call(e, "coalesce", {eq, arrow::Datum(false)}));
      return Call(e, "if_else", {eq, arrow::Datum(arrow::MakeNullScalar(a.type())), a});
    }
    const arrow::Datum& x = args[0];
    if (IsNullType(x)) return x;
    if (fn == "lower" || fn == "upper" || fn == "trim" || fn == "ltrim" || fn == "rtrim" ||
        fn == "length" || fn == "substring" || fn == "replace") {
      if (!IsString(x)) return Fail(e, fn + "() needs a string, got " + x.type()->ToString());
    }
    if (fn == "lower") return Call(e, "utf8_lower", {x});
    if (fn == "upper") return Call(e, "utf8_upper", {x});
    if (fn == "trim") return Call(e, "utf8_trim_whitespace", {x});
    if (fn == "ltrim") return Call(e, "utf8_ltrim_whitespace", {x});
    if (fn == "rtrim") return Call(e, "utf8_rtrim_whitespace", {x});
    if (fn == "length") return Call(e, "utf8_length", {x});
    if (fn == "substring") return Substring(e, x);
    if (fn == "replace") {
      for (size_t i = 1; i < 3; ++i) {
        const ValueExpr& a = *e.args[i];
        if (a.kind != ValueExpr::Kind::kLiteral || a.literal.is_null() ||
            a.literal.type()->id() != TypeId::kString) {
          return Fail(a, "replace() takes literal strings as its 2nd and 3rd arguments");
        }
      }
      cp::ReplaceSubstringOptions options(e.args[1]->literal.AsBytes(),
                                          e.args[2]->literal.AsBytes());
      return Call(e, "replace_substring", {x}, &options);
    }
    if (!IsNumeric(TypeOf(x)))
      return Fail(e, fn + "() needs a number, got " + x.type()->ToString());
    if (fn == "abs") return Call(e, "abs_checked", {x});
    if (IsInteger(TypeOf(x)) && fn != "round") return x;  // floor / ceil of an integer
    if (fn == "floor") return Call(e, "floor", {x});
    if (fn == "ceil") return Call(e, "ceil", {x});
    // round
    int64_t digits = 0;
    if (e.args.size() == 2) {
      const Literal* d = IntegerLiteral(*e.args[1]);
      if (!d) return Fail(*e.args[1], "round() takes an integer literal as its digits");
      digits = d->AsLong();
    }
    if (IsInteger(TypeOf(x)) && digits >= 0) return x;
    cp::RoundOptions options(digits, cp::RoundMode::HALF_TOWARDS_INFINITY);
    return Call(e, "round", {x}, &options);
  }

  arrow::Result<arrow::Datum> Substring(const ValueExpr& e, const arrow::Datum& x) {
    const Literal* start = IntegerLiteral(*e.args[1]);
    if (!start) return Fail(*e.args[1], "substring() takes an integer literal as its start");
    // SQL counts from 1; a negative start counts from the end, 0 is the first character.
    int64_t from = start->AsLong() > 0 ? start->AsLong() - 1 : start->AsLong();
    int64_t to = std::numeric_limits<int64_t>::max();
    if (e.args.size() == 3) {
      const Literal* len = IntegerLiteral(*e.args[2]);
      if (!len || len->AsLong() < 0) {
        return Fail(*e.args[2], "substring() takes a non-negative integer literal as its length");
      }
      to = from < 0 && from + len->AsLong() >= 0 ? std::numeric_limits<int64_t>::max()
                                                 : from + len->AsLong();
    }
    cp::SliceOptions options(from, to);
    return Call(e, "utf8_slice_codeunits", {x}, &options);
  }

  arrow::Result<arrow::Datum> EvalCase(const ValueExpr& e) {
    const size_t pairs = e.args.size() / 2;
    std::vector<arrow::Datum> conds, values;
    for (size_t i = 0; i < pairs; ++i) {
      ARROW_ASSIGN_OR_RAISE(auto c, Eval(*e.args[2 * i]));
      if (IsNullType(c)) c = arrow::Datum(false);
      if (c.type()->id() != arrow::Type::BOOL) {
        return Fail(*e.args[2 * i],
                    "a WHEN condition must be boolean, got " + c.type()->ToString());
      }
      // A NULL condition is not taken.
      ARROW_ASSIGN_OR_RAISE(c, Call(e, "coalesce", {c, arrow::Datum(false)}));
      conds.push_back(std::move(c));
      ARROW_ASSIGN_OR_RAISE(auto v, Eval(*e.args[2 * i + 1]));
      values.push_back(std::move(v));
    }
    arrow::Datum otherwise = arrow::Datum(std::make_shared<arrow::NullScalar>());
    if (e.has_else) {
      ARROW_ASSIGN_OR_RAISE(otherwise, Eval(*e.args.back()));
    }
    // The result type: the first non-null branch; string literals follow it.
    std::shared_ptr<arrow::DataType> type;
    for (const auto& v : values) {
      if (!type && !IsNullType(v)) type = v.type();
    }
    if (!type && !IsNullType(otherwise)) type = otherwise.type();
    if (!type) return otherwise;
    auto typed = [&](const ValueExpr& ve, const arrow::Datum& v) -> arrow::Result<arrow::Datum> {
      if (IsNullType(v)) return arrow::Datum(arrow::MakeNullScalar(type));
      if (IsString(v) && !arrow::is_base_binary_like(type->id()) &&
          ve.kind == ValueExpr::Kind::kLiteral) {
        return Coerce(ve, v, type);
      }
      return v;
    };
    ARROW_ASSIGN_OR_RAISE(arrow::Datum result, typed(e.has_else ? *e.args.back() : e, otherwise));
    for (size_t i = pairs; i-- > 0;) {
      ARROW_ASSIGN_OR_RAISE(auto v, typed(*e.args[2 * i + 1], values[i]));
      ARROW_ASSIGN_OR_RAISE(result, Call(e, "if_else", {conds[i], v, result}));
    }
    return result;
  }

  arrow::Result<arrow::Datum> EvalCast(const ValueExpr& e) {
    ARROW_ASSIGN_OR_RAISE(auto v, Eval(*e.args[0]));
    ARROW_ASSIGN_OR_RAISE(auto target, ToArrowType(*e.cast_type));
    return Coerce(*e.args[0], v, target, /*explicit_cast=*/true);
  }

  const arrow::RecordBatch& batch_;
};

void CollectColumns(const ValueExpr& e, std::vector<const ValueExpr*>& out) {
  if (e.kind == ValueExpr::Kind::kColumn) out.push_back(&e);
  for (const auto& a : e.args) CollectColumns(*a, out);
}

// Replaces the field at `path` (a chain of struct field indices) inside `array`.
arrow::Result<std::shared_ptr<arrow::Array>> ReplaceNested(
    const std::shared_ptr<arrow::Array>& array, const std::vector<int>& path, size_t depth,
    const std::shared_ptr<arrow::Array>& value) {
  if (depth == path.size()) return value;
  std::shared_ptr<arrow::Array> whole = array;
  if (array->offset() != 0) {
    ARROW_ASSIGN_OR_RAISE(whole, arrow::Concatenate({array}));  // a copy at offset 0
  }
  const auto& st = static_cast<const arrow::StructArray&>(*whole);
  std::vector<std::shared_ptr<arrow::Array>> children;
  for (int i = 0; i < st.num_fields(); ++i) {
    std::shared_ptr<arrow::Array> child = st.field(i);
    if (i == path[depth]) {
      ARROW_ASSIGN_OR_RAISE(child, ReplaceNested(child, path, depth + 1, value));
    }
    children.push_back(std::move(child));
  }
  return std::make_shared<arrow::StructArray>(st.type(), st.length(), std::move(children),
                                              st.null_bitmap(), st.null_count());
}

}  // namespace

arrow::Result<arrow::Datum> EvaluateValue(const ValueExpr& expr, const arrow::RecordBatch& batch) {
  ARROW_RETURN_NOT_OK(EnsureComputeInitialized());
  return Evaluator(batch).Eval(expr);
}

arrow::Status ValidateAssignments(const std::vector<Assignment>& assignments,
                                  const Schema& schema) {
  for (const auto& a : assignments) {
    const NestedField* field = schema.FindFieldByName(a.column);
    if (!field) {
      return arrow::Status::Invalid("SET ", a.column, ": the table has no column '", a.column, "'");
    }
    if (!field->type->is_primitive()) {
      return arrow::Status::Invalid("SET ", a.column, ": column '", a.column, "' is a ",
                                    field->type->ToString(),
                                    "; only primitive columns (or struct fields) can be set");
    }
    std::vector<const ValueExpr*> refs;
    CollectColumns(*a.value, refs);
    for (const ValueExpr* ref : refs) {
      if (!schema.FindFieldByName(ref->name)) {
        return arrow::Status::Invalid("SET ", a.column, " = ", a.text, ": no column '", ref->name,
                                      "' in the table (at position ", ref->position, ")");
      }
    }
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> ApplyAssignments(
    const std::vector<Assignment>& assignments, const std::shared_ptr<arrow::RecordBatch>& batch,
    const Schema& schema) {
  ARROW_RETURN_NOT_OK(EnsureComputeInitialized());
  // Every value is computed from the old row before any column is replaced.
  std::vector<std::shared_ptr<arrow::Array>> values;
  std::vector<std::vector<int>> paths;
  for (const auto& a : assignments) {
    const NestedField* field = schema.FindFieldByName(a.column);
    if (!field) return arrow::Status::Invalid("SET ", a.column, ": no such column");
    auto fail = [&](const std::string& what) {
      return arrow::Status::Invalid("SET ", a.column, " = ", a.text, ": ", what);
    };
    // Locate the column by its path of names.
    std::vector<int> path;
    std::shared_ptr<arrow::DataType> type;
    {
      std::string_view rest = a.column;
      const arrow::FieldVector* fields = &batch->schema()->fields();
      while (true) {
        int found = -1;
        size_t used = 0;
        for (size_t end : PrefixEnds(rest)) {
          for (size_t i = 0; i < fields->size(); ++i) {
            if ((*fields)[i]->name() == rest.substr(0, end)) found = static_cast<int>(i);
          }
          if (found >= 0) {
            used = end;
            break;
          }
        }
        if (found < 0) return fail("column not found in the rows read");
        path.push_back(found);
        type = (*fields)[found]->type();
        if (used >= rest.size()) break;
        fields = &type->fields();
        rest = rest.substr(used + 1);
      }
    }
    Evaluator eval(*batch);
    auto value = eval.Eval(*a.value);
    if (!value.ok()) return fail(value.status().message());
    arrow::Datum d = *value;
    // SQL assignment rounds to a decimal column's scale.
    if (type->id() == arrow::Type::DECIMAL128 && !IsNullType(d) &&
        (arrow::is_floating(d.type()->id()) ||
         (arrow::is_decimal(d.type()->id()) &&
          static_cast<const arrow::DecimalType&>(*d.type()).scale() >
              static_cast<const arrow::DecimalType&>(*type).scale()))) {
      cp::RoundOptions options(static_cast<const arrow::DecimalType&>(*type).scale(),
                               cp::RoundMode::HALF_TOWARDS_INFINITY);
      auto rounded = cp::CallFunction("round", {d}, &options);
      if (!rounded.ok()) return fail(rounded.status().message());
      d = *rounded;
    }
    auto cast = eval.Coerce(*a.value, d, type);
    if (!cast.ok()) {
      return fail("cannot store the value in column '" + a.column + "' of type " +
                  field->type->ToString() + " (" + cast.status().message() +
                  "); convert it explicitly with CAST or round()");
    }
    std::shared_ptr<arrow::Array> array;
    if (cast->is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*cast->scalar(), batch->num_rows()));
    } else {
      array = cast->make_array();
    }
    if (field->required && array->null_count() > 0) {
      return fail("column '" + a.column + "' is required but the value is NULL for " +
                  std::to_string(array->null_count()) + " row(s)");
    }
    values.push_back(std::move(array));
    paths.push_back(std::move(path));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns = batch->columns();
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& path = paths[i];
    ARROW_ASSIGN_OR_RAISE(columns[path[0]], ReplaceNested(columns[path[0]], path, 1, values[i]));
  }
  return arrow::RecordBatch::Make(batch->schema(), batch->num_rows(), std::move(columns));
}

}  // namespace floe::iceberg
