#include "floe/iceberg/expression/arrow_filter.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "filter_test_util.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

using testing::RandomData;
using testing::RandomSchema;
using testing::Row;

// Builds the RandomSchema columns (a int64, i int32, s utf8, d float64, ts timestamp[us]).
std::shared_ptr<arrow::RecordBatch> BatchOf(const std::vector<Row>& rows) {
  arrow::Int64Builder a, ts_values;
  arrow::Int32Builder i;
  arrow::StringBuilder s;
  arrow::DoubleBuilder d;
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO),
                             arrow::default_memory_pool());
  for (const Row& r : rows) {
    EXPECT_TRUE((r[0].is_null() ? a.AppendNull() : a.Append(r[0].AsLong())).ok());
    EXPECT_TRUE((r[1].is_null() ? i.AppendNull() : i.Append(r[1].AsInt())).ok());
    EXPECT_TRUE((r[2].is_null() ? s.AppendNull() : s.Append(r[2].AsBytes())).ok());
    EXPECT_TRUE((r[3].is_null() ? d.AppendNull() : d.Append(r[3].AsDouble())).ok());
    EXPECT_TRUE((r[4].is_null() ? ts.AppendNull() : ts.Append(r[4].AsLong())).ok());
  }
  auto schema = arrow::schema({arrow::field("a", arrow::int64()),
                               arrow::field("i", arrow::int32()),
                               arrow::field("s", arrow::utf8()),
                               arrow::field("d", arrow::float64()),
                               arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO))});
  return arrow::RecordBatch::Make(schema, static_cast<int64_t>(rows.size()),
                                  {*a.Finish(), *i.Finish(), *s.Finish(), *d.Finish(),
                                   *ts.Finish()});
}

TEST(ArrowFilterTest, MaskMatchesSqlThreeValuedReferenceOnRandomData) {
  int kept = 0, dropped = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    RandomData rnd(seed);
    std::vector<Row> rows;
    for (int r = 0; r < 40; ++r) rows.push_back(rnd.MakeRow());
    auto batch = BatchOf(rows);
    for (int q = 0; q < 15; ++q) {
      ExprPtr filter = rnd.Filter(3);
      auto bound = Bind(filter, RandomSchema());
      ASSERT_TRUE(bound.ok()) << bound.status().ToString();
      auto mask = FilterMask(*bound, RandomSchema(), *batch);
      ASSERT_TRUE(mask.ok()) << filter->ToString() << ": " << mask.status().ToString();
      ASSERT_EQ((*mask)->length(), batch->num_rows());
      ASSERT_EQ((*mask)->null_count(), 0);
      for (size_t r = 0; r < rows.size(); ++r) {
        const bool expected = testing::Reference(*filter, rows[r]) == true;
        ASSERT_EQ((*mask)->Value(static_cast<int64_t>(r)), expected)
            << "seed " << seed << " row " << r << " filter " << filter->ToString()
            << " bound " << (*bound)->ToString();
        (expected ? kept : dropped)++;
      }
    }
  }
  EXPECT_GT(kept, 1000);
  EXPECT_GT(dropped, 1000);
}

NestedField F(int32_t id, std::string name, TypePtr type, bool required = false) {
  NestedField f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  return f;
}

struct Fixture {
  Schema schema{0,
                {F(1, "id", Type::Long(), true),
                 F(2, "s", Type::Struct({F(3, "a", Type::Int()), F(4, "name", Type::String())})),
                 F(5, "price", Type::Decimal(9, 2)), F(6, "day", Type::Date()),
                 F(7, "at", Type::TimestampTz()), F(8, "u", Type::Uuid()),
                 F(9, "big text", Type::String())}};
  std::shared_ptr<arrow::RecordBatch> batch;

  Fixture() {
    // Types as a reader might produce them: a "+00:00" zone and large_string are not the
    // canonical Iceberg mapping, so literals must be cast to them.
    auto s_type = arrow::struct_({arrow::field("a", arrow::int32()),
                                  arrow::field("name", arrow::utf8())});
    auto at_type = arrow::timestamp(arrow::TimeUnit::MICRO, "+00:00");
    auto arrow_schema = arrow::schema(
        {arrow::field("id", arrow::int64(), false), arrow::field("s", s_type),
         arrow::field("price", arrow::decimal128(9, 2)), arrow::field("day", arrow::date32()),
         arrow::field("at", at_type), arrow::field("u", arrow::fixed_size_binary(16)),
         arrow::field("big text", arrow::large_utf8())});
    auto id = *arrow::json::ArrayFromJSONString(arrow::int64(), "[1, 2, 3, 4]");
    auto sa = *arrow::json::ArrayFromJSONString(arrow::int32(), "[10, null, 30, 40]");
    auto sname = *arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["x", "y", null, "w"])");
    // Row 3's struct is null although its children have values.
    auto s_validity =
        *arrow::json::ArrayFromJSONString(arrow::boolean(), "[true, true, true, false]");
    auto s = *arrow::StructArray::Make({sa, sname}, s_type->fields(),
                                       std::static_pointer_cast<arrow::BooleanArray>(s_validity)
                                           ->values());
    auto price = *arrow::json::ArrayFromJSONString(arrow::decimal128(9, 2),
                                             R"(["1.50", "-0.01", null, "12.00"])");
    auto day = *arrow::json::ArrayFromJSONString(arrow::date32(), "[19783, -1, 0, null]");
    auto at = *arrow::json::ArrayFromJSONString(at_type, "[0, 3600000000, null, -1]");
    const std::string u1 = util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7");
    arrow::FixedSizeBinaryBuilder ub(arrow::fixed_size_binary(16));
    EXPECT_TRUE(ub.Append(u1).ok());
    EXPECT_TRUE(ub.AppendNull().ok());
    EXPECT_TRUE(ub.Append(std::string(16, '\0')).ok());
    EXPECT_TRUE(ub.Append(u1).ok());
    auto big = *arrow::json::ArrayFromJSONString(arrow::large_utf8(),
                                           R"(["apple", "apricot", "banana", null])");
    std::shared_ptr<arrow::Array> u = *ub.Finish();
    batch = arrow::RecordBatch::Make(arrow_schema, 4, {id, s, price, day, at, u, big});
  }

  std::vector<bool> Mask(std::string_view filter) {
    auto bound = Bind(*ParseFilter(filter), schema);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    auto mask = FilterMask(*bound, schema, *batch);
    EXPECT_TRUE(mask.ok()) << filter << ": " << mask.status().ToString();
    std::vector<bool> out;
    if (!mask.ok()) return out;
    for (int64_t r = 0; r < (*mask)->length(); ++r) out.push_back((*mask)->Value(r));
    return out;
  }
};

using Mask = std::vector<bool>;

TEST(ArrowFilterTest, TypedColumnsAndCastLiterals) {
  Fixture fx;
  EXPECT_EQ(fx.Mask("price > 1"), (Mask{true, false, false, true}));
  EXPECT_EQ(fx.Mask("price IN (1.5, 12)"), (Mask{true, false, false, true}));
  EXPECT_EQ(fx.Mask("day < '1970-01-01'"), (Mask{false, true, false, false}));
  EXPECT_EQ(fx.Mask("day >= '2024-03-01'"), (Mask{true, false, false, false}));
  EXPECT_EQ(fx.Mask("at >= '1970-01-01T01:00:00+01:00'"), (Mask{true, true, false, false}));
  EXPECT_EQ(fx.Mask("at < '1970-01-01'"), (Mask{false, false, false, true}));
  EXPECT_EQ(fx.Mask("u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'"),
            (Mask{true, false, false, true}));
  EXPECT_EQ(fx.Mask("\"big text\" STARTS WITH 'ap'"), (Mask{true, true, false, false}));
  EXPECT_EQ(fx.Mask("\"big text\" >= 'apricot'"), (Mask{false, true, true, false}));
}

TEST(ArrowFilterTest, NullsAreDroppedUnderNotAndNotIn) {
  Fixture fx;
  EXPECT_EQ(fx.Mask("NOT \"big text\" STARTS WITH 'ap'"), (Mask{false, false, true, false}));
  EXPECT_EQ(fx.Mask("price NOT IN (1.5)"), (Mask{false, true, false, true}));
  EXPECT_EQ(fx.Mask("NOT price = 1.5"), (Mask{false, true, false, true}));
  EXPECT_EQ(fx.Mask("price IS NULL OR price > 10"), (Mask{false, false, true, true}));
  EXPECT_EQ(fx.Mask("NOT (price IS NULL)"), (Mask{true, true, false, true}));
}

TEST(ArrowFilterTest, NestedStructFieldsHonourParentNulls) {
  Fixture fx;
  EXPECT_EQ(fx.Mask("s.a >= 10"), (Mask{true, false, true, false}));
  EXPECT_EQ(fx.Mask("s.a IS NULL"), (Mask{false, true, false, true}));
  EXPECT_EQ(fx.Mask("s.name = 'w' OR id = 2"), (Mask{false, true, false, false}));
}

TEST(ArrowFilterTest, ConstantFiltersAndRequiredColumns) {
  Fixture fx;
  EXPECT_EQ(fx.Mask("true"), (Mask{true, true, true, true}));
  EXPECT_EQ(fx.Mask("false"), (Mask{false, false, false, false}));
  EXPECT_EQ(fx.Mask("id IS NOT NULL"), (Mask{true, true, true, true}));  // bound to true
  EXPECT_EQ(fx.Mask("s.a < 3000000000"), (Mask{true, false, true, false}));  // bound NOT NULL
}

TEST(ArrowFilterTest, FilterRecordBatchKeepsMatchingRows) {
  Fixture fx;
  auto bound = Bind(*ParseFilter("id >= 2 AND price IS NOT NULL"), fx.schema);
  ASSERT_TRUE(bound.ok());
  auto filtered = FilterRecordBatch(*bound, fx.schema, fx.batch);
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  ASSERT_EQ((*filtered)->num_rows(), 2);
  auto ids = std::static_pointer_cast<arrow::Int64Array>((*filtered)->column(0));
  EXPECT_EQ(ids->Value(0), 2);
  EXPECT_EQ(ids->Value(1), 4);
}

TEST(ArrowFilterTest, MissingColumnIsAnErrorNamingIt) {
  Fixture fx;
  auto bound = Bind(*ParseFilter("price > 1"), fx.schema);
  ASSERT_TRUE(bound.ok());
  auto narrow = fx.batch->SelectColumns({0});
  ASSERT_TRUE(narrow.ok());
  auto mask = FilterMask(*bound, fx.schema, **narrow);
  ASSERT_FALSE(mask.ok());
  EXPECT_NE(mask.status().message().find("'price'"), std::string::npos);
  EXPECT_NE(mask.status().message().find("field id 5"), std::string::npos);
  EXPECT_EQ(ReferencedFieldIds(*bound), (std::set<int32_t>{5}));
}

TEST(ArrowFilterTest, ToArrowExpressionUsesIcebergArrowTypes) {
  Fixture fx;
  auto bound = Bind(*ParseFilter("s.a = 5 AND (at < '2024-01-01' OR u IS NULL)"), fx.schema);
  ASSERT_TRUE(bound.ok());
  auto expr = ToArrowExpression(*bound, fx.schema);
  ASSERT_TRUE(expr.ok()) << expr.status().ToString();
  const std::string text = expr->ToString();
  EXPECT_EQ(text,
            "((FieldRef.Nested(FieldRef.Name(s) FieldRef.Name(a)) == 5) and "
            "((at < 2024-01-01 00:00:00.000000Z) or is_null(u)))");
  auto scalar = LiteralToArrowScalar(Literal::TimestampTz(5));
  ASSERT_TRUE(scalar.ok());
  EXPECT_TRUE((*scalar)->type->Equals(*arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  auto dec = LiteralToArrowScalar(Literal::Decimal(-150, 9, 2));
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ((*dec)->ToString(), "-1.50");
}

}  // namespace
}  // namespace floe::iceberg
