// The REST catalog against a scripted loopback server: what it sends (paths, query
// parameters, headers, bodies) and how it reads each answer. The interop tests run it against
// Iceberg's own REST server; these cover what that server cannot be made to do (paginate
// with a server-chosen page size, answer 502 or hang up mid-commit, refuse a token).

#include "floe/catalog/rest/rest_catalog.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../scripted_http_server.h"
#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"

namespace floe::catalog::rest {
namespace {

using test::Answer;
using test::ScriptedServer;

std::string Json200(const std::string& body) {
  return Answer(200, body, "Content-Type: application/json\r\n");
}

std::string Error(int status, const std::string& type, const std::string& message) {
  nlohmann::json body = {{"error", {{"message", message}, {"type", type}, {"code", status}}}};
  return Answer(status, body.dump(), "Content-Type: application/json\r\n");
}

const char* kEndpoints = R"([
  "GET /v1/{prefix}/namespaces", "POST /v1/{prefix}/namespaces",
  "GET /v1/{prefix}/namespaces/{namespace}", "DELETE /v1/{prefix}/namespaces/{namespace}",
  "GET /v1/{prefix}/namespaces/{namespace}/tables",
  "POST /v1/{prefix}/namespaces/{namespace}/tables",
  "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "POST /v1/{prefix}/transactions/commit"])";

std::string Config(const std::string& defaults = "{}", const std::string& overrides = "{}",
                   const char* endpoints = kEndpoints) {
  std::string body = R"({"defaults": )" + defaults + R"(, "overrides": )" + overrides;
  if (endpoints != nullptr) body += std::string(R"(, "endpoints": )") + endpoints;
  return Json200(body + "}");
}

std::string TableResult(const std::string& location = "/tmp/floe-rest-test/db/t",
                        const std::string& table_token = "") {
  iceberg::Schema schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""}});
  auto md = iceberg::NewTableMetadata(schema, iceberg::PartitionSpec::Unpartitioned(),
                                      iceberg::SortOrder::Unsorted(), location, {});
  EXPECT_TRUE(md.ok());
  nlohmann::json body = {{"metadata-location", location + "/metadata/00001-x.metadata.json"},
                         {"metadata", nlohmann::json::parse(iceberg::SerializeTableMetadata(*md))},
                         {"config", {{"vended.key", "v"}}}};
  if (!table_token.empty()) body["config"]["token"] = table_token;
  return Json200(body.dump());
}

// The request line ("GET /v1/config?warehouse=wh") of a raw request.
std::string Line(const std::string& request) {
  std::string line = request.substr(0, request.find("\r\n"));
  return line.substr(0, line.rfind(' '));
}

std::string Body(const std::string& request) {
  return request.substr(request.find("\r\n\r\n") + 4);
}

bool HasHeader(const std::string& request, const std::string& header) {
  return request.find("\r\n" + header + "\r\n") != std::string::npos;
}

std::unique_ptr<RestCatalog> Open(ScriptedServer& server, Properties extra = {}) {
  Properties props = {{"uri", server.url("")}, {"warehouse", "wh"}};
  for (auto& [k, v] : extra) props[k] = v;
  auto catalog = RestCatalog::Open("test", props);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return catalog.ok() ? std::move(*catalog) : nullptr;
}

TEST(RestCatalog, ConfigMergesDefaultsClientAndOverridesAndSetsThePrefix) {
  ScriptedServer server({Config(R"({"rest-page-size": "50", "owner": "server"})",
                                R"({"prefix": "cat1", "owner": "override"})"),
                         Json200(R"({"namespaces": [["a"]]})")});
  auto catalog = Open(server, {{"owner", "client"}, {"rest-page-size", "2"}});
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->properties().at("owner"), "override");
  EXPECT_EQ(catalog->properties().at("rest-page-size"), "2");
  ASSERT_TRUE(catalog->ListNamespaces({}).ok());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(Line(requests[0]), "GET /v1/config?warehouse=wh");
  EXPECT_EQ(Line(requests[1]), "GET /v1/cat1/namespaces?pageSize=2");
  EXPECT_TRUE(HasHeader(requests[1], "X-Iceberg-Access-Delegation: vended-credentials"));
}

TEST(RestCatalog, ListingsFollowNextPageTokens) {
  ScriptedServer server({Config(), Json200(R"({"namespaces": [["a", "x"], ["a", "y"]],
                                     "next-page-token": "p 2"})"),
                         Json200(R"({"namespaces": [["a", "z"]], "next-page-token": null})"),
                         Json200(R"({"identifiers": [{"namespace": ["a"], "name": "t1"}],
                                     "next-page-token": "n2"})"),
                         Json200(R"({"identifiers": [{"namespace": ["a"], "name": "t2"}]})")});
  auto catalog = Open(server, {{"rest-page-size", "2"}});
  ASSERT_NE(catalog, nullptr);
  auto namespaces = catalog->ListNamespaces({"a"});
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<Namespace>{{"a", "x"}, {"a", "y"}, {"a", "z"}}));
  auto tables = catalog->ListTables({"a"});
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[1].ToString(), "a.t2");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(Line(requests[1]), "GET /v1/namespaces?parent=a&pageSize=2");
  EXPECT_EQ(Line(requests[2]), "GET /v1/namespaces?parent=a&pageToken=p%202&pageSize=2");
  EXPECT_EQ(Line(requests[3]), "GET /v1/namespaces/a/tables?pageSize=2");
  EXPECT_EQ(Line(requests[4]), "GET /v1/namespaces/a/tables?pageToken=n2&pageSize=2");
}

TEST(RestCatalog, NestedNamespacesJoinTheirLevelsWithTheUnitSeparator) {
  ScriptedServer server(
      {Config(), Json200(R"({"namespaces": []})"), Json200(R"({"properties": {"owner": "ops"}})")});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->ListNamespaces({"a", "b"}).ok());
  auto props = catalog->LoadNamespaceProperties({"a", "b"});
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(props->at("owner"), "ops");
  auto requests = server.requests();
  EXPECT_EQ(Line(requests[1]), "GET /v1/namespaces?parent=a%1Fb");
  EXPECT_EQ(Line(requests[2]), "GET /v1/namespaces/a%1Fb");
}

TEST(RestCatalog, NotFoundIsANamespaceOrATableByTheErrorType) {
  ScriptedServer server({Config(),
                         Error(404, "NoSuchNamespaceException", "Namespace does not exist: db"),
                         Error(404, "NoSuchTableException", "Table does not exist: db.t"),
                         Error(404, "NoSuchTableException", "Table does not exist: db.t")});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  auto a = catalog->LoadTable({{"db"}, "t"});
  EXPECT_TRUE(iceberg::IsNoSuchNamespace(a.status())) << a.status().ToString();
  auto b = catalog->LoadTable({{"db"}, "t"});
  EXPECT_TRUE(iceberg::IsNoSuchTable(b.status())) << b.status().ToString();
  EXPECT_NE(b.status().message().find("Table does not exist: db.t"), std::string::npos);
  // Without a HEAD endpoint in the config, existence is a load; 404 means false.
  auto exists = catalog->TableExists({{"db"}, "t"});
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_FALSE(*exists);
  EXPECT_EQ(Line(server.requests()[3]), "GET /v1/namespaces/db/tables/t");
}

TEST(RestCatalog, LoadsAllSnapshotsAndCommitsRequirementsAndUpdates) {
  ScriptedServer server({Config(), TableResult(), TableResult()});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  auto table = catalog->LoadTable({{"db"}, "t"});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto state = catalog->UpdateTable({{"db"}, "t"}, {iceberg::AssertRefSnapshotId{"main", {}}},
                                    {iceberg::SetProperties{{{"k", "v"}}}});
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  auto requests = server.requests();
  EXPECT_EQ(Line(requests[1]), "GET /v1/namespaces/db/tables/t?snapshots=all");
  EXPECT_EQ(Line(requests[2]), "POST /v1/namespaces/db/tables/t");
  auto body = nlohmann::json::parse(Body(requests[2]));
  EXPECT_EQ(body["identifier"], nlohmann::json::parse(R"({"namespace": ["db"], "name": "t"})"));
  EXPECT_EQ(body["requirements"], nlohmann::json::parse(
                                      R"([{"type": "assert-ref-snapshot-id", "ref": "main",
                                           "snapshot-id": null}])"));
  EXPECT_EQ(body["updates"],
            nlohmann::json::parse(R"([{"action": "set-properties", "updates": {"k": "v"}}])"));
}

TEST(RestCatalog, ATablesOwnTokenAuthenticatesItsCommits) {
  ScriptedServer server(
      {Config(), TableResult("/tmp/floe-rest-test/db/t", "table-tok"), TableResult()});
  auto catalog = Open(server, {{"token", "catalog-tok"}});
  ASSERT_NE(catalog, nullptr);
  auto table = catalog->LoadTable({{"db"}, "t"});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto state = (*table)->operations().Commit({}, {iceberg::SetProperties{{{"k", "v"}}}});
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  auto requests = server.requests();
  EXPECT_TRUE(HasHeader(requests[1], "Authorization: Bearer catalog-tok"));
  EXPECT_TRUE(HasHeader(requests[2], "Authorization: Bearer table-tok"));
}

TEST(RestCatalog, CommitOutcomesMapToConflictAndUnknownState) {
  ScriptedServer server({Config(),
                         Error(409, "CommitFailedException", "Requirement failed: ref main"),
                         Error(502, "BadGateway", "upstream closed"),
                         Error(500, "CommitStateUnknownException", "lost the reply"),
                         Error(400, "ValidationException", "bad update"), "HANGUP"});
  auto catalog = Open(server, {{"rest.client.socket-timeout-ms", "2000"}});
  ASSERT_NE(catalog, nullptr);
  iceberg::TableIdentifier id{{"db"}, "t"};
  auto conflict = catalog->UpdateTable(id, {}, {iceberg::SetLocation{"/x"}});
  EXPECT_TRUE(iceberg::IsCommitConflict(conflict.status())) << conflict.status().ToString();
  auto bad_gateway = catalog->UpdateTable(id, {}, {iceberg::SetLocation{"/x"}});
  EXPECT_TRUE(iceberg::IsCommitStateUnknown(bad_gateway.status()))
      << bad_gateway.status().ToString();
  auto server_error = catalog->UpdateTable(id, {}, {iceberg::SetLocation{"/x"}});
  EXPECT_TRUE(iceberg::IsCommitStateUnknown(server_error.status()));
  auto invalid = catalog->UpdateTable(id, {}, {iceberg::SetLocation{"/x"}});
  EXPECT_FALSE(iceberg::IsCommitStateUnknown(invalid.status()));
  EXPECT_FALSE(iceberg::IsCommitConflict(invalid.status()));
  EXPECT_NE(invalid.status().message().find("bad update"), std::string::npos);
  // The connection dropped after the request went out: it may have been applied.
  auto hung_up = catalog->UpdateTable(id, {}, {iceberg::SetLocation{"/x"}});
  EXPECT_TRUE(iceberg::IsCommitStateUnknown(hung_up.status())) << hung_up.status().ToString();
}

TEST(RestCatalog, CreateConflictsAreAlreadyExistsAndNamespacesNotEmptyAreNamed) {
  ScriptedServer server({Config(),
                         Error(409, "AlreadyExistsException", "Table already exists: db.t"),
                         Error(409, "NamespaceNotEmptyException", "Namespace db is not empty")});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  CreateTableRequest request;
  request.schema =
      iceberg::Schema(0, {iceberg::NestedField{1, "id", iceberg::Type::Long(), true, ""}});
  auto created = catalog->CreateTable({{"db"}, "t"}, request);
  EXPECT_TRUE(iceberg::IsAlreadyExists(created.status())) << created.status().ToString();
  auto dropped = catalog->DropNamespace({"db"});
  EXPECT_TRUE(iceberg::IsNamespaceNotEmpty(dropped)) << dropped.ToString();
}

TEST(RestCatalog, OAuth2FetchesATokenAndFetchesAgainOnceOn401) {
  ScriptedServer server(
      {Json200(R"({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600})"),
       Config(), Error(401, "NotAuthorizedException", "token revoked"),
       Json200(R"({"access_token": "tok-2", "token_type": "bearer", "expires_in": 3600})"),
       Json200(R"({"namespaces": []})")});
  auto catalog = Open(server, {{"credential", "floe-client:s3cr3t-value"}, {"scope", "catalog"}});
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->ListNamespaces({}).ok());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(Line(requests[0]), "POST /v1/oauth/tokens");
  EXPECT_EQ(Body(requests[0]),
            "grant_type=client_credentials&client_id=floe-client&client_secret=s3cr3t-value&"
            "scope=catalog");
  EXPECT_TRUE(HasHeader(requests[1], "Authorization: Bearer tok-1"));
  EXPECT_TRUE(HasHeader(requests[2], "Authorization: Bearer tok-1"));
  EXPECT_EQ(Line(requests[3]), "POST /v1/oauth/tokens");
  EXPECT_TRUE(HasHeader(requests[4], "Authorization: Bearer tok-2"));
}

TEST(RestCatalog, TokensExpiringSoonAreRefreshedBeforeUse) {
  ScriptedServer server(
      {Json200(R"({"access_token": "short-1", "token_type": "bearer", "expires_in": 1})"), Config(),
       Json200(R"({"access_token": "short-2", "token_type": "bearer", "expires_in": 1})"),
       Json200(R"({"namespaces": []})")});
  auto catalog = Open(server, {{"credential", "id:secret"}});
  ASSERT_NE(catalog, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  ASSERT_TRUE(catalog->ListNamespaces({}).ok());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(Line(requests[2]), "POST /v1/oauth/tokens");
  EXPECT_TRUE(HasHeader(requests[3], "Authorization: Bearer short-2"));
}

TEST(RestCatalog, SecretsStayOutOfErrors) {
  ScriptedServer server(
      {Answer(401, R"({"error": "invalid_client", "error_description": "unknown client"})")});
  auto catalog =
      RestCatalog::Open("test", {{"uri", server.url("")}, {"credential", "cid:very-secret-1"}});
  ASSERT_FALSE(catalog.ok());
  EXPECT_NE(catalog.status().message().find("invalid_client"), std::string::npos);
  EXPECT_EQ(catalog.status().ToString().find("very-secret-1"), std::string::npos);

  ScriptedServer second({Config(), Error(403, "ForbiddenException", "no access to db")});
  auto with_token = RestCatalog::Open("test", {{"uri", second.url("")}, {"token", "tok-secret-2"}});
  ASSERT_TRUE(with_token.ok());
  auto load = (*with_token)->LoadTable({{"db"}, "t"});
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.status().message().find("no access to db"), std::string::npos);
  EXPECT_EQ(load.status().ToString().find("tok-secret-2"), std::string::npos);
  EXPECT_TRUE(HasHeader(second.requests()[1], "Authorization: Bearer tok-secret-2"));
}

TEST(RestCatalog, HeadersFromPropertiesReplaceTheAccessDelegationDefault) {
  ScriptedServer server({Config()});
  auto catalog = Open(server, {{"header.X-Iceberg-Access-Delegation", "remote-signing"},
                               {"header.X-Tenant", "t1"}});
  ASSERT_NE(catalog, nullptr);
  auto request = server.requests()[0];
  EXPECT_TRUE(HasHeader(request, "X-Iceberg-Access-Delegation: remote-signing"));
  EXPECT_TRUE(HasHeader(request, "X-Tenant: t1"));
}

TEST(RestCatalog, EndpointsTheServerDoesNotListAreNotCalled) {
  ScriptedServer server({Config("{}", "{}", R"(["GET /v1/{prefix}/namespaces"])")});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  auto status = catalog->RenameTable({{"db"}, "a"}, {{"db"}, "b"});
  EXPECT_TRUE(status.IsNotImplemented()) << status.ToString();
  EXPECT_NE(status.message().find("POST /v1/{prefix}/tables/rename"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(RestCatalog, TransactionsCommitEveryTableInOneRequest) {
  ScriptedServer server({Config(), Answer(204, "")});
  auto catalog = Open(server);
  ASSERT_NE(catalog, nullptr);
  auto status = catalog->CommitTransaction(
      {TableCommit{{{"db"}, "a"}, {iceberg::AssertTableUuid{"u1"}}, {iceberg::SetLocation{"/a"}}},
       TableCommit{{{"db"}, "b"}, {}, {iceberg::RemoveProperties{{"k"}}}}});
  ASSERT_TRUE(status.ok()) << status.ToString();
  auto request = server.requests()[1];
  EXPECT_EQ(Line(request), "POST /v1/transactions/commit");
  auto body = nlohmann::json::parse(Body(request));
  ASSERT_EQ(body["table-changes"].size(), 2u);
  EXPECT_EQ(body["table-changes"][1]["identifier"]["name"], "b");
  EXPECT_EQ(body["table-changes"][0]["requirements"][0]["type"], "assert-table-uuid");
}

TEST(RestCatalog, SigV4SignsEveryRequestAndKeepsTheBearerTokenAside) {
  ScriptedServer server({Config(), Json200(R"({"namespaces": []})")});
  auto catalog = Open(server, {{"rest.sigv4-enabled", "true"},
                               {"rest.signing-region", "eu-west-1"},
                               {"rest.access-key-id", "AKIDFLOETEST"},
                               {"rest.secret-access-key", "sigv4-secret-value"},
                               {"token", "tok-under-sigv4"}});
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->ListNamespaces({}).ok());
  for (const auto& request : server.requests()) {
    EXPECT_NE(request.find("\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDFLOETEST/"),
              std::string::npos)
        << request;
    EXPECT_NE(request.find("/eu-west-1/execute-api/aws4_request"), std::string::npos);
    EXPECT_TRUE(HasHeader(request, "Original-Authorization: Bearer tok-under-sigv4"));
    EXPECT_NE(request.find("X-Amz-Date: "), std::string::npos);
    EXPECT_EQ(request.find("sigv4-secret-value"), std::string::npos);
  }
}

TEST(RestCatalog, SigV4WithoutARegionSaysWhereToSetOne) {
  ::setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
  ::unsetenv("AWS_REGION");
  ::unsetenv("AWS_DEFAULT_REGION");
  auto catalog =
      RestCatalog::Open("test", {{"uri", "http://127.0.0.1:9"}, {"rest.sigv4-enabled", "true"}});
  ASSERT_FALSE(catalog.ok());
  EXPECT_NE(catalog.status().message().find("rest.signing-region"), std::string::npos)
      << catalog.status().ToString();
}

}  // namespace
}  // namespace floe::catalog::rest
