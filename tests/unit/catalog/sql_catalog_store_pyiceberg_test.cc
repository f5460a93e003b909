// The store and PyIceberg's SqlCatalog open each other's SQLite files. Needs FLOE_PYTHON set to a
// Python with pyiceberg and pyarrow (the project venv); skipped otherwise, failed under CI.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "floe/catalog/sql/sql_catalog_store.h"

#include "../interop_python.h"
namespace floe::catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Makes the catalog "floe" the way a PyIceberg user would.
constexpr const char* kPyIcebergWrites = R"(
import sys
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog

db, warehouse = sys.argv[1], sys.argv[2]
catalog = SqlCatalog("floe", uri=f"sqlite:///{db}", warehouse=f"file://{warehouse}")
catalog.create_namespace("sales")
catalog.create_namespace("sales.eu", {"owner": "ops"})
catalog.create_namespace("empty")
schema = pa.schema([("id", pa.int64())])
catalog.create_table("sales.eu.orders", schema)
catalog.create_table("sales.eu.refunds", schema)
)";

// Prints as JSON what PyIceberg sees in the catalog "floe".
constexpr const char* kPyIcebergReads = R"(
import json
import sys
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NamespaceAlreadyExistsError, NamespaceNotEmptyError

db, warehouse, mode = sys.argv[1], sys.argv[2], sys.argv[3]
catalog = SqlCatalog("floe", uri=f"sqlite:///{db}", warehouse=f"file://{warehouse}")
out = {}
if mode == "listing":
    out["top"] = sorted(list(n) for n in catalog.list_namespaces())
    out["children"] = sorted(list(n) for n in catalog.list_namespaces("a"))
    out["tables"] = sorted(list(t) for t in catalog.list_tables("a.b"))
    out["props_a"] = catalog.load_namespace_properties("a")
    out["props_ab"] = catalog.load_namespace_properties("a.b")
    out["exists_ab"] = catalog.namespace_exists("a.b")
    try:
        catalog.create_namespace("a.b")
        out["create_again"] = "created"
    except NamespaceAlreadyExistsError:
        out["create_again"] = "already exists"
    try:
        catalog.drop_namespace("a.b")
        out["drop_full"] = "dropped"
    except NamespaceNotEmptyError:
        out["drop_full"] = "not empty"
else:
    out["location"] = catalog.load_table("sales.eu.orders").metadata_location
print(json.dumps(out))
)";

class SqlCatalogStorePyIcebergTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python_);
    std::string pattern = (fs::temp_directory_path() / "floe_sql_py_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = dir_ + "/catalog.db";
    warehouse_ = dir_ + "/warehouse";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs `script` with the db, warehouse and `args`; fails the test unless it exits 0.
  std::string RunPython(const std::string& script, const std::vector<std::string>& args = {}) {
    std::string script_path = dir_ + "/script.py";
    std::string out_path = dir_ + "/out.txt";
    std::ofstream(script_path) << script;
    std::string command = "'" + python_ + "' '" + script_path + "' '" + db_path_ + "' '" +
                          warehouse_ + "'";
    for (const auto& arg : args) command += " '" + arg + "'";
    command += " > '" + out_path + "' 2>&1";
    int rc = std::system(command.c_str());
    std::stringstream out;
    out << std::ifstream(out_path).rdbuf();
    EXPECT_EQ(rc, 0) << command << "\n" << out.str();
    return out.str();
  }

  json RunPythonJson(const std::string& script, const std::vector<std::string>& args) {
    std::string out = RunPython(script, args);
    json parsed = json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << out;
    return parsed;
  }

  std::string python_;
  std::string dir_;
  std::string db_path_;
  std::string warehouse_;
};

TEST_F(SqlCatalogStorePyIcebergTest, StoreReadsAndCommitsToACatalogPyIcebergCreated) {
  RunPython(kPyIcebergWrites);
  if (HasFailure()) return;
  auto opened = SqlCatalogStore::Open(db_path_, "floe");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SqlCatalogStore& store = **opened;

  EXPECT_EQ(*store.ListNamespaces(), (std::vector<Namespace>{{"empty"}, {"sales"}}));
  EXPECT_EQ(*store.ListNamespaces({"sales"}), (std::vector<Namespace>{{"sales", "eu"}}));
  EXPECT_EQ(*store.ListTables({"sales", "eu"}), (std::vector<std::string>{"orders", "refunds"}));
  EXPECT_EQ(*store.LoadNamespaceProperties({"sales", "eu"}), (Properties{{"owner", "ops"}}));
  EXPECT_EQ(*store.LoadNamespaceProperties({"empty"}), Properties{});
  EXPECT_TRUE(IsAlreadyExists(store.CreateNamespace({"sales", "eu"})));
  EXPECT_TRUE(IsNamespaceNotEmpty(store.DropNamespace({"sales", "eu"})));

  auto location = store.GetMetadataLocation({"sales", "eu"}, "orders");
  ASSERT_TRUE(location.ok()) << location.status().ToString();
  ASSERT_EQ(location->rfind("file://", 0), 0u) << *location;
  fs::path metadata_file = location->substr(std::string("file://").size());
  ASSERT_TRUE(fs::exists(metadata_file)) << metadata_file;

  // Commit a new metadata file (a copy suffices) and let PyIceberg load through the new pointer.
  fs::path next_file = metadata_file.parent_path() / "00001-from-floe.metadata.json";
  fs::copy_file(metadata_file, next_file);
  std::string next_location = "file://" + next_file.string();
  ASSERT_TRUE(store.CommitMetadataLocation({"sales", "eu"}, "orders", *location, next_location)
                  .ok());
  EXPECT_TRUE(IsCommitConflict(
      store.CommitMetadataLocation({"sales", "eu"}, "orders", *location, "file:///x.json")));
  json seen = RunPythonJson(kPyIcebergReads, {"load"});
  EXPECT_EQ(seen["location"], next_location) << seen.dump();
}

TEST_F(SqlCatalogStorePyIcebergTest, PyIcebergListsACatalogTheStoreCreated) {
  {
    auto opened = SqlCatalogStore::Open(db_path_, "floe");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    SqlCatalogStore& store = **opened;
    ASSERT_TRUE(store.CreateNamespace({"a"}, {{"owner", "x"}}).ok());
    ASSERT_TRUE(store.CreateNamespace({"a", "b"}).ok());
    ASSERT_TRUE(store.CreateNamespace({"z"}).ok());
    ASSERT_TRUE(store.CreateTable({"a", "b"}, "t2", "file:///w/t2.metadata.json").ok());
    ASSERT_TRUE(store.CreateTable({"a", "b"}, "t1", "file:///w/t1.metadata.json").ok());
  }
  json seen = RunPythonJson(kPyIcebergReads, {"listing"});
  ASSERT_TRUE(seen.is_object()) << seen.dump();
  EXPECT_EQ(seen["top"], json::parse(R"([["a"], ["z"]])")) << seen.dump();
  EXPECT_EQ(seen["children"], json::parse(R"([["a", "b"]])")) << seen.dump();
  EXPECT_EQ(seen["tables"], json::parse(R"([["a", "b", "t1"], ["a", "b", "t2"]])"))
      << seen.dump();
  // PyIceberg returns the existence marker that Java and this store write and hide.
  EXPECT_EQ(seen["props_a"], json::parse(R"({"owner": "x", "exists": "true"})")) << seen.dump();
  EXPECT_EQ(seen["props_ab"], json::parse(R"({"exists": "true"})")) << seen.dump();
  EXPECT_EQ(seen["exists_ab"], true);
  EXPECT_EQ(seen["create_again"], "already exists");
  EXPECT_EQ(seen["drop_full"], "not empty");
}

}  // namespace
}  // namespace floe::catalog
