#pragma once

// Storage for a SQL catalog kept in a SQLite file, in the layout shared by PyIceberg's SqlCatalog
// and Java's JdbcCatalog, so that all three can open the same file:
//
//   iceberg_tables(catalog_name, table_namespace, table_name, metadata_location,
//                  previous_metadata_location, iceberg_type)
//       PRIMARY KEY (catalog_name, table_namespace, table_name)
//   iceberg_namespace_properties(catalog_name, namespace, property_key, property_value)
//       PRIMARY KEY (catalog_name, namespace, property_key)
//
// This layer only knows rows: it never reads or writes Iceberg metadata files. A namespace is a
// list of levels, stored joined with "." (so a level may not contain a dot).

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "floe/iceberg/errors.h"

namespace floe::catalog {

// Error kinds (NoSuchTable, CommitConflict, ...) are the shared ones of floe/iceberg/errors.h.
using iceberg::ErrorKind;
using iceberg::GetErrorKind;
using iceberg::IsAlreadyExists;
using iceberg::IsCommitConflict;
using iceberg::IsNamespaceNotEmpty;
using iceberg::IsNoSuchNamespace;
using iceberg::IsNoSuchTable;
using iceberg::MakeError;

/// A namespace as its levels, e.g. {"sales", "eu"} for "sales.eu".
using Namespace = std::vector<std::string>;
/// Namespace property key -> value.
using Properties = std::map<std::string, std::string>;

/// The namespace joined with "." the way PyIceberg and Java store it.
std::string NamespaceToString(const Namespace& ns);
/// The inverse of NamespaceToString; "" gives the empty (root) namespace.
Namespace NamespaceFromString(const std::string& text);

/// What UpdateNamespaceProperties did.
struct PropertiesUpdateSummary {
  std::vector<std::string> removed;  ///< keys that were present and are gone
  std::vector<std::string> updated;  ///< keys set (inserted or overwritten)
  std::vector<std::string> missing;  ///< keys asked to be removed that were absent
};

/// The catalog rows of one catalog name inside one SQLite file.
///
/// Concurrency: every operation is one SQLite transaction. Writers take the write lock at the
/// start (BEGIN IMMEDIATE) and wait up to 30 s for another process holding it, so any number of
/// processes and instances may commit to the same file at once; CommitMetadataLocation is a
/// compare-and-swap, so exactly one of several racing commits on one table wins. One instance
/// may be shared between threads (calls are serialized on its single connection).
///
/// Journal mode: every open switches the file to write-ahead logging (WAL) unless it already uses
/// it, so readers never block a commit and a commit never blocks readers. In the rollback journal
/// PyIceberg creates files with, a client that keeps a read transaction open makes every other
/// client's commit fail with "database is locked". (Iceberg 1.10's JdbcCatalog on sqlite-jdbc
/// does, from the check that creates missing catalog tables at its start until its JVM exits;
/// in WAL that connection keeps reading the file as of that moment, so Spark sharing the file
/// sets jdbc.init-catalog-tables=false: see the README.) WAL is a persistent property of the file that PyIceberg
/// (sqlite3) and Java (sqlite-jdbc) follow on their own; it keeps two files beside the catalog,
/// <file>-wal and <file>-shm, and its shared memory needs every client on the same host (never a
/// network file system, where SQLite's locks are unreliable in any mode). The switch needs the
/// file to itself: when another client holds it, the open goes on in the old mode and a later
/// open switches it.
///
/// Schema: tables are created when absent with the same DDL as PyIceberg 0.12 (which adds the
/// iceberg_type column of the Java "V1" layout). A file from an older writer without
/// iceberg_type is used as it is, without migration, like PyIceberg and Java do. Rows whose
/// iceberg_type is neither 'TABLE' nor NULL (Java/Rust views) are not tables here, but they do
/// keep their namespace non-empty and occupy their name.
class SqlCatalogStore {
 public:
  /// Opens (creating file, parent directories and catalog tables as needed) the catalog named
  /// `catalog_name` in the SQLite file `db_path`.
  static arrow::Result<std::unique_ptr<SqlCatalogStore>> Open(const std::string& db_path,
                                                              const std::string& catalog_name);
  ~SqlCatalogStore();
  SqlCatalogStore(const SqlCatalogStore&) = delete;
  SqlCatalogStore& operator=(const SqlCatalogStore&) = delete;

  const std::string& catalog_name() const;
  const std::string& db_path() const;

  // ---- Namespaces ----

  /// Creates `ns` with `properties`, plus the reserved marker row exists=true (as Java does), so
  /// the namespace survives removal of all its properties. AlreadyExists when `ns` exists, also
  /// when it exists only implicitly (it is a prefix of a namespace or table namespace).
  arrow::Status CreateNamespace(const Namespace& ns, const Properties& properties = {});
  /// True when `ns` has property rows or tables, itself or in a child namespace (the rule of
  /// PyIceberg and Java).
  arrow::Result<bool> NamespaceExists(const Namespace& ns);
  /// The direct children of `parent` (top-level namespaces for an empty parent), sorted.
  /// NoSuchNamespace when a non-empty `parent` does not exist.
  arrow::Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent = {});
  /// Drops `ns`. NoSuchNamespace when absent; NamespaceNotEmpty when it holds tables (or views)
  /// or child namespaces.
  arrow::Status DropNamespace(const Namespace& ns);
  /// The properties of `ns`, without the reserved "exists" marker.
  arrow::Result<Properties> LoadNamespaceProperties(const Namespace& ns);
  /// Removes `removals` and then sets `updates`, in one transaction. Invalid when a key is in
  /// both or is the reserved key "exists".
  arrow::Result<PropertiesUpdateSummary> UpdateNamespaceProperties(
      const Namespace& ns, const Properties& updates, const std::set<std::string>& removals = {});

  // ---- Tables ----

  /// Registers table `ns`.`name` whose current metadata file is `metadata_location`.
  /// NoSuchNamespace when `ns` does not exist; AlreadyExists when the name is taken.
  arrow::Status CreateTable(const Namespace& ns, const std::string& name,
                            const std::string& metadata_location);
  arrow::Result<bool> TableExists(const Namespace& ns, const std::string& name);
  /// The current metadata location of `ns`.`name`; NoSuchTable when absent.
  arrow::Result<std::string> GetMetadataLocation(const Namespace& ns, const std::string& name);
  /// Names of the tables directly in `ns`, sorted; NoSuchNamespace when `ns` does not exist.
  arrow::Result<std::vector<std::string>> ListTables(const Namespace& ns);
  /// Removes the catalog row (files are untouched); NoSuchTable when absent.
  arrow::Status DropTable(const Namespace& ns, const std::string& name);
  /// Moves a table. NoSuchTable when the source is absent, NoSuchNamespace when `to_ns` does not
  /// exist, AlreadyExists when the target name is taken. Renaming to itself is a no-op.
  arrow::Status RenameTable(const Namespace& from_ns, const std::string& from_name,
                            const Namespace& to_ns, const std::string& to_name);
  /// Compare-and-swap of the metadata pointer: sets metadata_location to `new_location` and
  /// previous_metadata_location to `expected_current` only if the current location is
  /// `expected_current`. Otherwise a status for which IsCommitConflict() is true (the message
  /// names the location found); NoSuchTable when the table is gone.
  arrow::Status CommitMetadataLocation(const Namespace& ns, const std::string& name,
                                       const std::string& expected_current,
                                       const std::string& new_location);

 private:
  struct Impl;
  explicit SqlCatalogStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::catalog
