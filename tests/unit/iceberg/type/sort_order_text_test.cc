#include "floe/iceberg/type/sort_order_text.h"

#include <gtest/gtest.h>

#include "floe/iceberg/type/schema_text.h"

namespace floe::iceberg {
namespace {

Schema TestSchema() {
  auto schema = ParseSchemaText(
      "id long not null, ts timestamptz, x string, \"odd name\" int, loc struct<lat: double>, "
      "asc int");
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *schema;
}

std::string ErrorOf(std::string_view text) {
  auto order = ParseSortOrderText(text, TestSchema());
  return order.ok() ? "ok" : order.status().message();
}

TEST(SortOrderTextTest, DefaultsAreAscNullsFirstAndDescNullsLast) {
  auto order = ParseSortOrderText(
      "ts desc, id, bucket(4, x) asc nulls last, day(ts) desc "
      "nulls first",
      TestSchema());
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->order_id, 1);
  std::vector<SortField> want = {
      {Transform::Identity(), 2, SortDirection::kDesc, NullOrder::kNullsLast},
      {Transform::Identity(), 1, SortDirection::kAsc, NullOrder::kNullsFirst},
      {Transform::Bucket(4), 3, SortDirection::kAsc, NullOrder::kNullsLast},
      {Transform::Day(), 2, SortDirection::kDesc, NullOrder::kNullsFirst},
  };
  EXPECT_EQ(order->fields, want);
}

TEST(SortOrderTextTest, TextRoundTrips) {
  Schema schema = TestSchema();
  for (const char* text :
       {"ts desc nulls last, id asc nulls first",
        "bucket(4, x) asc nulls last, truncate(3, x) desc nulls first, hour(ts) asc nulls first",
        "\"odd name\" desc nulls last, loc.lat asc nulls first", "asc desc nulls last",
        "year(ts) asc nulls first, month(ts) desc nulls last"}) {
    auto order = ParseSortOrderText(text, schema);
    ASSERT_TRUE(order.ok()) << text << ": " << order.status();
    EXPECT_EQ(SortOrderToText(*order, schema), text);
    auto again = ParseSortOrderText(SortOrderToText(*order, schema), schema);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->fields, order->fields);
  }
}

TEST(SortOrderTextTest, KeywordsAreCaseInsensitiveAndWhitespaceFree) {
  auto order = ParseSortOrderText("  TS  DESC   NULLS FIRST ,id ASC", TestSchema());
  ASSERT_TRUE(order.ok()) << order.status();
  ASSERT_EQ(order->fields.size(), 2u);
  EXPECT_EQ(order->fields[0].direction, SortDirection::kDesc);
  EXPECT_EQ(order->fields[0].null_order, NullOrder::kNullsFirst);
  EXPECT_EQ(order->fields[1].null_order, NullOrder::kNullsFirst);
}

TEST(SortOrderTextTest, EmptyTextIsUnsorted) {
  auto order = ParseSortOrderText("  ", TestSchema());
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, SortOrder::Unsorted());
  EXPECT_EQ(SortOrderToText(*order, TestSchema()), "");
}

TEST(SortOrderTextTest, ErrorsNameTheTermAndColumn) {
  EXPECT_EQ(ErrorOf("nope desc"),
            "sort order text: at column 1: 'nope': partition text: at column 1: no column "
            "'nope' in the schema");
  EXPECT_EQ(ErrorOf("id nulls middle"),
            "sort order text: at column 10: expected 'first' or 'last' after 'nulls', got "
            "'middle'");
  EXPECT_EQ(ErrorOf("id, , ts"), "sort order text: at column 5: expected a sort term");
  EXPECT_EQ(ErrorOf("id, ts,"), "sort order text: at column 8: expected a sort term");
  EXPECT_EQ(ErrorOf("id, id desc"), "sort order text: at column 5: sorts by id twice");
  EXPECT_EQ(ErrorOf("void(id)"), "sort order text: at column 1: cannot sort by void(...)");
  EXPECT_NE(ErrorOf("loc").find("struct, not a primitive"), std::string::npos);
  EXPECT_NE(ErrorOf("id sideways").find("expected ',' or end of input"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
