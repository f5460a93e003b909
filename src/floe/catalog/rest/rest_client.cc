#include "floe/catalog/rest/rest_client.h"

namespace floe::catalog::rest {
namespace {

// The spec's fallback when the config response lists no endpoints (Java's RESTSessionCatalog
// DEFAULT_ENDPOINTS): the existence checks (HEAD) are not among them, so those fall back to a
// load.
const std::set<std::string>& DefaultEndpoints() {
  static const std::set<std::string> defaults = [] {
    std::set<std::string> out;
    for (const Endpoint& e :
         {endpoint::kListNamespaces, endpoint::kLoadNamespace, endpoint::kCreateNamespace,
          endpoint::kUpdateNamespace, endpoint::kDropNamespace, endpoint::kListTables,
          endpoint::kLoadTable, endpoint::kCreateTable, endpoint::kUpdateTable,
          endpoint::kDropTable, endpoint::kRenameTable, endpoint::kRegisterTable,
          endpoint::kCommitTransaction}) {
      out.insert(EndpointKey(e.method, e.path));
    }
    return out;
  }();
  return defaults;
}

}  // namespace

std::string EndpointKey(std::string_view method, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out(method);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += ' ';
  out += path;
  return out;
}

std::string EncodeNamespace(const Namespace& ns) {
  std::string joined;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i > 0) joined += '\x1f';
    joined += ns[i];
  }
  return io::http::UrlEncode(joined);
}

RestClient::RestClient(Options options, std::shared_ptr<io::http::Client> http,
                       std::shared_ptr<AuthSession> auth)
    : options_(std::move(options)), http_(std::move(http)), auth_(std::move(auth)) {}

bool RestClient::Supports(const Endpoint& e) const {
  const auto& set = options_.endpoints ? *options_.endpoints : DefaultEndpoints();
  return set.count(EndpointKey(e.method, e.path)) > 0;
}

arrow::Status RestClient::Require(const Endpoint& e, const std::string& what) const {
  if (Supports(e)) return arrow::Status::OK();
  return arrow::Status::NotImplemented("REST catalog ", options_.catalog_name, ": cannot ", what,
                                       ": the server does not serve ", e.method, " ", e.path,
                                       " (not among the endpoints of its config)");
}

std::string RestClient::Url(const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& query) const {
  std::string url = options_.uri + "/v1/";
  if (!options_.prefix.empty()) url += options_.prefix + "/";
  url += path;
  char sep = '?';
  for (const auto& [key, value] : query) {
    url += sep;
    url += io::http::UrlEncode(key) + "=" + io::http::UrlEncode(value);
    sep = '&';
  }
  return url;
}

arrow::Result<io::http::Response> RestClient::Send(const std::string& method,
                                                   const std::string& url,
                                                   const std::string& body) {
  for (int attempt = 0;; ++attempt) {
    io::http::Request request;
    request.method = method;
    request.url = url;
    request.body = body;
    for (const auto& [name, value] : options_.headers) request.SetHeader(name, value);
    request.SetHeader("Accept", "application/json");
    if (!body.empty()) request.SetHeader("Content-Type", "application/json");
    arrow::Status authenticated = auth_->Authenticate(request);
    if (!authenticated.ok()) {
      return authenticated.WithMessage("REST catalog ", options_.catalog_name, ": ",
                                       authenticated.message());
    }
    ARROW_ASSIGN_OR_RAISE(io::http::Response response, http_->Send(request));
    if (response.status != 401 || attempt > 0) return response;
    // A token may be revoked or expire early: re-authenticate once, then let the 401 stand.
    auto again = auth_->Reauthenticate();
    if (!again.ok()) {
      return again.status().WithMessage("REST catalog ", options_.catalog_name, ": ",
                                        again.status().message());
    }
    if (!*again) return response;
  }
}

arrow::Result<io::http::Response> RestClient::Call(const std::string& method,
                                                   const std::string& url, const std::string& body,
                                                   RestRequestKind kind, const std::string& what) {
  // The URL, not the query: a page token or warehouse name is harmless, and no secret is ever
  // put in a URL.
  const std::string request_line = method + " " + url;
  auto response = Send(method, url, body);
  if (!response.ok()) {
    if (io::http::GetTransportFailure(response.status())) {
      return ErrorFromTransport(response.status(), kind, options_.catalog_name, what, request_line);
    }
    return response.status();
  }
  if (!response->ok()) {
    return ErrorFromResponse(*response, kind, options_.catalog_name, what, request_line);
  }
  return response;
}

}  // namespace floe::catalog::rest
