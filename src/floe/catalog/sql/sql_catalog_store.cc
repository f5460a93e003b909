#include "floe/catalog/sql/sql_catalog_store.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <utility>

#include "floe/catalog/sql/sqlite_connection_internal.h"
#include "floe/iceberg/table/table_identifier.h"

namespace floe::catalog {

using internal::SqliteConnection;
using internal::SqliteTransaction;
using Mode = internal::SqliteTransaction::Mode;

// ---- Errors ----

// ---- Names ----

std::string NamespaceToString(const Namespace& ns) {
  std::string out;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i > 0) out += '.';
    out += ns[i];
  }
  return out;
}

Namespace NamespaceFromString(const std::string& text) {
  // The stored form of the root namespace is "", which is no levels rather than one empty one.
  if (text.empty()) return {};
  return iceberg::SplitNamespace(text);
}

namespace {

constexpr std::chrono::milliseconds kBusyTimeout{30000};
// How long an open waits for other clients to let go of the file to switch it to WAL; a busy
// file is used in its old mode rather than delaying every command.
constexpr std::chrono::milliseconds kJournalSwitchWait{200};
// The reserved property that marks a namespace created without properties (PyIceberg, Java).
constexpr const char* kExistsKey = "exists";

// The DDL PyIceberg 0.12 emits through SQLAlchemy (Java's JdbcUtil differs only in allowing NULL
// property keys and values, which this store never writes).
constexpr const char* kCreateTablesSql =
    "CREATE TABLE IF NOT EXISTS iceberg_tables (\n"
    "\tcatalog_name VARCHAR(255) NOT NULL, \n"
    "\ttable_namespace VARCHAR(255) NOT NULL, \n"
    "\ttable_name VARCHAR(255) NOT NULL, \n"
    "\tmetadata_location VARCHAR(1000), \n"
    "\tprevious_metadata_location VARCHAR(1000), \n"
    "\ticeberg_type VARCHAR(5), \n"
    "\tPRIMARY KEY (catalog_name, table_namespace, table_name)\n"
    ")";
constexpr const char* kCreateNamespacePropertiesSql =
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (\n"
    "\tcatalog_name VARCHAR(255) NOT NULL, \n"
    "\tnamespace VARCHAR(255) NOT NULL, \n"
    "\tproperty_key VARCHAR(255) NOT NULL, \n"
    "\tproperty_value VARCHAR(1000) NOT NULL, \n"
    "\tPRIMARY KEY (catalog_name, namespace, property_key)\n"
    ")";

// Namespace strings are joined with '.', so a level holding a dot would read back as two levels.
arrow::Status ValidateNamespace(const Namespace& ns) {
  if (ns.empty()) return arrow::Status::Invalid("namespace must have at least one level");
  for (const auto& level : ns) {
    if (level.empty()) {
      return arrow::Status::Invalid("namespace '", NamespaceToString(ns), "' has an empty level");
    }
    if (level.find('.') != std::string::npos) {
      return arrow::Status::Invalid("namespace level '", level, "' contains '.'");
    }
  }
  return arrow::Status::OK();
}

// PyIceberg splits identifiers at dots, so a dotted table name could not be addressed from it.
arrow::Status ValidateTable(const Namespace& ns, const std::string& name) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  if (name.empty()) return arrow::Status::Invalid("table name must not be empty");
  if (name.find('.') != std::string::npos) {
    return arrow::Status::Invalid("table name '", name, "' contains '.'");
  }
  return arrow::Status::OK();
}

std::string TableString(const Namespace& ns, const std::string& name) {
  return NamespaceToString(ns) + "." + name;
}

}  // namespace

struct SqlCatalogStore::Impl {
  std::string db_path;
  std::string catalog_name;
  std::unique_ptr<SqliteConnection> conn;
  // False on catalogs created before views existed (Java "V0" layout): no iceberg_type column.
  bool has_iceberg_type = true;
  std::mutex mu;  // one connection: serialize whole transactions

  std::string Where() const { return "catalog '" + catalog_name + "' in " + db_path + ": "; }

  // Limits a query on iceberg_tables to tables (not views); Java writes NULL for old rows.
  std::string TableFilter() const {
    return has_iceberg_type ? " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" : "";
  }

  // The exists rule of PyIceberg's namespace_exists and Java's JdbcUtil.namespaceExists: a row
  // in either table whose namespace is `ns` or starts with "ns.". substr() rather than their
  // LIKE, which SQLite compares case-insensitively.
  arrow::Result<bool> NamespaceExists(const std::string& ns) {
    std::string prefix = ns + ".";
    for (const char* sql :
         {"SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND (table_namespace = ?2 OR "
          "substr(table_namespace, 1, length(?3)) = ?3) LIMIT 1",
          "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND (namespace = ?2 "
          "OR substr(namespace, 1, length(?3)) = ?3) LIMIT 1"}) {
      ARROW_ASSIGN_OR_RAISE(auto rows, conn->Query(sql, {catalog_name, ns, prefix}));
      if (!rows.empty()) return true;
    }
    return false;
  }

  arrow::Status RequireNamespace(const Namespace& ns) {
    ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(NamespaceToString(ns)));
    if (!exists) {
      return MakeError(ErrorKind::kNoSuchNamespace,
                       Where() + "namespace " + NamespaceToString(ns) + " does not exist");
    }
    return arrow::Status::OK();
  }

  // The row of `ns`.`name`: {metadata_location, iceberg_type}; tables only unless `any_type`.
  arrow::Result<std::optional<internal::SqlRow>> FindRow(const Namespace& ns,
                                                         const std::string& name, bool any_type) {
    std::string sql = std::string("SELECT metadata_location, ") +
                      (has_iceberg_type ? "iceberg_type" : "NULL") +
                      " FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND "
                      "table_name = ?" +
                      (any_type ? "" : TableFilter());
    ARROW_ASSIGN_OR_RAISE(auto rows, conn->Query(sql, {catalog_name, NamespaceToString(ns), name}));
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  arrow::Status NoSuchTable(const Namespace& ns, const std::string& name) const {
    return MakeError(ErrorKind::kNoSuchTable,
                     Where() + "table " + TableString(ns, name) + " does not exist");
  }

  // AlreadyExists when any row (table or view) holds the name.
  arrow::Status RequireNameFree(const Namespace& ns, const std::string& name) {
    ARROW_ASSIGN_OR_RAISE(auto row, FindRow(ns, name, /*any_type=*/true));
    if (!row) return arrow::Status::OK();
    const auto& type = (*row)[1];
    std::string what = type.has_value() && *type != "TABLE" ? "a " + *type + " named " : "table ";
    return MakeError(ErrorKind::kAlreadyExists,
                     Where() + what + TableString(ns, name) + " already exists");
  }

  arrow::Result<Properties> ReadProperties(const std::string& ns) {
    ARROW_ASSIGN_OR_RAISE(auto rows, conn->Query("SELECT property_key, property_value FROM "
                                                 "iceberg_namespace_properties WHERE "
                                                 "catalog_name = ? AND namespace = ?",
                                                 {catalog_name, ns}));
    Properties props;
    for (auto& row : rows) {
      if (!row[0].has_value()) continue;  // Java's layout allows NULL keys; nothing to report
      props[*row[0]] = row[1].value_or("");
    }
    return props;
  }

  arrow::Status InsertProperty(const std::string& ns, const std::string& key,
                               const std::string& value) {
    return conn
        ->Execute(
            "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, "
            "property_key, property_value) VALUES (?, ?, ?, ?)",
            {catalog_name, ns, key, value})
        .status();
  }
};

SqlCatalogStore::SqlCatalogStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqlCatalogStore::~SqlCatalogStore() = default;

const std::string& SqlCatalogStore::catalog_name() const { return impl_->catalog_name; }
const std::string& SqlCatalogStore::db_path() const { return impl_->db_path; }

arrow::Result<std::unique_ptr<SqlCatalogStore>> SqlCatalogStore::Open(
    const std::string& db_path, const std::string& catalog_name) {
  if (db_path.empty()) return arrow::Status::Invalid("catalog database path is empty");
  if (catalog_name.empty()) {
    return arrow::Status::Invalid("catalog database ", db_path, ": catalog name is empty");
  }
  std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return arrow::Status::IOError("catalog database ", db_path, ": cannot create directory ",
                                    parent.string(), ": ", ec.message());
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->db_path = db_path;
  impl->catalog_name = catalog_name;
  ARROW_ASSIGN_OR_RAISE(impl->conn, SqliteConnection::Open(db_path, kBusyTimeout));
  SqliteConnection* conn = impl->conn.get();
  ARROW_RETURN_NOT_OK(conn->UseWriteAheadLog(kJournalSwitchWait).status());

  ARROW_ASSIGN_OR_RAISE(auto present,
                        conn->Query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                    "name IN ('iceberg_tables', 'iceberg_namespace_properties')"));
  if (present.empty() || present[0][0] != "2") {
    // IF NOT EXISTS plus the write lock make concurrent first opens harmless.
    ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
    ARROW_RETURN_NOT_OK(conn->Execute(kCreateTablesSql).status());
    ARROW_RETURN_NOT_OK(conn->Execute(kCreateNamespacePropertiesSql).status());
    ARROW_RETURN_NOT_OK(txn.Commit());
  }
  ARROW_ASSIGN_OR_RAISE(auto columns, conn->Query("PRAGMA table_info(iceberg_tables)"));
  impl->has_iceberg_type = std::any_of(columns.begin(), columns.end(), [](const auto& row) {
    return row.size() > 1 && row[1] == "iceberg_type";
  });
  return std::unique_ptr<SqlCatalogStore>(new SqlCatalogStore(std::move(impl)));
}

// ---- Namespaces ----

arrow::Status SqlCatalogStore::CreateNamespace(const Namespace& ns, const Properties& properties) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  if (properties.count(kExistsKey) > 0) {
    return arrow::Status::Invalid("namespace ", NamespaceToString(ns),
                                  ": property 'exists' is reserved");
  }
  std::lock_guard lock(impl_->mu);
  std::string name = NamespaceToString(ns);
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(impl_->conn.get(), Mode::kWrite));
  ARROW_ASSIGN_OR_RAISE(bool exists, impl_->NamespaceExists(name));
  if (exists) {
    return MakeError(ErrorKind::kAlreadyExists,
                     impl_->Where() + "namespace " + name + " already exists");
  }
  ARROW_RETURN_NOT_OK(impl_->InsertProperty(name, kExistsKey, "true"));
  for (const auto& [key, value] : properties) {
    ARROW_RETURN_NOT_OK(impl_->InsertProperty(name, key, value));
  }
  return txn.Commit();
}

arrow::Result<bool> SqlCatalogStore::NamespaceExists(const Namespace& ns) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  std::lock_guard lock(impl_->mu);
  return impl_->NamespaceExists(NamespaceToString(ns));
}

arrow::Result<std::vector<Namespace>> SqlCatalogStore::ListNamespaces(const Namespace& parent) {
  if (!parent.empty()) ARROW_RETURN_NOT_OK(ValidateNamespace(parent));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(impl_->conn.get(), Mode::kRead));
  if (!parent.empty()) ARROW_RETURN_NOT_OK(impl_->RequireNamespace(parent));
  ARROW_ASSIGN_OR_RAISE(
      auto rows,
      impl_->conn->Query("SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ?1 "
                         "UNION SELECT namespace FROM iceberg_namespace_properties WHERE "
                         "catalog_name = ?1",
                         {impl_->catalog_name}));
  ARROW_RETURN_NOT_OK(txn.Commit());
  // Children are the level below `parent` of every stored namespace under it, so a namespace
  // known only through a deeper one ("a" from "a.b.c") is listed too.
  std::set<Namespace> children;
  for (const auto& row : rows) {
    if (!row[0].has_value()) continue;
    Namespace stored = NamespaceFromString(*row[0]);
    if (stored.size() <= parent.size()) continue;
    if (!std::equal(parent.begin(), parent.end(), stored.begin())) continue;
    stored.resize(parent.size() + 1);
    children.insert(std::move(stored));
  }
  return std::vector<Namespace>(children.begin(), children.end());
}

arrow::Status SqlCatalogStore::DropNamespace(const Namespace& ns) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  std::lock_guard lock(impl_->mu);
  std::string name = NamespaceToString(ns);
  SqliteConnection* conn = impl_->conn.get();
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(ns));
  // Views count too: dropping their namespace would orphan them for Java.
  ARROW_ASSIGN_OR_RAISE(auto tables, conn->Query("SELECT table_name FROM iceberg_tables WHERE "
                                                 "catalog_name = ? AND table_namespace = ? "
                                                 "ORDER BY table_name",
                                                 {impl_->catalog_name, name}));
  if (!tables.empty()) {
    std::string names;
    for (size_t i = 0; i < tables.size() && i < 5; ++i) {
      names += (i > 0 ? ", " : "") + tables[i][0].value_or("");
    }
    if (tables.size() > 5) names += ", ...";
    return MakeError(ErrorKind::kNamespaceNotEmpty,
                     impl_->Where() + "namespace " + name + " is not empty: it holds " +
                         std::to_string(tables.size()) + " table(s) (" + names + ")");
  }
  ARROW_ASSIGN_OR_RAISE(auto children, conn->Query("SELECT table_namespace FROM iceberg_tables "
                                                   "WHERE catalog_name = ?1 AND "
                                                   "substr(table_namespace, 1, length(?2)) = ?2 "
                                                   "UNION SELECT namespace FROM "
                                                   "iceberg_namespace_properties WHERE "
                                                   "catalog_name = ?1 AND "
                                                   "substr(namespace, 1, length(?2)) = ?2 LIMIT 1",
                                                   {impl_->catalog_name, name + "."}));
  if (!children.empty()) {
    return MakeError(ErrorKind::kNamespaceNotEmpty, impl_->Where() + "namespace " + name +
                                                        " is not empty: it holds namespace " +
                                                        children[0][0].value_or(""));
  }
  ARROW_RETURN_NOT_OK(conn->Execute("DELETE FROM iceberg_namespace_properties WHERE "
                                    "catalog_name = ? AND namespace = ?",
                                    {impl_->catalog_name, name})
                          .status());
  return txn.Commit();
}

arrow::Result<Properties> SqlCatalogStore::LoadNamespaceProperties(const Namespace& ns) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(impl_->conn.get(), Mode::kRead));
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(ns));
  ARROW_ASSIGN_OR_RAISE(Properties props, impl_->ReadProperties(NamespaceToString(ns)));
  ARROW_RETURN_NOT_OK(txn.Commit());
  props.erase(kExistsKey);
  return props;
}

arrow::Result<PropertiesUpdateSummary> SqlCatalogStore::UpdateNamespaceProperties(
    const Namespace& ns, const Properties& updates, const std::set<std::string>& removals) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  std::string name = NamespaceToString(ns);
  for (const auto& key : removals) {
    if (key == kExistsKey) {
      return arrow::Status::Invalid("namespace ", name, ": property 'exists' is reserved");
    }
    if (updates.count(key) > 0) {
      return arrow::Status::Invalid("namespace ", name, ": property '", key,
                                    "' is both updated and removed");
    }
  }
  if (updates.count(kExistsKey) > 0) {
    return arrow::Status::Invalid("namespace ", name, ": property 'exists' is reserved");
  }
  std::lock_guard lock(impl_->mu);
  SqliteConnection* conn = impl_->conn.get();
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(ns));
  ARROW_ASSIGN_OR_RAISE(Properties current, impl_->ReadProperties(name));
  PropertiesUpdateSummary summary;
  // Delete-then-insert per key, as PyIceberg does: portable and atomic inside the transaction.
  auto delete_key = [&](const std::string& key) {
    return conn
        ->Execute(
            "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
            "namespace = ? AND property_key = ?",
            {impl_->catalog_name, name, key})
        .status();
  };
  for (const auto& key : removals) {
    if (current.erase(key) == 0) {
      summary.missing.push_back(key);
      continue;
    }
    ARROW_RETURN_NOT_OK(delete_key(key));
    summary.removed.push_back(key);
  }
  for (const auto& [key, value] : updates) {
    ARROW_RETURN_NOT_OK(delete_key(key));
    ARROW_RETURN_NOT_OK(impl_->InsertProperty(name, key, value));
    current[key] = value;
    summary.updated.push_back(key);
  }
  // A namespace made by PyIceberg with properties has no marker row; keep it existing when its
  // last property goes.
  if (current.empty()) ARROW_RETURN_NOT_OK(impl_->InsertProperty(name, kExistsKey, "true"));
  ARROW_RETURN_NOT_OK(txn.Commit());
  return summary;
}

// ---- Tables ----

arrow::Status SqlCatalogStore::CreateTable(const Namespace& ns, const std::string& name,
                                           const std::string& metadata_location) {
  ARROW_RETURN_NOT_OK(ValidateTable(ns, name));
  if (metadata_location.empty()) {
    return arrow::Status::Invalid("table ", TableString(ns, name), ": metadata location is empty");
  }
  std::lock_guard lock(impl_->mu);
  SqliteConnection* conn = impl_->conn.get();
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(ns));
  ARROW_RETURN_NOT_OK(impl_->RequireNameFree(ns, name));
  if (impl_->has_iceberg_type) {
    ARROW_RETURN_NOT_OK(
        conn->Execute("INSERT INTO iceberg_tables (catalog_name, table_namespace, "
                      "table_name, metadata_location, "
                      "previous_metadata_location, iceberg_type) VALUES "
                      "(?, ?, ?, ?, NULL, 'TABLE')",
                      {impl_->catalog_name, NamespaceToString(ns), name, metadata_location})
            .status());
  } else {
    ARROW_RETURN_NOT_OK(
        conn->Execute("INSERT INTO iceberg_tables (catalog_name, table_namespace, "
                      "table_name, metadata_location, "
                      "previous_metadata_location) VALUES (?, ?, ?, ?, NULL)",
                      {impl_->catalog_name, NamespaceToString(ns), name, metadata_location})
            .status());
  }
  return txn.Commit();
}

arrow::Result<bool> SqlCatalogStore::TableExists(const Namespace& ns, const std::string& name) {
  ARROW_RETURN_NOT_OK(ValidateTable(ns, name));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(auto row, impl_->FindRow(ns, name, /*any_type=*/false));
  return row.has_value();
}

arrow::Result<std::string> SqlCatalogStore::GetMetadataLocation(const Namespace& ns,
                                                                const std::string& name) {
  ARROW_RETURN_NOT_OK(ValidateTable(ns, name));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(auto row, impl_->FindRow(ns, name, /*any_type=*/false));
  if (!row) return impl_->NoSuchTable(ns, name);
  if (!(*row)[0].has_value() || (*row)[0]->empty()) {
    return arrow::Status::Invalid(impl_->Where(), "table ", TableString(ns, name),
                                  " has no metadata location");
  }
  return *(*row)[0];
}

arrow::Result<std::vector<std::string>> SqlCatalogStore::ListTables(const Namespace& ns) {
  ARROW_RETURN_NOT_OK(ValidateNamespace(ns));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(impl_->conn.get(), Mode::kRead));
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(ns));
  ARROW_ASSIGN_OR_RAISE(
      auto rows, impl_->conn->Query("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? "
                                    "AND table_namespace = ?" +
                                        impl_->TableFilter() + " ORDER BY table_name",
                                    {impl_->catalog_name, NamespaceToString(ns)}));
  ARROW_RETURN_NOT_OK(txn.Commit());
  std::vector<std::string> names;
  for (auto& row : rows) names.push_back(row[0].value_or(""));
  return names;
}

arrow::Status SqlCatalogStore::DropTable(const Namespace& ns, const std::string& name) {
  ARROW_RETURN_NOT_OK(ValidateTable(ns, name));
  std::lock_guard lock(impl_->mu);
  ARROW_ASSIGN_OR_RAISE(
      int changed, impl_->conn->Execute("DELETE FROM iceberg_tables WHERE catalog_name = ? AND "
                                        "table_namespace = ? AND table_name = ?" +
                                            impl_->TableFilter(),
                                        {impl_->catalog_name, NamespaceToString(ns), name}));
  if (changed == 0) return impl_->NoSuchTable(ns, name);
  return arrow::Status::OK();
}

arrow::Status SqlCatalogStore::RenameTable(const Namespace& from_ns, const std::string& from_name,
                                           const Namespace& to_ns, const std::string& to_name) {
  ARROW_RETURN_NOT_OK(ValidateTable(from_ns, from_name));
  ARROW_RETURN_NOT_OK(ValidateTable(to_ns, to_name));
  std::lock_guard lock(impl_->mu);
  SqliteConnection* conn = impl_->conn.get();
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
  ARROW_ASSIGN_OR_RAISE(auto source, impl_->FindRow(from_ns, from_name, /*any_type=*/false));
  if (!source) return impl_->NoSuchTable(from_ns, from_name);
  if (from_ns == to_ns && from_name == to_name) return txn.Commit();
  ARROW_RETURN_NOT_OK(impl_->RequireNamespace(to_ns));
  ARROW_RETURN_NOT_OK(impl_->RequireNameFree(to_ns, to_name));
  ARROW_RETURN_NOT_OK(conn->Execute("UPDATE iceberg_tables SET table_namespace = ?, table_name = ? "
                                    "WHERE catalog_name = ? AND table_namespace = ? AND "
                                    "table_name = ?" +
                                        impl_->TableFilter(),
                                    {NamespaceToString(to_ns), to_name, impl_->catalog_name,
                                     NamespaceToString(from_ns), from_name})
                          .status());
  return txn.Commit();
}

arrow::Status SqlCatalogStore::CommitMetadataLocation(const Namespace& ns, const std::string& name,
                                                      const std::string& expected_current,
                                                      const std::string& new_location) {
  ARROW_RETURN_NOT_OK(ValidateTable(ns, name));
  if (new_location.empty()) {
    return arrow::Status::Invalid("table ", TableString(ns, name),
                                  ": new metadata location is empty");
  }
  std::lock_guard lock(impl_->mu);
  SqliteConnection* conn = impl_->conn.get();
  ARROW_ASSIGN_OR_RAISE(auto txn, SqliteTransaction::Begin(conn, Mode::kWrite));
  // The same compare-and-swap statement PyIceberg and Java issue, so all three exclude each other.
  ARROW_ASSIGN_OR_RAISE(
      int changed,
      conn->Execute("UPDATE iceberg_tables SET metadata_location = ?, "
                    "previous_metadata_location = ? WHERE catalog_name = ? AND "
                    "table_namespace = ? AND table_name = ? AND metadata_location = ?" +
                        impl_->TableFilter(),
                    {new_location, expected_current, impl_->catalog_name, NamespaceToString(ns),
                     name, expected_current}));
  if (changed == 1) return txn.Commit();
  // Nothing changed: tell a lost race (retry after reload) from a missing table (do not).
  ARROW_ASSIGN_OR_RAISE(auto row, impl_->FindRow(ns, name, /*any_type=*/false));
  if (!row) return impl_->NoSuchTable(ns, name);
  return MakeError(ErrorKind::kCommitConflict,
                   impl_->Where() + "commit to table " + TableString(ns, name) +
                       " conflicts with a concurrent commit: expected metadata location " +
                       expected_current + " but it is now " + (*row)[0].value_or("NULL"));
}

}  // namespace floe::catalog
