#pragma once

// A catalog behind the Iceberg REST protocol (spec: rest-catalog-open-api.yaml), configured
// with PyIceberg's property names. Tables it returns commit through the server.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floe/catalog/catalog.h"

namespace floe::catalog::rest {

class RestClient;

/// One table's part of a multi-table commit.
struct TableCommit {
  iceberg::TableIdentifier identifier;
  std::vector<iceberg::TableRequirement> requirements;
  std::vector<iceberg::TableUpdate> updates;
};

/// The REST catalog. Opened by OpenRestCatalog; configuration as PyIceberg names it:
///   uri (required), warehouse, prefix, credential (client_id:client_secret) with
///   oauth2-server-uri / scope / audience / resource, token, header.<Name>,
///   rest.sigv4-enabled / rest.signing-name / rest.signing-region, rest-page-size,
///   rest.client.connection-timeout-ms, rest.client.socket-timeout-ms, and the FileIO's
///   properties (s3.* …), which the server's config and each table's vended config override.
class RestCatalog final : public Catalog {
 public:
  /// See OpenRestCatalog.
  static arrow::Result<std::unique_ptr<RestCatalog>> Open(
      const std::string& name, const std::map<std::string, std::string>& properties);
  ~RestCatalog() override;

  const std::string& name() const override { return name_; }
  /// The catalog's properties after the server's config (defaults < client < overrides).
  const Properties& properties() const { return properties_; }

  arrow::Status CreateNamespace(const Namespace& ns, const Properties& properties) override;
  arrow::Result<bool> NamespaceExists(const Namespace& ns) override;
  arrow::Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) override;
  arrow::Status DropNamespace(const Namespace& ns) override;
  arrow::Result<Properties> LoadNamespaceProperties(const Namespace& ns) override;
  arrow::Status UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                          const std::vector<std::string>& remove) override;

  arrow::Result<std::shared_ptr<iceberg::Table>> CreateTable(
      const iceberg::TableIdentifier& id, const CreateTableRequest& request) override;
  /// Stages the table on the server (`stage-create: true`: its location and properties) and
  /// returns a transaction whose commit creates it with assert-create and the create's updates.
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
  /// The server drops the table; with `purge` it also deletes its files (`purgeRequested`).
  arrow::Status DropTable(const iceberg::TableIdentifier& id, bool purge) override;
  arrow::Status RenameTable(const iceberg::TableIdentifier& from,
                            const iceberg::TableIdentifier& to) override;
  arrow::Result<std::shared_ptr<iceberg::Table>> RegisterTable(
      const iceberg::TableIdentifier& id, const std::string& metadata_location) override;

  /// Commits changes to several tables atomically (POST /v1/{prefix}/transactions/commit),
  /// where the server lists that endpoint. Nothing in floe commits several tables at once yet;
  /// this is here for the callers that will (and is exercised by the tests). A conflict on any
  /// table fails the whole commit (IsCommitConflict); nothing is retried here.
  arrow::Status CommitTransaction(const std::vector<TableCommit>& commits);

 private:
  RestCatalog(std::string name, Properties properties, std::shared_ptr<RestClient> client);

  arrow::Result<std::shared_ptr<iceberg::Table>> TableFromResult(const iceberg::TableIdentifier& id,
                                                                 const std::string& body);

  std::string name_;
  Properties properties_;
  std::shared_ptr<RestClient> client_;
};

}  // namespace floe::catalog::rest

namespace floe::catalog {

/// Opens a REST catalog: reads the server's config (GET /v1/config?warehouse=…), merges it
/// with `properties` (server defaults < these < server overrides) and sets up auth. Fails
/// with a message naming the uri when the server cannot be reached or refuses.
arrow::Result<std::unique_ptr<Catalog>> OpenRestCatalog(
    const std::string& name, const std::map<std::string, std::string>& properties);

}  // namespace floe::catalog
