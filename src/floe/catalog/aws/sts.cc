#include "floe/catalog/aws/sts.h"

#include <cstdlib>

#include "floe/catalog/aws/credentials.h"
#include "floe/io/http/http_client.h"

namespace floe::catalog::aws {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The text of the first <tag>…</tag> in `xml` (STS answers are small and flat enough that a
// tag search is exact), with XML's five entities decoded.
std::string XmlText(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  size_t start = open + tag.size() + 2;
  auto close = xml.find("</" + tag + ">", start);
  if (close == std::string::npos) return "";
  std::string raw = xml.substr(start, close - start);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      static const std::pair<const char*, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool replaced = false;
      for (const auto& [entity, c] : kEntities) {
        if (raw.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
          out += c;
          i += std::char_traits<char>::length(entity) - 1;
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out += raw[i];
  }
  return out;
}

io::http::Client& StsClient() {
  static io::http::Client client([] {
    io::http::ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.request_timeout = std::chrono::milliseconds(30000);
    return options;
  }());
  return client;
}

arrow::Result<io::http::Response> PostSts(io::http::Request& request, const std::string& region,
                                          const AwsCredentials* signer) {
  request.method = "POST";
  request.url = StsEndpoint(region);
  request.SetHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  if (signer != nullptr) {
    ARROW_RETURN_NOT_OK(SignRequest(request, *signer, region.empty() ? "us-east-1" : region, "sts",
                                    std::chrono::system_clock::now()));
  }
  return StsClient().Send(request);
}

}  // namespace

std::string StsEndpoint(const std::string& region) {
  for (const char* env : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    std::string value = Env(env);
    if (!value.empty()) {
      while (!value.empty() && value.back() == '/') value.pop_back();
      return value + "/";
    }
  }
  if (region.empty()) return "https://sts.amazonaws.com/";
  std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://sts." + region + "." + suffix + "/";
}

arrow::Result<AwsCredentials> ParseStsCredentials(const std::string& xml, int http_status,
                                                  const std::string& what) {
  if (http_status < 200 || http_status >= 300) {
    std::string code = XmlText(xml, "Code");
    std::string message = XmlText(xml, "Message");
    return arrow::Status::IOError(what, " failed: HTTP ", http_status,
                                  code.empty() ? "" : " " + code,
                                  message.empty() ? "" : ": " + message);
  }
  AwsCredentials creds;
  creds.access_key_id = XmlText(xml, "AccessKeyId");
  creds.secret_access_key = XmlText(xml, "SecretAccessKey");
  creds.session_token = XmlText(xml, "SessionToken");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return arrow::Status::IOError(what, ": the STS answer has no Credentials element");
  }
  std::string expiration = XmlText(xml, "Expiration");
  if (!expiration.empty()) {
    ARROW_ASSIGN_OR_RAISE(creds.expiration, ParseAwsTime(expiration));
  }
  return creds;
}

arrow::Result<AwsCredentials> AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                        const std::string& session_name,
                                                        const std::string& web_identity_token,
                                                        const std::string& region) {
  io::http::Request request;
  request.body = io::http::FormEncode({{"Action", "AssumeRoleWithWebIdentity"},
                                       {"Version", "2011-06-15"},
                                       {"RoleArn", role_arn},
                                       {"RoleSessionName", session_name},
                                       {"WebIdentityToken", web_identity_token}});
  const std::string what =
      "STS AssumeRoleWithWebIdentity for " + role_arn + " at " + StsEndpoint(region);
  auto response = PostSts(request, region, nullptr);
  if (!response.ok()) return response.status().WithMessage(what, ": ", response.status().message());
  return ParseStsCredentials(response->body, response->status, what);
}

arrow::Result<AwsCredentials> AssumeRole(const AwsCredentials& base, const std::string& role_arn,
                                         const std::string& session_name,
                                         const std::string& external_id,
                                         const std::string& region) {
  io::http::Request request;
  std::vector<std::pair<std::string, std::string>> fields = {{"Action", "AssumeRole"},
                                                             {"Version", "2011-06-15"},
                                                             {"RoleArn", role_arn},
                                                             {"RoleSessionName", session_name}};
  if (!external_id.empty()) fields.emplace_back("ExternalId", external_id);
  request.body = io::http::FormEncode(fields);
  const std::string what = "STS AssumeRole of " + role_arn + " with " + base.ToString();
  auto response = PostSts(request, region, &base);
  if (!response.ok()) return response.status().WithMessage(what, ": ", response.status().message());
  return ParseStsCredentials(response->body, response->status, what);
}

}  // namespace floe::catalog::aws
