// ReplaceSortOrder: the order it plans from text over the current schema, and the updates it
// records (add-sort-order with the next id, or an equal order reused; the unsorted order 0).
#include "floe/iceberg/update/replace_sort_order.h"

#include <gtest/gtest.h>

#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/type/schema_text.h"

namespace floe::iceberg {
namespace {

TableMetadata NewTable() {
  auto schema = ParseSchemaText("id long not null, ts timestamptz, level string");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  auto md = NewTableMetadata(*schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                             "/tmp/floe-sort-test", {});
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return *md;
}

std::shared_ptr<Table> TableOf(const TableMetadata& md) {
  return std::make_shared<Table>(nullptr,
                                 TableState{std::make_shared<const TableMetadata>(md), ""});
}

// Applies the change and returns the new metadata (the builder's updates in `updates`).
arrow::Result<TableMetadata> Replace(const TableMetadata& md, ReplaceSortOrder& change,
                                     std::vector<TableUpdate>* updates = nullptr) {
  TableMetadataBuilder builder(md);
  ARROW_RETURN_NOT_OK(change.Apply(builder));
  if (updates) *updates = builder.updates();
  // The catalog applies the recorded update list to the table itself: it must give the same.
  TableMetadataBuilder replay(md);
  ARROW_RETURN_NOT_OK(replay.ApplyAll(builder.updates()));
  ARROW_ASSIGN_OR_RAISE(TableMetadata replayed, replay.Build());
  ARROW_ASSIGN_OR_RAISE(TableMetadata built, builder.Build());
  EXPECT_EQ(replayed.default_sort_order_id, built.default_sort_order_id);
  EXPECT_EQ(replayed.sort_orders, built.sort_orders);
  return built;
}

const SortOrder& DefaultOrder(const TableMetadata& md) {
  for (const auto& order : md.sort_orders) {
    if (order.order_id == md.default_sort_order_id) return order;
  }
  static const SortOrder kNone;
  ADD_FAILURE() << "no default sort order " << md.default_sort_order_id;
  return kNone;
}

TEST(ReplaceSortOrderTest, AddsTheOrderAndMakesItTheDefault) {
  TableMetadata md = NewTable();
  ReplaceSortOrder change(TableOf(md));
  change.Text("ts desc").Asc("bucket(4, level)", NullOrder::kNullsLast);
  std::vector<TableUpdate> updates;
  auto next = Replace(md, change, &updates);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_STREQ(UpdateAction(updates[0]), "add-sort-order");
  EXPECT_STREQ(UpdateAction(updates[1]), "set-default-sort-order");
  EXPECT_EQ(next->default_sort_order_id, 1);
  std::vector<SortField> want = {
      {Transform::Identity(), 2, SortDirection::kDesc, NullOrder::kNullsLast},
      {Transform::Bucket(4), 3, SortDirection::kAsc, NullOrder::kNullsLast}};
  EXPECT_EQ(DefaultOrder(*next).fields, want);

  // Another order gets the next id; the first one again is reused, not added twice.
  ReplaceSortOrder by_id(TableOf(*next));
  by_id.Desc("id");
  auto second = Replace(*next, by_id);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->default_sort_order_id, 2);
  ReplaceSortOrder again(TableOf(*second));
  again.Text("ts desc nulls last, bucket(4, level) asc nulls last");
  auto third = Replace(*second, again);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->default_sort_order_id, 1);
  EXPECT_EQ(third->sort_orders.size(), second->sort_orders.size());
}

TEST(ReplaceSortOrderTest, NoFieldsIsTheUnsortedOrder) {
  TableMetadata md = NewTable();
  ReplaceSortOrder sort(TableOf(md));
  sort.Text("id");
  auto sorted = Replace(md, sort);
  ASSERT_TRUE(sorted.ok());
  ReplaceSortOrder unsort(TableOf(*sorted));
  unsort.Text("  ");
  auto unsorted = Replace(*sorted, unsort);
  ASSERT_TRUE(unsorted.ok()) << unsorted.status().ToString();
  EXPECT_EQ(unsorted->default_sort_order_id, 0);
  EXPECT_TRUE(DefaultOrder(*unsorted).fields.empty());
}

TEST(ReplaceSortOrderTest, BadTextIsRefusedWithTheColumn) {
  TableMetadata md = NewTable();
  ReplaceSortOrder change(TableOf(md));
  change.Text("nope");
  auto next = Replace(md, change);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("cannot replace the sort order: sort order text"),
            std::string::npos);
  EXPECT_NE(next.status().message().find("no column 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
