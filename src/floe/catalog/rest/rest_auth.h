#pragma once

// How a REST catalog authenticates its requests. One session per catalog; every request goes
// through Authenticate just before it is sent, so a scheme that signs the whole request
// (SigV4) plugs in as one more session beside the bearer-token ones.

#include <arrow/result.h>
#include <arrow/status.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "floe/catalog/aws/credentials.h"
#include "floe/io/http/http_client.h"

namespace floe::catalog::rest {

/// Adds credentials to outgoing requests. Implementations are safe to use from several
/// threads at once.
class AuthSession {
 public:
  virtual ~AuthSession() = default;

  /// Adds credentials (a header, a signature) to a request about to be sent.
  virtual arrow::Status Authenticate(io::http::Request& request) = 0;

  /// The server answered 401 to a request this session authenticated: fetch fresh credentials
  /// if the session can. True when the request is worth sending once more.
  virtual arrow::Result<bool> Reauthenticate() { return false; }

  /// The session for a table whose load result carries its own bearer `token`: that token
  /// in place of the catalog's (a signing session keeps signing around it).
  virtual std::shared_ptr<AuthSession> ForTableToken(const std::string& token) const;
};

/// No credentials at all.
class NoAuthSession final : public AuthSession {
 public:
  arrow::Status Authenticate(io::http::Request&) override { return arrow::Status::OK(); }
};

/// A fixed bearer token (the `token` property).
class BearerTokenSession final : public AuthSession {
 public:
  explicit BearerTokenSession(std::string token) : token_(std::move(token)) {}
  arrow::Status Authenticate(io::http::Request& request) override;

 private:
  std::string token_;
};

/// What an OAuth2 client-credentials session asks the token endpoint for (RFC 6749 §4.4).
struct ClientCredentials {
  /// The token endpoint: `oauth2-server-uri`, else `<uri>/v1/oauth/tokens` (the REST spec's
  /// deprecated endpoint, which servers such as Iceberg's own still serve).
  std::string token_uri;
  std::string client_id;
  std::string client_secret;
  std::string scope = "catalog";
  std::string audience;  ///< sent when non-empty
  std::string resource;  ///< sent when non-empty
};

/// OAuth2 client credentials (the `credential` property, `client_id:client_secret`): a token
/// fetched on first use, fetched again before it expires (from `expires_in`), and once more
/// when the server answers 401. Neither the secret nor a token ever appears in a message.
class OAuth2Session final : public AuthSession {
 public:
  OAuth2Session(std::shared_ptr<io::http::Client> http, ClientCredentials credentials)
      : http_(std::move(http)), credentials_(std::move(credentials)) {}

  arrow::Status Authenticate(io::http::Request& request) override;
  arrow::Result<bool> Reauthenticate() override;

  /// Tokens fetched so far (for tests and diagnostics).
  int tokens_fetched() const;

 private:
  using Clock = std::chrono::steady_clock;
  /// Fetches a token; the caller holds mu_.
  arrow::Status FetchLocked();

  std::shared_ptr<io::http::Client> http_;
  ClientCredentials credentials_;
  mutable std::mutex mu_;
  std::string token_;
  /// When to fetch a new token: ahead of its expiry, so no request carries an expired one.
  std::optional<Clock::time_point> refresh_at_;
  int fetched_ = 0;
};

/// AWS SigV4 (`rest.sigv4-enabled=true`, as for API Gateway, Glue's and S3 Tables' REST
/// endpoints): the inner session authenticates first (a bearer token, if any, moves to
/// `Original-Authorization`, as Java's client does), then the whole request is signed for
/// `rest.signing-name` (default `execute-api`) in `rest.signing-region`.
class SigV4Session final : public AuthSession {
 public:
  SigV4Session(std::shared_ptr<aws::CredentialsProvider> credentials, std::string region,
               std::string service, std::shared_ptr<AuthSession> inner)
      : credentials_(std::move(credentials)),
        region_(std::move(region)),
        service_(std::move(service)),
        inner_(std::move(inner)) {}

  arrow::Status Authenticate(io::http::Request& request) override;
  arrow::Result<bool> Reauthenticate() override { return inner_->Reauthenticate(); }
  std::shared_ptr<AuthSession> ForTableToken(const std::string& token) const override {
    return std::make_shared<SigV4Session>(credentials_, region_, service_,
                                          inner_->ForTableToken(token));
  }

 private:
  std::shared_ptr<aws::CredentialsProvider> credentials_;
  std::string region_;
  std::string service_;
  std::shared_ptr<AuthSession> inner_;
};

/// The session the catalog properties ask for: `rest.sigv4-enabled` (SigV4 around the
/// others), `credential`
/// (OAuth2), else `token` (bearer), else none. `uri` is the catalog's base URI (for the
/// default token endpoint).
arrow::Result<std::shared_ptr<AuthSession>> MakeAuthSession(
    const std::map<std::string, std::string>& properties, const std::string& uri,
    std::shared_ptr<io::http::Client> http);

}  // namespace floe::catalog::rest
