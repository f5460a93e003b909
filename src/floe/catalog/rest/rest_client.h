#pragma once

// The HTTP side of one REST catalog: its base URI and prefix, the headers every request
// carries, the auth session, the endpoints the server serves, and the URL of each resource
// (spec: rest-catalog-open-api.yaml "paths"; namespaces in paths are their levels joined by
// the unit separator 0x1F, percent-encoded).

#include <arrow/result.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "floe/catalog/catalog.h"
#include "floe/catalog/rest/rest_auth.h"
#include "floe/catalog/rest/rest_errors.h"
#include "floe/iceberg/table/table_identifier.h"
#include "floe/io/http/http_client.h"

namespace floe::catalog::rest {

/// A route of the spec, as the config response's `endpoints` names it.
struct Endpoint {
  const char* method;
  const char* path;  ///< e.g. "/v1/{prefix}/namespaces/{namespace}"
};

namespace endpoint {
inline constexpr Endpoint kListNamespaces{"GET", "/v1/{prefix}/namespaces"};
inline constexpr Endpoint kCreateNamespace{"POST", "/v1/{prefix}/namespaces"};
inline constexpr Endpoint kLoadNamespace{"GET", "/v1/{prefix}/namespaces/{namespace}"};
inline constexpr Endpoint kNamespaceExists{"HEAD", "/v1/{prefix}/namespaces/{namespace}"};
inline constexpr Endpoint kDropNamespace{"DELETE", "/v1/{prefix}/namespaces/{namespace}"};
inline constexpr Endpoint kUpdateNamespace{"POST",
                                           "/v1/{prefix}/namespaces/{namespace}/properties"};
inline constexpr Endpoint kListTables{"GET", "/v1/{prefix}/namespaces/{namespace}/tables"};
inline constexpr Endpoint kCreateTable{"POST", "/v1/{prefix}/namespaces/{namespace}/tables"};
inline constexpr Endpoint kLoadTable{"GET", "/v1/{prefix}/namespaces/{namespace}/tables/{table}"};
inline constexpr Endpoint kTableExists{"HEAD",
                                       "/v1/{prefix}/namespaces/{namespace}/tables/{table}"};
inline constexpr Endpoint kUpdateTable{"POST",
                                       "/v1/{prefix}/namespaces/{namespace}/tables/{table}"};
inline constexpr Endpoint kDropTable{"DELETE",
                                     "/v1/{prefix}/namespaces/{namespace}/tables/{table}"};
inline constexpr Endpoint kRenameTable{"POST", "/v1/{prefix}/tables/rename"};
inline constexpr Endpoint kRegisterTable{"POST", "/v1/{prefix}/namespaces/{namespace}/register"};
inline constexpr Endpoint kCommitTransaction{"POST", "/v1/{prefix}/transactions/commit"};
}  // namespace endpoint

/// "<method> <path>" as the config response lists it, without a leading slash on the path so
/// "GET v1/config" and "GET /v1/config" compare equal.
std::string EndpointKey(std::string_view method, std::string_view path);

/// The namespace as one path segment: levels joined by 0x1F, percent-encoded.
std::string EncodeNamespace(const Namespace& ns);

/// Everything a request of one catalog needs. Shared by the catalog and the operations of the
/// tables it loads; safe to use from several threads.
class RestClient {
 public:
  struct Options {
    std::string catalog_name;
    std::string uri;     ///< base URI, no trailing slash
    std::string prefix;  ///< from the config; may be empty
    std::vector<std::pair<std::string, std::string>> headers;
    /// nullopt: the spec's default set (the server did not list its endpoints).
    std::optional<std::set<std::string>> endpoints;
    std::optional<int> page_size;  ///< `rest-page-size`
  };

  RestClient(Options options, std::shared_ptr<io::http::Client> http,
             std::shared_ptr<AuthSession> auth);

  const std::string& catalog_name() const { return options_.catalog_name; }

  /// The same catalog for a table with its own bearer `token` (from its load result).
  std::shared_ptr<RestClient> ForTableToken(const std::string& token) const {
    return std::make_shared<RestClient>(options_, http_, auth_->ForTableToken(token));
  }
  const std::optional<int>& page_size() const { return options_.page_size; }

  /// Whether the server serves `e` (its list, or the spec's defaults when it sent none).
  bool Supports(const Endpoint& e) const;
  /// OK when supported, else an error naming the endpoint and the operation.
  arrow::Status Require(const Endpoint& e, const std::string& what) const;

  /// `<uri>/v1/<prefix>/<path>` with `?query` (keys and values percent-encoded).
  std::string Url(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& query = {}) const;

  /// Sends a request with the catalog's headers and credentials; a 401 makes the auth session
  /// re-authenticate and the request go once more. Any answer is a Response; a transport
  /// failure (or an auth failure) is an error status.
  arrow::Result<io::http::Response> Send(const std::string& method, const std::string& url,
                                         const std::string& body = "");

  /// Send, then map a non-2xx answer or a transport failure to floe's error kinds.
  arrow::Result<io::http::Response> Call(const std::string& method, const std::string& url,
                                         const std::string& body, RestRequestKind kind,
                                         const std::string& what);

 private:
  Options options_;
  std::shared_ptr<io::http::Client> http_;
  std::shared_ptr<AuthSession> auth_;
};

}  // namespace floe::catalog::rest
