// Overwrite: files proven to match are removed unread; with an isolation level, concurrent
// commits are validated instead of planned over (Java's OverwriteFiles validations).
#include "floe/iceberg/update/overwrite.h"

#include "floe/iceberg/errors.h"
#include "floe/iceberg/update/delete_rows.h"
#include "row_table_fixture.h"

namespace floe::iceberg {
namespace {

class OverwriteTest : public testing::RowTableTest {
 protected:
  // Overwrites `filter` with `rows` from `table`'s view.
  arrow::Result<Snapshot> OverwriteWith(const std::shared_ptr<Table>& table,
                                        const std::string& filter,
                                        const std::vector<testing::Row>& rows,
                                        std::optional<IsolationLevel> isolation) {
    ARROW_ASSIGN_OR_RAISE(auto files, WriteDataFiles(*table, *ArrowRows(*table, rows)));
    Overwrite overwrite(table, Filter(filter));
    overwrite.AddFiles(files);
    if (isolation) overwrite.Isolation(*isolation);
    return overwrite.Commit();
  }
};

TEST_F(OverwriteTest, FilesProvenToMatchAreRemovedUnread) {
  MakeTable("", {});
  auto low = Append(table_, {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}});
  Append(table_, {{5, 0, 0}, {6, 0, 0}});
  RemoveFromStorage(low);
  auto snapshot = OverwriteWith(table_, "id < 5", {{100, 0, 0}}, std::nullopt);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->summary.at("operation"), "overwrite");
  EXPECT_EQ(snapshot->summary.at("deleted-data-files"), "1");
  EXPECT_EQ(snapshot->summary.at("deleted-records"), "3");
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{5, 6, 100}));
}

TEST_F(OverwriteTest, SerializableFailsOnAConcurrentAppendTheFilterCovers) {
  MakeTable("part", {});
  Append(table_, {{1, 0, 0}, {2, 1, 0}});
  auto stale = Other();
  Append(Other(), {{3, 0, 0}});  // committed after `stale` read the table
  auto snapshot = OverwriteWith(stale, "part = 0", {{10, 0, 0}}, IsolationLevel::kSerializable);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_TRUE(IsValidationFailed(snapshot.status())) << snapshot.status().ToString();
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{1, 2, 3}));
}

TEST_F(OverwriteTest, SerializableAllowsAConcurrentAppendElsewhere) {
  MakeTable("part", {});
  Append(table_, {{1, 0, 0}, {2, 1, 0}});
  auto stale = Other();
  Append(Other(), {{3, 1, 0}});
  auto snapshot = OverwriteWith(stale, "part = 0", {{10, 0, 0}}, IsolationLevel::kSerializable);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{2, 3, 10}));
}

TEST_F(OverwriteTest, SnapshotIsolationKeepsTheRowsAppendedMeanwhile) {
  MakeTable("part", {});
  Append(table_, {{1, 0, 0}, {2, 1, 0}});
  auto stale = Other();
  Append(Other(), {{3, 0, 0}});
  auto snapshot = OverwriteWith(stale, "part = 0", {{10, 0, 0}}, IsolationLevel::kSnapshot);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  // The overwrite replaced what it read; the concurrent row is not silently deleted.
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{2, 3, 10}));
}

TEST_F(OverwriteTest, WithoutIsolationThePlanIsMadeAgainOverTheNewRows) {
  MakeTable("part", {});
  Append(table_, {{1, 0, 0}, {2, 1, 0}});
  auto stale = Other();
  Append(Other(), {{3, 0, 0}});
  auto snapshot = OverwriteWith(stale, "part = 0", {{10, 0, 0}}, std::nullopt);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{2, 10}));
}

TEST_F(OverwriteTest, AConcurrentRemovalOfAReplacedFileFailsUnderAnyIsolation) {
  for (auto level : {IsolationLevel::kSnapshot, IsolationLevel::kSerializable}) {
    MakeTable("part", {});
    Append(table_, {{1, 0, 0}, {2, 0, 0}, {3, 1, 0}});
    auto stale = Other();
    auto deleted = DeleteRows(Other(), Filter("id = 1"));  // rewrites the part 0 file
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    auto snapshot = OverwriteWith(stale, "part = 0 AND id = 2", {{20, 0, 0}}, level);
    ASSERT_FALSE(snapshot.ok()) << ToString(level);
    EXPECT_TRUE(IsValidationFailed(snapshot.status())) << snapshot.status().ToString();
    EXPECT_EQ(Ids(), (std::multiset<int64_t>{2, 3})) << ToString(level);
    std::filesystem::remove_all(dir_);
  }
}

TEST_F(OverwriteTest, ConcurrentDeletesForAReplacedFileFail) {
  MakeTable("part", {});
  Append(table_, {{1, 0, 0}, {2, 0, 0}, {3, 1, 0}});
  auto stale = Other();
  DeleteRowsOptions merge_on_read;
  merge_on_read.mode = RowLevelMode::kMergeOnRead;
  auto deleted = DeleteRows(Other(), Filter("id = 1"), merge_on_read);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->delete_files_added, 1);
  auto snapshot = OverwriteWith(stale, "id = 2", {{20, 0, 0}}, IsolationLevel::kSnapshot);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_TRUE(IsValidationFailed(snapshot.status())) << snapshot.status().ToString();
  EXPECT_EQ(Ids(), (std::multiset<int64_t>{2, 3}));
}

}  // namespace
}  // namespace floe::iceberg
