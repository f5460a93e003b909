// Partition evolution and sort order changes committed through the SQL catalog: alone, against
// a table another writer changed since it was loaded (re-planned, not stale), and together in
// one transaction.
#include <gtest/gtest.h>

#include <filesystem>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/replace_sort_order.h"
#include "floe/iceberg/update/transaction.h"
#include "floe/iceberg/update/update_partition_spec.h"
#include "floe/util/uuid.h"

namespace floe {
namespace {

using iceberg::PartitionField;
using iceberg::ReplaceSortOrder;
using iceberg::Transform;
using iceberg::UpdatePartitionSpec;

namespace fs = std::filesystem;

class PartitionEvolutionCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe-evolve-" + util::RandomUuid());
    auto catalog = catalog::SqlCatalog::Open(dir_.string(), "", "default");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
    catalog::CreateTableRequest request;
    request.schema = *iceberg::ParseSchemaText("id long not null, ts timestamptz, level string");
    request.spec = *iceberg::ParsePartitionText("day(ts)", request.schema);
    request.properties["commit.retry.min-wait-ms"] = "1";
    request.properties["commit.retry.max-wait-ms"] = "5";
    ASSERT_TRUE(catalog_->CreateTable(id_, request).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<iceberg::Table> Load() {
    auto table = catalog_->LoadTable(id_);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return *table;
  }

  fs::path dir_;
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  iceberg::TableIdentifier id_{{"db"}, "t"};
};

TEST_F(PartitionEvolutionCommitTest, ACommittedEvolutionIsTheNewDefaultSpec) {
  UpdatePartitionSpec update(Load());
  update.AddField("bucket(8, id)");
  ASSERT_TRUE(update.Commit().ok());
  auto table = Load();
  EXPECT_EQ(table->metadata().default_spec_id, 1);
  EXPECT_EQ(table->metadata().partition_specs.size(), 2u);
  EXPECT_EQ(table->metadata().DefaultSpec().fields().back(),
            (PartitionField{1, 1001, "id_bucket_8", Transform::Bucket(8)}));
  EXPECT_EQ(table->metadata().last_partition_id, 1001);
}

TEST_F(PartitionEvolutionCommitTest, AChangePlannedOnAStaleTableIsPlannedAgain) {
  auto stale = Load();
  UpdatePartitionSpec other(Load());
  other.AddField("truncate(4, level)");
  ASSERT_TRUE(other.Commit().ok());

  // Planned against the table as it is at commit time: the other writer's field stays and
  // the new field gets the next id, not the same one.
  UpdatePartitionSpec mine(stale);
  mine.AddField("bucket(8, id)");
  ASSERT_TRUE(mine.Commit().ok()) << "re-planned on conflict";
  auto table = Load();
  std::vector<PartitionField> want = {{2, 1000, "ts_day", Transform::Day()},
                                      {3, 1001, "level_trunc_4", Transform::Truncate(4)},
                                      {1, 1002, "id_bucket_8", Transform::Bucket(8)}};
  EXPECT_EQ(table->metadata().DefaultSpec().fields(), want);

  // A change the other writer already made is refused when planned again.
  UpdatePartitionSpec again(stale);
  again.AddField("truncate(4, level)");
  arrow::Status st = again.Commit();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("already partitioned by truncate(4, level)"), std::string::npos)
      << st.ToString();
}

TEST_F(PartitionEvolutionCommitTest, SpecAndSortOrderCommitTogetherInATransaction) {
  auto table = Load();
  iceberg::Transaction txn(table);
  txn.Add<UpdatePartitionSpec>().RemoveField("ts_day").AddField("hour(ts)");
  txn.Add<ReplaceSortOrder>().Text("ts desc, id");
  ASSERT_TRUE(txn.Commit().ok());
  auto loaded = Load();
  const auto& md = loaded->metadata();
  EXPECT_EQ(md.DefaultSpec().fields(),
            (std::vector<PartitionField>{{2, 1001, "ts_hour", Transform::Hour()}}));
  EXPECT_EQ(md.default_sort_order_id, 1);
  EXPECT_EQ(md.metadata_log.size(), 1u);  // one commit for both changes

  // A transaction whose second change fails commits neither.
  iceberg::Transaction failing(Load());
  failing.Add<ReplaceSortOrder>().Text("level");
  failing.Add<UpdatePartitionSpec>().RemoveField("no_such_field");
  EXPECT_FALSE(failing.Commit().ok());
  EXPECT_EQ(Load()->metadata().default_sort_order_id, 1);
}

}  // namespace
}  // namespace floe
