// Optimistic commits through the SQL catalog: a stale writer refreshes, re-applies and lands;
// a change that keeps losing gives up after commit.retry.num-retries.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/commit_retry.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/iceberg/update/update_properties.h"
#include "floe/util/uuid.h"

namespace floe {
namespace {

using iceberg::DataFile;
using iceberg::FastAppend;
using iceberg::TableIdentifier;

class TableCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("floe-commit-" + util::RandomUuid());
    catalog_ = Open();
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
    catalog::CreateTableRequest request;
    iceberg::NestedField id{1, "id", iceberg::Type::Long(), true, ""};
    request.schema = iceberg::Schema(0, {id});
    request.properties["commit.retry.min-wait-ms"] = "1";
    request.properties["commit.retry.max-wait-ms"] = "5";
    ASSERT_TRUE(catalog_->CreateTable(table_id_, request).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<catalog::SqlCatalog> Open() {
    auto catalog = catalog::SqlCatalog::Open(dir_.string(), "", "default");
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return std::move(*catalog);
  }

  static DataFile File(const std::string& name, int64_t rows) {
    DataFile f;
    f.file_path = "/nowhere/" + name + ".parquet";
    f.record_count = rows;
    f.file_size_in_bytes = 100 * rows;
    return f;
  }

  // Paths of the live files of the current snapshot.
  std::vector<std::string> LiveFiles(iceberg::Table& table) {
    std::vector<std::string> out;
    auto manifests =
        iceberg::ReadManifestList(*table.io(), table.metadata().CurrentSnapshot()->manifest_list);
    EXPECT_TRUE(manifests.ok()) << manifests.status().ToString();
    for (const auto& m : *manifests) {
      auto entries = iceberg::ReadManifestEntries(*table.io(), m);
      EXPECT_TRUE(entries.ok());
      for (const auto& e : *entries) out.push_back(e.data_file.file_path);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  TableIdentifier table_id_{{"db"}, "t"};
};

TEST_F(TableCommitTest, StaleWriterRefreshesAndLandsAfterConcurrentCommit) {
  auto first = *catalog_->LoadTable(table_id_);
  auto stale = *Open()->LoadTable(table_id_);
  FastAppend a(first);
  a.AppendFile(File("a", 10));
  ASSERT_TRUE(a.Commit().ok());
  // `stale` still holds the metadata from before `a`; its commit loses the race once.
  FastAppend b(stale);
  b.AppendFile(File("b", 5));
  auto snapshot = b.Commit();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->parent_snapshot_id, first->metadata().current_snapshot_id);
  EXPECT_EQ(snapshot->sequence_number, 2);
  EXPECT_EQ(snapshot->summary.at("total-records"), "15");
  auto reloaded = *catalog_->LoadTable(table_id_);
  EXPECT_EQ(reloaded->metadata().snapshots.size(), 2u);
  EXPECT_EQ(LiveFiles(*reloaded),
            (std::vector<std::string>{"/nowhere/a.parquet", "/nowhere/b.parquet"}));
  EXPECT_EQ(reloaded->metadata().metadata_log.size(), 2u);
}

TEST_F(TableCommitTest, ThreadsAppendingConcurrentlyAllLand) {
  constexpr int kThreads = 4, kCommits = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto catalog = Open();
      auto table = *catalog->LoadTable(table_id_);
      (void)iceberg::SetTableProperties(table, {{"commit.retry.num-retries", "50"}}, {});
      for (int i = 0; i < kCommits; ++i) {
        FastAppend append(table);
        append.AppendFile(File("t" + std::to_string(t) + "-" + std::to_string(i), 1));
        if (!append.Commit().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto table = *catalog_->LoadTable(table_id_);
  int appends = 0;
  for (const auto& s : table->metadata().snapshots) appends += s.operation() == "append";
  EXPECT_EQ(appends, kThreads * kCommits);
  EXPECT_EQ(LiveFiles(*table).size(), static_cast<size_t>(kThreads * kCommits));
}

TEST_F(TableCommitTest, GivesUpAfterConfiguredRetriesWithClearError) {
  auto table = *catalog_->LoadTable(table_id_);
  ASSERT_TRUE(iceberg::SetTableProperties(table, {{"commit.retry.num-retries", "0"}}, {}).ok());
  auto stale = *Open()->LoadTable(table_id_);
  FastAppend a(table);
  a.AppendFile(File("a", 1));
  ASSERT_TRUE(a.Commit().ok());
  FastAppend b(stale);
  b.AppendFile(File("b", 1));
  auto result = b.Commit();
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(iceberg::IsCommitConflict(result.status()));
  EXPECT_NE(result.status().message().find("db.t"), std::string::npos);
  EXPECT_NE(result.status().message().find("commit.retry.num-retries"), std::string::npos);
}

TEST_F(TableCommitTest, EmptyAppendCommitsNothingUnlessAllowed) {
  auto table = *catalog_->LoadTable(table_id_);
  FastAppend empty(table);
  EXPECT_FALSE(empty.Commit().ok());  // no snapshot yet and nothing to add
  FastAppend token(table);
  token.AllowEmpty().SetSummary("floe.test", "x");
  auto snapshot = token.Commit();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->summary.at("floe.test"), "x");
  EXPECT_EQ((*catalog_->LoadTable(table_id_))->metadata().snapshots.size(), 1u);
}

TEST_F(TableCommitTest, ValidationFailureAbortsTheCommit) {
  auto table = *catalog_->LoadTable(table_id_);
  FastAppend append(table);
  append.AppendFile(File("a", 1));
  append.SetValidation([](const iceberg::TableMetadata&) {
    return arrow::Status::Invalid("refused by validation");
  });
  auto result = append.Commit();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "refused by validation");
  EXPECT_TRUE((*catalog_->LoadTable(table_id_))->metadata().snapshots.empty());
}

}  // namespace
}  // namespace floe

namespace floe {
namespace {

// A snapshot whose manifest list holds a delete manifest, committed by hand: floe cannot apply
// delete files, so scans and overwrites must refuse the table instead of returning deleted rows.
TEST_F(TableCommitTest, ScansOfTablesWithDeleteFilesPlanTheirDeletes) {
  auto table = *catalog_->LoadTable(table_id_);
  FastAppend a(table);
  a.AppendFile(File("a", 3));
  ASSERT_TRUE(a.Commit().ok());
  const auto& md = table->metadata();
  int64_t snapshot_id = iceberg::NewSnapshotId(md);
  iceberg::ManifestWriter::Options options;
  options.content = iceberg::ManifestContent::kDeletes;
  std::string manifest_path = md.location + "/metadata/deletes-m0.avro";
  auto writer = iceberg::ManifestWriter::Make(*table->io(), manifest_path, md.DefaultSpec(),
                                              *md.CurrentSchema(), nullptr, snapshot_id, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  DataFile deletes = File("pos-deletes", 1);
  deletes.content = iceberg::DataFileContent::kPositionDeletes;
  ASSERT_TRUE((*writer)->Add(deletes).ok());
  auto delete_manifest = (*writer)->Close();
  ASSERT_TRUE(delete_manifest.ok()) << delete_manifest.status().ToString();
  auto manifests = *iceberg::ReadManifestList(*table->io(), md.CurrentSnapshot()->manifest_list);
  manifests.push_back(*delete_manifest);
  iceberg::Snapshot snap;
  snap.snapshot_id = snapshot_id;
  snap.parent_snapshot_id = md.current_snapshot_id;
  snap.sequence_number = md.last_sequence_number + 1;
  snap.timestamp_ms = iceberg::NowMs();
  snap.summary["operation"] = "delete";
  snap.manifest_list = md.location + "/metadata/snap-deletes.avro";
  auto list = iceberg::ManifestListWriter::Make(*table->io(), snap.manifest_list, snapshot_id,
                                                snap.parent_snapshot_id, snap.sequence_number);
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE((*list)->Add(manifests).ok());
  ASSERT_TRUE((*list)->Close().ok());
  iceberg::TableMetadataBuilder builder(table->metadata());
  ASSERT_TRUE(builder.AddSnapshot(snap).ok());
  iceberg::SnapshotRef main;
  main.snapshot_id = snapshot_id;
  ASSERT_TRUE(builder.SetRef(iceberg::kMainBranch, main).ok());
  auto committed = table->operations().Commit(
      iceberg::RequirementsFor(&table->metadata(), builder.updates()), builder.updates());
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  table->Adopt(*committed);

  auto scan = iceberg::TableScan::Make(*table, {});
  ASSERT_TRUE(scan.ok());
  auto planned = scan->PlanFiles();
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  ASSERT_EQ(planned->size(), 1u);
  ASSERT_EQ((*planned)[0].deletes.size(), 1u);
  EXPECT_EQ((*planned)[0].deletes[0].file.file_path, "/nowhere/pos-deletes.parquet");
}

}  // namespace
}  // namespace floe

namespace floe {
namespace {

TEST(SqlCatalogUriTest, AcceptsSqlAlchemyStyleSqliteUris) {
  auto dir = std::filesystem::temp_directory_path() / ("floe-uri-" + util::RandomUuid());
  std::string db = (dir / "elsewhere" / "cat.db").string();
  auto catalog = catalog::SqlCatalog::Open(dir.string(), "sqlite:///" + db, "default");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE((*catalog)->CreateNamespace({"ns"}, {}).ok());
  EXPECT_TRUE(std::filesystem::exists(db));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace floe
