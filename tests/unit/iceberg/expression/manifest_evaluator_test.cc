// Ports the intent of Java's TestManifestEvaluator: one manifest whose partition summaries
// cover identity partitions of several kinds of column.

#include "floe/iceberg/expression/manifest_evaluator.h"

#include <cmath>

#include <gtest/gtest.h>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {
namespace {

NestedField F(int32_t id, std::string name, TypePtr type) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  return f;
}

const Schema& TestSchema() {
  static const Schema schema(
      0, {F(1, "id", Type::Int()), F(2, "all_nulls_missing_nan", Type::String()),
          F(3, "some_nulls", Type::String()), F(4, "no_nulls", Type::String()),
          F(5, "float", Type::Float()), F(6, "all_nulls_double", Type::Double()),
          F(7, "all_nans", Type::Double()), F(8, "both_nan_and_null", Type::Float()),
          F(9, "no_nan_or_null", Type::Double()),
          F(10, "all_nulls_missing_nan_float", Type::Float()),
          F(11, "all_same_prefix", Type::String()), F(12, "ts", Type::Timestamp())});
  return schema;
}

PartitionSpec TestSpec() {
  std::vector<PartitionField> fields;
  for (int32_t id = 1; id <= 11; ++id) {
    fields.push_back({id, 1000 + id - 1, TestSchema().FindColumnName(id), Transform::Identity()});
  }
  fields.push_back({12, 1011, "ts_day", Transform::Day()});
  return PartitionSpec(1, std::move(fields));
}

std::string Ser(const Literal& v) { return *SerializeValue(v); }

PartitionFieldSummary Summary(bool contains_null, std::optional<bool> contains_nan,
                              std::optional<Literal> lower, std::optional<Literal> upper) {
  PartitionFieldSummary s;
  s.contains_null = contains_null;
  s.contains_nan = contains_nan;
  if (lower) s.lower_bound = Ser(*lower);
  if (upper) s.upper_bound = Ser(*upper);
  return s;
}

ManifestFile TestManifest() {
  ManifestFile m;
  m.manifest_path = "manifest.avro";
  m.partitions = {
      Summary(false, std::nullopt, Literal::Int(30), Literal::Int(79)),             // id
      Summary(true, std::nullopt, std::nullopt, std::nullopt),                      // all nulls
      Summary(true, std::nullopt, Literal::String("a"), Literal::String("z")),      // some nulls
      Summary(false, std::nullopt, Literal::String("a"), Literal::String("z")),     // no nulls
      Summary(false, std::nullopt, Literal::Float(0.0f), Literal::Float(20.0f)),    // float
      Summary(true, std::nullopt, std::nullopt, std::nullopt),                      // all null dbl
      Summary(false, true, std::nullopt, std::nullopt),                             // all nans
      Summary(true, true, std::nullopt, std::nullopt),                              // nan and null
      Summary(false, false, Literal::Double(-1.0), Literal::Double(1.0)),           // neither
      Summary(true, std::nullopt, std::nullopt, std::nullopt),                      // nulls, float
      Summary(false, std::nullopt, Literal::String("abc"), Literal::String("abd")),  // prefix
      Summary(false, false, Literal::Date(19783), Literal::Date(19785)),            // ts_day
  };
  return m;
}

bool Might(std::string_view filter, const ManifestFile& m = TestManifest()) {
  auto parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto bound = Bind(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << filter << ": " << bound.status().ToString();
  auto evaluator = ManifestEvaluator::Make(TestSpec(), TestSchema(), *bound);
  EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  return evaluator->MightMatch(m);
}

TEST(ManifestEvaluatorTest, ContainsNullDecidesIsNull) {
  EXPECT_FALSE(Might("id IS NULL"));
  EXPECT_TRUE(Might("all_nulls_missing_nan IS NULL"));
  EXPECT_TRUE(Might("some_nulls IS NULL"));
  EXPECT_FALSE(Might("no_nulls IS NULL"));
}

TEST(ManifestEvaluatorTest, MissingBoundsMeanAllNull) {
  EXPECT_FALSE(Might("all_nulls_missing_nan IS NOT NULL"));
  EXPECT_TRUE(Might("some_nulls IS NOT NULL"));
  EXPECT_FALSE(Might("all_nulls_missing_nan < 'a'"));
  EXPECT_FALSE(Might("all_nulls_missing_nan = 'a'"));
  EXPECT_FALSE(Might("all_nulls_missing_nan IN ('a', 'b')"));
  EXPECT_FALSE(Might("all_nulls_missing_nan STARTS WITH 'a'"));
  EXPECT_TRUE(Might("all_nulls_missing_nan NOT STARTS WITH 'a'"));
  EXPECT_TRUE(Might("all_nulls_missing_nan != 'a'"));
}

TEST(ManifestEvaluatorTest, FloatingFieldsNeedContainsNanToBeAllNull) {
  // Without contains_nan, a float field with no bounds may hold NaNs.
  EXPECT_TRUE(Might("all_nulls_missing_nan_float IS NOT NULL"));
  EXPECT_TRUE(Might("all_nulls_double IS NOT NULL"));
  EXPECT_FALSE(Might("no_nan_or_null IS NAN"));
  EXPECT_TRUE(Might("all_nans IS NAN"));
  EXPECT_TRUE(Might("both_nan_and_null IS NAN"));
  EXPECT_TRUE(Might("float IS NAN"));  // contains_nan unknown
}

TEST(ManifestEvaluatorTest, ContainsNanDecidesNotNan) {
  EXPECT_FALSE(Might("all_nans IS NOT NAN"));
  EXPECT_TRUE(Might("both_nan_and_null IS NOT NAN"));
  EXPECT_TRUE(Might("no_nan_or_null IS NOT NAN"));
  EXPECT_FALSE(Might("all_nans < 1e0"));
  EXPECT_FALSE(Might("all_nans = 1e0"));
  EXPECT_FALSE(Might("no_nan_or_null > 1e0"));
  EXPECT_TRUE(Might("no_nan_or_null >= 1e0"));
}

TEST(ManifestEvaluatorTest, IntegerRanges) {
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
  EXPECT_FALSE(Might("id = 80"));
  EXPECT_TRUE(Might("id != 30"));
  EXPECT_FALSE(Might("id IN (5, 6, 80)"));
  EXPECT_TRUE(Might("id IN (5, 79)"));
  EXPECT_TRUE(Might("id NOT IN (30, 31)"));
  EXPECT_FALSE(Might("NOT (id >= 5)"));
  EXPECT_FALSE(Might("id < 5 OR id > 100"));
  EXPECT_TRUE(Might("id < 5 OR some_nulls IS NULL"));
}

TEST(ManifestEvaluatorTest, StartsWithAndNotStartsWith) {
  EXPECT_TRUE(Might("some_nulls STARTS WITH 'a'"));
  EXPECT_TRUE(Might("some_nulls STARTS WITH 'z'"));
  EXPECT_FALSE(Might("some_nulls STARTS WITH 'zzz'"));  // every value is <= 'z'
  EXPECT_FALSE(Might("no_nulls STARTS WITH '0'"));
  EXPECT_FALSE(Might("all_same_prefix STARTS WITH 'abe'"));
  EXPECT_TRUE(Might("all_same_prefix STARTS WITH 'abcx'"));
  EXPECT_FALSE(Might("all_same_prefix NOT STARTS WITH 'ab'"));
  EXPECT_TRUE(Might("all_same_prefix NOT STARTS WITH 'abc'"));
  EXPECT_TRUE(Might("some_nulls NOT STARTS WITH 'a'"));  // nulls are kept
}

TEST(ManifestEvaluatorTest, TimestampFilterUsesDaySummaries) {
  // Partition days 2024-03-01 ..= 2024-03-03.
  EXPECT_TRUE(Might("ts >= '2024-03-03T23:00:00'"));
  EXPECT_FALSE(Might("ts >= '2024-03-04T00:00:00'"));
  EXPECT_FALSE(Might("ts < '2024-03-01T00:00:00'"));
  EXPECT_TRUE(Might("ts < '2024-03-01T00:00:00.000001'"));
  EXPECT_FALSE(Might("ts = '2024-02-10T10:00:00'"));
}

TEST(ManifestEvaluatorTest, ManifestsWithoutSummariesMightMatch) {
  ManifestFile bare;
  EXPECT_TRUE(Might("id = 1000", bare));
  ManifestFile short_list = TestManifest();
  short_list.partitions.pop_back();
  EXPECT_TRUE(Might("id = 1000", short_list));
}

}  // namespace
}  // namespace floe::iceberg
