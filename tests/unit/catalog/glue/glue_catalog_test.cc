#include "floe/catalog/glue/glue_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../interop_python.h"
#include "../moto_server.h"
#include "floe/catalog/aws/credentials.h"
#include "floe/catalog/glue/glue_client_internal.h"
#include "floe/iceberg/errors.h"

namespace floe::catalog {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::TableIdentifier;
using iceberg::Type;
using nlohmann::json;

// The Glue catalog against moto's Glue (one server for the suite), tables in a local
// warehouse. Glue's view of each table is read back with a plain Glue client.
class GlueCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string python = floe::interop::InteropPython();
    if (!python.empty()) moto_.Start(python);
  }
  static void TearDownTestSuite() { moto_.Stop(); }

  void SetUp() override {
    std::string python;
    FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
    ASSERT_TRUE(moto_.running()) << "moto did not start";
    warehouse_ = fs::temp_directory_path() /
                 ("floe-glue-" + std::to_string(getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(warehouse_);
    fs::create_directories(warehouse_);
    properties_ = {{"glue.endpoint", moto_.endpoint()},
                   {"glue.region", "us-east-1"},
                   {"glue.access-key-id", "AKIAGLUETEST"},
                   {"glue.secret-access-key", "glue-test-secret"},
                   {"warehouse", warehouse_.string()}};
    auto catalog = OpenGlueCatalog("glue_test", properties_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    db_ = std::string("db_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : db_) c = static_cast<char>(std::tolower(c));
  }
  void TearDown() override { fs::remove_all(warehouse_); }

  json GlueTable(const std::string& db, const std::string& name) {
    aws::AwsCredentials creds;
    creds.access_key_id = "AKIAGLUETEST";
    creds.secret_access_key = "glue-test-secret";
    glue::GlueClient client(
        {moto_.endpoint(), "us-east-1", "", aws::MakeStaticCredentialsProvider(creds)});
    auto answer = client.Call("GetTable", {{"DatabaseName", db}, {"Name", name}});
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? (*answer)["Table"] : json();
  }

  CreateTableRequest EventsTable() {
    CreateTableRequest request;
    request.schema = iceberg::Schema(0, {NestedField{1, "id", Type::Long(), true, "event id"},
                                         NestedField{2, "name", Type::String(), false},
                                         NestedField{3, "ts", Type::TimestampTz(), false}});
    request.properties = {{"owner", "floe"}};
    return request;
  }

  static inline floe::testing::MotoServer moto_;
  fs::path warehouse_;
  std::map<std::string, std::string> properties_;
  std::unique_ptr<Catalog> catalog_;
  std::string db_;
};

TEST_F(GlueCatalogTest, NamespacesAreGlueDatabasesWithLocationAndDescription) {
  ASSERT_TRUE(catalog_
                  ->CreateNamespace({db_}, {{"location", "s3://bucket/" + db_},
                                            {"Description", "sales data"},
                                            {"team", "ingest"}})
                  .ok());
  EXPECT_TRUE(iceberg::IsAlreadyExists(catalog_->CreateNamespace({db_}, {})));
  EXPECT_TRUE(*catalog_->NamespaceExists({db_}));
  EXPECT_FALSE(*catalog_->NamespaceExists({"no_such_db"}));
  auto props = catalog_->LoadNamespaceProperties({db_});
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_EQ(props->at("location"), "s3://bucket/" + db_);
  EXPECT_EQ(props->at("Description"), "sales data");
  EXPECT_EQ(props->at("team"), "ingest");

  ASSERT_TRUE(catalog_->UpdateNamespaceProperties({db_}, {{"tier", "gold"}}, {"team"}).ok());
  props = catalog_->LoadNamespaceProperties({db_});
  EXPECT_EQ(props->count("team"), 0u);
  EXPECT_EQ(props->at("tier"), "gold");
  EXPECT_EQ(props->at("Description"), "sales data");

  auto all = catalog_->ListNamespaces({});
  ASSERT_TRUE(all.ok());
  EXPECT_NE(std::find(all->begin(), all->end(), Namespace{db_}), all->end());
  EXPECT_TRUE(catalog_->ListNamespaces({db_})->empty());
  EXPECT_TRUE(catalog_->CreateNamespace({"a", "b"}, {}).IsInvalid());

  ASSERT_TRUE(catalog_->DropNamespace({db_}).ok());
  EXPECT_TRUE(iceberg::IsNoSuchNamespace(catalog_->DropNamespace({db_})));
  EXPECT_TRUE(iceberg::IsNoSuchNamespace(catalog_->LoadNamespaceProperties({db_}).status()));
}

TEST_F(GlueCatalogTest, ATableIsAGlueTableWithItsMetadataPointerAndColumns) {
  ASSERT_TRUE(catalog_->CreateNamespace({db_}, {}).ok());
  TableIdentifier id{{db_}, "events"};
  auto table = catalog_->CreateTable(id, EventsTable());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->metadata().location, (warehouse_ / (db_ + ".db/events")).string());
  EXPECT_TRUE(fs::exists((*table)->metadata_location()));
  EXPECT_TRUE(iceberg::IsAlreadyExists(catalog_->CreateTable(id, EventsTable()).status()));

  json glue_table = GlueTable(db_, "events");
  EXPECT_EQ(glue_table["TableType"], "EXTERNAL_TABLE");
  EXPECT_EQ(glue_table["Parameters"]["table_type"], "ICEBERG");
  EXPECT_EQ(glue_table["Parameters"]["metadata_location"], (*table)->metadata_location());
  EXPECT_EQ(glue_table["Parameters"]["owner"], "floe");
  EXPECT_EQ(glue_table["StorageDescriptor"]["Location"], (*table)->metadata().location);
  const json& columns = glue_table["StorageDescriptor"]["Columns"];
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0]["Name"], "id");
  EXPECT_EQ(columns[0]["Type"], "bigint");
  EXPECT_EQ(columns[0]["Comment"], "event id");
  EXPECT_EQ(columns[0]["Parameters"]["iceberg.field.id"], "1");
  EXPECT_EQ(columns[0]["Parameters"]["iceberg.field.optional"], "false");
  EXPECT_EQ(columns[2]["Type"], "timestamp");

  auto listed = catalog_->ListTables({db_});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<TableIdentifier>{id});
  auto loaded = catalog_->LoadTable(id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->metadata().table_uuid, (*table)->metadata().table_uuid);
  EXPECT_TRUE(iceberg::IsNoSuchTable(catalog_->LoadTable({{db_}, "nope"}).status()));
  EXPECT_TRUE(iceberg::IsNoSuchNamespace(
      catalog_->CreateTable({{"no_such_db"}, "t"}, EventsTable()).status()));
  EXPECT_TRUE(iceberg::IsNamespaceNotEmpty(catalog_->DropNamespace({db_})));
}

TEST_F(GlueCatalogTest, CommitsSwapThePointerAndStaleOnesConflict) {
  ASSERT_TRUE(catalog_->CreateNamespace({db_}, {}).ok());
  TableIdentifier id{{db_}, "events"};
  auto table = catalog_->CreateTable(id, EventsTable());
  ASSERT_TRUE(table.ok());
  const std::string first = (*table)->metadata_location();
  std::vector<iceberg::TableRequirement> same_table = {
      iceberg::AssertTableUuid{(*table)->metadata().table_uuid}, iceberg::AssertCurrentSchemaId{0}};
  auto committed = catalog_->UpdateTable(
      id, same_table, {iceberg::SetProperties{{{"write.format.default", "parquet"}}}});
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_NE(committed->metadata_location, first);
  EXPECT_NE(committed->metadata_location.find("/metadata/00001-"), std::string::npos);

  json glue_table = GlueTable(db_, "events");
  EXPECT_EQ(glue_table["Parameters"]["metadata_location"], committed->metadata_location);
  EXPECT_EQ(glue_table["Parameters"]["previous_metadata_location"], first);
  EXPECT_EQ(glue_table["Parameters"]["write.format.default"], "parquet");

  // A schema change shows in Glue's columns.
  auto wider = std::make_shared<iceberg::Schema>(
      1, std::vector<NestedField>{{1, "id", Type::Long(), true, "event id"},
                                  {2, "name", Type::String(), false},
                                  {3, "ts", Type::TimestampTz(), false},
                                  {4, "amount", Type::Decimal(12, 2), false}});
  auto evolved = catalog_->UpdateTable(
      id, same_table, {iceberg::AddSchema{wider, 4}, iceberg::SetCurrentSchema{-1}});
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  glue_table = GlueTable(db_, "events");
  ASSERT_EQ(glue_table["StorageDescriptor"]["Columns"].size(), 4u);
  EXPECT_EQ(glue_table["StorageDescriptor"]["Columns"][3]["Type"], "decimal(12,2)");

  // Planned against schema 0, committed after the table moved to schema 1: a conflict, and
  // the file it wrote is gone again (none was written: requirements are checked first).
  auto stale = catalog_->UpdateTable(id, same_table, {iceberg::SetProperties{{{"k", "v"}}}});
  EXPECT_TRUE(iceberg::IsCommitConflict(stale.status())) << stale.status().ToString();
  size_t metadata_files = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path((*table)->metadata().location) / "metadata")) {
    metadata_files += entry.path().string().ends_with(".metadata.json");
  }
  EXPECT_EQ(metadata_files, 3u);

  // A table loaded through the catalog commits through Glue too.
  auto loaded = catalog_->LoadTable(id);
  ASSERT_TRUE(loaded.ok());
  auto via_ops = (*loaded)->operations().Commit({iceberg::AssertCurrentSchemaId{1}},
                                                {iceberg::SetProperties{{{"via", "ops"}}}});
  ASSERT_TRUE(via_ops.ok()) << via_ops.status().ToString();
  EXPECT_EQ(GlueTable(db_, "events")["Parameters"]["via"], "ops");
}

TEST_F(GlueCatalogTest, RenameRegisterAndDropWithPurge) {
  ASSERT_TRUE(catalog_->CreateNamespace({db_}, {}).ok());
  ASSERT_TRUE(catalog_->CreateNamespace({db_ + "_2"}, {}).ok());
  TableIdentifier id{{db_}, "events"};
  auto table = catalog_->CreateTable(id, EventsTable());
  ASSERT_TRUE(table.ok());
  TableIdentifier moved{{db_ + "_2"}, "events_v2"};
  ASSERT_TRUE(catalog_->RenameTable(id, moved).ok());
  EXPECT_FALSE(*catalog_->TableExists(id));
  auto renamed = catalog_->LoadTable(moved);
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ((*renamed)->metadata_location(), (*table)->metadata_location());
  EXPECT_TRUE(iceberg::IsNoSuchTable(catalog_->RenameTable(id, moved)));

  TableIdentifier registered{{db_}, "events_again"};
  auto again = catalog_->RegisterTable(registered, (*table)->metadata_location());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(GlueTable(db_, "events_again")["Parameters"]["metadata_location"],
            (*table)->metadata_location());
  EXPECT_TRUE(iceberg::IsAlreadyExists(
      catalog_->RegisterTable(registered, (*table)->metadata_location()).status()));

  ASSERT_TRUE(catalog_->DropTable(registered, /*purge=*/false).ok());
  EXPECT_TRUE(fs::exists((*table)->metadata_location()));
  ASSERT_TRUE(catalog_->DropTable(moved, /*purge=*/true).ok());
  EXPECT_FALSE(fs::exists((*table)->metadata_location()));
  EXPECT_TRUE(iceberg::IsNoSuchTable(catalog_->DropTable(moved, false)));
}

TEST_F(GlueCatalogTest, ACreateTransactionAppearsWithItsChangesOrNotAtAll) {
  ASSERT_TRUE(catalog_->CreateNamespace({db_}, {}).ok());
  TableIdentifier id{{db_}, "staged"};
  auto txn = catalog_->BeginCreateTable(id, EventsTable());
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  EXPECT_FALSE(*catalog_->TableExists(id));
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_TRUE(*catalog_->TableExists(id));
  EXPECT_TRUE(iceberg::IsAlreadyExists(catalog_->BeginCreateTable(id, EventsTable()).status()));
}

TEST(GlueCatalogOpenTest, SettingsAreCheckedAtOpenWithoutSecretsInErrors) {
  unsetenv("AWS_REGION");
  unsetenv("AWS_DEFAULT_REGION");
  setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  auto no_region = OpenGlueCatalog(
      "g", {{"glue.access-key-id", "AKIA"}, {"glue.secret-access-key", "very-secret-value"}});
  ASSERT_FALSE(no_region.ok());
  EXPECT_NE(no_region.status().message().find("glue.region"), std::string::npos);
  EXPECT_EQ(no_region.status().message().find("very-secret-value"), std::string::npos);
  auto half_keys =
      OpenGlueCatalog("g", {{"glue.region", "us-east-1"}, {"glue.access-key-id", "AKIA"}});
  EXPECT_TRUE(half_keys.status().IsInvalid());
  auto bad_archive =
      OpenGlueCatalog("g", {{"glue.region", "us-east-1"}, {"glue.skip-archive", "maybe"}});
  EXPECT_FALSE(bad_archive.ok());
  unsetenv("AWS_CONFIG_FILE");
}

}  // namespace
}  // namespace floe::catalog
