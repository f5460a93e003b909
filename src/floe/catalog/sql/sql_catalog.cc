#include "floe/catalog/sql/sql_catalog.h"

#include "floe/io/location.h"

#include <filesystem>

#include "floe/catalog/drop_table_data.h"
#include "floe/catalog/metadata_commit.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/update/transaction.h"

namespace floe::catalog {
namespace {

using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using iceberg::TableState;

// A new table from its update list (assert-create): the metadata file is written first and
// the row added after; a table created meanwhile under the same name makes the insert fail.
arrow::Result<TableState> CreateInStore(SqlCatalogStore& store, io::FileIO& io,
                                        const TableIdentifier& id,
                                        const std::vector<iceberg::TableUpdate>& updates) {
  ARROW_ASSIGN_OR_RAISE(bool ns_exists, store.NamespaceExists(id.ns));
  if (!ns_exists) {
    return MakeError(ErrorKind::kNoSuchNamespace,
                     "namespace " + id.NamespaceString() + " does not exist");
  }
  ARROW_ASSIGN_OR_RAISE(bool exists, store.TableExists(id.ns, id.name));
  if (exists) {
    return MakeError(ErrorKind::kAlreadyExists, "table " + id.ToString() + " already exists");
  }
  ARROW_ASSIGN_OR_RAISE(TableMetadata metadata, NewTableMetadata(id, updates));
  auto location = iceberg::WriteMetadataFile(io, metadata, "");
  if (!location.ok()) {
    return location.status().WithMessage("cannot create table ", id.ToString(), ": ",
                                         location.status().message());
  }
  arrow::Status created = store.CreateTable(id.ns, id.name, *location);
  if (!created.ok()) {
    (void)io.Delete(*location);
    return created;
  }
  return TableState{std::make_shared<const TableMetadata>(std::move(metadata)), *location};
}

// A change to an existing table. The requirements are checked and the updates applied to the
// metadata the pointer names now, and the swap only succeeds if the pointer still names it: a
// commit in between makes this one a conflict, and the caller re-plans.
arrow::Result<TableState> UpdateInStore(SqlCatalogStore& store, io::FileIO& io,
                                        const TableIdentifier& id,
                                        const std::vector<iceberg::TableRequirement>& requirements,
                                        const std::vector<iceberg::TableUpdate>& updates) {
  if (IsCreateCommit(requirements)) return CreateInStore(store, io, id, updates);
  ARROW_ASSIGN_OR_RAISE(std::string current, store.GetMetadataLocation(id.ns, id.name));
  ARROW_ASSIGN_OR_RAISE(TableState base, ReadTableState(io, current));
  ARROW_ASSIGN_OR_RAISE(auto next, WriteNextMetadata(io, id, base, requirements, updates));
  if (!next) return base;
  const std::string& location = next->metadata_location;
  arrow::Status swapped = store.CommitMetadataLocation(id.ns, id.name, current, location);
  if (!swapped.ok()) {
    // The catalog did not take the new file: nothing points at it.
    (void)io.Delete(location);
    if (IsCommitConflict(swapped)) {
      return iceberg::CommitConflict("table " + id.ToString() +
                                     " changed during commit: " + swapped.message());
    }
    return swapped;
  }
  return *next;
}

/// Commits of one table through the SQL store.
class SqlTableOperations final : public iceberg::TableOperations {
 public:
  SqlTableOperations(TableIdentifier id, std::shared_ptr<SqlCatalogStore> store,
                     std::shared_ptr<io::FileIO> io)
      : id_(std::move(id)), store_(std::move(store)), io_(std::move(io)) {}

  const TableIdentifier& identifier() const override { return id_; }
  std::shared_ptr<io::FileIO> io() const override { return io_; }

  arrow::Result<TableState> Refresh() override {
    ARROW_ASSIGN_OR_RAISE(std::string location, store_->GetMetadataLocation(id_.ns, id_.name));
    return ReadTableState(*io_, location);
  }

  arrow::Result<TableState> Commit(const std::vector<iceberg::TableRequirement>& requirements,
                                   const std::vector<iceberg::TableUpdate>& updates) override {
    return UpdateInStore(*store_, *io_, id_, requirements, updates);
  }

 private:
  TableIdentifier id_;
  std::shared_ptr<SqlCatalogStore> store_;
  std::shared_ptr<io::FileIO> io_;
};

std::string AbsoluteWarehouse(const std::string& warehouse) {
  if (warehouse.find("://") != std::string::npos || warehouse.rfind("file:", 0) == 0) {
    return warehouse;  // a URI is kept as written: table locations keep its form
  }
  std::error_code ec;
  auto path = std::filesystem::absolute(warehouse, ec);
  std::string out = ec ? warehouse : path.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

arrow::Result<std::unique_ptr<SqlCatalog>> SqlCatalog::Open(const std::string& warehouse,
                                                            const std::string& db_path,
                                                            const std::string& catalog_name,
                                                            const Properties& io_properties) {
  std::string root = AbsoluteWarehouse(warehouse);
  ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(root, io_properties));
  ARROW_ASSIGN_OR_RAISE(io::ParsedLocation parsed, io::ParseLocation(root));
  if (db_path.empty() && parsed.kind != io::StorageKind::kLocal) {
    return arrow::Status::Invalid("warehouse ", root,
                                  " is not on local disk, so the SQLite catalog file cannot be "
                                  "inside it: give the catalog file (--catalog-uri FILE)");
  }
  std::string db = db_path.empty() ? io::JoinLocation(io::LocalPath(root), "catalog.db") : db_path;
  // SQLAlchemy-style URIs as PyIceberg takes them: sqlite:///relative.db, sqlite:////abs.db.
  if (db.rfind("sqlite:///", 0) == 0) db = db.substr(std::string("sqlite:///").size());
  if (db.rfind("file://", 0) == 0) db = db.substr(std::string("file://").size());
  ARROW_ASSIGN_OR_RAISE(auto store, SqlCatalogStore::Open(db, catalog_name));
  return std::unique_ptr<SqlCatalog>(
      new SqlCatalog(std::move(root), std::shared_ptr<SqlCatalogStore>(std::move(store)), io));
}

arrow::Status SqlCatalog::CreateNamespace(const Namespace& ns, const Properties& properties) {
  return store_->CreateNamespace(ns, properties);
}
arrow::Result<bool> SqlCatalog::NamespaceExists(const Namespace& ns) {
  return store_->NamespaceExists(ns);
}
arrow::Result<std::vector<Namespace>> SqlCatalog::ListNamespaces(const Namespace& parent) {
  return store_->ListNamespaces(parent);
}
arrow::Status SqlCatalog::DropNamespace(const Namespace& ns) { return store_->DropNamespace(ns); }
arrow::Result<Properties> SqlCatalog::LoadNamespaceProperties(const Namespace& ns) {
  return store_->LoadNamespaceProperties(ns);
}
arrow::Status SqlCatalog::UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                                    const std::vector<std::string>& remove) {
  return store_->UpdateNamespaceProperties(ns, set, {remove.begin(), remove.end()}).status();
}

arrow::Result<std::string> SqlCatalog::DefaultLocation(const TableIdentifier& id) {
  // Same rule as PyIceberg: the namespace's `location` property, else <warehouse>/<ns>.db/<t>.
  ARROW_ASSIGN_OR_RAISE(auto props, store_->LoadNamespaceProperties(id.ns));
  auto it = props.find("location");
  if (it != props.end() && !it->second.empty()) return io::JoinLocation(it->second, id.name);
  return io::JoinLocation(warehouse_, id.NamespaceString() + ".db/" + id.name);
}

arrow::Result<std::shared_ptr<iceberg::Table>> SqlCatalog::CreateTable(
    const TableIdentifier& id, const CreateTableRequest& request) {
  ARROW_ASSIGN_OR_RAISE(auto builder, NewTableBuilder(id, request));
  ARROW_ASSIGN_OR_RAISE(TableState state, CreateInStore(*store_, *io_, id, builder.updates()));
  auto ops = std::make_shared<SqlTableOperations>(id, store_, io_);
  return std::make_shared<iceberg::Table>(ops, std::move(state));
}

arrow::Result<iceberg::TableMetadataBuilder> SqlCatalog::NewTableBuilder(
    const TableIdentifier& id, const CreateTableRequest& request) {
  std::string default_location;
  if (request.location.empty()) {
    ARROW_ASSIGN_OR_RAISE(default_location, DefaultLocation(id));
  }
  return catalog::NewTableBuilder(id, request, default_location);
}

arrow::Result<std::unique_ptr<iceberg::Transaction>> SqlCatalog::BeginCreateTable(
    const TableIdentifier& id, const CreateTableRequest& request) {
  ARROW_ASSIGN_OR_RAISE(bool exists, store_->TableExists(id.ns, id.name));
  if (exists) {
    return MakeError(ErrorKind::kAlreadyExists, "table " + id.ToString() + " already exists");
  }
  ARROW_ASSIGN_OR_RAISE(auto builder, NewTableBuilder(id, request));
  auto ops = std::make_shared<SqlTableOperations>(id, store_, io_);
  return iceberg::Transaction::ForCreate(std::move(ops), builder);
}

arrow::Result<TableState> SqlCatalog::UpdateTable(
    const TableIdentifier& id, const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates) {
  return UpdateInStore(*store_, *io_, id, requirements, updates);
}

arrow::Result<std::shared_ptr<iceberg::Table>> SqlCatalog::LoadTable(const TableIdentifier& id) {
  auto ops = std::make_shared<SqlTableOperations>(id, store_, io_);
  ARROW_ASSIGN_OR_RAISE(TableState state, ops->Refresh());
  return std::make_shared<iceberg::Table>(ops, std::move(state));
}

arrow::Result<bool> SqlCatalog::TableExists(const TableIdentifier& id) {
  return store_->TableExists(id.ns, id.name);
}

arrow::Result<std::vector<TableIdentifier>> SqlCatalog::ListTables(const Namespace& ns) {
  ARROW_ASSIGN_OR_RAISE(auto names, store_->ListTables(ns));
  std::vector<TableIdentifier> out;
  for (auto& name : names) out.push_back(TableIdentifier{ns, std::move(name)});
  return out;
}

arrow::Status SqlCatalog::DropTable(const TableIdentifier& id, bool purge) {
  if (!purge) return store_->DropTable(id.ns, id.name);
  // List the files first: a table whose files cannot all be found stays in the catalog.
  ARROW_ASSIGN_OR_RAISE(auto table, LoadTable(id));
  auto files = iceberg::ListReachableFiles(*io_, table->state());
  if (!files.ok()) {
    return files.status().WithMessage("cannot purge table ", id.ToString(), ": ",
                                      files.status().message(),
                                      "; nothing was dropped (drop it without --purge to keep "
                                      "its files)");
  }
  ARROW_RETURN_NOT_OK(store_->DropTable(id.ns, id.name));
  return DropTableData(*io_, id, table->metadata().location, *files);
}

arrow::Status SqlCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  return store_->RenameTable(from.ns, from.name, to.ns, to.name);
}

arrow::Result<std::shared_ptr<iceberg::Table>> SqlCatalog::RegisterTable(
    const TableIdentifier& id, const std::string& metadata_location) {
  ARROW_ASSIGN_OR_RAISE(TableState state, ReadTableState(*io_, metadata_location));
  ARROW_RETURN_NOT_OK(store_->CreateTable(id.ns, id.name, metadata_location));
  auto ops = std::make_shared<SqlTableOperations>(id, store_, io_);
  return std::make_shared<iceberg::Table>(ops, std::move(state));
}

arrow::Result<std::unique_ptr<Catalog>> OpenCatalog(const CatalogOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto catalog,
                        SqlCatalog::Open(options.warehouse, options.uri, options.catalog_name,
                                         options.properties));
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::catalog
