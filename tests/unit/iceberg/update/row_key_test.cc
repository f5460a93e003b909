#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "floe/iceberg/update/row_key_internal.h"
#include "floe/iceberg/update/row_values_internal.h"

namespace floe::iceberg::row_level_internal {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch() {
  auto schema =
      arrow::schema({arrow::field("a", arrow::utf8()), arrow::field("b", arrow::utf8()),
                     arrow::field("n", arrow::int64()), arrow::field("d", arrow::decimal128(9, 2)),
                     arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO))});
  auto col = [&](int i, const char* json) {
    return *arrow::json::ArrayFromJSONString(schema->field(i)->type(), json);
  };
  return arrow::RecordBatch::Make(
      schema, 4,
      {col(0, R"(["a", "ab", "a", null])"), col(1, R"(["bc", "c", "bc", "x"])"),
       col(2, "[1, 2, 1, 3]"), col(3, R"(["1.50", "2.00", "1.50", "0.01"])"),
       col(4, "[10, 20, 10, 30]")});
}

TEST(RowKeyTest, EqualKeysEncodeEquallyAndConcatenationIsUnambiguous) {
  std::vector<bool> has_null;
  auto keys = EncodeRowKeys(*Batch(), {"a", "b", "n", "d", "ts"}, &has_null);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ((*keys)[0], (*keys)[2]);
  // ("a", "bc") and ("ab", "c") concatenate to the same text but are different keys.
  EXPECT_NE((*keys)[0], (*keys)[1]);
  EXPECT_EQ(has_null, (std::vector<bool>{false, false, false, true}));
  auto one = EncodeRowKeys(*Batch(), {"n"}, &has_null);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)[0], (*one)[2]);
  EXPECT_NE((*one)[0], (*one)[1]);
  EXPECT_EQ(has_null, (std::vector<bool>(4, false)));
  EXPECT_FALSE(EncodeRowKeys(*Batch(), {"nope"}, &has_null).ok());
}

TEST(RowKeyTest, DescribesKeysForMessages) {
  EXPECT_EQ(DescribeRowKey(*Batch(), {"a", "n"}, 1), "a='ab', n=2");
  EXPECT_EQ(DescribeRowKey(*Batch(), {"a", "d"}, 3), "a=NULL, d=0.01");
}

TEST(RowKeyTest, DistinctLiteralsAreSortedAndTyped) {
  auto batch = Batch();
  auto longs = DistinctLiterals(*batch->GetColumnByName("n"), Type::Long(), {0, 1, 2, 3});
  ASSERT_TRUE(longs.ok() && longs->has_value());
  ASSERT_EQ((*longs)->size(), 3u);
  EXPECT_EQ((**longs)[0], Literal::Long(1));
  EXPECT_EQ((**longs)[2], Literal::Long(3));
  auto strings = DistinctLiterals(*batch->GetColumnByName("a"), Type::String(), {0, 1, 2, 3});
  ASSERT_TRUE(strings.ok() && strings->has_value());
  EXPECT_EQ((*strings)->size(), 2u);  // the null is not a value
  auto decimals = DistinctLiterals(*batch->GetColumnByName("d"), Type::Decimal(9, 2), {1, 3});
  ASSERT_TRUE(decimals.ok() && decimals->has_value());
  EXPECT_EQ((**decimals)[0], Literal::Decimal(1, 9, 2));
  EXPECT_EQ((**decimals)[1], Literal::Decimal(200, 9, 2));
  auto ts = DistinctLiterals(*batch->GetColumnByName("ts"), Type::Timestamp(), {2});
  ASSERT_TRUE(ts.ok() && ts->has_value());
  EXPECT_EQ((**ts)[0], Literal::Timestamp(10));
  auto doubles = arrow::json::ArrayFromJSONString(arrow::float64(), "[1.5]");
  auto none = DistinctLiterals(**doubles, Type::Double(), {0});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace floe::iceberg::row_level_internal
