#include "floe/catalog/rest/rest_catalog.h"

#include "floe/catalog/rest/rest_auth.h"
#include "floe/catalog/rest/rest_client.h"
#include "floe/catalog/rest/rest_json_internal.h"
#include "floe/catalog/rest/rest_table_operations.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/update/transaction.h"
#include "floe/util/properties.h"

namespace floe::catalog::rest {
namespace {

using iceberg::TableIdentifier;

constexpr const char* kAccessDelegation = "X-Iceberg-Access-Delegation";

// Every page of a listing at `path`: follows next-page-token until the server gives none. A
// server handing back the token it was given would loop forever, so that is an error.
// `parse` turns a page's body into its items and the next token.
template <typename Item, typename Parse>
arrow::Result<std::vector<Item>> ListAllPages(
    RestClient& client, const std::string& catalog, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& base_query, const std::string& what,
    Parse parse) {
  std::vector<Item> out;
  std::optional<std::string> token;
  do {
    auto query = base_query;
    if (token) query.emplace_back("pageToken", *token);
    if (client.page_size()) query.emplace_back("pageSize", std::to_string(*client.page_size()));
    ARROW_ASSIGN_OR_RAISE(auto response, client.Call("GET", client.Url(path, query), "",
                                                     RestRequestKind::kNamespace, what));
    ARROW_ASSIGN_OR_RAISE(auto page, parse(response.body));
    for (auto& item : page.first) out.push_back(std::move(item));
    if (page.second && token == page.second) {
      return arrow::Status::IOError("REST catalog ", catalog, ": listing ", what,
                                    " returned the same page token twice");
    }
    token = std::move(page.second);
  } while (token);
  return out;
}

std::string TrimSlashes(std::string uri) {
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  return uri;
}

// `header.<Name>` properties, over the default access-delegation header; an empty value
// leaves a header out.
std::vector<std::pair<std::string, std::string>> Headers(const Properties& properties) {
  std::map<std::string, std::pair<std::string, std::string>> by_lower;
  auto put = [&](const std::string& name, const std::string& value) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    by_lower[lower] = {name, value};
  };
  put(kAccessDelegation, "vended-credentials");
  for (const auto& [key, value] : properties) {
    if (key.rfind("header.", 0) == 0 && key.size() > 7) put(key.substr(7), value);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [lower, header] : by_lower) {
    if (!header.second.empty()) out.push_back(header);
  }
  return out;
}

arrow::Result<io::http::ClientOptions> HttpOptions(const std::string& catalog,
                                                   const Properties& properties) {
  io::http::ClientOptions options;
  ARROW_ASSIGN_OR_RAISE(int64_t connect,
                        util::IntProperty(properties, "rest.client.connection-timeout-ms",
                                          options.connect_timeout.count(), 1, 3'600'000));
  ARROW_ASSIGN_OR_RAISE(int64_t socket,
                        util::IntProperty(properties, "rest.client.socket-timeout-ms",
                                          options.request_timeout.count(), 1, 3'600'000));
  options.connect_timeout = std::chrono::milliseconds(connect);
  options.request_timeout = std::chrono::milliseconds(socket);
  return options;
}

arrow::Result<std::optional<int>> PageSize(const Properties& properties) {
  if (properties.find("rest-page-size") == properties.end()) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(int64_t size,
                        util::IntProperty(properties, "rest-page-size", 0, 1, 1'000'000));
  return static_cast<int>(size);
}

bool SameAuth(const Properties& a, const Properties& b) {
  for (const char* key : {"token", "credential", "oauth2-server-uri", "scope", "audience",
                          "resource", "rest.sigv4-enabled"}) {
    if (util::StringProperty(a, key) != util::StringProperty(b, key)) return false;
  }
  return true;
}

std::string NamespaceText(const Namespace& ns) {
  std::string out;
  for (size_t i = 0; i < ns.size(); ++i) out += (i ? "." : "") + ns[i];
  return out;
}

}  // namespace

RestCatalog::RestCatalog(std::string name, Properties properties,
                         std::shared_ptr<RestClient> client)
    : name_(std::move(name)), properties_(std::move(properties)), client_(std::move(client)) {}

RestCatalog::~RestCatalog() = default;

arrow::Result<std::unique_ptr<RestCatalog>> RestCatalog::Open(const std::string& name,
                                                              const Properties& properties) {
  std::string uri = TrimSlashes(util::StringProperty(properties, "uri"));
  if (uri.empty()) {
    return arrow::Status::Invalid("REST catalog ", name,
                                  ": property 'uri' is required (the server's base URI, e.g. "
                                  "http://localhost:8181)");
  }
  ARROW_ASSIGN_OR_RAISE(auto http_options, HttpOptions(name, properties));
  auto http = std::make_shared<io::http::Client>(http_options);
  auto auth = MakeAuthSession(properties, uri, http);
  if (!auth.ok())
    return auth.status().WithMessage("REST catalog ", name, ": ", auth.status().message());

  // The config call comes first, before the prefix and endpoints are known.
  RestClient::Options bootstrap;
  bootstrap.catalog_name = name;
  bootstrap.uri = uri;
  bootstrap.headers = Headers(properties);
  RestClient config_client(bootstrap, http, *auth);
  std::string config_url = uri + "/v1/config";
  std::string warehouse = util::StringProperty(properties, "warehouse");
  if (!warehouse.empty()) config_url += "?warehouse=" + io::http::UrlEncode(warehouse);
  ARROW_ASSIGN_OR_RAISE(
      auto response,
      config_client.Call("GET", config_url, "", RestRequestKind::kConfig, "its configuration"));
  auto config = ParseConfigResponse(response.body);
  if (!config.ok()) {
    return config.status().WithMessage("REST catalog ", name, " at ", uri, ": ",
                                       config.status().message());
  }

  Properties merged = config->defaults;
  for (const auto& [key, value] : properties) merged[key] = value;
  for (const auto& [key, value] : config->overrides) merged[key] = value;

  RestClient::Options options;
  options.catalog_name = name;
  options.uri = TrimSlashes(util::StringProperty(merged, "uri", uri));
  options.prefix = util::StringProperty(merged, "prefix");
  while (!options.prefix.empty() && options.prefix.front() == '/') options.prefix.erase(0, 1);
  while (!options.prefix.empty() && options.prefix.back() == '/') options.prefix.pop_back();
  options.headers = Headers(merged);
  if (config->endpoints) {
    std::set<std::string> endpoints;
    for (const auto& e : *config->endpoints) {
      auto space = e.find(' ');
      if (space == std::string::npos) continue;
      endpoints.insert(EndpointKey(e.substr(0, space), e.substr(space + 1)));
    }
    options.endpoints = std::move(endpoints);
  }
  ARROW_ASSIGN_OR_RAISE(options.page_size, PageSize(merged));
  std::shared_ptr<AuthSession> session = *auth;
  if (!SameAuth(properties, merged) || options.uri != uri) {
    auto remade = MakeAuthSession(merged, options.uri, http);
    if (!remade.ok()) {
      return remade.status().WithMessage("REST catalog ", name, ": ", remade.status().message());
    }
    session = *remade;
  }
  auto client = std::make_shared<RestClient>(std::move(options), http, session);
  return std::unique_ptr<RestCatalog>(new RestCatalog(name, std::move(merged), std::move(client)));
}

// ---- Namespaces ----

arrow::Status RestCatalog::CreateNamespace(const Namespace& ns, const Properties& properties) {
  const std::string what = "namespace " + NamespaceText(ns);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kCreateNamespace, "create " + what));
  return client_
      ->Call("POST", client_->Url("namespaces"), CreateNamespaceRequestJson(ns, properties),
             RestRequestKind::kNamespace, what)
      .status();
}

arrow::Result<bool> RestCatalog::NamespaceExists(const Namespace& ns) {
  const std::string what = "namespace " + NamespaceText(ns);
  const std::string url = client_->Url("namespaces/" + EncodeNamespace(ns));
  // HEAD where the server serves it; a load otherwise (the spec's fallback).
  const bool head = client_->Supports(endpoint::kNamespaceExists);
  if (!head) ARROW_RETURN_NOT_OK(client_->Require(endpoint::kLoadNamespace, "look up " + what));
  auto response = client_->Call(head ? "HEAD" : "GET", url, "", RestRequestKind::kNamespace, what);
  if (response.ok()) return true;
  if (iceberg::IsNoSuchNamespace(response.status())) return false;
  return response.status();
}

arrow::Result<std::vector<Namespace>> RestCatalog::ListNamespaces(const Namespace& parent) {
  const std::string what =
      parent.empty() ? std::string("the namespaces") : "namespaces below " + NamespaceText(parent);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kListNamespaces, "list " + what));
  std::vector<std::pair<std::string, std::string>> query;
  if (!parent.empty()) {
    std::string joined;
    for (size_t i = 0; i < parent.size(); ++i) joined += (i ? "\x1f" : "") + parent[i];
    query.emplace_back("parent", joined);
  }
  return ListAllPages<Namespace>(
      *client_, name_, "namespaces", query, what,
      [](const std::string& body)
          -> arrow::Result<std::pair<std::vector<Namespace>, std::optional<std::string>>> {
        ARROW_ASSIGN_OR_RAISE(auto page, ParseListNamespacesResponse(body));
        return std::make_pair(std::move(page.namespaces), std::move(page.next_page_token));
      });
}

arrow::Status RestCatalog::DropNamespace(const Namespace& ns) {
  const std::string what = "namespace " + NamespaceText(ns);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kDropNamespace, "drop " + what));
  return client_
      ->Call("DELETE", client_->Url("namespaces/" + EncodeNamespace(ns)), "",
             RestRequestKind::kNamespace, what)
      .status();
}

arrow::Result<Properties> RestCatalog::LoadNamespaceProperties(const Namespace& ns) {
  const std::string what = "namespace " + NamespaceText(ns);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kLoadNamespace, "load " + what));
  ARROW_ASSIGN_OR_RAISE(auto response,
                        client_->Call("GET", client_->Url("namespaces/" + EncodeNamespace(ns)), "",
                                      RestRequestKind::kNamespace, what));
  return ParseGetNamespaceResponse(response.body);
}

arrow::Status RestCatalog::UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                                     const std::vector<std::string>& remove) {
  const std::string what = "namespace " + NamespaceText(ns);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kUpdateNamespace, "update " + what));
  return client_
      ->Call("POST", client_->Url("namespaces/" + EncodeNamespace(ns) + "/properties"),
             UpdateNamespacePropertiesRequestJson(set, remove), RestRequestKind::kNamespace, what)
      .status();
}

// ---- Tables ----

arrow::Result<std::shared_ptr<iceberg::Table>> RestCatalog::TableFromResult(
    const TableIdentifier& id, const std::string& body) {
  ARROW_ASSIGN_OR_RAISE(auto result, ParseLoadTableResult(body, "table " + id.ToString()));
  ARROW_ASSIGN_OR_RAISE(auto io, TableFileIO(properties_, result));
  auto ops = std::make_shared<RestTableOperations>(id, TableClient(client_, result), std::move(io));
  return std::make_shared<iceberg::Table>(
      ops, iceberg::TableState{result.metadata, result.metadata_location});
}

arrow::Result<std::shared_ptr<iceberg::Table>> RestCatalog::CreateTable(
    const TableIdentifier& id, const CreateTableRequest& request) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kCreateTable, "create " + what));
  ARROW_ASSIGN_OR_RAISE(
      auto response,
      client_->Call("POST", client_->Url("namespaces/" + EncodeNamespace(id.ns) + "/tables"),
                    CreateTableRequestJson(id.name, request, /*stage_create=*/false),
                    RestRequestKind::kTable, what));
  return TableFromResult(id, response.body);
}

arrow::Result<std::unique_ptr<iceberg::Transaction>> RestCatalog::BeginCreateTable(
    const TableIdentifier& id, const CreateTableRequest& request) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kCreateTable, "create " + what));
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kUpdateTable, "create " + what));
  ARROW_ASSIGN_OR_RAISE(
      auto response,
      client_->Call("POST", client_->Url("namespaces/" + EncodeNamespace(id.ns) + "/tables"),
                    CreateTableRequestJson(id.name, request, /*stage_create=*/true),
                    RestRequestKind::kTable, what));
  ARROW_ASSIGN_OR_RAISE(auto staged, ParseLoadTableResult(response.body, what));
  // The server chose the location and may have added properties; the create's update list is
  // planned here from the request and those, and sent with assert-create at commit.
  auto builder = iceberg::NewTable(request.schema, request.spec, request.sort_order,
                                   staged.metadata->location, staged.metadata->properties);
  if (!builder.ok()) {
    return builder.status().WithMessage("cannot create ", what, ": ", builder.status().message());
  }
  ARROW_ASSIGN_OR_RAISE(auto io, TableFileIO(properties_, staged));
  auto ops = std::make_shared<RestTableOperations>(id, TableClient(client_, staged), std::move(io));
  return iceberg::Transaction::ForCreate(std::move(ops), *builder);
}

arrow::Result<iceberg::TableState> RestCatalog::UpdateTable(
    const TableIdentifier& id, const std::vector<iceberg::TableRequirement>& requirements,
    const std::vector<iceberg::TableUpdate>& updates) {
  return CommitToServer(*client_, id, requirements, updates);
}

arrow::Result<std::shared_ptr<iceberg::Table>> RestCatalog::LoadTable(const TableIdentifier& id) {
  ARROW_ASSIGN_OR_RAISE(auto result, LoadTableFromServer(*client_, id));
  ARROW_ASSIGN_OR_RAISE(auto io, TableFileIO(properties_, result));
  auto ops = std::make_shared<RestTableOperations>(id, TableClient(client_, result), std::move(io));
  return std::make_shared<iceberg::Table>(
      ops, iceberg::TableState{result.metadata, result.metadata_location});
}

arrow::Result<bool> RestCatalog::TableExists(const TableIdentifier& id) {
  const std::string what = "table " + id.ToString();
  const bool head = client_->Supports(endpoint::kTableExists);
  if (!head) ARROW_RETURN_NOT_OK(client_->Require(endpoint::kLoadTable, "look up " + what));
  auto response = client_->Call(head ? "HEAD" : "GET", client_->Url(TablePath(id)), "",
                                RestRequestKind::kTable, what);
  if (response.ok()) return true;
  if (iceberg::IsNoSuchTable(response.status())) return false;
  return response.status();
}

arrow::Result<std::vector<TableIdentifier>> RestCatalog::ListTables(const Namespace& ns) {
  const std::string what = "the tables of namespace " + NamespaceText(ns);
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kListTables, "list " + what));
  return ListAllPages<TableIdentifier>(
      *client_, name_, "namespaces/" + EncodeNamespace(ns) + "/tables", {}, what,
      [](const std::string& body)
          -> arrow::Result<std::pair<std::vector<TableIdentifier>, std::optional<std::string>>> {
        ARROW_ASSIGN_OR_RAISE(auto page, ParseListTablesResponse(body));
        return std::make_pair(std::move(page.identifiers), std::move(page.next_page_token));
      });
}

arrow::Status RestCatalog::DropTable(const TableIdentifier& id, bool purge) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kDropTable, "drop " + what));
  return client_
      ->Call("DELETE", client_->Url(TablePath(id), {{"purgeRequested", purge ? "true" : "false"}}),
             "", RestRequestKind::kTable, what)
      .status();
}

arrow::Status RestCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  const std::string what = "table " + from.ToString() + " (renaming to " + to.ToString() + ")";
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kRenameTable, "rename " + from.ToString()));
  return client_
      ->Call("POST", client_->Url("tables/rename"), RenameTableRequestJson(from, to),
             RestRequestKind::kTable, what)
      .status();
}

arrow::Result<std::shared_ptr<iceberg::Table>> RestCatalog::RegisterTable(
    const TableIdentifier& id, const std::string& metadata_location) {
  const std::string what = "table " + id.ToString();
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kRegisterTable, "register " + what));
  ARROW_ASSIGN_OR_RAISE(
      auto response,
      client_->Call("POST", client_->Url("namespaces/" + EncodeNamespace(id.ns) + "/register"),
                    RegisterTableRequestJson(id.name, metadata_location), RestRequestKind::kTable,
                    what));
  return TableFromResult(id, response.body);
}

arrow::Status RestCatalog::CommitTransaction(const std::vector<TableCommit>& commits) {
  std::string what = "tables";
  for (size_t i = 0; i < commits.size(); ++i) {
    what += (i ? ", " : " ") + commits[i].identifier.ToString();
  }
  ARROW_RETURN_NOT_OK(client_->Require(endpoint::kCommitTransaction, "commit to " + what));
  std::vector<TableChange> changes;
  for (const auto& c : commits) changes.push_back({c.identifier, c.requirements, c.updates});
  return client_
      ->Call("POST", client_->Url("transactions/commit"), CommitTransactionRequestJson(changes),
             RestRequestKind::kCommit, what)
      .status();
}

}  // namespace floe::catalog::rest

namespace floe::catalog {

arrow::Result<std::unique_ptr<Catalog>> OpenRestCatalog(
    const std::string& name, const std::map<std::string, std::string>& properties) {
  ARROW_ASSIGN_OR_RAISE(auto catalog, rest::RestCatalog::Open(name, properties));
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::catalog
