// UpdateSchema committed through the SQL catalog: alone after a concurrent schema change (the
// change is planned again on the fresh schema), and in a transaction with an append.
#include <gtest/gtest.h>

#include <filesystem>

#include "floe/catalog/sql/sql_catalog.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/transaction.h"
#include "floe/iceberg/update/update_schema.h"
#include "floe/util/uuid.h"

namespace floe {
namespace {

using iceberg::Type;
using iceberg::UpdateSchema;

namespace fs = std::filesystem;

class UpdateSchemaCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe-update-schema-" + util::RandomUuid());
    catalog_ = Open();
    ASSERT_TRUE(catalog_->CreateNamespace({"db"}, {}).ok());
    catalog::CreateTableRequest request;
    request.schema =
        iceberg::Schema(0, {iceberg::NestedField{1, "id", Type::Long(), true, ""},
                            iceberg::NestedField{2, "name", Type::String(), false, ""}});
    request.properties["commit.retry.min-wait-ms"] = "1";
    request.properties["commit.retry.max-wait-ms"] = "5";
    ASSERT_TRUE(catalog_->CreateTable(table_id_, request).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

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

  fs::path dir_;
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  iceberg::TableIdentifier table_id_{{"db"}, "t"};
};

TEST_F(UpdateSchemaCommitTest, StaleChangeIsPlannedAgainOnTheConcurrentSchema) {
  auto stale = Load();
  UpdateSchema first(Load());
  first.AddColumn("a", Type::Int());
  ASSERT_TRUE(first.Commit().ok());

  UpdateSchema second(stale);  // still sees schema 0
  second.AddColumn("b", Type::String()).RenameColumn("name", "full_name");
  ASSERT_TRUE(second.Commit().ok());

  auto table = Load();
  const auto& schema = *table->metadata().CurrentSchema();
  EXPECT_EQ(schema.FindFieldByName("a")->id, 3);
  EXPECT_EQ(schema.FindFieldByName("b")->id, 4);
  EXPECT_NE(schema.FindFieldByName("full_name"), nullptr);
  EXPECT_EQ(table->metadata().last_column_id, 4);
  EXPECT_EQ(table->metadata().schemas.size(), 3u);
}

TEST_F(UpdateSchemaCommitTest, StaleChangeThatNowBreaksARuleCommitsNothing) {
  auto stale = Load();
  UpdateSchema first(Load());
  first.AddColumn("full_name", Type::String());
  ASSERT_TRUE(first.Commit().ok());

  UpdateSchema second(stale);
  second.RenameColumn("name", "full_name");
  arrow::Status status = second.Commit();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'full_name' already exists"), std::string::npos)
      << status.ToString();
  EXPECT_EQ(Load()->metadata().schemas.size(), 2u);
}

TEST_F(UpdateSchemaCommitTest, ColumnAndRowsThatHaveItCommitTogether) {
  auto table = Load();
  iceberg::Transaction txn(table);
  txn.Add<UpdateSchema>().AddColumn("note", Type::String());
  iceberg::DataFile file;
  file.file_path = "/nowhere/a.parquet";
  file.record_count = 3;
  file.file_size_in_bytes = 300;
  txn.Add<iceberg::FastAppend>().AppendFile(file);
  ASSERT_TRUE(txn.Commit().ok());

  auto loaded = Load();
  const auto& metadata = loaded->metadata();
  ASSERT_NE(metadata.CurrentSnapshot(), nullptr);
  EXPECT_EQ(metadata.current_schema_id, 1);
  EXPECT_NE(metadata.CurrentSchema()->FindFieldByName("note"), nullptr);
  // The snapshot was written under the new schema, in the same metadata version.
  EXPECT_EQ(metadata.CurrentSnapshot()->schema_id, std::optional<int32_t>(1));
  EXPECT_EQ(metadata.metadata_log.size(), 1u);
}

}  // namespace
}  // namespace floe
