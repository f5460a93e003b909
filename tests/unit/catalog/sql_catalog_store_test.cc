#include "floe/catalog/sql/sql_catalog_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

namespace floe::catalog {
namespace {

namespace fs = std::filesystem;

class SqlCatalogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "floe_sql_catalog_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // A missing parent directory proves Open creates it.
    db_path_ = (fs::path(dir_) / "nested" / "catalog.db").string();
    auto store = SqlCatalogStore::Open(db_path_, "floe");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Runs SQL directly on the file, bypassing the store.
  void RawSql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string message = err != nullptr ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  std::string dir_;
  std::string db_path_;
  std::unique_ptr<SqlCatalogStore> store_;
};

TEST(NamespaceStringTest, JoinsAndSplitsLevelsWithDots) {
  EXPECT_EQ(NamespaceToString({"a", "b", "c"}), "a.b.c");
  EXPECT_EQ(NamespaceFromString("a.b.c"), (Namespace{"a", "b", "c"}));
  EXPECT_EQ(NamespaceFromString(""), Namespace{});
  EXPECT_EQ(NamespaceToString({}), "");
}

TEST(CatalogErrorTest, KindSurvivesWithMessageAndIsNotConfusedWithPlainStatuses) {
  arrow::Status conflict = MakeError(ErrorKind::kCommitConflict, "lost");
  EXPECT_TRUE(IsCommitConflict(conflict));
  EXPECT_TRUE(IsCommitConflict(conflict.WithMessage("retrying: lost")));
  EXPECT_FALSE(IsCommitConflict(arrow::Status::Invalid("commit conflict")));
  EXPECT_FALSE(IsCommitConflict(arrow::Status::OK()));
  EXPECT_TRUE(IsNoSuchTable(MakeError(ErrorKind::kNoSuchTable, "x")));
  EXPECT_TRUE(MakeError(ErrorKind::kNoSuchTable, "x").IsKeyError());
  EXPECT_TRUE(MakeError(ErrorKind::kAlreadyExists, "x").IsAlreadyExists());
}

TEST_F(SqlCatalogStoreTest, OpenCreatesTablesWithThePyIcebergLayout) {
  EXPECT_TRUE(fs::exists(db_path_));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  std::vector<std::string> columns;
  for (const char* table : {"iceberg_tables", "iceberg_namespace_properties"}) {
    sqlite3_stmt* stmt = nullptr;
    std::string sql = std::string("PRAGMA table_info(") + table + ")";
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      // name type notnull pk
      columns.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1))) +
                        " " + reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)) + " " +
                        std::to_string(sqlite3_column_int(stmt, 3)) + " " +
                        std::to_string(sqlite3_column_int(stmt, 5)));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  EXPECT_EQ(columns, (std::vector<std::string>{
                         "catalog_name VARCHAR(255) 1 1",
                         "table_namespace VARCHAR(255) 1 2",
                         "table_name VARCHAR(255) 1 3",
                         "metadata_location VARCHAR(1000) 0 0",
                         "previous_metadata_location VARCHAR(1000) 0 0",
                         "iceberg_type VARCHAR(5) 0 0",
                         "catalog_name VARCHAR(255) 1 1",
                         "namespace VARCHAR(255) 1 2",
                         "property_key VARCHAR(255) 1 3",
                         "property_value VARCHAR(1000) 1 0",
                     }));
  // Reopening an existing file keeps its content.
  ASSERT_TRUE(store_->CreateNamespace({"kept"}).ok());
  store_.reset();
  auto reopened = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->NamespaceExists({"kept"}), true);
}

TEST_F(SqlCatalogStoreTest, OpenRejectsEmptyCatalogNameAndUnopenablePath) {
  EXPECT_TRUE(SqlCatalogStore::Open(db_path_, "").status().IsInvalid());
  // A directory cannot be opened as a database.
  auto st = SqlCatalogStore::Open(dir_, "floe").status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir_), std::string::npos) << st.ToString();
}

TEST_F(SqlCatalogStoreTest, CreateNamespaceWritesPropertiesAndExistsMarker) {
  ASSERT_TRUE(store_->CreateNamespace({"plain"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"sales"}, {{"owner", "ops"}, {"tier", "gold"}}).ok());
  EXPECT_EQ(*store_->NamespaceExists({"plain"}), true);
  EXPECT_EQ(*store_->NamespaceExists({"nope"}), false);
  EXPECT_EQ(*store_->LoadNamespaceProperties({"plain"}), Properties{});
  EXPECT_EQ(*store_->LoadNamespaceProperties({"sales"}),
            (Properties{{"owner", "ops"}, {"tier", "gold"}}));
  auto again = store_->CreateNamespace({"sales"});
  EXPECT_TRUE(IsAlreadyExists(again)) << again.ToString();
  EXPECT_NE(again.message().find("namespace sales already exists"), std::string::npos);
}

TEST_F(SqlCatalogStoreTest, CreateNamespaceRejectsBadNamesAndReservedKey) {
  EXPECT_TRUE(store_->CreateNamespace({}).IsInvalid());
  EXPECT_TRUE(store_->CreateNamespace({"a", ""}).IsInvalid());
  EXPECT_TRUE(store_->CreateNamespace({"a.b"}).IsInvalid());
  EXPECT_TRUE(store_->CreateNamespace({"a"}, {{"exists", "false"}}).IsInvalid());
  EXPECT_EQ(*store_->NamespaceExists({"a"}), false);
}

TEST_F(SqlCatalogStoreTest, ParentOfANestedNamespaceExistsImplicitly) {
  ASSERT_TRUE(store_->CreateNamespace({"a", "b", "c"}).ok());
  EXPECT_EQ(*store_->NamespaceExists({"a"}), true);
  EXPECT_EQ(*store_->NamespaceExists({"a", "b"}), true);
  EXPECT_EQ(*store_->NamespaceExists({"a", "b", "c", "d"}), false);
  // "ab" is not a child of "a" even though the string starts with "a".
  EXPECT_EQ(*store_->NamespaceExists({"ab"}), false);
  EXPECT_TRUE(IsAlreadyExists(store_->CreateNamespace({"a"})));
  EXPECT_EQ(*store_->LoadNamespaceProperties({"a"}), Properties{});
}

TEST_F(SqlCatalogStoreTest, NamespaceNamesAreCaseSensitiveAndLikeWildcardsAreLiteral) {
  ASSERT_TRUE(store_->CreateNamespace({"Sales", "eu"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"a_b", "x"}).ok());
  EXPECT_EQ(*store_->NamespaceExists({"sales"}), false);
  EXPECT_EQ(*store_->NamespaceExists({"Sales"}), true);
  EXPECT_EQ(*store_->NamespaceExists({"a%"}), false);
  EXPECT_EQ(*store_->NamespaceExists({"aXb"}), false);
}

TEST_F(SqlCatalogStoreTest, ListNamespacesGivesDirectChildrenSortedAndDistinct) {
  ASSERT_TRUE(store_->CreateNamespace({"b"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"a", "x"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"a", "y", "deep"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"ab"}).ok());
  // "t" is known only through a table row in "t.only_tables".
  RawSql("INSERT INTO iceberg_tables VALUES ('floe', 't.only_tables', 'x', 'm.json', NULL, NULL)");
  EXPECT_EQ(*store_->ListNamespaces(),
            (std::vector<Namespace>{{"a"}, {"ab"}, {"b"}, {"t"}}));
  EXPECT_EQ(*store_->ListNamespaces({"a"}),
            (std::vector<Namespace>{{"a", "x"}, {"a", "y"}}));
  EXPECT_EQ(*store_->ListNamespaces({"a", "y"}), (std::vector<Namespace>{{"a", "y", "deep"}}));
  EXPECT_EQ(*store_->ListNamespaces({"b"}), std::vector<Namespace>{});
  auto missing = store_->ListNamespaces({"zz"});
  EXPECT_TRUE(IsNoSuchNamespace(missing.status())) << missing.status().ToString();
}

TEST_F(SqlCatalogStoreTest, ATableWithoutPropertyRowsMakesItsNamespaceExist) {
  // Java in non-strict mode registers tables without creating the namespace.
  RawSql(
      "INSERT INTO iceberg_tables VALUES ('floe', 'raw.ns', 't', 'file:///m.json', NULL, "
      "'TABLE')");
  EXPECT_EQ(*store_->NamespaceExists({"raw", "ns"}), true);
  EXPECT_EQ(*store_->NamespaceExists({"raw"}), true);
  EXPECT_EQ(*store_->ListNamespaces(), (std::vector<Namespace>{{"raw"}}));
  EXPECT_EQ(*store_->ListTables({"raw", "ns"}), (std::vector<std::string>{"t"}));
}

TEST_F(SqlCatalogStoreTest, DropNamespaceRemovesItOnlyWhenEmpty) {
  ASSERT_TRUE(store_->CreateNamespace({"full"}).ok());
  ASSERT_TRUE(store_->CreateTable({"full"}, "t1", "file:///t1.json").ok());
  auto st = store_->DropNamespace({"full"});
  EXPECT_TRUE(IsNamespaceNotEmpty(st)) << st.ToString();
  EXPECT_NE(st.message().find("namespace full is not empty"), std::string::npos);
  EXPECT_NE(st.message().find("t1"), std::string::npos);

  ASSERT_TRUE(store_->CreateNamespace({"parent", "child"}).ok());
  ASSERT_TRUE(store_->UpdateNamespaceProperties({"parent"}, {{"k", "v"}}).ok());
  st = store_->DropNamespace({"parent"});
  EXPECT_TRUE(IsNamespaceNotEmpty(st)) << st.ToString();
  EXPECT_NE(st.message().find("parent.child"), std::string::npos);

  ASSERT_TRUE(store_->DropNamespace({"parent", "child"}).ok());
  ASSERT_TRUE(store_->DropNamespace({"parent"}).ok());
  EXPECT_EQ(*store_->NamespaceExists({"parent"}), false);
  EXPECT_TRUE(IsNoSuchNamespace(store_->DropNamespace({"parent"})));

  ASSERT_TRUE(store_->DropTable({"full"}, "t1").ok());
  ASSERT_TRUE(store_->DropNamespace({"full"}).ok());
  EXPECT_EQ(*store_->ListNamespaces(), std::vector<Namespace>{});
}

TEST_F(SqlCatalogStoreTest, UpdateNamespacePropertiesSetsRemovesAndReports) {
  ASSERT_TRUE(store_->CreateNamespace({"ns"}, {{"a", "1"}, {"b", "2"}}).ok());
  auto summary = store_->UpdateNamespaceProperties({"ns"}, {{"b", "20"}, {"c", "3"}}, {"a", "z"});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->removed, std::vector<std::string>{"a"});
  EXPECT_EQ(summary->missing, std::vector<std::string>{"z"});
  EXPECT_EQ(summary->updated, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(*store_->LoadNamespaceProperties({"ns"}), (Properties{{"b", "20"}, {"c", "3"}}));

  EXPECT_TRUE(store_->UpdateNamespaceProperties({"ns"}, {{"b", "x"}}, {"b"}).status().IsInvalid());
  EXPECT_TRUE(store_->UpdateNamespaceProperties({"ns"}, {}, {"exists"}).status().IsInvalid());
  EXPECT_TRUE(store_->UpdateNamespaceProperties({"ns"}, {{"exists", "x"}}).status().IsInvalid());
  EXPECT_TRUE(IsNoSuchNamespace(store_->UpdateNamespaceProperties({"zz"}, {{"k", "v"}}).status()));
  EXPECT_TRUE(IsNoSuchNamespace(store_->LoadNamespaceProperties({"zz"}).status()));
}

TEST_F(SqlCatalogStoreTest, RemovingEveryPropertyKeepsANamespaceWithoutMarker) {
  // PyIceberg writes no exists marker when a namespace is created with properties.
  RawSql("INSERT INTO iceberg_namespace_properties VALUES ('floe', 'py', 'owner', 'x')");
  ASSERT_TRUE(store_->UpdateNamespaceProperties({"py"}, {}, {"owner"}).ok());
  EXPECT_EQ(*store_->NamespaceExists({"py"}), true);
  EXPECT_EQ(*store_->LoadNamespaceProperties({"py"}), Properties{});
}

TEST_F(SqlCatalogStoreTest, CreateTableAndReadItBack) {
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "b", "file:///w/b/v1.metadata.json").ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "a", "file:///w/a/v1.metadata.json").ok());
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "a"), "file:///w/a/v1.metadata.json");
  EXPECT_EQ(*store_->TableExists({"db"}, "a"), true);
  EXPECT_EQ(*store_->TableExists({"db"}, "zz"), false);
  EXPECT_EQ(*store_->ListTables({"db"}), (std::vector<std::string>{"a", "b"}));

  auto dup = store_->CreateTable({"db"}, "a", "file:///other.json");
  EXPECT_TRUE(IsAlreadyExists(dup)) << dup.ToString();
  EXPECT_NE(dup.message().find("table db.a already exists"), std::string::npos);
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "a"), "file:///w/a/v1.metadata.json");

  auto no_ns = store_->CreateTable({"nope"}, "t", "file:///t.json");
  EXPECT_TRUE(IsNoSuchNamespace(no_ns)) << no_ns.ToString();
  EXPECT_TRUE(store_->CreateTable({"db"}, "", "file:///t.json").IsInvalid());
  EXPECT_TRUE(store_->CreateTable({"db"}, "x.y", "file:///t.json").IsInvalid());
  EXPECT_TRUE(store_->CreateTable({"db"}, "t", "").IsInvalid());
}

TEST_F(SqlCatalogStoreTest, MissingTableErrorsNameTheTable) {
  ASSERT_TRUE(store_->CreateNamespace({"db", "sub"}).ok());
  auto st = store_->GetMetadataLocation({"db", "sub"}, "ghost").status();
  EXPECT_TRUE(IsNoSuchTable(st)) << st.ToString();
  EXPECT_TRUE(st.IsKeyError());
  EXPECT_NE(st.message().find("table db.sub.ghost does not exist"), std::string::npos);
  EXPECT_TRUE(IsNoSuchTable(store_->DropTable({"db", "sub"}, "ghost")));
  EXPECT_TRUE(IsNoSuchNamespace(store_->ListTables({"zz"}).status()));
}

TEST_F(SqlCatalogStoreTest, DropTableRemovesOnlyThatTable) {
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "a", "file:///a.json").ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "b", "file:///b.json").ok());
  ASSERT_TRUE(store_->DropTable({"db"}, "a").ok());
  EXPECT_EQ(*store_->ListTables({"db"}), std::vector<std::string>{"b"});
  EXPECT_TRUE(IsNoSuchTable(store_->GetMetadataLocation({"db"}, "a").status()));
}

TEST_F(SqlCatalogStoreTest, RenameTableMovesAcrossNamespaces) {
  ASSERT_TRUE(store_->CreateNamespace({"src"}).ok());
  ASSERT_TRUE(store_->CreateNamespace({"dst"}).ok());
  ASSERT_TRUE(store_->CreateTable({"src"}, "t", "file:///t.json").ok());
  ASSERT_TRUE(store_->CreateTable({"dst"}, "taken", "file:///taken.json").ok());

  EXPECT_TRUE(IsNoSuchTable(store_->RenameTable({"src"}, "ghost", {"dst"}, "x")));
  EXPECT_TRUE(IsNoSuchNamespace(store_->RenameTable({"src"}, "t", {"nope"}, "t")));
  auto taken = store_->RenameTable({"src"}, "t", {"dst"}, "taken");
  EXPECT_TRUE(IsAlreadyExists(taken)) << taken.ToString();
  EXPECT_TRUE(store_->RenameTable({"src"}, "t", {"src"}, "t").ok());

  ASSERT_TRUE(store_->RenameTable({"src"}, "t", {"dst"}, "moved").ok());
  EXPECT_EQ(*store_->GetMetadataLocation({"dst"}, "moved"), "file:///t.json");
  EXPECT_EQ(*store_->TableExists({"src"}, "t"), false);
  EXPECT_EQ(*store_->ListTables({"src"}), std::vector<std::string>{});
}

TEST_F(SqlCatalogStoreTest, ViewRowsAreNotTablesButOccupyTheirName) {
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  RawSql("INSERT INTO iceberg_tables VALUES ('floe', 'db', 'v', 'file:///v.json', NULL, 'VIEW')");
  RawSql("INSERT INTO iceberg_tables VALUES ('floe', 'db', 'old', 'file:///o.json', NULL, NULL)");
  EXPECT_EQ(*store_->ListTables({"db"}), std::vector<std::string>{"old"});
  EXPECT_TRUE(IsNoSuchTable(store_->GetMetadataLocation({"db"}, "v").status()));
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "old"), "file:///o.json");
  EXPECT_TRUE(IsNoSuchTable(store_->DropTable({"db"}, "v")));
  EXPECT_TRUE(IsNoSuchTable(store_->CommitMetadataLocation({"db"}, "v", "file:///v.json", "x")));
  auto clash = store_->CreateTable({"db"}, "v", "file:///t.json");
  EXPECT_TRUE(IsAlreadyExists(clash)) << clash.ToString();
  EXPECT_NE(clash.message().find("VIEW"), std::string::npos);
  ASSERT_TRUE(store_->DropTable({"db"}, "old").ok());
  EXPECT_TRUE(IsNamespaceNotEmpty(store_->DropNamespace({"db"})));
}

TEST_F(SqlCatalogStoreTest, CatalogNamesInOneFileAreIsolated) {
  auto other = SqlCatalogStore::Open(db_path_, "other");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "t", "file:///mine.json").ok());
  EXPECT_EQ(*(*other)->NamespaceExists({"db"}), false);
  EXPECT_EQ(*(*other)->ListNamespaces(), std::vector<Namespace>{});
  ASSERT_TRUE((*other)->CreateNamespace({"db"}).ok());
  ASSERT_TRUE((*other)->CreateTable({"db"}, "t", "file:///theirs.json").ok());
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "t"), "file:///mine.json");
  EXPECT_EQ(*(*other)->GetMetadataLocation({"db"}, "t"), "file:///theirs.json");
}

TEST_F(SqlCatalogStoreTest, OldLayoutWithoutIcebergTypeIsUsedWithoutMigration) {
  store_.reset();
  fs::remove(db_path_);
  RawSql(
      "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
      "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location "
      "VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, "
      "table_namespace, table_name));"
      "CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace "
      "VARCHAR(255) NOT NULL, property_key VARCHAR(255), property_value VARCHAR(1000), PRIMARY "
      "KEY (catalog_name, namespace, property_key));"
      "INSERT INTO iceberg_tables VALUES ('floe', 'old', 't', 'file:///t1.json', NULL);");
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->ListTables({"old"}), std::vector<std::string>{"t"});
  ASSERT_TRUE((*store)->CreateTable({"old"}, "u", "file:///u1.json").ok());
  ASSERT_TRUE((*store)->CommitMetadataLocation({"old"}, "t", "file:///t1.json", "file:///t2.json")
                  .ok());
  EXPECT_EQ(*(*store)->GetMetadataLocation({"old"}, "t"), "file:///t2.json");
  EXPECT_EQ(*(*store)->ListTables({"old"}), (std::vector<std::string>{"t", "u"}));
}

TEST_F(SqlCatalogStoreTest, CommitSwapsLocationAndRecordsPrevious) {
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "t", "file:///v1.json").ok());
  ASSERT_TRUE(store_->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v2.json")
                  .ok());
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "t"), "file:///v2.json");
  // previous_metadata_location is what PyIceberg and Java read for history; check the row.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT previous_metadata_location, iceberg_type FROM "
                               "iceberg_tables WHERE table_name = 't'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "file:///v1.json");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), "TABLE");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqlCatalogStoreTest, CommitFromAStaleLocationIsAConflictAndChangesNothing) {
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE(store_->CreateTable({"db"}, "t", "file:///v1.json").ok());
  ASSERT_TRUE(store_->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v2.json")
                  .ok());
  auto st = store_->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v3.json");
  EXPECT_TRUE(IsCommitConflict(st)) << st.ToString();
  EXPECT_NE(st.message().find("db.t"), std::string::npos);
  EXPECT_NE(st.message().find("file:///v2.json"), std::string::npos);
  EXPECT_EQ(*store_->GetMetadataLocation({"db"}, "t"), "file:///v2.json");

  auto gone = store_->CommitMetadataLocation({"db"}, "ghost", "file:///v1.json", "x");
  EXPECT_TRUE(IsNoSuchTable(gone)) << gone.ToString();
  EXPECT_FALSE(IsCommitConflict(gone));
}

TEST_F(SqlCatalogStoreTest, TwoInstancesSeeEachOthersWrites) {
  auto second = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(store_->CreateNamespace({"db"}).ok());
  ASSERT_TRUE((*second)->CreateTable({"db"}, "t", "file:///v1.json").ok());
  ASSERT_TRUE(store_->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v2.json")
                  .ok());
  EXPECT_EQ(*(*second)->GetMetadataLocation({"db"}, "t"), "file:///v2.json");
  EXPECT_TRUE(IsCommitConflict(
      (*second)->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v9.json")));
}

}  // namespace
}  // namespace floe::catalog
