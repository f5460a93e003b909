// Ports the intent of Java's TestInclusiveMetricsEvaluator.

#include "floe/iceberg/expression/inclusive_metrics_evaluator.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/type/single_value.h"

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
      0, {F(1, "id", Type::Int(), true), F(2, "no_stats", Type::Int()),
          F(3, "required", Type::String(), true), F(4, "all_nulls", Type::String()),
          F(5, "some_nulls", Type::String()), F(6, "no_nulls", Type::String()),
          F(7, "all_nans", Type::Double()), F(8, "some_nans", Type::Float()),
          F(9, "no_nans", Type::Float()), F(10, "all_nulls_double", Type::Double()),
          F(11, "nan_lower", Type::Float()), F(12, "nan_and_null_only", Type::Double()),
          F(13, "no_nan_stats", Type::Double()), F(14, "trunc", Type::String()),
          F(15, "big", Type::Long())});
  return schema;
}

std::string Ser(const Literal& v) {
  auto r = SerializeValue(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

DataFile TestFile() {
  DataFile f;
  f.file_path = "file.parquet";
  f.record_count = 50;
  for (int32_t id = 4; id <= 15; ++id) f.value_counts[id] = 50;
  f.null_value_counts = {{4, 50}, {5, 10}, {6, 0}, {10, 50}, {11, 0}, {12, 1}, {14, 0}};
  f.nan_value_counts = {{7, 50}, {8, 1}, {9, 0}, {12, 49}};
  f.lower_bounds = {{1, Ser(Literal::Int(30))},
                    {8, Ser(Literal::Float(1.0f))},
                    {9, Ser(Literal::Float(-5.0f))},
                    {11, Ser(Literal::Float(std::nanf("")))},
                    {14, Ser(Literal::String("abc"))},  // truncated from "abcdef…"
                    // A long column whose bounds were written while it was an int.
                    {15, Ser(Literal::Int(-7))}};
  f.upper_bounds = {{1, Ser(Literal::Int(79))},
                    {8, Ser(Literal::Float(2.0f))},
                    {9, Ser(Literal::Float(5.0f))},
                    {11, Ser(Literal::Float(42.0f))},
                    {14, Ser(Literal::String("abd"))},  // truncated "abc…" plus one
                    {15, Ser(Literal::Int(7))}};
  return f;
}

bool Might(std::string_view filter, const DataFile& file = TestFile()) {
  auto parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto bound = Bind(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << filter << ": " << bound.status().ToString();
  if (!bound.ok()) return true;
  return InclusiveMetricsEvaluator(*bound).MightMatch(file);
}

TEST(InclusiveMetricsEvaluatorTest, AllNullsColumnCannotMatchValuePredicates) {
  EXPECT_FALSE(Might("all_nulls IS NOT NULL"));
  EXPECT_FALSE(Might("all_nulls < 'a'"));
  EXPECT_FALSE(Might("all_nulls = 'a'"));
  EXPECT_FALSE(Might("all_nulls IN ('a', 'b')"));
  EXPECT_FALSE(Might("all_nulls STARTS WITH 'a'"));
  EXPECT_TRUE(Might("all_nulls NOT STARTS WITH 'a'"));
  EXPECT_TRUE(Might("all_nulls IS NULL"));
  EXPECT_TRUE(Might("some_nulls IS NOT NULL"));
  EXPECT_TRUE(Might("some_nulls = 'x'"));
}

TEST(InclusiveMetricsEvaluatorTest, NoNullsColumnCannotMatchIsNull) {
  EXPECT_FALSE(Might("no_nulls IS NULL"));
  EXPECT_TRUE(Might("some_nulls IS NULL"));
  EXPECT_TRUE(Might("all_nulls IS NULL"));
  // Required columns bind IS NULL to false before metrics are even looked at.
  EXPECT_FALSE(Might("required IS NULL"));
}

TEST(InclusiveMetricsEvaluatorTest, NaNCountsDecideIsNanAndNotNan) {
  EXPECT_TRUE(Might("all_nans IS NAN"));
  EXPECT_TRUE(Might("some_nans IS NAN"));
  EXPECT_FALSE(Might("no_nans IS NAN"));
  EXPECT_FALSE(Might("all_nulls_double IS NAN"));  // only nulls, so no NaN
  EXPECT_TRUE(Might("no_nan_stats IS NAN"));
  EXPECT_TRUE(Might("nan_and_null_only IS NAN"));
  EXPECT_FALSE(Might("all_nans IS NOT NAN"));
  EXPECT_TRUE(Might("some_nans IS NOT NAN"));
  EXPECT_TRUE(Might("no_nans IS NOT NAN"));
  EXPECT_TRUE(Might("nan_and_null_only IS NOT NAN"));
  // Comparisons on an all-NaN column cannot match.
  EXPECT_FALSE(Might("all_nans < 1e0"));
  EXPECT_FALSE(Might("all_nans = 1e0"));
  EXPECT_FALSE(Might("all_nans IN (1e0, 2e0)"));
  // Bounds exclude NaN, so range pruning still works on a column with some NaNs.
  EXPECT_FALSE(Might("some_nans > 2e0"));
  EXPECT_TRUE(Might("some_nans >= 2e0"));
  EXPECT_FALSE(Might("no_nans < -5e0"));
}

TEST(InclusiveMetricsEvaluatorTest, NaNBoundsAreIgnored) {
  EXPECT_TRUE(Might("nan_lower < 1e0"));
  EXPECT_TRUE(Might("nan_lower = 1e0"));
  EXPECT_FALSE(Might("nan_lower > 42e0"));  // the upper bound is still usable
}

TEST(InclusiveMetricsEvaluatorTest, MissingStatsMightMatch) {
  DataFile bare;
  bare.record_count = 50;
  for (const char* f : {"no_stats < 5", "no_stats IS NULL", "no_stats IS NOT NULL",
                        "some_nans IS NAN", "some_nans IS NOT NAN", "id = 5",
                        "trunc STARTS WITH 'x'", "trunc NOT STARTS WITH 'x'", "id IN (1, 2)"}) {
    EXPECT_TRUE(Might(f, bare)) << f;
  }
}

TEST(InclusiveMetricsEvaluatorTest, EmptyFileCannotMatchAndUnknownCountMight) {
  DataFile empty;
  empty.record_count = 0;
  EXPECT_FALSE(Might("no_stats IS NULL", empty));
  EXPECT_FALSE(Might("true", empty));
  DataFile unknown;
  unknown.record_count = -1;
  EXPECT_TRUE(Might("all_nulls IS NOT NULL", unknown));
}

TEST(InclusiveMetricsEvaluatorTest, IntegerRanges) {
  EXPECT_FALSE(Might("id < 5"));
  EXPECT_FALSE(Might("id < 30"));
  EXPECT_TRUE(Might("id < 31"));
  EXPECT_FALSE(Might("id <= 29"));
  EXPECT_TRUE(Might("id <= 30"));
  EXPECT_FALSE(Might("id > 79"));
  EXPECT_TRUE(Might("id > 78"));
  EXPECT_FALSE(Might("id >= 80"));
  EXPECT_TRUE(Might("id >= 79"));
  EXPECT_FALSE(Might("id = 29"));
  EXPECT_TRUE(Might("id = 30"));
  EXPECT_TRUE(Might("id = 75"));
  EXPECT_TRUE(Might("id = 79"));
  EXPECT_FALSE(Might("id = 80"));
  EXPECT_TRUE(Might("id != 5"));
  EXPECT_TRUE(Might("id != 30"));
  // NOT is pushed down: NOT (id < 80) is id >= 80.
  EXPECT_FALSE(Might("NOT id < 80"));
  EXPECT_TRUE(Might("NOT id < 79"));
  EXPECT_FALSE(Might("id < 5 OR id > 90"));
  EXPECT_FALSE(Might("id > 40 AND id < 5"));
}

TEST(InclusiveMetricsEvaluatorTest, PromotedLongColumnReadsIntBounds) {
  EXPECT_FALSE(Might("big > 7"));
  EXPECT_TRUE(Might("big >= 7"));
  EXPECT_FALSE(Might("big < -7"));
  EXPECT_FALSE(Might("big = 3000000000"));
}

TEST(InclusiveMetricsEvaluatorTest, InSets) {
  EXPECT_FALSE(Might("id IN (5, 6)"));
  EXPECT_TRUE(Might("id IN (29, 30)"));
  EXPECT_TRUE(Might("id IN (75, 76)"));
  EXPECT_TRUE(Might("id IN (79, 80)"));
  EXPECT_FALSE(Might("id IN (80, 81)"));
  EXPECT_TRUE(Might("id NOT IN (30, 31)"));
  EXPECT_FALSE(Might("trunc IN ('aaa', 'abe')"));
  EXPECT_TRUE(Might("trunc IN ('aaa', 'abcz')"));
  // Beyond the limit the set is not checked against bounds.
  std::string many = "id IN (";
  for (int i = 0; i < 250; ++i) many += (i ? ", " : "") + std::to_string(1000 + i);
  many += ")";
  EXPECT_TRUE(Might(many));
  std::string few = "id IN (";
  for (int i = 0; i < 150; ++i) few += (i ? ", " : "") + std::to_string(1000 + i);
  few += ")";
  EXPECT_FALSE(Might(few));
}

TEST(InclusiveMetricsEvaluatorTest, TruncatedStringBoundsStayInclusive) {
  // Values lie in ["abc", "abd"): lower truncated, upper truncated and incremented.
  EXPECT_TRUE(Might("trunc = 'abcdefghijklmnopqrstuvwxyz'"));
  EXPECT_TRUE(Might("trunc = 'abc'"));
  EXPECT_FALSE(Might("trunc = 'abb'"));
  EXPECT_FALSE(Might("trunc = 'abe'"));
  EXPECT_TRUE(Might("trunc < 'abca'"));
  EXPECT_FALSE(Might("trunc < 'abc'"));
  EXPECT_FALSE(Might("trunc > 'abd'"));
  EXPECT_TRUE(Might("trunc > 'abcz'"));
}

TEST(InclusiveMetricsEvaluatorTest, StartsWithUsesBoundsUpToThePrefixLength) {
  EXPECT_TRUE(Might("trunc STARTS WITH 'a'"));
  EXPECT_TRUE(Might("trunc STARTS WITH 'ab'"));
  EXPECT_TRUE(Might("trunc STARTS WITH 'abc'"));
  EXPECT_TRUE(Might("trunc STARTS WITH 'abcdefg'"));  // longer than the truncated lower bound
  EXPECT_TRUE(Might("trunc STARTS WITH 'abd'"));      // the upper bound itself
  EXPECT_FALSE(Might("trunc STARTS WITH 'abe'"));
  EXPECT_FALSE(Might("trunc STARTS WITH 'aa'"));
  EXPECT_FALSE(Might("trunc STARTS WITH 'b'"));
  EXPECT_FALSE(Might("trunc STARTS WITH 'abb'"));
}

TEST(InclusiveMetricsEvaluatorTest, NotStartsWithPrunesOnlyWhenBothBoundsHaveThePrefix) {
  EXPECT_FALSE(Might("trunc NOT STARTS WITH 'ab'"));
  EXPECT_FALSE(Might("trunc NOT STARTS WITH 'a'"));
  EXPECT_TRUE(Might("trunc NOT STARTS WITH 'abc'"));  // the upper bound "abd" does not
  EXPECT_TRUE(Might("trunc NOT STARTS WITH 'b'"));
  // A column that may hold nulls always might match (nulls do not start with anything).
  EXPECT_TRUE(Might("some_nulls NOT STARTS WITH 'a'"));
}

}  // namespace
}  // namespace floe::iceberg
