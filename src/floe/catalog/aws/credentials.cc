#include "floe/catalog/aws/credentials.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "floe/catalog/aws/profile_file.h"
#include "floe/catalog/aws/sts.h"

namespace floe::catalog::aws {
namespace {

using Clock = std::chrono::system_clock;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool NeedsRefresh(const AwsCredentials& creds, Clock::time_point now) {
  return creds.expiration && now >= *creds.expiration - kRefreshBeforeExpiry;
}

std::string DefaultSessionName() {
  return "floe-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                      Clock::now().time_since_epoch())
                                      .count());
}

arrow::Result<std::string> ReadTokenFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError(what, ": cannot read the token file ", path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty()) return arrow::Status::IOError(what, ": the token file ", path, " is empty");
  return token;
}

// A source of its own whose fetch assumes a role with what `base` gives.
CredentialSource AssumeRoleSource(std::shared_ptr<CredentialsProvider> base,
                                  const CredentialChainOptions& options) {
  std::string session =
      options.role_session_name.empty() ? DefaultSessionName() : options.role_session_name;
  return CredentialSource{"assumed role " + options.role_arn,
                          [base, options, session]() -> arrow::Result<AwsCredentials> {
                            ARROW_ASSIGN_OR_RAISE(AwsCredentials source, base->GetCredentials());
                            ARROW_ASSIGN_OR_RAISE(
                                AwsCredentials creds,
                                AssumeRole(source, options.role_arn, session,
                                           options.role_external_id, options.region));
                            creds.source = "assumed role " + options.role_arn;
                            return creds;
                          }};
}

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(AwsCredentials creds) : creds_(std::move(creds)) {}
  arrow::Result<AwsCredentials> GetCredentials() override { return creds_; }

 private:
  AwsCredentials creds_;
};

}  // namespace

arrow::Result<Clock::time_point> ParseAwsTime(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return arrow::Status::Invalid("'", text, "' is not an ISO-8601 time");
  }
  std::string rest = text.substr(consumed);
  if (!rest.empty() && rest[0] == '.') {
    size_t digits = rest.find_first_not_of("0123456789", 1);
    rest.erase(0, digits == std::string::npos ? rest.size() : digits);
  }
  int offset_seconds = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    offset_seconds = (std::stoi(rest.substr(1, 2)) * 60 + std::stoi(rest.substr(4, 2))) * 60;
    if (rest[0] == '-') offset_seconds = -offset_seconds;
  } else if (!rest.empty() && rest != "Z") {
    return arrow::Status::Invalid("'", text, "' is not an ISO-8601 UTC time");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm);
  return Clock::from_time_t(t - offset_seconds);
}

CachedCredentialsProvider::CachedCredentialsProvider(CredentialSource source, Clock clock)
    : source_(std::move(source)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

arrow::Result<AwsCredentials> CachedCredentialsProvider::GetCredentials() {
  std::lock_guard lock(mu_);
  auto now = clock_();
  if (cached_ && !NeedsRefresh(*cached_, now)) return *cached_;
  auto fresh = source_.fetch();
  if (!fresh.ok()) {
    // Still valid for a while: keep signing with them and try again on the next call.
    if (cached_ && (!cached_->expiration || now < *cached_->expiration)) return *cached_;
    return fresh.status();
  }
  if (fresh->source.empty()) fresh->source = source_.name;
  cached_ = *fresh;
  return *cached_;
}

CredentialsChain::CredentialsChain(std::vector<CredentialSource> sources,
                                   CachedCredentialsProvider::Clock clock)
    : sources_(std::move(sources)), clock_(std::move(clock)) {}

arrow::Result<AwsCredentials> CredentialsChain::GetCredentials() {
  std::unique_lock lock(mu_);
  if (chosen_) {
    lock.unlock();
    return chosen_->GetCredentials();
  }
  std::string tried;
  for (const auto& source : sources_) {
    auto provider = std::make_unique<CachedCredentialsProvider>(source, clock_);
    auto creds = provider->GetCredentials();
    if (creds.ok()) {
      chosen_ = std::move(provider);
      return creds;
    }
    tried += (tried.empty() ? "" : "; ") + source.name + ": " + creds.status().message();
  }
  // One line, like every floe error: the sources in the order tried, then the way out.
  return arrow::Status::IOError(
      "no AWS credentials found (tried ", tried,
      "); set the catalog's access-key-id and secret-access-key properties, AWS_ACCESS_KEY_ID "
      "and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE)");
}

std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(AwsCredentials credentials) {
  if (credentials.source.empty()) credentials.source = "static keys";
  return std::make_shared<StaticProvider>(std::move(credentials));
}

CredentialSource EnvironmentSource() {
  return {"environment", []() -> arrow::Result<AwsCredentials> {
            AwsCredentials creds;
            creds.access_key_id = Env("AWS_ACCESS_KEY_ID");
            creds.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
            if (creds.secret_access_key.empty()) creds.secret_access_key = Env("AWS_SECRET_KEY");
            creds.session_token = Env("AWS_SESSION_TOKEN");
            if (creds.access_key_id.empty()) {
              return arrow::Status::KeyError("AWS_ACCESS_KEY_ID is not set");
            }
            if (creds.secret_access_key.empty()) {
              return arrow::Status::Invalid(
                  "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
            }
            if (std::string expiry = Env("AWS_CREDENTIAL_EXPIRATION"); !expiry.empty()) {
              ARROW_ASSIGN_OR_RAISE(creds.expiration, ParseAwsTime(expiry));
            }
            creds.source = "environment";
            return creds;
          }};
}

namespace {

// The credentials a profile gives: its keys, a web identity role, or a role assumed with the
// credentials of `source_profile` / `credential_source` (profiles chained at most 4 deep).
arrow::Result<AwsCredentials> ProfileCredentials(const std::string& name, const std::string& region,
                                                 int depth) {
  ARROW_ASSIGN_OR_RAISE(ProfileSettings settings, LoadProfile(name));
  auto get = [&](const char* key) {
    auto it = settings.find(key);
    return it == settings.end() ? std::string() : it->second;
  };
  AwsCredentials creds;
  creds.access_key_id = get("aws_access_key_id");
  creds.secret_access_key = get("aws_secret_access_key");
  creds.session_token = get("aws_session_token");
  creds.source = "profile " + name;
  const std::string role = get("role_arn");
  const std::string source_profile = get("source_profile");
  // A profile with its own keys and no role to assume, or whose role takes its own keys.
  if (!creds.access_key_id.empty() && (role.empty() || source_profile == name)) {
    if (creds.secret_access_key.empty()) {
      return arrow::Status::Invalid("profile ", name,
                                    " has aws_access_key_id but no aws_secret_access_key");
    }
    if (role.empty()) return creds;
  }
  const std::string session =
      get("role_session_name").empty() ? DefaultSessionName() : get("role_session_name");
  const std::string sts_region = region.empty() ? get("region") : region;
  if (!role.empty() && !get("web_identity_token_file").empty()) {
    std::string what = "profile " + name + " web identity";
    ARROW_ASSIGN_OR_RAISE(std::string token, ReadTokenFile(get("web_identity_token_file"), what));
    ARROW_ASSIGN_OR_RAISE(creds, AssumeRoleWithWebIdentity(role, session, token, sts_region));
    creds.source = what + " (" + role + ")";
    return creds;
  }
  if (!role.empty() && (!source_profile.empty() || !get("credential_source").empty())) {
    AwsCredentials base = creds;
    if (source_profile == name) {
      // the profile's own keys, read above
    } else if (!source_profile.empty()) {
      if (depth >= 4) {
        return arrow::Status::Invalid("profile ", name,
                                      ": source_profile chain is longer than 4 profiles");
      }
      ARROW_ASSIGN_OR_RAISE(base, ProfileCredentials(source_profile, region, depth + 1));
    } else {
      const std::string from = get("credential_source");
      CredentialSource source = from == "Environment"    ? EnvironmentSource()
                                : from == "EcsContainer" ? ContainerSource(std::chrono::seconds(1))
                                : from == "Ec2InstanceMetadata"
                                    ? InstanceMetadataSource(std::chrono::seconds(1))
                                    : CredentialSource{};
      if (!source.fetch) {
        return arrow::Status::Invalid("profile ", name, ": credential_source ", from,
                                      " is none of Environment, EcsContainer, "
                                      "Ec2InstanceMetadata");
      }
      ARROW_ASSIGN_OR_RAISE(base, source.fetch());
    }
    ARROW_ASSIGN_OR_RAISE(creds, AssumeRole(base, role, session, get("external_id"), sts_region));
    creds.source = "profile " + name + " (" + role + ")";
    return creds;
  }
  return arrow::Status::KeyError("profile ", name,
                                 " has no aws_access_key_id, and no role_arn with "
                                 "web_identity_token_file, source_profile or credential_source");
}

}  // namespace

CredentialSource ProfileSource(const std::string& profile, const std::string& region) {
  std::string name = ProfileName(profile);
  return {"profile " + name, [name, region]() { return ProfileCredentials(name, region, 0); }};
}

CredentialSource WebIdentitySource(const std::string& region) {
  return {"web identity", [region]() -> arrow::Result<AwsCredentials> {
            std::string role = Env("AWS_ROLE_ARN");
            std::string token_file = Env("AWS_WEB_IDENTITY_TOKEN_FILE");
            if (role.empty() || token_file.empty()) {
              return arrow::Status::KeyError(
                  "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not both set");
            }
            // Read again at every refresh: the kubelet rotates the projected token.
            ARROW_ASSIGN_OR_RAISE(std::string token, ReadTokenFile(token_file, "web identity"));
            std::string session = Env("AWS_ROLE_SESSION_NAME");
            ARROW_ASSIGN_OR_RAISE(
                AwsCredentials creds,
                AssumeRoleWithWebIdentity(role, session.empty() ? DefaultSessionName() : session,
                                          token, ResolveRegion(region)));
            creds.source = "web identity (" + role + ")";
            return creds;
          }};
}

std::shared_ptr<CredentialsProvider> MakeDefaultCredentialsProvider(
    const CredentialChainOptions& options) {
  std::shared_ptr<CredentialsProvider> base;
  if (!options.static_credentials.access_key_id.empty()) {
    AwsCredentials creds = options.static_credentials;
    if (creds.source.empty()) creds.source = "catalog properties";
    base = MakeStaticCredentialsProvider(std::move(creds));
  } else {
    std::string region = ResolveRegion(options.region, options.profile);
    base = std::make_shared<CredentialsChain>(std::vector<CredentialSource>{
        EnvironmentSource(), ProfileSource(options.profile, region), WebIdentitySource(region),
        ContainerSource(options.metadata_timeout),
        InstanceMetadataSource(options.metadata_timeout)});
  }
  if (options.role_arn.empty()) return base;
  return std::make_shared<CachedCredentialsProvider>(AssumeRoleSource(base, options));
}

}  // namespace floe::catalog::aws
