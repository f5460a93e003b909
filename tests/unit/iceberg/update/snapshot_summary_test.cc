// Snapshot summaries count delete files by content, as Java's SnapshotSummary does.
#include <gtest/gtest.h>

#include "floe/iceberg/update/snapshot_producer.h"

namespace floe::iceberg {
namespace {

DataFile File(DataFileContent content, int64_t records, int64_t size) {
  DataFile f;
  f.content = content;
  f.record_count = records;
  f.file_size_in_bytes = size;
  return f;
}

DataFile DeletionVector(int64_t records, int64_t blob_size) {
  DataFile f = File(DataFileContent::kPositionDeletes, records, 5000);
  f.file_format = "PUFFIN";
  f.content_offset = 4;
  f.content_size_in_bytes = blob_size;
  f.referenced_data_file = "/t/data/a.parquet";
  return f;
}

TEST(SnapshotSummaryTest, DeleteFilesAreCountedByContent) {
  SnapshotChanges c;
  c.Added(File(DataFileContent::kData, 10, 1000), "p=1");
  c.Added(File(DataFileContent::kPositionDeletes, 3, 100), "p=1");
  c.Added(File(DataFileContent::kEqualityDeletes, 4, 200), "p=2");
  c.Added(DeletionVector(2, 40), "p=1");
  c.Deleted(DeletionVector(1, 30), "p=1");
  c.Deleted(File(DataFileContent::kEqualityDeletes, 5, 250), "p=3");
  auto s = BuildSnapshotSummary("overwrite", c, nullptr);
  EXPECT_EQ(s.at("added-data-files"), "1");
  EXPECT_EQ(s.at("added-records"), "10");
  EXPECT_EQ(s.at("added-delete-files"), "3");
  EXPECT_EQ(s.at("added-position-delete-files"), "1");
  EXPECT_EQ(s.at("added-equality-delete-files"), "1");
  EXPECT_EQ(s.at("added-dvs"), "1");
  EXPECT_EQ(s.at("added-position-deletes"), "5");
  EXPECT_EQ(s.at("added-equality-deletes"), "4");
  EXPECT_EQ(s.at("removed-delete-files"), "2");
  EXPECT_EQ(s.at("removed-dvs"), "1");
  EXPECT_EQ(s.at("removed-equality-delete-files"), "1");
  EXPECT_FALSE(s.count("removed-position-delete-files"));
  EXPECT_EQ(s.at("removed-position-deletes"), "1");
  EXPECT_EQ(s.at("removed-equality-deletes"), "5");
  EXPECT_FALSE(s.count("deleted-data-files"));
  // A DV's size is its blob's, not its Puffin file's.
  EXPECT_EQ(s.at("added-files-size"), "1340");
  EXPECT_EQ(s.at("removed-files-size"), "280");
  EXPECT_EQ(s.at("changed-partition-count"), "3");
}

TEST(SnapshotSummaryTest, TotalsCarryForwardFromTheParent) {
  Snapshot parent;
  parent.summary = {{"total-records", "100"},        {"total-files-size", "9000"},
                    {"total-data-files", "4"},       {"total-delete-files", "2"},
                    {"total-position-deletes", "7"}, {"total-equality-deletes", "1"}};
  SnapshotChanges c;
  c.Added(File(DataFileContent::kPositionDeletes, 3, 100), "");
  c.Deleted(File(DataFileContent::kEqualityDeletes, 1, 50), "");
  auto s = BuildSnapshotSummary("delete", c, &parent);
  EXPECT_EQ(s.at("total-records"), "100");
  EXPECT_EQ(s.at("total-data-files"), "4");
  EXPECT_EQ(s.at("total-delete-files"), "2");
  EXPECT_EQ(s.at("total-position-deletes"), "10");
  EXPECT_EQ(s.at("total-equality-deletes"), "0");
  EXPECT_EQ(s.at("total-files-size"), "9050");

  // A total the parent lacks stays unknown; one that would go negative is left out (Java).
  Snapshot partial;
  partial.summary = {{"total-delete-files", "0"}};
  auto t = BuildSnapshotSummary("delete", c, &partial);
  EXPECT_FALSE(t.count("total-records"));
  EXPECT_EQ(t.at("total-delete-files"), "0");
  SnapshotChanges remove_more;
  remove_more.Deleted(File(DataFileContent::kPositionDeletes, 3, 100), "");
  auto u = BuildSnapshotSummary("overwrite", remove_more, &partial);
  EXPECT_FALSE(u.count("total-delete-files"));
}

TEST(SnapshotSummaryTest, DeleteFilesAloneAreSomethingToCommit) {
  SnapshotChanges c;
  EXPECT_TRUE(c.empty());
  c.Added(File(DataFileContent::kEqualityDeletes, 1, 10), "");
  EXPECT_FALSE(c.empty());
  SnapshotChanges removed;
  removed.Deleted(DeletionVector(1, 10), "");
  EXPECT_FALSE(removed.empty());
}

}  // namespace
}  // namespace floe::iceberg
