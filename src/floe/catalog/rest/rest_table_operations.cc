#include "floe/catalog/rest/rest_table_operations.h"

namespace floe::catalog::rest {
namespace {

bool IsCreate(const std::vector<iceberg::TableRequirement>& requirements) {
  for (const auto& r : requirements) {
    if (std::holds_alternative<iceberg::AssertCreate>(r)) return true;
  }
  return false;
}

}  // namespace

arrow::Result<std::shared_ptr<io::FileIO>> TableFileIO(const Properties& catalog_properties,
                                                       const LoadTableResult& result) {
  Properties merged = catalog_properties;
  // The catalog's own credentials are for the catalog; the store never needs them.
  for (const char* key : {"credential", "token"}) merged.erase(key);
  for (const auto& [key, value] : result.config) merged[key] = value;
  const std::string& location = result.metadata->location;
  const StorageCredential* best = nullptr;
  for (const auto& credential : result.storage_credentials) {
    if (location.rfind(credential.prefix, 0) != 0) continue;
    if (best == nullptr || credential.prefix.size() > best->prefix.size()) best = &credential;
  }
  if (best != nullptr) {
    for (const auto& [key, value] : best->config) merged[key] = value;
  }
  return io::MakeFileIO(location, merged);
}

std::shared_ptr<RestClient> TableClient(const std::shared_ptr<RestClient>& catalog_client,
                                        const LoadTableResult& result) {
  auto token = result.config.find("token");
  if (token == result.config.end() || token->second.empty()) return catalog_client;
  return catalog_client->ForTableToken(token->second);
}

std::string TablePath(const iceberg::TableIdentifier& id) {
  return "namespaces/" + EncodeNamespace(id.ns) + "/tables/" + io::http::UrlEncode(id.name);
}

arrow::Result<LoadTableResult> LoadTableFromServer(RestClient& client,
                                                   const iceberg::TableIdentifier& id) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client.Require(endpoint::kLoadTable, "load " + what));
  ARROW_ASSIGN_OR_RAISE(auto response,
                        client.Call("GET", client.Url(TablePath(id), {{"snapshots", "all"}}), "",
                                    RestRequestKind::kTable, what));
  return ParseLoadTableResult(response.body, what);
}

arrow::Result<iceberg::TableState> CommitToServer(
    RestClient& client, const iceberg::TableIdentifier& id,
    const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client.Require(endpoint::kUpdateTable, "commit to " + what));
  const RestRequestKind kind =
      IsCreate(requirements) ? RestRequestKind::kCreateCommit : RestRequestKind::kCommit;
  ARROW_ASSIGN_OR_RAISE(
      auto response, client.Call("POST", client.Url(TablePath(id)),
                                 CommitTableRequestJson(&id, requirements, updates), kind, what));
  auto result = ParseLoadTableResult(response.body, what);
  if (!result.ok()) {
    // The server took the commit (2xx) but its answer is unreadable: the table has changed,
    // and what it is now is unknown until it is loaded again.
    return iceberg::CommitStateUnknown(
        "REST catalog " + client.catalog_name() + ": commit to " + what +
        " was accepted but its answer is unreadable: " + result.status().message());
  }
  return iceberg::TableState{result->metadata, result->metadata_location};
}

arrow::Result<iceberg::TableState> RestTableOperations::Refresh() {
  ARROW_ASSIGN_OR_RAISE(auto result, LoadTableFromServer(*client_, id_));
  return iceberg::TableState{result.metadata, result.metadata_location};
}

arrow::Result<iceberg::TableState> RestTableOperations::Commit(
    const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates) {
  return CommitToServer(*client_, id_, requirements, updates);
}

}  // namespace floe::catalog::rest
