// The credential sources that ask a local metadata endpoint: the container credentials endpoint
// (ECS tasks, EKS Pod Identity) and the EC2 instance metadata service (IMDSv2).

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "floe/catalog/aws/credentials.h"
#include "floe/io/http/http_client.h"

namespace floe::catalog::aws {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

io::http::ClientOptions MetadataClientOptions(std::chrono::milliseconds timeout) {
  io::http::ClientOptions options;
  options.connect_timeout = timeout;
  options.request_timeout = timeout * 3;
  options.max_retries = 1;
  options.initial_backoff = std::chrono::milliseconds(100);
  options.max_backoff = std::chrono::milliseconds(500);
  return options;
}

// The host of an http(s) URL, without brackets or port.
std::string UrlHost(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    return authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

// The SDKs send the container token only to hosts that cannot be someone else's: https
// anywhere, or plain http to loopback and the ECS / EKS Pod Identity link-local addresses.
bool AllowedFullUri(const std::string& uri) {
  if (uri.rfind("https://", 0) == 0) return true;
  if (uri.rfind("http://", 0) != 0) return false;
  std::string host = UrlHost(uri);
  if (host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" ||
      host == "fd00:ec2::23") {
    return true;
  }
  return host.rfind("127.", 0) == 0;
}

// The JSON both endpoints answer: AccessKeyId, SecretAccessKey, Token, Expiration.
arrow::Result<AwsCredentials> ParseCredentialsJson(const std::string& body,
                                                   const std::string& what) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return arrow::Status::IOError(what, ": the answer is not a JSON object");
  }
  if (json.contains("Code") && json["Code"].is_string() && json["Code"] != "Success") {
    return arrow::Status::IOError(what, ": the endpoint says ", json["Code"].get<std::string>(),
                                  json.contains("Message") && json["Message"].is_string()
                                      ? ": " + json["Message"].get<std::string>()
                                      : "");
  }
  auto text = [&](const char* key) {
    return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : "";
  };
  AwsCredentials creds;
  creds.access_key_id = text("AccessKeyId");
  creds.secret_access_key = text("SecretAccessKey");
  creds.session_token = text("Token");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return arrow::Status::IOError(what, ": the answer has no AccessKeyId and SecretAccessKey");
  }
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    ARROW_ASSIGN_OR_RAISE(creds.expiration, ParseAwsTime(expiration));
  }
  return creds;
}

arrow::Result<std::string> ReadAuthorizationToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return arrow::Status::IOError("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ", path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

arrow::Result<io::http::Response> Send(io::http::Client& client, const io::http::Request& request,
                                       const std::string& what) {
  auto response = client.Send(request);
  if (!response.ok()) return response.status().WithMessage(what, ": ", response.status().message());
  return response;
}

}  // namespace

CredentialSource ContainerSource(std::chrono::milliseconds timeout) {
  auto client = std::make_shared<io::http::Client>(MetadataClientOptions(timeout));
  return {"container endpoint", [client]() -> arrow::Result<AwsCredentials> {
            std::string relative = Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
            std::string full = Env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
            io::http::Request request;
            if (!relative.empty()) {
              request.url = "http://169.254.170.2" + relative;
            } else if (!full.empty()) {
              if (!AllowedFullUri(full)) {
                return arrow::Status::Invalid(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI ", full,
                    " is neither https nor a loopback, ECS or EKS Pod Identity address");
              }
              request.url = full;
            } else {
              return arrow::Status::KeyError(
                  "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
                  "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
            }
            // The token file is read at every fetch: EKS Pod Identity rotates it.
            std::string token_file = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            std::string token;
            if (!token_file.empty()) {
              ARROW_ASSIGN_OR_RAISE(token, ReadAuthorizationToken(token_file));
            } else {
              token = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
            }
            if (!token.empty()) request.SetHeader("Authorization", token);
            request.SetHeader("Accept", "application/json");
            const std::string what = "container credentials at " + request.url;
            ARROW_ASSIGN_OR_RAISE(auto response, Send(*client, request, what));
            if (!response.ok()) {
              return arrow::Status::IOError(what, ": HTTP ", response.status);
            }
            ARROW_ASSIGN_OR_RAISE(AwsCredentials creds, ParseCredentialsJson(response.body, what));
            creds.source = "container endpoint";
            return creds;
          }};
}

CredentialSource InstanceMetadataSource(std::chrono::milliseconds timeout) {
  auto client = std::make_shared<io::http::Client>(MetadataClientOptions(timeout));
  return {"EC2 instance metadata (IMDSv2)", [client]() -> arrow::Result<AwsCredentials> {
            std::string disabled = Env("AWS_EC2_METADATA_DISABLED");
            for (auto& c : disabled) c = static_cast<char>(std::tolower(c));
            if (disabled == "true") {
              return arrow::Status::KeyError("AWS_EC2_METADATA_DISABLED is true");
            }
            std::string endpoint = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
            if (endpoint.empty()) endpoint = "http://169.254.169.254";
            while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
            const std::string what = "instance metadata at " + endpoint;

            io::http::Request token_request;
            token_request.method = "PUT";
            token_request.url = endpoint + "/latest/api/token";
            token_request.SetHeader("X-aws-ec2-metadata-token-ttl-seconds", "21600");
            ARROW_ASSIGN_OR_RAISE(auto token, Send(*client, token_request, what));
            if (!token.ok()) {
              return arrow::Status::IOError(what, ": PUT /latest/api/token answered HTTP ",
                                            token.status);
            }
            const std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
            io::http::Request role_request;
            role_request.url = base;
            role_request.SetHeader("X-aws-ec2-metadata-token", token.body);
            ARROW_ASSIGN_OR_RAISE(auto role, Send(*client, role_request, what));
            if (role.status == 404) {
              return arrow::Status::IOError(what, ": the instance has no IAM role attached");
            }
            if (!role.ok()) {
              return arrow::Status::IOError(what, ": the role name query answered HTTP ",
                                            role.status);
            }
            std::string role_name = role.body.substr(0, role.body.find('\n'));
            while (!role_name.empty() && (role_name.back() == '\r' || role_name.back() == ' '))
              role_name.pop_back();
            if (role_name.empty()) {
              return arrow::Status::IOError(what, ": the instance has no IAM role attached");
            }
            io::http::Request creds_request;
            creds_request.url = base + io::http::UrlEncode(role_name);
            creds_request.SetHeader("X-aws-ec2-metadata-token", token.body);
            ARROW_ASSIGN_OR_RAISE(auto answer, Send(*client, creds_request, what));
            if (!answer.ok()) {
              return arrow::Status::IOError(what, ": the credentials of role ", role_name,
                                            " answered HTTP ", answer.status);
            }
            ARROW_ASSIGN_OR_RAISE(AwsCredentials creds,
                                  ParseCredentialsJson(answer.body, what + " role " + role_name));
            creds.source = "instance profile " + role_name;
            return creds;
          }};
}

}  // namespace floe::catalog::aws
