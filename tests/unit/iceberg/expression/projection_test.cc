// Ports the intent of Java's TestProjection and the per-transform projection tests
// (TestBucketingProjection, TestTruncatesProjection, TestDatesProjection,
// TestTimestampsProjection), plus partition-tuple evaluation.

#include "floe/iceberg/expression/projection.h"

#include <gtest/gtest.h>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/expression/partition_evaluator.h"

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
  static const Schema schema(0, {F(1, "id", Type::Long()), F(2, "v", Type::Int()),
                                 F(3, "s", Type::String()), F(4, "dec", Type::Decimal(9, 2)),
                                 F(5, "ts", Type::Timestamp()), F(6, "d", Type::Date()),
                                 F(7, "tz", Type::TimestampTz()), F(8, "x", Type::Double())});
  return schema;
}

PartitionSpec Spec(int32_t source_id, Transform t, std::string name = "p") {
  return PartitionSpec(1, {PartitionField{source_id, 1000, std::move(name), t}});
}

std::string Project(std::string_view filter, const PartitionSpec& spec) {
  auto parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto bound = Bind(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << filter << ": " << bound.status().ToString();
  if (!bound.ok()) return "<bind error>";
  auto projected = ProjectInclusive(*bound, spec, TestSchema());
  EXPECT_TRUE(projected.ok()) << projected.status().ToString();
  if (!projected.ok()) return "<projection error>";
  EXPECT_TRUE((*projected)->is_bound());
  return (*projected)->ToString();
}

TEST(ProjectionTest, IdentityKeepsEveryPredicate) {
  auto spec = Spec(1, Transform::Identity(), "id");
  for (const char* f : {"id < 5", "id <= 5", "id > 5", "id >= 5", "id = 5", "id != 5",
                        "id IN (1, 2)", "id NOT IN (1, 2)", "id IS NULL", "id IS NOT NULL"}) {
    EXPECT_EQ(Project(f, spec), f);
  }
  auto sspec = Spec(3, Transform::Identity(), "s");
  EXPECT_EQ(Project("s STARTS WITH 'ab'", sspec), "s STARTS WITH 'ab'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'ab'", sspec), "s NOT STARTS WITH 'ab'");
  EXPECT_EQ(Project("x IS NAN", Spec(8, Transform::Identity(), "x")), "x IS NAN");
}

TEST(ProjectionTest, BucketProjectsEqualityAndInOnly) {
  auto spec = Spec(1, Transform::Bucket(16), "id_bucket");
  auto b = [](int64_t v) {
    return std::to_string(Transform::Bucket(16).Apply(Literal::Long(v))->AsInt());
  };
  EXPECT_EQ(Project("id = 5", spec), "id_bucket = " + b(5));
  std::string in = Project("id IN (5, 6)", spec);
  EXPECT_TRUE(in == "id_bucket IN (" + b(5) + ", " + b(6) + ")" ||
              in == "id_bucket = " + b(5))  // both values may share a bucket
      << in;
  for (const char* f : {"id < 5", "id <= 5", "id > 5", "id >= 5", "id != 5",
                        "id NOT IN (5, 6)"}) {
    EXPECT_EQ(Project(f, spec), "true") << f;
  }
  EXPECT_EQ(Project("id IS NULL", spec), "id_bucket IS NULL");
  EXPECT_EQ(Project("id IS NOT NULL", spec), "id_bucket IS NOT NULL");
}

TEST(ProjectionTest, TruncateIntegerMovesStrictBoundsInward) {
  auto spec = Spec(2, Transform::Truncate(10), "v_trunc");
  EXPECT_EQ(Project("v < 15", spec), "v_trunc <= 10");
  EXPECT_EQ(Project("v < 10", spec), "v_trunc <= 0");
  EXPECT_EQ(Project("v <= 15", spec), "v_trunc <= 10");
  EXPECT_EQ(Project("v > 15", spec), "v_trunc >= 10");
  EXPECT_EQ(Project("v > 9", spec), "v_trunc >= 10");
  EXPECT_EQ(Project("v >= 15", spec), "v_trunc >= 10");
  EXPECT_EQ(Project("v = 15", spec), "v_trunc = 10");
  EXPECT_EQ(Project("v != 15", spec), "true");
  EXPECT_EQ(Project("v IN (15, 16, 25)", spec), "v_trunc IN (10, 20)");
  // Negative values truncate toward negative infinity.
  EXPECT_EQ(Project("v < -5", spec), "v_trunc <= -10");
  EXPECT_EQ(Project("v = -1", spec), "v_trunc = -10");
  EXPECT_EQ(Project("v > -1", spec), "v_trunc >= 0");
}

TEST(ProjectionTest, TruncateDecimalUsesUnscaledValues) {
  auto spec = Spec(4, Transform::Truncate(10), "dec_trunc");
  EXPECT_EQ(Project("dec < 1.00", spec), "dec_trunc <= 0.90");
  EXPECT_EQ(Project("dec >= 1.05", spec), "dec_trunc >= 1.00");
  EXPECT_EQ(Project("dec = -0.01", spec), "dec_trunc = -0.10");
}

TEST(ProjectionTest, TruncateStringKeepsClosedBoundsAndPrefixes) {
  auto spec = Spec(3, Transform::Truncate(2), "s_trunc");
  EXPECT_EQ(Project("s < 'abc'", spec), "s_trunc <= 'ab'");
  EXPECT_EQ(Project("s <= 'abc'", spec), "s_trunc <= 'ab'");
  EXPECT_EQ(Project("s > 'abc'", spec), "s_trunc >= 'ab'");
  EXPECT_EQ(Project("s >= 'a'", spec), "s_trunc >= 'a'");
  EXPECT_EQ(Project("s = 'abc'", spec), "s_trunc = 'ab'");
  EXPECT_EQ(Project("s != 'abc'", spec), "true");
  EXPECT_EQ(Project("s IN ('abc', 'abd', 'xyz')", spec), "s_trunc IN ('ab', 'xy')");
  EXPECT_EQ(Project("s STARTS WITH 'abc'", spec), "s_trunc STARTS WITH 'ab'");
  EXPECT_EQ(Project("s STARTS WITH 'a'", spec), "s_trunc STARTS WITH 'a'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'a'", spec), "s_trunc NOT STARTS WITH 'a'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'ab'", spec), "s_trunc != 'ab'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'abc'", spec), "true");
  // Widths count code points, not bytes.
  EXPECT_EQ(Project("s = 'éàx'", spec), "s_trunc = 'éà'");
  EXPECT_EQ(Project("s NOT STARTS WITH 'éà'", spec), "s_trunc != 'éà'");
}

TEST(ProjectionTest, DayOfTimestamp) {
  auto spec = Spec(5, Transform::Day(), "ts_day");
  EXPECT_EQ(Project("ts < '2024-03-01T00:00:00'", spec), "ts_day <= '2024-02-29'");
  EXPECT_EQ(Project("ts <= '2024-03-01T00:00:00'", spec), "ts_day <= '2024-03-01'");
  EXPECT_EQ(Project("ts > '2024-03-01T23:59:59.999999'", spec), "ts_day >= '2024-03-02'");
  EXPECT_EQ(Project("ts >= '2024-03-01T12:00:00'", spec), "ts_day >= '2024-03-01'");
  EXPECT_EQ(Project("ts = '2024-03-01T10:00:00'", spec), "ts_day = '2024-03-01'");
  EXPECT_EQ(Project("ts != '2024-03-01T10:00:00'", spec), "true");
  EXPECT_EQ(Project("ts IS NULL", spec), "ts_day IS NULL");
}

TEST(ProjectionTest, NegativeTimestampsAndDatesWidenByOne) {
  auto day = Spec(5, Transform::Day(), "ts_day");
  // ts < epoch is ts <= -1µs, day -1; widened to day 0 for files from older Java writers.
  EXPECT_EQ(Project("ts < '1970-01-01T00:00:00'", day), "ts_day <= '1970-01-01'");
  EXPECT_EQ(Project("ts = '1969-12-31T10:00:00'", day),
            "ts_day IN ('1969-12-31', '1970-01-01')");
  EXPECT_EQ(Project("ts > '1969-12-31T10:00:00'", day), "ts_day >= '1969-12-31'");
  EXPECT_EQ(Project("ts IN ('1969-12-30T01:00:00', '2000-01-01T00:00:00')", day),
            "ts_day IN ('1969-12-30', '2000-01-01', '1969-12-31')");
  auto year = Spec(6, Transform::Year(), "d_year");
  EXPECT_EQ(Project("d = '1969-05-05'", year), "d_year IN (-1, 0)");
  EXPECT_EQ(Project("d <= '1968-12-31'", year), "d_year <= -1");  // year -2 widened
  EXPECT_EQ(Project("d >= '1968-12-31'", year), "d_year >= -2");
  auto month = Spec(6, Transform::Month(), "d_month");
  EXPECT_EQ(Project("d < '2024-03-01'", month), "d_month <= 649");
  EXPECT_EQ(Project("d < '1970-01-01'", month), "d_month <= 0");
  auto hour = Spec(7, Transform::Hour(), "tz_hour");
  EXPECT_EQ(Project("tz < '1970-01-01T01:00:00Z'", hour), "tz_hour <= 0");
  EXPECT_EQ(Project("tz < '1970-01-01T00:00:00Z'", hour), "tz_hour <= 0");
  EXPECT_EQ(Project("tz >= '1969-12-31T22:30:00Z'", hour), "tz_hour >= -2");
}

TEST(ProjectionTest, VoidAndUnpartitionedProjectToTrue) {
  EXPECT_EQ(Project("id = 5", Spec(1, Transform::Void(), "id_null")), "true");
  EXPECT_EQ(Project("id IS NULL", Spec(1, Transform::Void(), "id_null")), "true");
  EXPECT_EQ(Project("id = 5", PartitionSpec::Unpartitioned()), "true");
}

TEST(ProjectionTest, CombinesFieldsAndConnectives) {
  PartitionSpec spec(1, {PartitionField{1, 1000, "id", Transform::Identity()},
                         PartitionField{1, 1001, "id_bucket", Transform::Bucket(4)},
                         PartitionField{2, 1002, "v_trunc", Transform::Truncate(10)}});
  const std::string b5 = std::to_string(Transform::Bucket(4).Apply(Literal::Long(5))->AsInt());
  EXPECT_EQ(Project("id = 5", spec), "id = 5 AND id_bucket = " + b5);
  EXPECT_EQ(Project("id > 5 AND v < 15", spec), "id > 5 AND v_trunc <= 10");
  EXPECT_EQ(Project("id > 5 OR s = 'x'", spec), "true");  // s is not partitioned
  EXPECT_EQ(Project("id > 5 AND s = 'x'", spec), "id > 5");
  EXPECT_EQ(Project("NOT (id = 5 OR v >= 20)", spec), "id != 5 AND v_trunc <= 10");
}

bool PartitionMightMatch(std::string_view filter, const PartitionSpec& spec,
                         const std::vector<Literal>& tuple) {
  auto bound = Bind(*ParseFilter(filter), TestSchema());
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  auto evaluator = PartitionEvaluator::Make(spec, TestSchema(), *bound);
  EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  return evaluator->MightMatch(tuple);
}

TEST(PartitionEvaluatorTest, EvaluatesProjectedFilterOnTuples) {
  PartitionSpec spec(1, {PartitionField{5, 1000, "ts_day", Transform::Day()},
                         PartitionField{3, 1001, "s_trunc", Transform::Truncate(2)}});
  const std::vector<Literal> march1 = {Literal::Date(19783), Literal::String("ab")};
  EXPECT_TRUE(PartitionMightMatch("ts >= '2024-03-01T10:00:00'", spec, march1));
  EXPECT_FALSE(PartitionMightMatch("ts >= '2024-03-02T00:00:00'", spec, march1));
  EXPECT_TRUE(PartitionMightMatch("s STARTS WITH 'abz'", spec, march1));
  EXPECT_FALSE(PartitionMightMatch("s STARTS WITH 'ac'", spec, march1));
  EXPECT_FALSE(PartitionMightMatch("s NOT STARTS WITH 'ab'", spec, march1));
  EXPECT_FALSE(PartitionMightMatch("s = 'xyz' OR ts < '2024-01-01'", spec, march1));
  EXPECT_TRUE(PartitionMightMatch("s = 'xyz' OR ts < '2024-03-01T00:00:01'", spec, march1));
  // Null partition values: comparisons fail, IS NULL and != pass.
  const std::vector<Literal> nulls = {Literal::Null(Type::Date()), Literal::Null(Type::String())};
  EXPECT_FALSE(PartitionMightMatch("ts > '2000-01-01'", spec, nulls));
  EXPECT_TRUE(PartitionMightMatch("ts IS NULL", spec, nulls));
  EXPECT_FALSE(PartitionMightMatch("ts IS NOT NULL", spec, nulls));
  EXPECT_TRUE(PartitionMightMatch("s NOT STARTS WITH 'ab'", spec, nulls));
  // A tuple that does not fit the spec is never pruned.
  EXPECT_TRUE(PartitionMightMatch("ts > '2100-01-01'", spec, {Literal::Date(0)}));
}

TEST(PartitionEvaluatorTest, EvaluatePredicateNullSemantics) {
  auto pred = [](Op op, std::vector<Literal> lits) {
    Reference ref{"c", 1, Type::Long(), false};
    return Expression::BoundPredicate(op, ref, std::move(lits));
  };
  const Literal null = Literal::Null(Type::Long());
  EXPECT_FALSE(EvaluatePredicate(*pred(Op::kEq, {Literal::Long(1)}), null));
  EXPECT_FALSE(EvaluatePredicate(*pred(Op::kLt, {Literal::Long(1)}), null));
  EXPECT_TRUE(EvaluatePredicate(*pred(Op::kNotEq, {Literal::Long(1)}), null));
  EXPECT_TRUE(EvaluatePredicate(*pred(Op::kNotIn, {Literal::Long(1)}), null));
  EXPECT_TRUE(EvaluatePredicate(*pred(Op::kIn, {Literal::Long(1), Literal::Long(2)}),
                                Literal::Long(2)));
  EXPECT_FALSE(EvaluatePredicate(*pred(Op::kNotIn, {Literal::Long(1), Literal::Long(2)}),
                                 Literal::Long(2)));
}

}  // namespace
}  // namespace floe::iceberg
