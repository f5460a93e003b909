// DeleteRows drops a data file whole, without opening it, when its partition or column
// metrics prove every row matches; the files are removed from storage first to prove it.
#include "floe/iceberg/update/delete_rows.h"

#include "row_table_fixture.h"

namespace floe::iceberg {
namespace {

using testing::k20260101;
using testing::kDayMicros;

class DeleteRowsTest : public testing::RowTableTest {};

TEST_F(DeleteRowsTest, MetricsProveAFileMatchesSoItIsDroppedUnread) {
  MakeTable("", {});
  auto low = Append(table_, {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}});
  Append(table_, {{5, 0, 0}, {6, 0, 0}, {7, 0, 0}, {8, 0, 0}, {9, 0, 0}});
  ASSERT_EQ(low.size(), 1u);
  RemoveFromStorage(low);

  // A filter only part of the file matches needs its rows: the missing file fails that delete.
  auto partial = DeleteRows(table_, Filter("id < 3"));
  EXPECT_FALSE(partial.ok());

  auto result = DeleteRows(table_, Filter("id < 5"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_deleted, 5);
  EXPECT_EQ(result->data_files_removed, 1);
  EXPECT_EQ(result->data_files_rewritten, 0);
  EXPECT_EQ(result->data_files_added, 0);
  ASSERT_TRUE(result->snapshot.has_value());
  EXPECT_EQ(result->snapshot->summary.at("operation"), "delete");
  EXPECT_EQ(result->snapshot->summary.at("deleted-records"), "5");
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{5, 6, 7, 8, 9}));
}

TEST_F(DeleteRowsTest, DayPartitionProvesATimestampRangeWithoutMetrics) {
  // No column metrics at all: only the partition values can prove the match.
  MakeTable("day(ts)", {{"write.metadata.metrics.default", "none"}});
  Append(table_, {{1, 0, k20260101 + 5}, {2, 0, k20260101 + kDayMicros - 1}});
  auto jan2 = Append(table_, {{3, 0, k20260101 + kDayMicros}, {4, 0, k20260101 + kDayMicros + 7}});
  auto jan3 = Append(table_, {{5, 0, k20260101 + 2 * kDayMicros + 1}});
  for (const auto& e : LiveEntries()) EXPECT_TRUE(e.data_file.lower_bounds.empty());
  RemoveFromStorage(jan2);
  RemoveFromStorage(jan3);

  auto result = DeleteRows(table_, Filter("ts >= '2026-01-02T00:00:00'"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_deleted, 3);
  EXPECT_EQ(result->data_files_removed, 2);
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{1, 2}));
}

TEST_F(DeleteRowsTest, PositionDeletesAreCountedWithoutReadingTheDataFile) {
  MakeTable("", {});
  auto low = Append(table_, {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}});
  Append(table_, {{5, 0, 0}, {6, 0, 0}});
  DeleteRowsOptions merge_on_read;
  merge_on_read.mode = RowLevelMode::kMergeOnRead;
  auto first = DeleteRows(table_, Filter("id = 1 OR id = 3"), merge_on_read);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->delete_files_added, 1);
  ASSERT_EQ(LiveEntries(ManifestContent::kDeletes).size(), 1u);
  RemoveFromStorage(low);

  auto result = DeleteRows(table_, Filter("id <= 4"), merge_on_read);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_deleted, 3);  // 0, 2 and 4; 1 and 3 were deleted already
  EXPECT_EQ(result->data_files_removed, 1);
  EXPECT_EQ(result->delete_files_removed, 1);
  EXPECT_EQ(result->delete_files_added, 0);
  EXPECT_TRUE(LiveEntries(ManifestContent::kDeletes).empty());
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{5, 6}));
}

TEST_F(DeleteRowsTest, PartitionAndMetricsProveAConjunction) {
  MakeTable("part", {});
  auto part0_low = Append(table_, {{1, 0, 0}, {2, 0, 0}});
  Append(table_, {{3, 0, 0}, {4, 0, 0}});  // part 0, ids the filter leaves
  Append(table_, {{1, 1, 0}});             // part 1
  RemoveFromStorage(part0_low);
  // part = 0 holds for the whole partition and id < 3 for the first file by its bounds.
  auto result = DeleteRows(table_, Filter("part = 0 AND id < 3"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_deleted, 2);
  EXPECT_EQ(result->data_files_removed, 1);
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{1, 3, 4}));
}

TEST_F(DeleteRowsTest, NullsKeepAFileFromBeingProvenByNotEqual) {
  // id is required, so use ts, which may be null: ts != X does not match null rows.
  MakeTable("", {});
  auto appended = AppendRows(table_, *ArrowRows(*table_, {{1, 0, 5}, {2, 0, 6}}));
  ASSERT_TRUE(appended.ok());
  // A second file whose ts is null in one row, built through Arrow with a null.
  arrow::Int64Builder ids, parts;
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO),
                             arrow::default_memory_pool());
  ASSERT_TRUE(ids.AppendValues({3, 4}).ok());
  ASSERT_TRUE(parts.AppendValues({0, 0}).ok());
  ASSERT_TRUE(ts.Append(7).ok());
  ASSERT_TRUE(ts.AppendNull().ok());
  auto rows = arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()),
                                 {*ids.Finish(), *parts.Finish(), *ts.Finish()});
  ASSERT_TRUE(AppendRows(table_, *rows).ok());
  auto result = DeleteRows(table_, Filter("ts != '1970-01-01T00:00:00'"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_deleted, 3);
  EXPECT_EQ(result->data_files_removed, 1);    // the file without nulls, proven
  EXPECT_EQ(result->data_files_rewritten, 1);  // the null row stays
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{4}));
}

}  // namespace
}  // namespace floe::iceberg
