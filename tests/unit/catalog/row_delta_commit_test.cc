// RowDelta through the SQL catalog: delete files land in delete manifests with their summary
// counts, and the validations against concurrent commits fail (without retrying) exactly when
// the isolation level says they must.
#include <gtest/gtest.h>

#include <filesystem>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/row_delta.h"
#include "floe/util/uuid.h"

namespace floe {
namespace {

using iceberg::DataFile;
using iceberg::DataFileContent;
using iceberg::FastAppend;
using iceberg::Literal;
using iceberg::RowDelta;
using iceberg::TableIdentifier;

class RowDeltaCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("floe-row-delta-" + util::RandomUuid());
    catalog_ = *catalog::SqlCatalog::Open(dir_.string(), "", "default");
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
    catalog::CreateTableRequest request;
    request.schema =
        iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""},
                            iceberg::NestedField{2, "region", iceberg::Type::String(), false, ""}});
    request.spec = iceberg::PartitionSpec(
        0, {iceberg::PartitionField{2, 1000, "region", iceberg::Transform::Identity()}});
    request.properties["commit.retry.min-wait-ms"] = "1";
    request.properties["commit.retry.max-wait-ms"] = "5";
    ASSERT_TRUE(catalog_->CreateTable(table_id_, request).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<iceberg::Table> Load() { return *catalog_->LoadTable(table_id_); }

  static DataFile Data(const std::string& name, const std::string& region, int64_t rows) {
    DataFile f;
    f.file_path = "/nowhere/" + name + ".parquet";
    f.partition = {Literal::String(region)};
    f.record_count = rows;
    f.file_size_in_bytes = 100 * rows;
    return f;
  }
  static DataFile PositionDeletes(const DataFile& of, int64_t rows) {
    DataFile f = of;
    f.content = DataFileContent::kPositionDeletes;
    f.file_path = of.file_path + "-deletes.parquet";
    f.record_count = rows;
    f.file_size_in_bytes = 10 * rows;
    f.referenced_data_file = of.file_path;
    return f;
  }

  int64_t Append(const DataFile& f) {
    FastAppend append(Load());
    append.AppendFile(f);
    auto snapshot = append.Commit();
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    return snapshot->snapshot_id;
  }

  static iceberg::ExprPtr Filter(const std::string& text) {
    auto filter = iceberg::ParseFilter(text);
    EXPECT_TRUE(filter.ok()) << filter.status().ToString();
    return *filter;
  }

  std::filesystem::path dir_;
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  TableIdentifier table_id_{{"db"}, "t"};
};

TEST_F(RowDeltaCommitTest, DeleteFilesGoToDeleteManifestsAndAreCounted) {
  DataFile a = Data("a", "eu", 10);
  Append(a);
  auto table = Load();
  RowDelta delta(table);
  delta.AddDeletes(PositionDeletes(a, 3));
  auto snapshot = delta.Commit();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  const auto& s = snapshot->summary;
  EXPECT_EQ(s.at("operation"), "delete");
  EXPECT_EQ(s.at("added-delete-files"), "1");
  EXPECT_EQ(s.at("added-position-delete-files"), "1");
  EXPECT_EQ(s.at("added-position-deletes"), "3");
  EXPECT_EQ(s.at("added-files-size"), "30");
  EXPECT_FALSE(s.count("added-data-files"));
  EXPECT_FALSE(s.count("added-equality-delete-files"));
  EXPECT_EQ(s.at("total-delete-files"), "1");
  EXPECT_EQ(s.at("total-position-deletes"), "3");
  EXPECT_EQ(s.at("total-equality-deletes"), "0");
  EXPECT_EQ(s.at("total-data-files"), "1");
  EXPECT_EQ(s.at("total-records"), "10");  // records are data rows; deletes are counted apart

  auto manifests = *iceberg::ReadManifestList(*table->io(), snapshot->manifest_list);
  int delete_manifests = 0;
  for (const auto& m : manifests) {
    if (m.content != iceberg::ManifestContent::kDeletes) continue;
    ++delete_manifests;
    auto entries = *iceberg::ReadManifestEntries(*table->io(), m);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].data_file.content, DataFileContent::kPositionDeletes);
    EXPECT_EQ(entries[0].data_file.file_path, a.file_path + "-deletes.parquet");
  }
  EXPECT_EQ(delete_manifests, 1);

  // Removing the data file and its deletes together brings the totals to 0.
  RowDelta cleanup(Load());
  cleanup.RemoveRows(a).RemoveDeletes(PositionDeletes(a, 3));
  auto cleaned = cleanup.Commit();
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  EXPECT_EQ(cleaned->summary.at("operation"), "delete");  // files removed, nothing added
  EXPECT_EQ(cleaned->summary.at("removed-delete-files"), "1");
  EXPECT_EQ(cleaned->summary.at("removed-position-delete-files"), "1");
  EXPECT_EQ(cleaned->summary.at("removed-position-deletes"), "3");
  EXPECT_EQ(cleaned->summary.at("deleted-data-files"), "1");
  EXPECT_EQ(cleaned->summary.at("total-delete-files"), "0");
  EXPECT_EQ(cleaned->summary.at("total-position-deletes"), "0");
  EXPECT_EQ(cleaned->summary.at("total-data-files"), "0");
  EXPECT_EQ(cleaned->summary.at("total-files-size"), "0");
}

TEST_F(RowDeltaCommitTest, OnlyAddingRowsIsAnAppend) {
  RowDelta delta(Load());
  delta.AddRows(Data("a", "eu", 1));
  auto snapshot = delta.Commit();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->summary.at("operation"), "append");
}

TEST_F(RowDeltaCommitTest, SerializableFailsOnAConcurrentAppendIntoTheFilteredPartition) {
  DataFile a = Data("a", "eu", 10);
  int64_t start = Append(a);
  auto stale = Load();         // what the delete read
  Append(Data("b", "eu", 5));  // a concurrent writer appends to the same partition

  RowDelta serializable(stale);
  serializable.AddDeletes(PositionDeletes(a, 1))
      .ValidateFromSnapshot(start)
      .ConflictDetectionFilter(Filter("region = 'eu'"))
      .ValidateDataFilesExist({a.file_path})
      .ValidateNoConflictingDeleteFiles()
      .ValidateNoConflictingDataFiles();
  auto failed = serializable.Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(iceberg::IsValidationFailed(failed.status())) << failed.status().ToString();
  EXPECT_FALSE(iceberg::IsCommitConflict(failed.status()));
  EXPECT_NE(failed.status().message().find("/nowhere/b.parquet"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(Load()->metadata().snapshots.size(), 2u) << "nothing committed";

  // The same change under snapshot isolation (no new-data check) commits.
  RowDelta snapshot_isolation(Load());
  snapshot_isolation.AddDeletes(PositionDeletes(a, 1))
      .ValidateFromSnapshot(start)
      .ConflictDetectionFilter(Filter("region = 'eu'"))
      .ValidateDataFilesExist({a.file_path})
      .ValidateNoConflictingDeleteFiles();
  auto committed = snapshot_isolation.Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
}

TEST_F(RowDeltaCommitTest, SerializableAllowsAConcurrentAppendElsewhere) {
  DataFile a = Data("a", "eu", 10);
  int64_t start = Append(a);
  auto stale = Load();
  Append(Data("c", "us", 5));
  RowDelta delta(stale);
  delta.AddDeletes(PositionDeletes(a, 1))
      .ValidateFromSnapshot(start)
      .ConflictDetectionFilter(Filter("region = 'eu'"))
      .ValidateNoConflictingDataFiles()
      .ValidateNoConflictingDeleteFiles();
  auto committed = delta.Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->summary.at("total-data-files"), "2");
}

TEST_F(RowDeltaCommitTest, ConcurrentRemovalOfAReferencedFileFailsUnderAnyIsolation) {
  DataFile a = Data("a", "eu", 10);
  int64_t start = Append(a);
  auto stale = Load();
  // A concurrent compaction rewrites a into a2.
  RowDelta compaction(Load());
  compaction.RemoveRows(a).AddRows(Data("a2", "eu", 10));
  ASSERT_TRUE(compaction.Commit().ok());

  RowDelta delta(stale);
  delta.AddDeletes(PositionDeletes(a, 1))
      .ValidateFromSnapshot(start)
      .ValidateDataFilesExist({a.file_path});
  auto failed = delta.Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(iceberg::IsValidationFailed(failed.status())) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("removed data file /nowhere/a.parquet"),
            std::string::npos)
      << failed.status().ToString();
}

TEST_F(RowDeltaCommitTest, RewritingAFileThatGotNewDeletesFails) {
  DataFile a = Data("a", "eu", 10);
  int64_t start = Append(a);
  auto stale = Load();
  RowDelta concurrent_delete(Load());
  concurrent_delete.AddDeletes(PositionDeletes(a, 2));
  ASSERT_TRUE(concurrent_delete.Commit().ok());

  // A copy-on-write rewrite of a planned before those deletes would bring the rows back.
  RowDelta rewrite(stale);
  rewrite.RemoveRows(a)
      .AddRows(Data("a-rewritten", "eu", 9))
      .ValidateFromSnapshot(start)
      .ValidateNoConflictingDeleteFiles();
  auto failed = rewrite.Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(iceberg::IsValidationFailed(failed.status())) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("for data file /nowhere/a.parquet"), std::string::npos)
      << failed.status().ToString();
}

TEST_F(RowDeltaCommitTest, RemovingAFileAlreadyRemovedFails) {
  DataFile a = Data("a", "eu", 10);
  Append(a);
  auto stale = Load();
  RowDelta first(Load());
  first.RemoveRows(a);
  ASSERT_TRUE(first.Commit().ok());
  RowDelta second(stale);
  second.RemoveRows(a).AddRows(Data("a-rewritten", "eu", 9));
  auto failed = second.Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(iceberg::IsValidationFailed(failed.status())) << failed.status().ToString();
}

TEST_F(RowDeltaCommitTest, AStartingSnapshotOffTheBranchFails) {
  Append(Data("a", "eu", 10));
  RowDelta delta(Load());
  delta.AddRows(Data("b", "eu", 1)).ValidateFromSnapshot(12345).ValidateNoConflictingDataFiles();
  auto failed = delta.Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(iceberg::IsValidationFailed(failed.status())) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("12345"), std::string::npos);
}

}  // namespace
}  // namespace floe
