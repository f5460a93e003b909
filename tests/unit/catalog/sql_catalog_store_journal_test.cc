// The catalog file's journal mode: SqlCatalogStore switches it to WAL so that a client holding a
// read transaction (as Spark's JdbcCatalog does) cannot block a commit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "floe/catalog/sql/sql_catalog_store.h"

namespace floe::catalog {
namespace {

namespace fs = std::filesystem;

// A second client of the file, through SQLite directly as PyIceberg or sqlite-jdbc would.
class RawClient {
 public:
  explicit RawClient(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawClient() { sqlite3_close(db_); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string One(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqlCatalogJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "floe_sql_journal_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = (fs::path(dir_) / "catalog.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file the way PyIceberg makes it: the default rollback journal, one table row.
  void MakeRollbackJournalFile() {
    RawClient raw(db_path_);
    ASSERT_EQ(raw.One("PRAGMA journal_mode"), "delete");
    ASSERT_EQ(raw.Exec("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
                       "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
                       "metadata_location VARCHAR(1000), previous_metadata_location "
                       "VARCHAR(1000), iceberg_type VARCHAR(5), PRIMARY KEY (catalog_name, "
                       "table_namespace, table_name));"
                       "CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT "
                       "NULL, namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT "
                       "NULL, property_value VARCHAR(1000) NOT NULL, PRIMARY KEY (catalog_name, "
                       "namespace, property_key));"
                       "INSERT INTO iceberg_tables VALUES ('floe', 'db', 't', 'file:///v1.json', "
                       "NULL, 'TABLE');"),
              SQLITE_OK);
  }

  std::string dir_;
  std::string db_path_;
};

TEST_F(SqlCatalogJournalTest, ANewCatalogFileUsesWriteAheadLogging) {
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  RawClient raw(db_path_);
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "wal");
}

TEST_F(SqlCatalogJournalTest, ARollbackJournalFileIsSwitchedAndKeepsItsRows) {
  MakeRollbackJournalFile();
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(RawClient(db_path_).One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*(*store)->GetMetadataLocation({"db"}, "t"), "file:///v1.json");
}

TEST_F(SqlCatalogJournalTest, AnOpenReadTransactionDoesNotBlockACommit) {
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->CreateNamespace({"db"}).ok());
  ASSERT_TRUE((*store)->CreateTable({"db"}, "t", "file:///v1.json").ok());

  RawClient reader(db_path_);
  ASSERT_EQ(reader.Exec("BEGIN"), SQLITE_OK);
  ASSERT_EQ(reader.One("SELECT metadata_location FROM iceberg_tables"), "file:///v1.json");
  // The reader's transaction stays open across the commit.
  auto st = (*store)->CommitMetadataLocation({"db"}, "t", "file:///v1.json", "file:///v2.json");
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(reader.One("SELECT metadata_location FROM iceberg_tables"), "file:///v1.json");
  ASSERT_EQ(reader.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(reader.One("SELECT metadata_location FROM iceberg_tables"), "file:///v2.json");
}

TEST_F(SqlCatalogJournalTest, AFileHeldByAnotherClientOpensInItsOldModeWithoutWaiting) {
  MakeRollbackJournalFile();
  RawClient reader(db_path_);
  ASSERT_EQ(reader.Exec("BEGIN"), SQLITE_OK);
  ASSERT_EQ(reader.One("SELECT count(*) FROM iceberg_tables"), "1");

  auto start = std::chrono::steady_clock::now();
  auto store = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(*(*store)->GetMetadataLocation({"db"}, "t"), "file:///v1.json");
  ASSERT_EQ(reader.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(RawClient(db_path_).One("PRAGMA journal_mode"), "delete");

  // Once the other client lets go, the next open switches the file.
  auto again = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(RawClient(db_path_).One("PRAGMA journal_mode"), "wal");
}

}  // namespace
}  // namespace floe::catalog
