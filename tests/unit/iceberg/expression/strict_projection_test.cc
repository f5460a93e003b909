// Strict projection (Java's Projections.strict and the transforms' projectStrict): exact
// projections per transform, and brute force over small domains that a partition the
// projection accepts holds only matching rows.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/expression/partition_evaluator.h"
#include "floe/iceberg/expression/projection.h"

namespace floe::iceberg {
namespace {

NestedField F(int32_t id, std::string name, TypePtr type, bool required = false) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  return f;
}

const Schema& TestSchema() {
  static const Schema schema(
      0, {F(1, "id", Type::Long()), F(2, "v", Type::Int()), F(3, "s", Type::String()),
          F(5, "ts", Type::Timestamp()), F(6, "d", Type::Date()), F(8, "x", Type::Double())});
  return schema;
}

PartitionSpec Spec(int32_t source_id, Transform t, std::string name = "p") {
  return PartitionSpec(1, {PartitionField{source_id, 1000, std::move(name), t}});
}

ExprPtr BindFilter(std::string_view filter) {
  auto parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (!parsed.ok()) return Expression::True();
  auto bound = Bind(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << filter << ": " << bound.status().ToString();
  return bound.ok() ? *bound : Expression::True();
}

std::string Project(std::string_view filter, const PartitionSpec& spec) {
  auto projected = ProjectStrict(BindFilter(filter), spec, TestSchema());
  EXPECT_TRUE(projected.ok()) << projected.status().ToString();
  if (!projected.ok()) return "<projection error>";
  EXPECT_TRUE((*projected)->is_bound());
  return (*projected)->ToString();
}

bool Must(std::string_view filter, const PartitionSpec& spec, const Literal& partition) {
  auto evaluator = StrictPartitionEvaluator::Make(spec, TestSchema(), BindFilter(filter));
  EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  return evaluator.ok() && evaluator->MustMatch(std::vector<Literal>{partition});
}

TEST(StrictProjectionTest, IdentityKeepsPredicatesAndRejectsNullPartitions) {
  auto spec = Spec(1, Transform::Identity(), "id");
  EXPECT_EQ(Project("id < 5", spec), "id IS NOT NULL AND id < 5");
  EXPECT_EQ(Project("id IS NULL", spec), "id IS NULL");
  EXPECT_TRUE(Must("id < 5", spec, Literal::Long(4)));
  EXPECT_FALSE(Must("id < 5", spec, Literal::Long(5)));
  EXPECT_TRUE(Must("id != 5", spec, Literal::Long(4)));
  // A null partition holds null rows, which match neither != nor NOT IN in SQL.
  EXPECT_FALSE(Must("id != 5", spec, Literal::Null(Type::Long())));
  EXPECT_FALSE(Must("id NOT IN (5, 6)", spec, Literal::Null(Type::Long())));
  EXPECT_TRUE(Must("id IS NULL", spec, Literal::Null(Type::Long())));
  EXPECT_TRUE(Must("id IN (4, 9)", spec, Literal::Long(9)));
  auto xspec = Spec(8, Transform::Identity(), "x");
  EXPECT_FALSE(Must("x < 1e0", xspec, Literal::Double(std::nan(""))));
  EXPECT_FALSE(Must("x != 1e0", xspec, Literal::Double(std::nan(""))));
  EXPECT_TRUE(Must("x < 1e0", xspec, Literal::Double(0.5)));
  EXPECT_TRUE(Must("x IS NAN", xspec, Literal::Double(std::nan(""))));
  EXPECT_FALSE(Must("x IS NOT NAN", xspec, Literal::Double(std::nan(""))));
}

TEST(StrictProjectionTest, BucketProvesOnlyDifferences) {
  auto spec = Spec(1, Transform::Bucket(16), "id_bucket");
  auto b = [](int64_t v) {
    return std::to_string(Transform::Bucket(16).Apply(Literal::Long(v))->AsInt());
  };
  EXPECT_EQ(Project("id != 5", spec), "id_bucket IS NOT NULL AND id_bucket != " + b(5));
  for (const char* f : {"id < 5", "id <= 5", "id > 5", "id >= 5", "id = 5", "id IN (5, 6)"}) {
    EXPECT_EQ(Project(f, spec), "false") << f;
  }
  EXPECT_EQ(Project("id IS NULL", spec), "id_bucket IS NULL");
}

TEST(StrictProjectionTest, TruncateIntegerUsesOpenBoundsOnThePartition) {
  auto spec = Spec(2, Transform::Truncate(10), "v_trunc");
  EXPECT_EQ(Project("v < 15", spec), "v_trunc < 10");
  EXPECT_EQ(Project("v < 10", spec), "v_trunc < 10");
  EXPECT_EQ(Project("v <= 19", spec), "v_trunc < 20");
  EXPECT_EQ(Project("v > 15", spec), "v_trunc > 10");
  EXPECT_EQ(Project("v >= 10", spec), "v_trunc > 0");
  EXPECT_EQ(Project("v = 15", spec), "false");
  EXPECT_EQ(Project("v != 15", spec), "v_trunc IS NOT NULL AND v_trunc != 10");
}

TEST(StrictProjectionTest, TruncateStringProvesRangesAndPrefixes) {
  auto spec = Spec(3, Transform::Truncate(2), "s_trunc");
  EXPECT_EQ(Project("s < 'abc'", spec), "s_trunc < 'ab'");
  EXPECT_EQ(Project("s > 'abc'", spec), "s_trunc > 'ab'");
  EXPECT_EQ(Project("s = 'abc'", spec), "false");
  EXPECT_EQ(Project("s STARTS WITH 'a'", spec), "s_trunc STARTS WITH 'a'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'a'", spec),
            "s_trunc IS NOT NULL AND s_trunc NOT STARTS WITH 'a'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'abc'", spec), "s_trunc IS NOT NULL AND s_trunc != 'ab'");
}

TEST(StrictProjectionTest, DayPartitionProvesTimestampRanges) {
  auto spec = Spec(5, Transform::Day(), "ts_day");
  EXPECT_EQ(Project("ts >= '2026-01-02T00:00:00'", spec), "ts_day > '2026-01-01'");
  EXPECT_EQ(Project("ts > '2026-01-02T00:00:00'", spec), "ts_day > '2026-01-02'");
  EXPECT_EQ(Project("ts < '2026-01-02T00:00:00'", spec), "ts_day < '2026-01-02'");
  EXPECT_EQ(Project("ts <= '2026-01-01T23:59:59.999999'", spec), "ts_day < '2026-01-02'");
  EXPECT_EQ(Project("ts = '2026-01-02T00:00:00'", spec), "false");
  // Files of older Java writers put pre-1970 values one day up: no lower bound proven there.
  EXPECT_EQ(Project("ts >= '1969-12-31T00:00:00'", spec), "false");
  EXPECT_EQ(Project("ts < '1969-12-31T00:00:00'", spec), "ts_day < '1969-12-31'");
}

TEST(StrictProjectionTest, ConnectivesAndSeveralFields) {
  PartitionSpec spec(1, {PartitionField{1, 1000, "id_bucket", Transform::Bucket(4)},
                         PartitionField{1, 1001, "id", Transform::Identity()}});
  // Either field proving the predicate is enough.
  EXPECT_EQ(Project("id = 5", spec), "id IS NOT NULL AND id = 5");
  EXPECT_EQ(Project("id = 5 OR v < 3", spec), "id IS NOT NULL AND id = 5");
  EXPECT_EQ(Project("id = 5 AND v < 3", spec), "false");
  EXPECT_EQ(Project("id = 5", PartitionSpec::Unpartitioned()), "false");
  EXPECT_EQ(Project("true", PartitionSpec::Unpartitioned()), "true");
  auto evaluator = StrictPartitionEvaluator::Make(spec, TestSchema(), BindFilter("id = 5"));
  ASSERT_TRUE(evaluator.ok());
  EXPECT_FALSE(evaluator->MustMatch(std::vector<Literal>{Literal::Int(1)}));  // wrong arity
}

// Every value of `domain` whose partition the projection accepts matches the predicate (SQL
// semantics: null only matches IS NULL); and range predicates are proven for every partition
// wholly inside them when `complete`.
void CheckSound(const PartitionSpec& spec, const std::vector<Literal>& domain,
                const std::vector<std::string>& filters, bool complete) {
  const Transform& t = spec.fields()[0].transform;
  for (const std::string& filter : filters) {
    ExprPtr bound = RewriteNot(BindFilter(filter));
    auto evaluator = StrictPartitionEvaluator::Make(spec, TestSchema(), bound);
    ASSERT_TRUE(evaluator.ok());
    std::map<std::string, std::pair<Literal, bool>> partitions;  // all rows match?
    for (const Literal& v : domain) {
      auto p = t.Apply(v);
      ASSERT_TRUE(p.ok());
      const bool matches = !v.is_null() && EvaluatePredicate(*bound, v);
      const bool is_null_match = v.is_null() && bound->op() == Op::kIsNull;
      auto [it, inserted] = partitions.emplace(p->ToString(), std::make_pair(*p, true));
      it->second.second = it->second.second && (matches || is_null_match);
    }
    for (const auto& [key, entry] : partitions) {
      const bool must = evaluator->MustMatch(std::vector<Literal>{entry.first});
      if (must) {
        EXPECT_TRUE(entry.second) << filter << " partition " << key;
      }
      if (complete && entry.second) {
        EXPECT_TRUE(must) << filter << " partition " << key;
      }
    }
  }
}

std::vector<std::string> Filters(const std::string& column, int from, int to,
                                 const std::vector<std::string>& ops) {
  std::vector<std::string> out;
  for (int lit = from; lit <= to; ++lit) {
    for (const auto& op : ops) out.push_back(column + " " + op + " " + std::to_string(lit));
  }
  return out;
}

TEST(StrictProjectionTest, BruteForceTruncateInt) {
  std::vector<Literal> domain{Literal::Null(Type::Int())};
  for (int v = -40; v < 40; ++v) domain.push_back(Literal::Int(v));
  auto spec = Spec(2, Transform::Truncate(10), "v_trunc");
  CheckSound(spec, domain, Filters("v", -25, 25, {"<", "<=", ">", ">="}), true);
  CheckSound(spec, domain, Filters("v", -25, 25, {"=", "!="}), false);
  CheckSound(spec, domain, {"v IS NULL", "v IS NOT NULL", "v NOT IN (3, 17)"}, true);
}

TEST(StrictProjectionTest, BruteForceMonthOfDate) {
  // 1969-10-01 .. 1970-03-31: whole months around the epoch.
  std::vector<Literal> domain{Literal::Null(Type::Date())};
  for (int d = -92; d <= 89; ++d) domain.push_back(Literal::Date(d));
  auto spec = Spec(6, Transform::Month(), "d_month");
  CheckSound(spec, domain, Filters("d", -70, 70, {"<", "<=", ">", ">=", "!="}), false);
  // Upper bounds are proven for every whole month below them, before the epoch too.
  CheckSound(spec, domain, Filters("d", -70, 70, {"<", "<="}), true);
}

TEST(StrictProjectionTest, BruteForceTruncateString) {
  std::vector<Literal> domain{Literal::Null(Type::String())};
  const std::string alphabet = "ab";
  std::function<void(std::string)> grow = [&](std::string s) {
    domain.push_back(Literal::String(s));
    if (s.size() < 3) {
      for (char c : alphabet) grow(s + c);
    }
  };
  grow("");
  std::vector<std::string> filters;
  for (const Literal& lit : domain) {
    if (lit.is_null()) continue;
    const std::string q = "'" + lit.AsBytes() + "'";
    for (const char* op : {"<", "<=", ">", ">=", "!=", "STARTS WITH", "NOT STARTS WITH"}) {
      if (lit.AsBytes().empty() && std::string(op).find("STARTS") != std::string::npos) continue;
      filters.push_back("s " + std::string(op) + " " + q);
    }
  }
  CheckSound(Spec(3, Transform::Truncate(2), "s_trunc"), domain, filters, false);
}

}  // namespace
}  // namespace floe::iceberg
