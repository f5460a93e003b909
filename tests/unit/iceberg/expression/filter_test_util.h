#pragma once

// Shared by the filter property tests: a small random table, random filters over it, and a
// reference evaluator with SQL three-valued logic that works on the unbound filter (NOTs
// included), independent of Bind, RewriteNot and the evaluators under test.

#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/type/schema.h"

namespace floe::iceberg::testing {

inline NestedField Field(int32_t id, std::string name, TypePtr type) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  return f;
}

/// a long, i int, s string, d double, ts timestamp; all optional.
inline const Schema& RandomSchema() {
  static const Schema schema(0, {Field(1, "a", Type::Long()), Field(2, "i", Type::Int()),
                                 Field(3, "s", Type::String()), Field(4, "d", Type::Double()),
                                 Field(5, "ts", Type::Timestamp())});
  return schema;
}

using Row = std::vector<Literal>;  // values of fields 1..5 in order

constexpr int64_t kHourMicros = 3600LL * 1000000;

class RandomData {
 public:
  explicit RandomData(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(0, 99) < percent; }

  std::string Str(int max_len) {
    std::string s;
    int n = Int(0, max_len);
    for (int k = 0; k < n; ++k) s += static_cast<char>('a' + Int(0, 2));
    return s;
  }
  double Dbl() { return Int(-4, 4) * 0.5; }
  int64_t Ts() { return static_cast<int64_t>(Int(-80, 80)) * kHourMicros + Int(0, 2) * 1000000; }

  Row MakeRow() {
    Row r;
    r.push_back(Chance(15) ? Literal::Null(Type::Long()) : Literal::Long(Int(-20, 20)));
    r.push_back(Chance(15) ? Literal::Null(Type::Int()) : Literal::Int(Int(-5, 5)));
    r.push_back(Chance(15) ? Literal::Null(Type::String()) : Literal::String(Str(4)));
    if (Chance(15)) {
      r.push_back(Literal::Null(Type::Double()));
    } else {
      r.push_back(Literal::Double(Chance(15) ? std::nan("") : Dbl()));
    }
    r.push_back(Chance(15) ? Literal::Null(Type::Timestamp()) : Literal::Timestamp(Ts()));
    return r;
  }

  ExprPtr Predicate() {
    static const Op kCompare[] = {Op::kLt, Op::kLtEq, Op::kGt, Op::kGtEq, Op::kEq, Op::kNotEq};
    auto compare = [&]() { return kCompare[Int(0, 5)]; };
    auto set = [&](auto make) {
      std::vector<Literal> values;
      int n = Int(1, 4);
      for (int k = 0; k < n; ++k) values.push_back(make());
      return values;
    };
    switch (Int(0, 4)) {
      case 0: {  // a long
        auto lit = [&]() { return Literal::Long(Int(-22, 22)); };
        switch (Int(0, 5)) {
          case 0: return Expression::Predicate(Op::kIsNull, "a");
          case 1: return Expression::Predicate(Op::kNotNull, "a");
          case 2: return In("a", set(lit));
          case 3: return NotIn("a", set(lit));
          default: return Expression::Predicate(compare(), "a", {lit()});
        }
      }
      case 1: {  // i int, with literals beyond the int range now and then
        auto lit = [&]() {
          if (Chance(20)) return Literal::Long(Chance(50) ? 3'000'000'000LL : -3'000'000'000LL);
          return Literal::Long(Int(-6, 6));
        };
        switch (Int(0, 4)) {
          case 0: return In("i", set(lit));
          case 1: return NotIn("i", set(lit));
          default: return Expression::Predicate(compare(), "i", {lit()});
        }
      }
      case 2: {  // s string
        switch (Int(0, 5)) {
          case 0: return StartsWith("s", Str(3));
          case 1: return NotStartsWith("s", Str(3));
          case 2: return In("s", set([&]() { return Literal::String(Str(3)); }));
          case 3: return Expression::Predicate(Op::kIsNull, "s");
          default: return Expression::Predicate(compare(), "s", {Literal::String(Str(3))});
        }
      }
      case 3: {  // d double
        switch (Int(0, 4)) {
          case 0: return Expression::Predicate(Op::kIsNan, "d");
          case 1: return Expression::Predicate(Op::kNotNan, "d");
          case 2: return Expression::Predicate(Op::kNotNull, "d");
          default: return Expression::Predicate(compare(), "d", {Literal::Double(Dbl())});
        }
      }
      default: {  // ts timestamp
        if (Chance(20)) return In("ts", set([&]() { return Literal::Timestamp(Ts()); }));
        return Expression::Predicate(compare(), "ts", {Literal::Timestamp(Ts())});
      }
    }
  }

  ExprPtr Filter(int depth) {
    if (depth == 0 || Chance(40)) return Predicate();
    switch (Int(0, 2)) {
      case 0: return Expression::And(Filter(depth - 1), Filter(depth - 1));
      case 1: return Expression::Or(Filter(depth - 1), Filter(depth - 1));
      default: return Expression::Not(Filter(depth - 1));
    }
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

/// SQL three-valued evaluation of an unbound filter on a row of RandomSchema(); nullopt is
/// unknown. Floating comparisons follow IEEE 754 (NaN is unordered and unequal).
inline std::optional<bool> Reference(const Expression& e, const Row& row) {
  using Tri = std::optional<bool>;
  switch (e.op()) {
    case Op::kTrue:
      return true;
    case Op::kFalse:
      return false;
    case Op::kAnd: {
      Tri l = Reference(*e.left(), row), r = Reference(*e.right(), row);
      if (l == false || r == false) return false;
      if (!l || !r) return std::nullopt;
      return true;
    }
    case Op::kOr: {
      Tri l = Reference(*e.left(), row), r = Reference(*e.right(), row);
      if (l == true || r == true) return true;
      if (!l || !r) return std::nullopt;
      return false;
    }
    case Op::kNot: {
      Tri c = Reference(*e.left(), row);
      if (!c) return std::nullopt;
      return !*c;
    }
    default:
      break;
  }
  const NestedField* field = RandomSchema().FindFieldByName(e.ref().name);
  const Literal& v = row[field->id - 1];
  if (e.op() == Op::kIsNull) return v.is_null();
  if (e.op() == Op::kNotNull) return !v.is_null();
  if (v.is_null()) return std::nullopt;
  const bool nan = std::holds_alternative<double>(v.value()) && std::isnan(v.AsDouble());
  switch (e.op()) {
    case Op::kIsNan: return nan;
    case Op::kNotNan: return !nan;
    case Op::kStartsWith:
    case Op::kNotStartsWith: {
      const std::string& p = e.literal().AsBytes();
      bool starts = v.AsBytes().compare(0, p.size(), p) == 0 && v.AsBytes().size() >= p.size();
      return e.op() == Op::kStartsWith ? starts : !starts;
    }
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      for (const Literal& lit : e.literals()) found = found || (!nan && v.Compare(lit) == 0);
      return e.op() == Op::kIn ? found : !found;
    }
    default:
      break;
  }
  if (nan) return e.op() == Op::kNotEq;
  int c = v.Compare(e.literal());
  switch (e.op()) {
    case Op::kLt: return c < 0;
    case Op::kLtEq: return c <= 0;
    case Op::kGt: return c > 0;
    case Op::kGtEq: return c >= 0;
    case Op::kEq: return c == 0;
    case Op::kNotEq: return c != 0;
    default: return std::nullopt;
  }
}

}  // namespace floe::iceberg::testing
