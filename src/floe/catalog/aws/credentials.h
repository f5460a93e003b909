#pragma once

// Where AWS credentials come from: a provider interface, a cache that refreshes temporary
// credentials before they expire, and the default chain of sources in the SDKs' order.

#include <arrow/result.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "floe/catalog/aws/sigv4.h"

namespace floe::catalog::aws {

/// Gives the credentials to sign the next request with. Implementations are thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual arrow::Result<AwsCredentials> GetCredentials() = 0;
};

/// One place credentials may be found (environment, a profile, a metadata endpoint, ...).
struct CredentialSource {
  /// For messages: "environment", "profile default", "container endpoint", ...
  std::string name;
  /// Fetches credentials. NotFound means the source is not set up here (try the next one);
  /// another error means it is set up but failed. Messages never hold secrets.
  std::function<arrow::Result<AwsCredentials>()> fetch;
};

/// How long before expiry temporary credentials are fetched again (the SDKs' 5 minutes).
inline constexpr std::chrono::minutes kRefreshBeforeExpiry{5};

/// Caches what `source` gives and fetches again once the credentials are within
/// kRefreshBeforeExpiry of their expiration (credentials without one are kept for good). A
/// failed refresh while the old credentials are still valid returns the old ones. Callers
/// from several threads share one fetch.
class CachedCredentialsProvider final : public CredentialsProvider {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit CachedCredentialsProvider(CredentialSource source, Clock clock = {});
  arrow::Result<AwsCredentials> GetCredentials() override;

 private:
  CredentialSource source_;
  Clock clock_;
  std::mutex mu_;
  std::optional<AwsCredentials> cached_;
};

/// Tries each source in order and keeps to the first that gives credentials (refreshing from
/// it alone, cached as CachedCredentialsProvider does). When none does, the error lists every
/// source tried and why it gave nothing.
class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(std::vector<CredentialSource> sources,
                            CachedCredentialsProvider::Clock clock = {});
  arrow::Result<AwsCredentials> GetCredentials() override;

 private:
  std::vector<CredentialSource> sources_;
  CachedCredentialsProvider::Clock clock_;
  std::mutex mu_;
  std::unique_ptr<CachedCredentialsProvider> chosen_;
};

/// What the default chain is told by the caller's properties.
struct CredentialChainOptions {
  /// Keys given explicitly (e.g. `glue.access-key-id`, `client.secret-access-key`); used
  /// before any other source when the access key id is set.
  AwsCredentials static_credentials;
  /// The shared-files profile (`glue.profile-name`); else AWS_PROFILE, else "default".
  std::string profile;
  /// The region STS calls go to (STS endpoints are regional).
  std::string region;
  /// When set, the credentials found are used to assume this role (STS AssumeRole), and the
  /// role's credentials sign the requests (`client.role-arn`, `glue.role-arn`).
  std::string role_arn;
  std::string role_session_name;
  std::string role_external_id;
  /// Timeout of each call to a metadata endpoint (container, IMDS), so that a machine without
  /// one fails fast.
  std::chrono::milliseconds metadata_timeout{1000};
};

/// The SDKs' default chain: static keys (if given), environment (AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the shared files' profile, web identity
/// (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as on EKS with IRSA), the container endpoint
/// (ECS, EKS Pod Identity) and the EC2 instance metadata service (IMDSv2); then an assumed
/// role on top when `role_arn` is set.
std::shared_ptr<CredentialsProvider> MakeDefaultCredentialsProvider(
    const CredentialChainOptions& options);

/// A provider of fixed credentials.
std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(AwsCredentials credentials);

// ---- The sources, one by one (for the chain and for tests) ----

CredentialSource EnvironmentSource();
/// Keys of a profile in the shared files (`aws_access_key_id`, ...), or a role the profile
/// names: `role_arn` with `web_identity_token_file`, or with `source_profile` /
/// `credential_source` (Environment, EcsContainer, Ec2InstanceMetadata) whose credentials
/// assume it (`external_id`, `role_session_name` honoured).
CredentialSource ProfileSource(const std::string& profile, const std::string& region);
/// AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME) exchanged at STS.
CredentialSource WebIdentitySource(const std::string& region);
/// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS, on 169.254.170.2) or
/// AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity and others) with the token of
/// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch) or
/// AWS_CONTAINER_AUTHORIZATION_TOKEN.
CredentialSource ContainerSource(std::chrono::milliseconds timeout);
/// The EC2 instance metadata service, IMDSv2 (a session token first); skipped when
/// AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT moves it.
CredentialSource InstanceMetadataSource(std::chrono::milliseconds timeout);

/// Parses an ISO-8601 UTC time as AWS writes expirations ("2026-12-01T16:00:00Z", fractional
/// seconds and "+00:00" accepted).
arrow::Result<std::chrono::system_clock::time_point> ParseAwsTime(const std::string& text);

}  // namespace floe::catalog::aws
