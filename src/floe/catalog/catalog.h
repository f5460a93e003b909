#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/iceberg/metadata/table_update.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/iceberg/type/partition_spec.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/sort_order.h"
#include "floe/iceberg/update/transaction.h"

namespace floe::catalog {

using Namespace = std::vector<std::string>;
using Properties = std::map<std::string, std::string>;

/// What a new table is made of.
struct CreateTableRequest {
  iceberg::Schema schema{0, {}};
  iceberg::PartitionSpec spec = iceberg::PartitionSpec::Unpartitioned();
  iceberg::SortOrder sort_order = iceberg::SortOrder::Unsorted();
  /// Defaults to `<warehouse>/<ns levels joined by '/'>.db/<name>` like PyIceberg and Spark.
  std::string location;
  Properties properties;
};

/// A catalog of namespaces and tables. Tables it returns commit through it.
class Catalog {
 public:
  virtual ~Catalog() = default;

  virtual const std::string& name() const = 0;

  virtual arrow::Status CreateNamespace(const Namespace& ns, const Properties& properties) = 0;
  virtual arrow::Result<bool> NamespaceExists(const Namespace& ns) = 0;
  /// Namespaces directly below `parent` (top-level ones for an empty parent).
  virtual arrow::Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) = 0;
  /// Fails unless the namespace is empty.
  virtual arrow::Status DropNamespace(const Namespace& ns) = 0;
  virtual arrow::Result<Properties> LoadNamespaceProperties(const Namespace& ns) = 0;
  virtual arrow::Status UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                                  const std::vector<std::string>& remove) = 0;

  virtual arrow::Result<std::shared_ptr<iceberg::Table>> CreateTable(
      const iceberg::TableIdentifier& id, const CreateTableRequest& request) = 0;
  /// A create-table transaction (`CREATE TABLE ... AS`): changes added to it (an append, a
  /// property) are committed together with the creation, as one update list with
  /// assert-create, so the table appears with its first data or not at all.
  virtual arrow::Result<std::unique_ptr<iceberg::Transaction>> BeginCreateTable(
      const iceberg::TableIdentifier& id, const CreateTableRequest& request) = 0;
  /// The one commit entry point: applies `updates` if `requirements` hold on the table as the
  /// catalog has it (spec: REST "updateTable"). Errors: IsCommitConflict (re-plan and retry),
  /// IsCommitStateUnknown (do not clean up), IsNoSuchTable, or the reason the updates are
  /// invalid. Tables returned by the catalog commit through this too.
  virtual arrow::Result<iceberg::TableState> UpdateTable(
      const iceberg::TableIdentifier& id,
      const std::vector<iceberg::TableRequirement>& requirements,
      const std::vector<iceberg::TableUpdate>& updates) = 0;
  virtual arrow::Result<std::shared_ptr<iceberg::Table>> LoadTable(
      const iceberg::TableIdentifier& id) = 0;
  virtual arrow::Result<bool> TableExists(const iceberg::TableIdentifier& id) = 0;
  virtual arrow::Result<std::vector<iceberg::TableIdentifier>> ListTables(const Namespace& ns) = 0;
  /// Removes the table from the catalog; with `purge`, also deletes the files its metadata
  /// references (DropTableData), and only those.
  virtual arrow::Status DropTable(const iceberg::TableIdentifier& id, bool purge) = 0;
  virtual arrow::Status RenameTable(const iceberg::TableIdentifier& from,
                                    const iceberg::TableIdentifier& to) = 0;
  /// Adds a table whose metadata file already exists.
  virtual arrow::Result<std::shared_ptr<iceberg::Table>> RegisterTable(
      const iceberg::TableIdentifier& id, const std::string& metadata_location) = 0;
};

/// Where floe keeps things when nothing else is said: `./warehouse`, its `catalog.db`,
/// catalog name `default`.
struct CatalogOptions {
  std::string warehouse = "warehouse";
  std::string catalog_name = "default";
  /// SQLite file; defaults to `<warehouse>/catalog.db`.
  std::string uri;
  /// The warehouse store's settings (`s3.*`).
  Properties properties;
};

/// Opens the embedded SQL catalog (SQLite) described by the options.
arrow::Result<std::unique_ptr<Catalog>> OpenCatalog(const CatalogOptions& options);

}  // namespace floe::catalog
