// The ideas of Java's TestStrictMetricsEvaluator, under floe's SQL null semantics, plus a
// brute-force check that "must match" is never claimed for a file holding a row that fails.

#include "floe/iceberg/expression/strict_metrics_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/expression/partition_evaluator.h"
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
          F(11, "nan_bounds", Type::Float()), F(12, "no_nan_stats", Type::Double()),
          F(13, "trunc", Type::String()), F(14, "same", Type::Int()), F(15, "big", Type::Long()),
          F(16, "s", Type::String())});
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
  for (int32_t id = 1; id <= 16; ++id) {
    if (id != 2) f.value_counts[id] = 50;
  }
  f.null_value_counts = {{1, 0},   {3, 0},  {4, 50}, {5, 10}, {6, 0},  {7, 0},  {8, 0}, {9, 0},
                         {10, 50}, {11, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0}, {16, 0}};
  f.nan_value_counts = {{7, 50}, {8, 1}, {9, 0}, {10, 0}, {11, 0}};
  f.lower_bounds = {{1, Ser(Literal::Int(30))},
                    {6, Ser(Literal::String("aaa"))},
                    {8, Ser(Literal::Float(1.0f))},
                    {9, Ser(Literal::Float(-5.0f))},
                    {11, Ser(Literal::Float(std::nanf("")))},
                    {12, Ser(Literal::Double(0.0))},
                    // A 16-character truncation of longer values, and its incremented upper.
                    {13, Ser(Literal::String("abcdefghijklmnop"))},
                    {14, Ser(Literal::Int(7))},
                    // A long column whose bounds were written while it was an int.
                    {15, Ser(Literal::Int(-7))},
                    {16, Ser(Literal::String("prefix-a"))}};
  f.upper_bounds = {{1, Ser(Literal::Int(79))},
                    {6, Ser(Literal::String("zzz"))},
                    {8, Ser(Literal::Float(2.0f))},
                    {9, Ser(Literal::Float(5.0f))},
                    {11, Ser(Literal::Float(std::nanf("")))},
                    {12, Ser(Literal::Double(1.0))},
                    {13, Ser(Literal::String("abcdefghijklmnoq"))},
                    {14, Ser(Literal::Int(7))},
                    {15, Ser(Literal::Int(7))},
                    {16, Ser(Literal::String("prefix-z"))}};
  return f;
}

ExprPtr BindFilter(std::string_view filter) {
  auto parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (!parsed.ok()) return Expression::False();
  auto bound = Bind(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << filter << ": " << bound.status().ToString();
  return bound.ok() ? *bound : Expression::False();
}

bool Must(std::string_view filter, const DataFile& file = TestFile()) {
  return StrictMetricsEvaluator(BindFilter(filter)).MustMatch(file);
}

TEST(StrictMetricsEvaluatorTest, RangesNeedTheFarBoundOnTheRightSide) {
  // id is in [30, 79].
  EXPECT_TRUE(Must("id < 80"));
  EXPECT_FALSE(Must("id < 79"));
  EXPECT_TRUE(Must("id <= 79"));
  EXPECT_FALSE(Must("id <= 78"));
  EXPECT_TRUE(Must("id > 29"));
  EXPECT_FALSE(Must("id > 30"));
  EXPECT_TRUE(Must("id >= 30"));
  EXPECT_FALSE(Must("id >= 31"));
  EXPECT_FALSE(Must("id < 5"));
  EXPECT_FALSE(Must("id > 100"));
}

TEST(StrictMetricsEvaluatorTest, EqualityNeedsBothBoundsEqualToTheLiteral) {
  EXPECT_TRUE(Must("same = 7"));
  EXPECT_FALSE(Must("same = 8"));
  EXPECT_FALSE(Must("id = 30"));
  EXPECT_TRUE(Must("same IN (1, 7, 9)"));
  EXPECT_FALSE(Must("same IN (1, 9)"));
  EXPECT_FALSE(Must("id IN (30, 79)"));  // the values between are not in the set
}

TEST(StrictMetricsEvaluatorTest, NotEqualAndNotInNeedTheLiteralsOutsideTheBounds) {
  EXPECT_TRUE(Must("id != 29"));
  EXPECT_TRUE(Must("id != 80"));
  EXPECT_FALSE(Must("id != 30"));
  EXPECT_FALSE(Must("id != 50"));
  EXPECT_TRUE(Must("id NOT IN (1, 2, 100)"));
  EXPECT_FALSE(Must("id NOT IN (1, 50)"));
  EXPECT_FALSE(Must("same != 7"));
}

TEST(StrictMetricsEvaluatorTest, NullsFailEveryPredicateButIsNull) {
  EXPECT_TRUE(Must("all_nulls IS NULL"));
  EXPECT_FALSE(Must("some_nulls IS NULL"));
  EXPECT_FALSE(Must("no_nulls IS NULL"));
  EXPECT_TRUE(Must("no_nulls IS NOT NULL"));
  EXPECT_FALSE(Must("some_nulls IS NOT NULL"));
  EXPECT_FALSE(Must("all_nulls IS NOT NULL"));
  // SQL: a null is not != 'x', so a column with nulls never proves != or NOT IN.
  EXPECT_FALSE(Must("all_nulls != 'a'"));
  EXPECT_FALSE(Must("some_nulls NOT IN ('a')"));
  EXPECT_FALSE(Must("all_nulls NOT STARTS WITH 'a'"));
  EXPECT_FALSE(Must("no_nulls != 'b'"));  // 'b' is between the bounds
  EXPECT_TRUE(Must("no_nulls != 'a'"));
}

TEST(StrictMetricsEvaluatorTest, NaNCountsDecideNanPredicatesAndGuardComparisons) {
  EXPECT_TRUE(Must("all_nans IS NAN"));
  EXPECT_FALSE(Must("some_nans IS NAN"));
  EXPECT_TRUE(Must("no_nans IS NOT NAN"));
  EXPECT_FALSE(Must("some_nans IS NOT NAN"));
  EXPECT_FALSE(Must("all_nans IS NOT NAN"));
  // Nulls are neither NaN nor, in SQL, not NaN.
  EXPECT_FALSE(Must("all_nulls_double IS NOT NAN"));
  EXPECT_FALSE(Must("all_nulls_double IS NAN"));
  // A NaN fails comparisons even when the bounds (which exclude NaN) are all below.
  EXPECT_FALSE(Must("some_nans < 3e0"));
  EXPECT_TRUE(Must("no_nans < 6e0"));
  EXPECT_TRUE(Must("no_nans > -6e0"));
  EXPECT_FALSE(Must("no_nans > -5e0"));
  // Without a NaN count a floating column proves no comparison.
  EXPECT_FALSE(Must("no_nan_stats < 2e0"));
  EXPECT_FALSE(Must("no_nan_stats IS NOT NAN"));
}

TEST(StrictMetricsEvaluatorTest, NaNBoundsProveNothing) {
  EXPECT_FALSE(Must("nan_bounds < 1e0"));
  EXPECT_FALSE(Must("nan_bounds > 1e0"));
  EXPECT_FALSE(Must("nan_bounds != 1e0"));
}

TEST(StrictMetricsEvaluatorTest, TruncatedStringBoundsAreOnlyBounds) {
  // Values lie between "abcdefghijklmnop" and "abcdefghijklmnoq": a longer literal equal to
  // the lower bound's prefix is not proven equal, comparisons beyond the bounds are.
  EXPECT_FALSE(Must("trunc = 'abcdefghijklmnop'"));
  EXPECT_FALSE(Must("trunc = 'abcdefghijklmnopqrs'"));
  EXPECT_TRUE(Must("trunc < 'abcdefghijklmnor'"));
  EXPECT_FALSE(Must("trunc < 'abcdefghijklmnoq'"));
  EXPECT_TRUE(Must("trunc <= 'abcdefghijklmnoq'"));
  EXPECT_TRUE(Must("trunc > 'abcdefghijklmno'"));
  EXPECT_TRUE(Must("trunc STARTS WITH 'abcdefghijklmno'"));
  // The incremented upper bound no longer has the full 16-character prefix.
  EXPECT_FALSE(Must("trunc STARTS WITH 'abcdefghijklmnop'"));
  EXPECT_TRUE(Must("trunc NOT STARTS WITH 'abd'"));
  EXPECT_TRUE(Must("trunc NOT STARTS WITH 'abb'"));
  EXPECT_FALSE(Must("trunc NOT STARTS WITH 'abc'"));
}

TEST(StrictMetricsEvaluatorTest, StartsWithNeedsBothBounds) {
  EXPECT_TRUE(Must("s STARTS WITH 'prefix-'"));
  EXPECT_TRUE(Must("s STARTS WITH 'pre'"));
  EXPECT_FALSE(Must("s STARTS WITH 'prefix-a'"));
  EXPECT_FALSE(Must("some_nulls STARTS WITH 'a'"));
  EXPECT_FALSE(Must("no_nulls NOT STARTS WITH 'b'"));
  EXPECT_TRUE(Must("no_nulls NOT STARTS WITH 'zzzz'"));
  EXPECT_TRUE(Must("s NOT STARTS WITH 'q'"));
  EXPECT_TRUE(Must("s NOT STARTS WITH 'o'"));
}

TEST(StrictMetricsEvaluatorTest, PromotedBoundsAreReadWithTheColumnType) {
  EXPECT_TRUE(Must("big > -8"));
  EXPECT_TRUE(Must("big < 8"));
  EXPECT_FALSE(Must("big < 7"));
}

TEST(StrictMetricsEvaluatorTest, ConnectivesCompose) {
  EXPECT_TRUE(Must("id >= 30 AND no_nulls IS NOT NULL"));
  EXPECT_FALSE(Must("id >= 30 AND id < 50"));
  EXPECT_TRUE(Must("id < 50 OR id >= 30"));
  EXPECT_TRUE(Must("id < 5 OR same = 7"));
  EXPECT_FALSE(Must("id < 5 OR id > 100"));
  // NOT is pushed into the predicates: NOT id < 30 is id >= 30.
  EXPECT_TRUE(Must("NOT id < 30"));
  EXPECT_FALSE(Must("NOT id < 31"));
  EXPECT_TRUE(Must("NOT (id < 5 OR some_nulls IS NULL) OR same = 7"));
  EXPECT_TRUE(Must("true"));
  EXPECT_FALSE(Must("false"));
}

TEST(StrictMetricsEvaluatorTest, MissingStatsProveNothing) {
  DataFile bare;
  bare.record_count = 50;
  for (const char* f :
       {"no_stats < 5", "no_stats IS NULL", "no_stats IS NOT NULL", "id < 1000", "id != 5",
        "s STARTS WITH 'p'", "s NOT STARTS WITH 'x'", "no_nans IS NOT NAN", "all_nans IS NAN"}) {
    EXPECT_FALSE(Must(f, bare)) << f;
  }
  // A column with counts but no bounds (metrics mode "counts") proves only null predicates.
  DataFile counts = TestFile();
  counts.lower_bounds.clear();
  counts.upper_bounds.clear();
  EXPECT_FALSE(Must("id < 1000", counts));
  EXPECT_TRUE(Must("no_nulls IS NOT NULL", counts));
  EXPECT_TRUE(Must("all_nulls IS NULL", counts));
}

TEST(StrictMetricsEvaluatorTest, RequiredColumnsBindNullChecksToConstants) {
  DataFile bare;
  bare.record_count = 3;
  EXPECT_TRUE(Must("required IS NOT NULL", bare));
  EXPECT_FALSE(Must("required IS NULL"));
}

TEST(StrictMetricsEvaluatorTest, EmptyFileMatchesVacuouslyAndUnknownCountNever) {
  DataFile empty;
  empty.record_count = 0;
  EXPECT_TRUE(Must("no_stats = 5", empty));
  DataFile unknown = TestFile();
  unknown.record_count = -1;
  EXPECT_FALSE(Must("id < 80", unknown));
}

// Brute force: files of random int values (some null) with exact metrics; whenever the
// evaluator claims every row matches, every row must match with SQL semantics, and for plain
// ranges the claim must be made whenever the bounds allow it.
TEST(StrictMetricsEvaluatorTest, NeverClaimsAFileWithAFailingRow) {
  std::mt19937 rng(7);
  const char* ops[] = {"<", "<=", ">", ">=", "=", "!="};
  for (int round = 0; round < 400; ++round) {
    std::vector<std::optional<int32_t>> values(1 + rng() % 6);
    const int base = static_cast<int>(rng() % 20) - 10;
    for (auto& v : values) {
      if (rng() % 5 == 0) continue;  // null
      v = base + static_cast<int>(rng() % 4);
    }
    DataFile f;
    f.record_count = static_cast<int64_t>(values.size());
    f.value_counts[2] = f.record_count;
    int64_t nulls = 0;
    std::optional<int32_t> lo, hi;
    for (const auto& v : values) {
      if (!v) {
        ++nulls;
        continue;
      }
      lo = lo ? std::min(*lo, *v) : *v;
      hi = hi ? std::max(*hi, *v) : *v;
    }
    f.null_value_counts[2] = nulls;
    if (lo) f.lower_bounds[2] = Ser(Literal::Int(*lo));
    if (hi) f.upper_bounds[2] = Ser(Literal::Int(*hi));
    for (const char* op : ops) {
      for (int lit = base - 2; lit <= base + 5; ++lit) {
        const std::string filter = std::string("no_stats ") + op + " " + std::to_string(lit);
        bool all = true;
        for (const auto& v : values) {
          if (!v) {
            all = false;
            continue;
          }
          const std::string o = op;
          all = all && (o == "<"    ? *v < lit
                        : o == "<=" ? *v <= lit
                        : o == ">"  ? *v > lit
                        : o == ">=" ? *v >= lit
                        : o == "="  ? *v == lit
                                    : *v != lit);
        }
        const bool must = Must(filter, f);
        if (must) {
          EXPECT_TRUE(all) << filter << " round " << round;
        }
        if (all && std::string(op).find_first_of("<>") != std::string::npos &&
            std::string(op) != "!=") {
          EXPECT_TRUE(must) << filter << " round " << round;
        }
      }
    }
  }
}

}  // namespace
}  // namespace floe::iceberg
