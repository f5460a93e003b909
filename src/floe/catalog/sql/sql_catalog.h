#pragma once

#include <memory>
#include <string>

#include "floe/catalog/catalog.h"
#include "floe/catalog/sql/sql_catalog_store.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/io/file_io.h"

namespace floe::catalog {

/// The embedded catalog: table pointers in a SQLite file (SqlCatalogStore), metadata and data
/// files in a warehouse. Opens the same files as PyIceberg's SqlCatalog and Java's JdbcCatalog.
class SqlCatalog final : public Catalog {
 public:
  /// `warehouse` is a folder path or URI; relative paths are made absolute. `io_properties`
  /// configure the warehouse's store (`s3.*`).
  static arrow::Result<std::unique_ptr<SqlCatalog>> Open(const std::string& warehouse,
                                                         const std::string& db_path,
                                                         const std::string& catalog_name,
                                                         const Properties& io_properties = {});

  const std::string& name() const override { return store_->catalog_name(); }
  const std::string& warehouse() const { return warehouse_; }

  arrow::Status CreateNamespace(const Namespace& ns, const Properties& properties) override;
  arrow::Result<bool> NamespaceExists(const Namespace& ns) override;
  arrow::Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) override;
  arrow::Status DropNamespace(const Namespace& ns) override;
  arrow::Result<Properties> LoadNamespaceProperties(const Namespace& ns) override;
  arrow::Status UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                          const std::vector<std::string>& remove) override;

  arrow::Result<std::shared_ptr<iceberg::Table>> CreateTable(
      const iceberg::TableIdentifier& id, const CreateTableRequest& request) override;
  arrow::Result<std::unique_ptr<iceberg::Transaction>> BeginCreateTable(
      const iceberg::TableIdentifier& id, const CreateTableRequest& request) override;
  arrow::Result<iceberg::TableState> UpdateTable(
      const iceberg::TableIdentifier& id,
      const std::vector<iceberg::TableRequirement>& requirements,
      const std::vector<iceberg::TableUpdate>& updates) override;
  arrow::Result<std::shared_ptr<iceberg::Table>> LoadTable(
      const iceberg::TableIdentifier& id) override;
  arrow::Result<bool> TableExists(const iceberg::TableIdentifier& id) override;
  arrow::Result<std::vector<iceberg::TableIdentifier>> ListTables(const Namespace& ns) override;
  arrow::Status DropTable(const iceberg::TableIdentifier& id, bool purge) override;
  arrow::Status RenameTable(const iceberg::TableIdentifier& from,
                            const iceberg::TableIdentifier& to) override;
  arrow::Result<std::shared_ptr<iceberg::Table>> RegisterTable(
      const iceberg::TableIdentifier& id, const std::string& metadata_location) override;

 private:
  SqlCatalog(std::string warehouse, std::shared_ptr<SqlCatalogStore> store,
             std::shared_ptr<io::FileIO> io)
      : warehouse_(std::move(warehouse)), store_(std::move(store)), io_(std::move(io)) {}

  arrow::Result<std::string> DefaultLocation(const iceberg::TableIdentifier& id);
  /// The update list of a new table (a default location if the request has none).
  arrow::Result<iceberg::TableMetadataBuilder> NewTableBuilder(const iceberg::TableIdentifier& id,
                                                               const CreateTableRequest& request);

  std::string warehouse_;
  std::shared_ptr<SqlCatalogStore> store_;
  std::shared_ptr<io::FileIO> io_;
};

}  // namespace floe::catalog
