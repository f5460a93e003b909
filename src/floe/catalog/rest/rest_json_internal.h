#pragma once

// Request and response bodies of the REST catalog protocol (rest-catalog-open-api.yaml:
// CatalogConfig, ListNamespacesResponse, GetNamespaceResponse, ListTablesResponse,
// CreateTableRequest, LoadTableResult, CommitTableRequest, CommitTableResponse,
// CommitTransactionRequest, RegisterTableRequest, RenameTableRequest, CreateNamespaceRequest,
// UpdateNamespacePropertiesRequest). Internal to the REST catalog.

#include <arrow/result.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floe/catalog/catalog.h"
#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_update.h"
#include "floe/iceberg/table/table_identifier.h"

namespace floe::catalog::rest {

/// GET /v1/config.
struct ConfigResponse {
  Properties defaults;
  Properties overrides;
  /// "<verb> <path>" entries; absent when the server does not list them.
  std::optional<std::vector<std::string>> endpoints;
};
arrow::Result<ConfigResponse> ParseConfigResponse(const std::string& body);

/// One page of a listing, with the token of the next page (none on the last).
struct NamespacePage {
  std::vector<Namespace> namespaces;
  std::optional<std::string> next_page_token;
};
arrow::Result<NamespacePage> ParseListNamespacesResponse(const std::string& body);

struct TablePage {
  std::vector<iceberg::TableIdentifier> identifiers;
  std::optional<std::string> next_page_token;
};
arrow::Result<TablePage> ParseListTablesResponse(const std::string& body);

/// GET namespace: its properties.
arrow::Result<Properties> ParseGetNamespaceResponse(const std::string& body);

/// A credential the server vends for locations below `prefix`.
struct StorageCredential {
  std::string prefix;
  Properties config;
};

/// LoadTableResult (also the answer of create, register and a commit).
struct LoadTableResult {
  /// Absent for a staged create: the metadata is not committed yet.
  std::string metadata_location;
  std::shared_ptr<const iceberg::TableMetadata> metadata;
  Properties config;
  std::vector<StorageCredential> storage_credentials;
};
/// `what` names the table for errors.
arrow::Result<LoadTableResult> ParseLoadTableResult(const std::string& body,
                                                    const std::string& what);

std::string CreateNamespaceRequestJson(const Namespace& ns, const Properties& properties);
std::string UpdateNamespacePropertiesRequestJson(const Properties& updates,
                                                 const std::vector<std::string>& removals);
std::string CreateTableRequestJson(const std::string& name, const CreateTableRequest& request,
                                   bool stage_create);
/// `identifier` is included when given (a transaction's table changes need it).
std::string CommitTableRequestJson(const iceberg::TableIdentifier* identifier,
                                   const std::vector<iceberg::TableRequirement>& requirements,
                                   const std::vector<iceberg::TableUpdate>& updates);

/// One table's change in a multi-table commit.
struct TableChange {
  iceberg::TableIdentifier identifier;
  std::vector<iceberg::TableRequirement> requirements;
  std::vector<iceberg::TableUpdate> updates;
};
std::string CommitTransactionRequestJson(const std::vector<TableChange>& changes);
std::string RegisterTableRequestJson(const std::string& name, const std::string& metadata_location);
std::string RenameTableRequestJson(const iceberg::TableIdentifier& from,
                                   const iceberg::TableIdentifier& to);

}  // namespace floe::catalog::rest
