// Transactions, the commit model of updates and requirements, branches and tags, on the
// embedded SQL catalog.
#include "floe/iceberg/update/transaction.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/update/cherry_pick.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/manage_snapshots.h"
#include "floe/iceberg/update/update_properties.h"
#include "floe/util/uuid.h"

namespace floe {
namespace {

using iceberg::DataFile;
using iceberg::FastAppend;
using iceberg::ManageSnapshots;
using iceberg::TableIdentifier;
using iceberg::Transaction;
using iceberg::UpdateProperties;

namespace fs = std::filesystem;

/// A change that fails when planned: stands for any operation that finds the table unfit.
class FailingChange final : public iceberg::PendingUpdate {
 public:
  explicit FailingChange(std::shared_ptr<iceberg::Table> table) : PendingUpdate(std::move(table)) {}
  arrow::Status Apply(iceberg::TableMetadataBuilder&) override {
    return arrow::Status::Invalid("this change cannot apply");
  }
};

/// Commits through the real catalog, then reports the outcome as unknown (a timeout after the
/// request was sent).
class UnknownOutcomeOperations final : public iceberg::TableOperations {
 public:
  explicit UnknownOutcomeOperations(iceberg::TableOperations& inner) : inner_(inner) {}
  const TableIdentifier& identifier() const override { return inner_.identifier(); }
  std::shared_ptr<io::FileIO> io() const override { return inner_.io(); }
  arrow::Result<iceberg::TableState> Refresh() override { return inner_.Refresh(); }
  arrow::Result<iceberg::TableState> Commit(
      const std::vector<iceberg::TableRequirement>& requirements,
      const std::vector<iceberg::TableUpdate>& updates) override {
    ARROW_RETURN_NOT_OK(inner_.Commit(requirements, updates).status());
    return iceberg::CommitStateUnknown("timed out waiting for the catalog");
  }

 private:
  iceberg::TableOperations& inner_;
};

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe-txn-" + util::RandomUuid());
    catalog_ = Open();
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
    ASSERT_TRUE(catalog_->CreateTable(table_id_, Request()).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static catalog::CreateTableRequest Request() {
    catalog::CreateTableRequest request;
    request.schema =
        iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""}});
    request.properties["commit.retry.min-wait-ms"] = "1";
    request.properties["commit.retry.max-wait-ms"] = "5";
    return request;
  }

  std::unique_ptr<catalog::SqlCatalog> Open() {
    auto catalog = catalog::SqlCatalog::Open(dir_.string(), "", "default");
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return std::move(*catalog);
  }

  std::shared_ptr<iceberg::Table> Load() {
    auto table = catalog_->LoadTable(table_id_);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return *table;
  }

  static DataFile File(const std::string& name, int64_t rows) {
    DataFile f;
    f.file_path = "/nowhere/" + name + ".parquet";
    f.record_count = rows;
    f.file_size_in_bytes = 100 * rows;
    return f;
  }

  // Paths of the live data files of a snapshot.
  static std::vector<std::string> Files(iceberg::Table& table, const iceberg::Snapshot* snapshot) {
    std::vector<std::string> out;
    if (snapshot == nullptr) return out;
    auto manifests = iceberg::ReadManifestList(*table.io(), snapshot->manifest_list);
    EXPECT_TRUE(manifests.ok()) << manifests.status().ToString();
    for (const auto& m : *manifests) {
      auto entries = iceberg::ReadManifestEntries(*table.io(), m);
      EXPECT_TRUE(entries.ok());
      for (const auto& e : *entries) out.push_back(fs::path(e.data_file.file_path).stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> Files(iceberg::Table& table, const std::string& ref) {
    return Files(table, table.metadata().SnapshotForRef(ref));
  }

  // Files under the table's metadata folder.
  std::set<std::string> MetadataFiles(const iceberg::Table& table) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(table.metadata().location + "/metadata")) {
      out.insert(e.path().filename().string());
    }
    return out;
  }

  fs::path dir_;
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  TableIdentifier table_id_{{"db"}, "t"};
};

TEST_F(TransactionTest, SeveralChangesCommitAsOneMetadataVersion) {
  auto table = Load();
  const size_t files_before = MetadataFiles(*table).size();
  Transaction txn(table);
  txn.Add<UpdateProperties>().Set("stage", "loading");
  txn.Add<FastAppend>().AppendFile(File("a", 10));
  txn.Add<FastAppend>().AppendFile(File("b", 5));
  txn.Add<UpdateProperties>().Set("stage", "loaded").Set("owner", "ops");
  ASSERT_TRUE(txn.Commit().ok());

  auto reloaded = Load();
  const auto& md = reloaded->metadata();
  EXPECT_EQ(md.properties.at("stage"), "loaded");
  EXPECT_EQ(md.properties.at("owner"), "ops");
  ASSERT_EQ(md.snapshots.size(), 2u);
  EXPECT_EQ(md.snapshots[1].parent_snapshot_id, md.snapshots[0].snapshot_id);
  EXPECT_EQ(md.snapshots[1].sequence_number, 2);
  EXPECT_EQ(md.snapshots[1].summary.at("total-records"), "15");
  EXPECT_EQ(Files(*reloaded, "main"), (std::vector<std::string>{"a", "b"}));
  // One metadata file, one manifest list and one manifest per append: nothing else.
  EXPECT_EQ(MetadataFiles(*reloaded).size(), files_before + 1 + 2 + 2);
  ASSERT_EQ(md.snapshot_log.size(), 1u) << "the first append was never current for readers";
  EXPECT_EQ(md.metadata_log.size(), 1u);
  EXPECT_FALSE(txn.Commit().ok()) << "a transaction commits once";
}

TEST_F(TransactionTest, AFailureBetweenChangesLeavesNothingVisibleAndNoFiles) {
  auto table = Load();
  const std::string location = table->metadata_location();
  const auto files_before = MetadataFiles(*table);
  Transaction txn(table);
  txn.Add<FastAppend>().AppendFile(File("a", 10));
  txn.Add<UpdateProperties>().Set("stage", "loading");
  txn.Add<FailingChange>();
  arrow::Status st = txn.Commit();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot apply"), std::string::npos) << st;
  auto reloaded = Load();
  EXPECT_EQ(reloaded->metadata_location(), location);
  EXPECT_TRUE(reloaded->metadata().snapshots.empty());
  EXPECT_EQ(reloaded->metadata().properties.count("stage"), 0u);
  EXPECT_EQ(MetadataFiles(*reloaded), files_before) << "the append's manifest and list are gone";
}

TEST_F(TransactionTest, AConcurrentWriterFailsARequirementAndTheRetryReplans) {
  auto mine = Load();
  auto theirs = *Open()->LoadTable(table_id_);
  Transaction txn(mine);
  txn.Add<FastAppend>().AppendFile(File("mine", 1));
  txn.Add<UpdateProperties>().Set("writer", "mine");
  // The other writer commits first: my plan (parent: no snapshot) no longer holds.
  FastAppend other(theirs);
  other.AppendFile(File("theirs", 2));
  ASSERT_TRUE(other.Commit().ok());
  // Stated directly, the requirement my first attempt sends now fails as a conflict.
  auto stale =
      catalog_->UpdateTable(table_id_, {iceberg::AssertRefSnapshotId{"main", std::nullopt}},
                            {iceberg::SetProperties{{{"writer", "stale"}}}});
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(iceberg::IsCommitConflict(stale.status())) << stale.status();

  ASSERT_TRUE(txn.Commit().ok());
  auto reloaded = Load();
  const auto& md = reloaded->metadata();
  ASSERT_EQ(md.snapshots.size(), 2u);
  const iceberg::Snapshot* head = md.CurrentSnapshot();
  EXPECT_EQ(head->parent_snapshot_id, theirs->metadata().current_snapshot_id)
      << "re-planned on top of the other writer's snapshot";
  EXPECT_EQ(head->summary.at("total-records"), "3");
  EXPECT_EQ(Files(*reloaded, "main"), (std::vector<std::string>{"mine", "theirs"}));
  EXPECT_EQ(md.properties.at("writer"), "mine");
}

TEST_F(TransactionTest, UpdateTableChecksEveryRequirementInsideTheSwap) {
  auto table = Load();
  const auto& md = table->metadata();
  auto wrong_uuid = catalog_->UpdateTable(table_id_, {iceberg::AssertTableUuid{"not-it"}},
                                          {iceberg::SetProperties{{{"k", "v"}}}});
  EXPECT_TRUE(iceberg::IsCommitConflict(wrong_uuid.status())) << wrong_uuid.status();
  auto wrong_schema = catalog_->UpdateTable(table_id_, {iceberg::AssertCurrentSchemaId{3}},
                                            {iceberg::SetProperties{{{"k", "v"}}}});
  EXPECT_TRUE(iceberg::IsCommitConflict(wrong_schema.status()));
  auto missing = catalog_->UpdateTable(TableIdentifier{{"db"}, "nope"}, {}, {});
  EXPECT_TRUE(iceberg::IsNoSuchTable(missing.status())) << missing.status();
  auto ok = catalog_->UpdateTable(
      table_id_, {iceberg::AssertTableUuid{md.table_uuid}, iceberg::AssertCurrentSchemaId{0}},
      {iceberg::SetProperties{{{"k", "v"}}},
       iceberg::RemoveProperties{{"commit.retry.max-wait-ms"}}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->metadata->properties.at("k"), "v");
  EXPECT_EQ(Load()->metadata().properties.count("commit.retry.max-wait-ms"), 0u);
  EXPECT_EQ(Load()->metadata_location(), ok->metadata_location);
}

TEST_F(TransactionTest, CreateTableAsCommitsTheTableWithItsFirstDataOrNothing) {
  TableIdentifier id{{"db"}, "ctas"};
  auto txn = catalog_->BeginCreateTable(id, Request());
  ASSERT_TRUE(txn.ok()) << txn.status();
  (*txn)->Add<FastAppend>().AppendFile(File("first", 7));
  (*txn)->Add<UpdateProperties>().Set("source", "ctas");
  EXPECT_FALSE(*catalog_->TableExists(id)) << "nothing visible before the commit";
  ASSERT_TRUE((*txn)->Commit().ok());
  auto table = *catalog_->LoadTable(id);
  EXPECT_EQ(table->metadata().properties.at("source"), "ctas");
  ASSERT_EQ(table->metadata().snapshots.size(), 1u);
  EXPECT_EQ(Files(*table, "main"), (std::vector<std::string>{"first"}));
  EXPECT_TRUE(table->metadata().metadata_log.empty()) << "one metadata file: the first";

  // A failing change: no table.
  TableIdentifier failed{{"db"}, "ctas_failed"};
  auto txn2 = catalog_->BeginCreateTable(failed, Request());
  ASSERT_TRUE(txn2.ok());
  (*txn2)->Add<FastAppend>().AppendFile(File("x", 1));
  (*txn2)->Add<FailingChange>();
  EXPECT_FALSE((*txn2)->Commit().ok());
  EXPECT_FALSE(*catalog_->TableExists(failed));
  EXPECT_FALSE(fs::exists(dir_ / "db.db" / "ctas_failed" / "metadata") &&
               !fs::is_empty(dir_ / "db.db" / "ctas_failed" / "metadata"))
      << "no manifest or metadata file is left behind";

  // Someone creates the same name first: the create is refused, not retried.
  TableIdentifier raced{{"db"}, "raced"};
  auto txn3 = catalog_->BeginCreateTable(raced, Request());
  ASSERT_TRUE(txn3.ok());
  (*txn3)->Add<FastAppend>().AppendFile(File("late", 1));
  ASSERT_TRUE(Open()->CreateTable(raced, Request()).ok());
  arrow::Status lost = (*txn3)->Commit();
  EXPECT_TRUE(iceberg::IsAlreadyExists(lost)) << lost;
  EXPECT_TRUE((*catalog_->LoadTable(raced))->metadata().snapshots.empty());
}

TEST_F(TransactionTest, AnUnknownCommitOutcomeKeepsEveryFileTheChangeWrote) {
  auto loaded = Load();
  auto ops = std::make_shared<UnknownOutcomeOperations>(loaded->operations());
  auto table = std::make_shared<iceberg::Table>(ops, loaded->state());
  FastAppend append(table);
  append.AppendFile(File("a", 3));
  auto result = append.Commit();
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(iceberg::IsCommitStateUnknown(result.status())) << result.status();
  EXPECT_FALSE(iceberg::IsCommitConflict(result.status())) << "not retried";
  // The commit did land: its manifest list and manifest must still be there.
  auto reloaded = Load();
  ASSERT_EQ(reloaded->metadata().snapshots.size(), 1u);
  EXPECT_TRUE(fs::exists(reloaded->metadata().CurrentSnapshot()->manifest_list));
  EXPECT_EQ(Files(*reloaded, "main"), (std::vector<std::string>{"a"}));
}

TEST_F(TransactionTest, BranchesAndTagsTakeAndKeepTheirOwnSnapshots) {
  auto table = Load();
  ASSERT_TRUE(FastAppend(table).AppendFile(File("a", 1)).Commit().ok());
  const int64_t first = *table->metadata().current_snapshot_id;
  ManageSnapshots refs(table);
  refs.CreateTag("v1", std::nullopt, 86400000)
      .CreateBranch("audit", first, iceberg::RefRetention{3, 3600000, std::nullopt});
  ASSERT_TRUE(refs.Commit().ok());

  FastAppend to_branch(table);
  to_branch.AppendFile(File("b", 1)).ToBranch("audit");
  ASSERT_TRUE(to_branch.Commit().ok());
  FastAppend to_main(table);
  to_main.AppendFile(File("c", 1));
  ASSERT_TRUE(to_main.Commit().ok());

  auto reloaded = Load();
  const auto& md = reloaded->metadata();
  EXPECT_EQ(Files(*reloaded, "main"), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(Files(*reloaded, "audit"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Files(*reloaded, "v1"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(md.refs.at("v1").type, iceberg::SnapshotRefType::kTag);
  EXPECT_EQ(md.refs.at("v1").max_ref_age_ms, 86400000);
  EXPECT_EQ(md.refs.at("audit").min_snapshots_to_keep, 3) << "kept across the branch's commit";
  EXPECT_EQ(md.refs.at("audit").max_snapshot_age_ms, 3600000);
  EXPECT_EQ(md.SnapshotForRef("audit")->parent_snapshot_id, first);

  // Tags take no commits; refs that exist cannot be created again; main cannot be dropped.
  FastAppend to_tag(reloaded);
  to_tag.AppendFile(File("d", 1)).ToBranch("v1");
  EXPECT_FALSE(to_tag.Commit().ok());
  EXPECT_FALSE(ManageSnapshots(reloaded).CreateBranch("v1").Commit().ok());
  EXPECT_FALSE(ManageSnapshots(reloaded).RemoveBranch("main").Commit().ok());
  EXPECT_FALSE(ManageSnapshots(reloaded).RemoveTag("audit").Commit().ok()) << "a branch";

  // Replace, then drop.
  ASSERT_TRUE(ManageSnapshots(reloaded).ReplaceTag("v1", *md.current_snapshot_id).Commit().ok());
  EXPECT_EQ(Files(*reloaded, "v1"), (std::vector<std::string>{"a", "c"}));
  ASSERT_TRUE(ManageSnapshots(reloaded).RemoveTag("v1").RemoveBranch("audit").Commit().ok());
  EXPECT_EQ(Load()->metadata().refs.size(), 1u);
  EXPECT_EQ(Load()->metadata().snapshots.size(), 3u) << "snapshots stay until they expire";
}

TEST_F(TransactionTest, RollbackSetCurrentFastForwardAndCherryPick) {
  auto table = Load();
  ASSERT_TRUE(FastAppend(table).AppendFile(File("a", 1)).Commit().ok());
  const int64_t s1 = *table->metadata().current_snapshot_id;
  ASSERT_TRUE(FastAppend(table).AppendFile(File("b", 1)).Commit().ok());
  const int64_t s2 = *table->metadata().current_snapshot_id;

  ASSERT_TRUE(ManageSnapshots(table).RollbackTo(s1).Commit().ok());
  EXPECT_EQ(Files(*table, "main"), (std::vector<std::string>{"a"}));
  // s2 is no ancestor of s1 now: rollback refuses, set-current does it.
  arrow::Status refused = ManageSnapshots(table).RollbackTo(s2).Commit();
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("not an ancestor"), std::string::npos) << refused;
  ASSERT_TRUE(ManageSnapshots(table).SetCurrentSnapshot(s2).Commit().ok());
  EXPECT_EQ(Files(*table, "main"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table->metadata().snapshot_log.back().snapshot_id, s2);

  // Write-audit-publish: stage on a branch, then fast-forward main to it.
  ASSERT_TRUE(ManageSnapshots(table).CreateBranch("stage").Commit().ok());
  FastAppend staged(table);
  staged.AppendFile(File("c", 1)).ToBranch("stage");
  ASSERT_TRUE(staged.Commit().ok());
  ASSERT_TRUE(ManageSnapshots(table).FastForward("main", "stage").Commit().ok());
  EXPECT_EQ(Files(*table, "main"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(ManageSnapshots(table).FastForward("stage", "nope").Commit().ok());

  // Cherry-pick a staged append whose parent is no longer main's head: a new snapshot.
  FastAppend side(table);
  side.AppendFile(File("d", 1)).ToBranch("stage");
  ASSERT_TRUE(side.Commit().ok());
  const int64_t picked = side.planned_snapshot()->snapshot_id;
  ASSERT_TRUE(FastAppend(table).AppendFile(File("e", 1)).Commit().ok());
  iceberg::CherryPick pick(table, picked);
  auto result = pick.Commit();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NE(result->snapshot_id, picked);
  EXPECT_EQ(result->summary.at("source-snapshot-id"), std::to_string(picked));
  EXPECT_EQ(Files(*table, "main"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_FALSE(iceberg::CherryPick(table, picked).Commit().ok()) << "picked twice";

  // One whose parent is main's head: main fast-forwards to it.
  FastAppend next(table);
  ASSERT_TRUE(ManageSnapshots(table)
                  .ReplaceBranch("stage", *table->metadata().current_snapshot_id)
                  .Commit()
                  .ok());
  next.AppendFile(File("f", 1)).ToBranch("stage");
  ASSERT_TRUE(next.Commit().ok());
  auto forwarded = iceberg::CherryPick(table, next.planned_snapshot()->snapshot_id).Commit();
  ASSERT_TRUE(forwarded.ok()) << forwarded.status();
  EXPECT_EQ(forwarded->snapshot_id, next.planned_snapshot()->snapshot_id);
  EXPECT_EQ(table->metadata().current_snapshot_id, next.planned_snapshot()->snapshot_id);
}

}  // namespace
}  // namespace floe
