#pragma once

// The TableOperations of a table loaded from a REST catalog: a refresh is a load
// (GET …/tables/{table}?snapshots=all), a commit is POST …/tables/{table} with the change's
// requirements and updates (spec: "updateTable"); the server checks the requirements and
// applies the updates to the table as it has it.

#include <memory>
#include <string>

#include "floe/catalog/rest/rest_client.h"
#include "floe/catalog/rest/rest_json_internal.h"
#include "floe/iceberg/table/table_operations.h"

namespace floe::catalog::rest {

/// The FileIO of one table: the catalog's properties, then the table's `config` from the load
/// result, then the config of the storage credential whose prefix is the longest one of the
/// table's location (vended credentials).
arrow::Result<std::shared_ptr<io::FileIO>> TableFileIO(const Properties& catalog_properties,
                                                       const LoadTableResult& result);

/// The client for one table's requests: the catalog's, or one with the bearer `token` the
/// table's load result gives in its `config` (spec: LoadTableResult, "token").
std::shared_ptr<RestClient> TableClient(const std::shared_ptr<RestClient>& catalog_client,
                                        const LoadTableResult& result);

/// The URL path of a table below the prefix: namespaces/{ns}/tables/{table}.
std::string TablePath(const iceberg::TableIdentifier& id);

/// Loads a table (all snapshots: floe plans against the whole history, e.g. to check which
/// batches a table already holds).
arrow::Result<LoadTableResult> LoadTableFromServer(RestClient& client,
                                                   const iceberg::TableIdentifier& id);

/// Commits requirements and updates to a table and returns its new state. Errors:
/// IsCommitConflict on 409, IsCommitStateUnknown on 500/502/503/504 or a request that may
/// have been sent, IsNoSuchTable on 404.
arrow::Result<iceberg::TableState> CommitToServer(
    RestClient& client, const iceberg::TableIdentifier& id,
    const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates);

class RestTableOperations final : public iceberg::TableOperations {
 public:
  RestTableOperations(iceberg::TableIdentifier id, std::shared_ptr<RestClient> client,
                      std::shared_ptr<io::FileIO> io)
      : id_(std::move(id)), client_(std::move(client)), io_(std::move(io)) {}

  const iceberg::TableIdentifier& identifier() const override { return id_; }
  std::shared_ptr<io::FileIO> io() const override { return io_; }
  arrow::Result<iceberg::TableState> Refresh() override;
  arrow::Result<iceberg::TableState> Commit(
      const std::vector<iceberg::TableRequirement>& requirements,
      const std::vector<iceberg::TableUpdate>& updates) override;

 private:
  iceberg::TableIdentifier id_;
  std::shared_ptr<RestClient> client_;
  std::shared_ptr<io::FileIO> io_;
};

}  // namespace floe::catalog::rest
