// Helpers for tests/interop/test_rest_catalog.py: each drives the REST catalog against a real
// server (Iceberg's REST test server, maybe behind a fault-injecting proxy), as the pytest side
// asks through the environment, and writes what it saw as JSON for that side to compare with
// PyIceberg. Without the environment (a plain unit-test run) they have nothing to talk to and
// skip; the pytest side fails on a skip.
//
//   FLOE_REST_HELPER_PROPS  catalog properties, a JSON object (uri, credential, …)
//   FLOE_REST_HELPER_ARGS   the helper's arguments, a JSON object
//   FLOE_REST_HELPER_OUT    where to write the result

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "floe/catalog/rest/rest_catalog.h"
#include "floe/iceberg/data/arrow_conform.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/fast_append.h"
#include "floe/iceberg/update/update_schema.h"

namespace floe::catalog::rest {
namespace {

using json = nlohmann::json;
using iceberg::TableIdentifier;

struct Helper {
  std::unique_ptr<RestCatalog> catalog;
  json args;
  std::string out;
};

// Reads the environment; false (after GTEST_SKIP) when the helper was not asked for.
bool Init(Helper* h) {
  const char* props = std::getenv("FLOE_REST_HELPER_PROPS");
  const char* args = std::getenv("FLOE_REST_HELPER_ARGS");
  const char* out = std::getenv("FLOE_REST_HELPER_OUT");
  if (props == nullptr || out == nullptr) return false;
  Properties properties;
  const json parsed = json::parse(props);
  for (const auto& [k, v] : parsed.items()) properties[k] = v.get<std::string>();
  auto catalog = RestCatalog::Open("interop", properties);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  if (!catalog.ok()) return false;
  h->catalog = std::move(*catalog);
  h->args = args != nullptr ? json::parse(args) : json::object();
  h->out = out;
  return true;
}

void Write(const Helper& h, const json& result) { std::ofstream(h.out) << result.dump(); }

TableIdentifier Id(const json& text) {
  return TableIdentifier::Parse(text.get<std::string>()).ValueOrDie();
}

std::string Kind(const arrow::Status& s) {
  if (iceberg::IsCommitConflict(s)) return "commit-conflict";
  if (iceberg::IsCommitStateUnknown(s)) return "commit-state-unknown";
  if (iceberg::IsNoSuchTable(s)) return "no-such-table";
  if (iceberg::IsNoSuchNamespace(s)) return "no-such-namespace";
  if (iceberg::IsAlreadyExists(s)) return "already-exists";
  return s.ok() ? "ok" : "other";
}

// Rows {id, name} (and `note` when the schema has it) for ids [start, start + count).
std::shared_ptr<arrow::Table> Rows(const iceberg::Table& table, int64_t start, int64_t count,
                                   const std::string& note) {
  arrow::Int64Builder ids;
  arrow::StringBuilder names, notes;
  for (int64_t i = start; i < start + count; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    EXPECT_TRUE(names.Append("row-" + std::to_string(i)).ok());
    EXPECT_TRUE(notes.Append(note).ok());
  }
  std::vector<std::shared_ptr<arrow::Field>> fields = {arrow::field("id", arrow::int64()),
                                                       arrow::field("name", arrow::utf8())};
  std::vector<std::shared_ptr<arrow::Array>> columns = {ids.Finish().ValueOrDie(),
                                                        names.Finish().ValueOrDie()};
  if (!note.empty()) {
    fields.push_back(arrow::field("note", arrow::utf8()));
    columns.push_back(notes.Finish().ValueOrDie());
  }
  auto data = arrow::Table::Make(arrow::schema(fields), columns);
  return iceberg::ConformToSchema(data, *table.metadata().CurrentSchema(), "helper rows")
      .ValueOrDie();
}

TEST(RestInteropHelper, CreateTable) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  TableIdentifier id = Id(h.args["table"]);
  auto ns = h.catalog->CreateNamespace(id.ns, {{"owner", "floe"}});
  ASSERT_TRUE(ns.ok() || iceberg::IsAlreadyExists(ns)) << ns.ToString();
  CreateTableRequest request;
  request.schema =
      iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""},
                          iceberg::NestedField{2, "name", iceberg::Type::String(), false, ""}});
  request.properties = {{"created-by", "floe"}};
  if (h.args.contains("properties")) {
    for (const auto& [key, value] : h.args["properties"].items()) {
      request.properties[key] = value.get<std::string>();
    }
  }
  auto table = h.catalog->CreateTable(id, request);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Write(h, {{"metadata_location", (*table)->metadata_location()},
            {"location", (*table)->metadata().location}});
}

TEST(RestInteropHelper, Append) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  auto table = h.catalog->LoadTable(Id(h.args["table"]));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  int64_t start = h.args.value("start", 0);
  int64_t count = h.args.value("count", 1);
  int64_t per_commit = h.args.value("per_commit", count);
  std::string note = h.args.value("note", "");
  int64_t pause_ms = h.args.value("pause_ms", 0);
  json errors = json::array();
  int ok = 0;
  for (int64_t first = start; first < start + count; first += per_commit) {
    if (pause_ms > 0 && first > start) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
    auto rows = Rows(**table, first, std::min(per_commit, start + count - first), note);
    auto snapshot = iceberg::AppendRows(*table, *rows);
    if (snapshot.ok()) {
      ++ok;
    } else {
      errors.push_back(
          {{"kind", Kind(snapshot.status())}, {"message", snapshot.status().ToString()}});
    }
  }
  Write(h, {{"ok", ok}, {"errors", errors}});
}

TEST(RestInteropHelper, AddColumn) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  auto table = h.catalog->LoadTable(Id(h.args["table"]));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  iceberg::UpdateSchema update(*table);
  update.AddColumn(h.args["column"].get<std::string>(), iceberg::Type::String());
  auto status = update.Commit();
  ASSERT_TRUE(status.ok()) << status.ToString();
  Write(h, {{"schema_id", (*table)->metadata().current_schema_id}});
}

TEST(RestInteropHelper, Read) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  auto table = h.catalog->LoadTable(Id(h.args["table"]));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto scan = iceberg::TableScan::Make(**table, {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  auto data = scan->ToArrowTable();
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto combined = (*data)->CombineChunksToBatch().ValueOrDie();
  json rows = json::array();
  for (int64_t r = 0; r < combined->num_rows(); ++r) {
    json row = json::object();
    for (int c = 0; c < combined->num_columns(); ++c) {
      auto scalar = combined->column(c)->GetScalar(r).ValueOrDie();
      const std::string& name = combined->schema()->field(c)->name();
      if (!scalar->is_valid) {
        row[name] = nullptr;
      } else if (scalar->type->id() == arrow::Type::INT64) {
        row[name] = std::static_pointer_cast<arrow::Int64Scalar>(scalar)->value;
      } else {
        row[name] = scalar->ToString();
      }
    }
    rows.push_back(row);
  }
  json snapshots = json::array();
  for (const auto& s : (*table)->metadata().snapshots) snapshots.push_back(s.snapshot_id);
  json columns = json::array();
  for (const auto& f : (*table)->metadata().CurrentSchema()->fields()) columns.push_back(f.name);
  Write(h, {{"rows", rows},
            {"snapshots", snapshots},
            {"columns", columns},
            {"metadata_location", (*table)->metadata_location()},
            {"properties", (*table)->metadata().properties}});
}

TEST(RestInteropHelper, List) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  Namespace parent = h.args.value("parent", Namespace{});
  auto namespaces = h.catalog->ListNamespaces(parent);
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  json tables = json::array();
  if (h.args.contains("tables_of")) {
    auto ids = h.catalog->ListTables(h.args["tables_of"].get<Namespace>());
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    for (const auto& id : *ids) tables.push_back(id.ToString());
  }
  json exists = json::object();
  for (const auto& name : h.args.value("exists", std::vector<std::string>{})) {
    auto id = TableIdentifier::Parse(name).ValueOrDie();
    auto found = h.catalog->TableExists(id);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    exists[name] = *found;
  }
  Write(h, {{"namespaces", *namespaces}, {"tables", tables}, {"exists", exists}});
}

TEST(RestInteropHelper, StageCreateWithData) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  TableIdentifier id = Id(h.args["table"]);
  CreateTableRequest request;
  request.schema =
      iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""},
                          iceberg::NestedField{2, "name", iceberg::Type::String(), false, ""}});
  auto txn = h.catalog->BeginCreateTable(id, request);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  auto exists_before = h.catalog->TableExists(id);
  ASSERT_TRUE(exists_before.ok());
  auto rows = Rows(*(*txn)->table(), 0, h.args.value("count", 3), "");
  auto files = iceberg::WriteDataFiles(*(*txn)->table(), *rows);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  (*txn)->Add<iceberg::FastAppend>().AppendFiles(*files);
  auto status = (*txn)->Commit();
  ASSERT_TRUE(status.ok()) << status.ToString();
  Write(h, {{"existed_before_commit", *exists_before},
            {"metadata_location", (*txn)->table()->metadata_location()}});
}

TEST(RestInteropHelper, CommitTransaction) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  std::vector<TableCommit> commits;
  for (const auto& name : h.args["tables"]) {
    TableIdentifier id = Id(name);
    auto table = h.catalog->LoadTable(id);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    std::string uuid = h.args.value("stale_uuid", false)
                           ? std::string("00000000-0000-0000-0000-000000000000")
                           : (*table)->metadata().table_uuid;
    commits.push_back({id,
                       {iceberg::AssertTableUuid{uuid}},
                       {iceberg::SetProperties{{{h.args["key"].get<std::string>(),
                                                 h.args["value"].get<std::string>()}}}}});
  }
  auto status = h.catalog->CommitTransaction(commits);
  Write(h, {{"kind", Kind(status)}, {"message", status.ToString()}});
}

TEST(RestInteropHelper, Errors) {
  Helper h;
  if (!Init(&h)) GTEST_SKIP() << "FLOE_REST_HELPER_PROPS not set";
  json out = json::object();
  out["load_missing_table"] = Kind(h.catalog->LoadTable(Id(h.args["missing_table"])).status());
  out["load_missing_namespace"] = Kind(
      h.catalog->LoadNamespaceProperties(h.args["missing_namespace"].get<Namespace>()).status());
  CreateTableRequest request;
  request.schema =
      iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""}});
  auto again = h.catalog->CreateTable(Id(h.args["existing_table"]), request);
  out["create_existing_table"] = Kind(again.status());
  out["create_existing_message"] = again.status().ToString();
  Write(h, out);
}

}  // namespace
}  // namespace floe::catalog::rest
