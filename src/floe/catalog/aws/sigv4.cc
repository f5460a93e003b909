#include "floe/catalog/aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <vector>

namespace floe::catalog::aws {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The parts of an absolute URL that signing needs.
struct UrlParts {
  std::string scheme;
  std::string host;  // as the Host header carries it: a default port left out
  std::string path;
  std::string query;
};

arrow::Result<UrlParts> ParseUrl(const std::string& url) {
  UrlParts parts;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return arrow::Status::Invalid("cannot sign a request to '", url,
                                  "': not an absolute http(s) URL");
  }
  parts.scheme = Lower(url.substr(0, scheme_end));
  size_t authority_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  std::string authority = url.substr(authority_start, authority_end == std::string::npos
                                                          ? std::string::npos
                                                          : authority_end - authority_start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    std::string port = authority.substr(colon + 1);
    if ((parts.scheme == "https" && port == "443") || (parts.scheme == "http" && port == "80")) {
      authority.erase(colon);
    }
  }
  parts.host = authority;
  if (authority_end == std::string::npos) {
    parts.path = "/";
    return parts;
  }
  std::string rest = url.substr(authority_end);
  if (auto hash = rest.find('#'); hash != std::string::npos) rest.erase(hash);
  auto question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != std::string::npos) parts.query = rest.substr(question + 1);
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// RFC 3986 unreserved characters stay, '/' too; everything else is %XX (upper-case hex).
std::string EncodePath(std::string_view path) {
  std::string out;
  for (size_t start = 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    out += io::http::UrlEncode(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

// Removes empty, `.` and `..` segments; keeps a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  for (size_t start = 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (auto s : segments) {
    out += '/';
    out += s;
  }
  if (out.empty()) return "/";
  if (path.back() == '/') out += '/';
  return out;
}

std::string CanonicalUri(const std::string& path, const SigV4Options& options) {
  std::string p = options.normalize_path ? NormalizePath(path) : path;
  if (options.encode_path_again) return EncodePath(p);
  return EncodePath(PercentDecode(p));
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t start = 0; start <= query.size();) {
    size_t amp = query.find('&', start);
    size_t end = amp == std::string_view::npos ? query.size() : amp;
    std::string_view param = query.substr(start, end - start);
    if (!param.empty()) {
      auto eq = param.find('=');
      std::string_view key = param.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : param.substr(eq + 1);
      params.emplace_back(io::http::UrlEncode(PercentDecode(key)),
                          io::http::UrlEncode(PercentDecode(value)));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

// Leading and trailing whitespace removed, inner runs of whitespace made one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Headers a proxy or the HTTP stack may add, drop or rewrite; signing them breaks requests.
bool IsUnsignedHeader(const std::string& lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "connection" || lower_name == "x-amzn-trace-id";
}

std::string CredentialScope(const std::string& date, std::string_view region,
                            std::string_view service) {
  return date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
}

}  // namespace

std::string AwsCredentials::ToString() const {
  std::string out = "access key " + (access_key_id.empty() ? "(none)" : access_key_id);
  if (!source.empty()) out += " from " + source;
  if (!session_token.empty()) out += " (temporary, with session token)";
  return out;
}

SigV4Options SigV4Options::ForService(std::string_view service) {
  SigV4Options options;
  if (service == "s3") {
    options.normalize_path = false;
    options.encode_path_again = false;
    options.payload_hash_header = true;
  }
  return options;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, EVP_sha256(), nullptr);
  return Hex(out, size);
}

std::string AmzDate(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

arrow::Result<SigV4Parts> SignRequest(io::http::Request& request, const AwsCredentials& creds,
                                      std::string_view region, std::string_view service,
                                      std::chrono::system_clock::time_point now,
                                      const SigV4Options& options) {
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return arrow::Status::Invalid("cannot sign a request to ", request.url,
                                  ": the AWS credentials have no access key id or secret key");
  }
  if (region.empty()) {
    return arrow::Status::Invalid("cannot sign a request to ", request.url,
                                  ": no AWS region (set the catalog's region property or "
                                  "AWS_REGION)");
  }
  ARROW_ASSIGN_OR_RAISE(UrlParts url, ParseUrl(request.url));
  if (!request.Header("host")) request.SetHeader("Host", url.host);
  const std::string amz_date = AmzDate(now);
  const std::string date = amz_date.substr(0, 8);
  request.headers.erase(
      std::remove_if(request.headers.begin(), request.headers.end(),
                     [](const auto& h) { return Lower(h.first) == "authorization"; }),
      request.headers.end());
  request.SetHeader("X-Amz-Date", amz_date);
  const bool has_token = !creds.session_token.empty();
  if (has_token && options.sign_session_token) {
    request.SetHeader("X-Amz-Security-Token", creds.session_token);
  }
  std::string payload_hash;
  if (auto given = request.Header("x-amz-content-sha256")) {
    payload_hash = *given;
  } else {
    payload_hash = Sha256Hex(request.body);
    if (options.payload_hash_header) request.SetHeader("x-amz-content-sha256", payload_hash);
  }

  // Values of one name joined with ',' in the order sent; names sorted.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (IsUnsignedHeader(lower)) continue;
    auto [it, inserted] = headers.emplace(lower, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  SigV4Parts parts;
  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!parts.signed_headers.empty()) parts.signed_headers += ';';
    parts.signed_headers += name;
  }
  parts.canonical_request = request.method + "\n" + CanonicalUri(url.path, options) + "\n" +
                            CanonicalQuery(url.query) + "\n" + canonical_headers + "\n" +
                            parts.signed_headers + "\n" + payload_hash;
  const std::string scope = CredentialScope(date, region, service);
  parts.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                         Sha256Hex(parts.canonical_request);
  std::string key = HmacSha256("AWS4" + creds.secret_access_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  std::string signature = HmacSha256(key, parts.string_to_sign);
  parts.signature = Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  request.SetHeader("Authorization", std::string(kAlgorithm) +
                                         " Credential=" + creds.access_key_id + "/" + scope +
                                         ", SignedHeaders=" + parts.signed_headers +
                                         ", Signature=" + parts.signature);
  if (has_token && !options.sign_session_token) {
    request.SetHeader("X-Amz-Security-Token", creds.session_token);
  }
  return parts;
}

arrow::Status SignRequest(io::http::Request& request, const AwsCredentials& creds,
                          std::string_view region, std::string_view service,
                          std::chrono::system_clock::time_point now) {
  return SignRequest(request, creds, region, service, now, SigV4Options::ForService(service))
      .status();
}

}  // namespace floe::catalog::aws
