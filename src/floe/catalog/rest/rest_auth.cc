#include "floe/catalog/rest/rest_auth.h"

#include <strings.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "floe/catalog/aws/profile_file.h"
#include "floe/catalog/aws/sigv4.h"
#include "floe/util/properties.h"

namespace floe::catalog::rest {
namespace {

// The token endpoint's own error (RFC 6749 §5.2: "error", "error_description"), or the
// REST ErrorModel some servers answer with instead.
std::string OAuthErrorText(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    std::string out;
    if (json.contains("error") && json["error"].is_string()) {
      out = json["error"].get<std::string>();
      if (json.contains("error_description") && json["error_description"].is_string()) {
        out += ": " + json["error_description"].get<std::string>();
      }
      return out;
    }
    if (json.contains("error") && json["error"].is_object() && json["error"].contains("message") &&
        json["error"]["message"].is_string()) {
      return json["error"]["message"].get<std::string>();
    }
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

}  // namespace

std::shared_ptr<AuthSession> AuthSession::ForTableToken(const std::string& token) const {
  return std::make_shared<BearerTokenSession>(token);
}

arrow::Status BearerTokenSession::Authenticate(io::http::Request& request) {
  request.SetHeader("Authorization", "Bearer " + token_);
  return arrow::Status::OK();
}

arrow::Status OAuth2Session::FetchLocked() {
  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", "client_credentials"},
      {"client_id", credentials_.client_id},
      {"client_secret", credentials_.client_secret},
      {"scope", credentials_.scope},
  };
  if (!credentials_.audience.empty()) form.emplace_back("audience", credentials_.audience);
  if (!credentials_.resource.empty()) form.emplace_back("resource", credentials_.resource);
  io::http::Request request;
  request.method = "POST";
  request.url = credentials_.token_uri;
  request.body = io::http::FormEncode(form);
  request.SetHeader("Content-Type", "application/x-www-form-urlencoded");
  request.SetHeader("Accept", "application/json");
  const auto sent_at = Clock::now();
  auto response = http_->Send(request);
  if (!response.ok()) {
    return response.status().WithMessage("OAuth2 token request to ", credentials_.token_uri,
                                         " failed: ", response.status().message());
  }
  if (!response->ok()) {
    std::string detail = OAuthErrorText(response->body);
    std::string hint = response->status == 400 || response->status == 401
                           ? "; check the catalog's credential (client_id:client_secret) and scope"
                           : "";
    return arrow::Status::IOError("OAuth2 token request to ", credentials_.token_uri,
                                  " was refused (HTTP ", response->status, "): ", detail, hint);
  }
  auto json = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string()) {
    return arrow::Status::IOError("OAuth2 token endpoint ", credentials_.token_uri,
                                  " answered without an access_token");
  }
  token_ = json["access_token"].get<std::string>();
  refresh_at_.reset();
  if (json.contains("expires_in") && json["expires_in"].is_number()) {
    // Refresh a fifth of the lifetime early (at most a minute), so a token never expires
    // between being attached and being checked.
    auto lifetime =
        std::chrono::milliseconds(static_cast<int64_t>(json["expires_in"].get<double>() * 1000.0));
    auto margin = std::min<std::chrono::milliseconds>(lifetime / 5, std::chrono::seconds(60));
    refresh_at_ = sent_at + lifetime - margin;
  }
  ++fetched_;
  return arrow::Status::OK();
}

arrow::Status OAuth2Session::Authenticate(io::http::Request& request) {
  std::lock_guard lock(mu_);
  if (token_.empty() || (refresh_at_ && Clock::now() >= *refresh_at_)) {
    ARROW_RETURN_NOT_OK(FetchLocked());
  }
  request.SetHeader("Authorization", "Bearer " + token_);
  return arrow::Status::OK();
}

arrow::Result<bool> OAuth2Session::Reauthenticate() {
  std::lock_guard lock(mu_);
  ARROW_RETURN_NOT_OK(FetchLocked());
  return true;
}

int OAuth2Session::tokens_fetched() const {
  std::lock_guard lock(mu_);
  return fetched_;
}

arrow::Status SigV4Session::Authenticate(io::http::Request& request) {
  ARROW_RETURN_NOT_OK(inner_->Authenticate(request));
  if (auto bearer = request.Header("Authorization")) {
    request.SetHeader("Original-Authorization", *bearer);
    request.headers.erase(std::remove_if(request.headers.begin(), request.headers.end(),
                                         [](const auto& h) {
                                           return h.first.size() == 13 &&
                                                  strncasecmp(h.first.c_str(), "Authorization",
                                                              13) == 0;
                                         }),
                          request.headers.end());
  }
  ARROW_ASSIGN_OR_RAISE(aws::AwsCredentials creds, credentials_->GetCredentials());
  return aws::SignRequest(request, creds, region_, service_, std::chrono::system_clock::now());
}

namespace {

std::string FirstOf(const std::map<std::string, std::string>& properties,
                    std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::string value = util::StringProperty(properties, key);
    if (!value.empty()) return value;
  }
  return "";
}

arrow::Result<std::shared_ptr<AuthSession>> MakeSigV4Session(
    const std::map<std::string, std::string>& properties, std::shared_ptr<AuthSession> inner) {
  aws::CredentialChainOptions chain;
  chain.static_credentials.access_key_id =
      FirstOf(properties, {"rest.access-key-id", "client.access-key-id"});
  chain.static_credentials.secret_access_key =
      FirstOf(properties, {"rest.secret-access-key", "client.secret-access-key"});
  chain.static_credentials.session_token =
      FirstOf(properties, {"rest.session-token", "client.session-token"});
  chain.profile = FirstOf(properties, {"rest.profile-name", "client.profile-name"});
  if (!chain.static_credentials.access_key_id.empty() &&
      chain.static_credentials.secret_access_key.empty()) {
    return arrow::Status::Invalid(
        "rest.access-key-id is set but rest.secret-access-key is not (SigV4 signing)");
  }
  std::string region = aws::ResolveRegion(
      FirstOf(properties, {"rest.signing-region", "client.region"}), chain.profile);
  if (region.empty()) {
    return arrow::Status::Invalid(
        "rest.sigv4-enabled=true needs a region: set rest.signing-region (or client.region, "
        "AWS_REGION, or a region in the AWS profile)");
  }
  chain.region = region;
  chain.role_arn = FirstOf(properties, {"client.role-arn"});
  std::string service = util::StringProperty(properties, "rest.signing-name", "execute-api");
  return std::make_shared<SigV4Session>(aws::MakeDefaultCredentialsProvider(chain), region, service,
                                        std::move(inner));
}

arrow::Result<std::shared_ptr<AuthSession>> MakeTokenSession(
    const std::map<std::string, std::string>& properties, const std::string& uri,
    std::shared_ptr<io::http::Client> http) {
  std::string credential = util::StringProperty(properties, "credential");
  if (!credential.empty()) {
    ClientCredentials creds;
    auto colon = credential.find(':');
    if (colon == std::string::npos) {
      // PyIceberg and Java take a bare value as the secret of an unnamed client.
      creds.client_secret = credential;
    } else {
      creds.client_id = credential.substr(0, colon);
      creds.client_secret = credential.substr(colon + 1);
    }
    std::string base = uri;
    while (!base.empty() && base.back() == '/') base.pop_back();
    creds.token_uri =
        util::StringProperty(properties, "oauth2-server-uri", base + "/v1/oauth/tokens");
    creds.scope = util::StringProperty(properties, "scope", "catalog");
    creds.audience = util::StringProperty(properties, "audience");
    creds.resource = util::StringProperty(properties, "resource");
    return std::make_shared<OAuth2Session>(std::move(http), std::move(creds));
  }
  std::string token = util::StringProperty(properties, "token");
  if (!token.empty()) return std::make_shared<BearerTokenSession>(std::move(token));
  return std::make_shared<NoAuthSession>();
}

}  // namespace

arrow::Result<std::shared_ptr<AuthSession>> MakeAuthSession(
    const std::map<std::string, std::string>& properties, const std::string& uri,
    std::shared_ptr<io::http::Client> http) {
  ARROW_ASSIGN_OR_RAISE(auto session, MakeTokenSession(properties, uri, http));
  ARROW_ASSIGN_OR_RAISE(bool sigv4, util::BoolProperty(properties, "rest.sigv4-enabled", false));
  if (!sigv4) return session;
  return MakeSigV4Session(properties, std::move(session));
}

}  // namespace floe::catalog::rest
