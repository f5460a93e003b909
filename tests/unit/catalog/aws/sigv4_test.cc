#include "floe/catalog/aws/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace floe::catalog::aws {
namespace {

namespace fs = std::filesystem;

// The published SigV4 test suite (tests/data/sigv4/README.md says where it comes from).
const fs::path kSuite = fs::path(FLOE_TEST_DATA_DIR) / "sigv4";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// request.txt: "METHOD PATH HTTP/1.1", header lines (a line starting with whitespace continues
// the previous value), a blank line, the body.
io::http::Request ParseSuiteRequest(const std::string& text) {
  io::http::Request request;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  auto first_space = line.find(' ');
  auto version = line.rfind(" HTTP/");
  request.method = line.substr(0, first_space);
  std::string target = line.substr(first_space + 1, version - first_space - 1);
  std::string host;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      request.headers.back().second += "\n" + line;
      continue;
    }
    auto colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    if (line.substr(0, colon) == "Host") host = line.substr(colon + 1);
  }
  std::stringstream rest;
  rest << in.rdbuf();
  request.body = rest.str();
  request.url = "https://" + host + target;
  return request;
}

std::string SignedRequestHeader(const std::string& signed_request, const std::string& name) {
  std::istringstream in(signed_request);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

std::chrono::system_clock::time_point SuiteTime() {
  // 2015-08-30T12:36:00Z, the time of every case.
  return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, CanonicalRequestStringToSignAndAuthorizationMatchTheSuite) {
  const fs::path dir = kSuite / GetParam();
  auto context = nlohmann::json::parse(ReadFile(dir / "context.json"));
  AwsCredentials creds;
  creds.access_key_id = context["credentials"]["access_key_id"];
  creds.secret_access_key = context["credentials"]["secret_access_key"];
  creds.session_token = context["credentials"].value("token", "");
  SigV4Options options;
  options.normalize_path = context["normalize"];
  options.payload_hash_header = context["sign_body"];
  options.sign_session_token = !context.value("omit_session_token", false);

  io::http::Request request = ParseSuiteRequest(ReadFile(dir / "request.txt"));
  auto parts = SignRequest(request, creds, context["region"].get<std::string>(),
                           context["service"].get<std::string>(), SuiteTime(), options);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->canonical_request, ReadFile(dir / "header-canonical-request.txt"));
  EXPECT_EQ(parts->string_to_sign, ReadFile(dir / "header-string-to-sign.txt"));
  const std::string expected = ReadFile(dir / "header-signed-request.txt");
  EXPECT_EQ(request.Header("Authorization").value_or(""),
            SignedRequestHeader(expected, "Authorization"));
  EXPECT_EQ(request.Header("X-Amz-Date").value_or(""), "20150830T123600Z");
  EXPECT_EQ(request.Header("X-Amz-Security-Token").value_or(""),
            SignedRequestHeader(expected, "X-Amz-Security-Token"));
}

std::vector<std::string> SuiteCases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(AwsSigV4TestSuite, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4SuiteTest, HasTheCasesItIsMeantToCheck) {
  auto names = SuiteCases();
  for (const char* expected :
       {"get-vanilla", "get-vanilla-query-order-key-case", "get-header-value-trim",
        "post-x-www-form-urlencoded", "get-utf8", "get-space-normalized",
        "get-slash-dot-slash-normalized", "get-relative-relative-normalized",
        "post-sts-header-before", "post-sts-header-after", "get-vanilla-with-session-token"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

AwsCredentials ExampleKeys() {
  AwsCredentials creds;
  creds.access_key_id = "AKIDEXAMPLE";
  creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  return creds;
}

TEST(SigV4Test, HostComesFromTheUrlWithoutADefaultPortAndIsSigned) {
  io::http::Request request;
  request.url = "https://glue.us-east-1.amazonaws.com:443/";
  ASSERT_TRUE(SignRequest(request, ExampleKeys(), "us-east-1", "glue", SuiteTime()).ok());
  EXPECT_EQ(request.Header("Host").value_or(""), "glue.us-east-1.amazonaws.com");

  io::http::Request local;
  local.url = "http://127.0.0.1:5000/?b=2&a=1";
  auto parts = SignRequest(local, ExampleKeys(), "us-east-1", "glue", SuiteTime(),
                           SigV4Options::ForService("glue"));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(local.Header("Host").value_or(""), "127.0.0.1:5000");
  EXPECT_NE(parts->canonical_request.find("\na=1&b=2\nhost:127.0.0.1:5000\n"), std::string::npos)
      << parts->canonical_request;
}

TEST(SigV4Test, OtherServicesEncodeThePathAgainAndS3SignsItAsSent) {
  io::http::Request rest;
  rest.url = "https://example.com/v1/namespaces/a%1Fb/tables";
  auto parts = SignRequest(rest, ExampleKeys(), "us-east-1", "execute-api", SuiteTime(),
                           SigV4Options::ForService("execute-api"));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->canonical_request.substr(0, parts->canonical_request.find("\n\n")),
            "GET\n/v1/namespaces/a%251Fb/tables");

  io::http::Request s3;
  s3.url = "https://bucket.s3.amazonaws.com/data/./a%20b/file=1.parquet";
  parts = SignRequest(s3, ExampleKeys(), "us-east-1", "s3", SuiteTime(),
                      SigV4Options::ForService("s3"));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->canonical_request.substr(0, parts->canonical_request.find('\n', 4)),
            "GET\n/data/./a%20b/file%3D1.parquet");
  // S3 wants the payload hash header, signed.
  EXPECT_EQ(s3.Header("x-amz-content-sha256").value_or(""), Sha256Hex(""));
  EXPECT_NE(parts->signed_headers.find("x-amz-content-sha256"), std::string::npos);
}

TEST(SigV4Test, ACallerChosenPayloadHashIsSignedAsGiven) {
  io::http::Request request;
  request.method = "PUT";
  request.url = "https://bucket.s3.amazonaws.com/k";
  request.body = "data";
  request.SetHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  auto parts = SignRequest(request, ExampleKeys(), "us-east-1", "s3", SuiteTime(),
                           SigV4Options::ForService("s3"));
  ASSERT_TRUE(parts.ok());
  EXPECT_TRUE(parts->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4Test, ResigningReplacesTheOldSignature) {
  io::http::Request request;
  request.method = "POST";
  request.url = "https://glue.us-east-1.amazonaws.com/";
  request.body = "{}";
  ASSERT_TRUE(SignRequest(request, ExampleKeys(), "us-east-1", "glue", SuiteTime()).ok());
  std::string first = request.Header("Authorization").value_or("");
  ASSERT_TRUE(SignRequest(request, ExampleKeys(), "us-east-1", "glue",
                          SuiteTime() + std::chrono::seconds(1))
                  .ok());
  int authorizations = 0;
  for (const auto& [name, value] : request.headers) authorizations += name == "Authorization";
  EXPECT_EQ(authorizations, 1);
  EXPECT_NE(request.Header("Authorization").value_or(""), first);
  EXPECT_EQ(request.Header("X-Amz-Date").value_or(""), "20150830T123601Z");
}

TEST(SigV4Test, MissingKeysOrRegionAreRefusedWithoutSecretsInTheMessage) {
  io::http::Request request;
  request.url = "https://glue.us-east-1.amazonaws.com/";
  AwsCredentials no_secret;
  no_secret.access_key_id = "AKIDEXAMPLE";
  EXPECT_TRUE(SignRequest(request, no_secret, "us-east-1", "glue", SuiteTime()).IsInvalid());
  auto no_region = SignRequest(request, ExampleKeys(), "", "glue", SuiteTime());
  EXPECT_TRUE(no_region.IsInvalid());
  EXPECT_EQ(no_region.message().find("wJalr"), std::string::npos);
}

TEST(AwsCredentialsTest, ToStringNamesTheKeyButNeverTheSecretOrToken) {
  AwsCredentials creds = ExampleKeys();
  creds.session_token = "TOKEN-SECRET-VALUE";
  creds.source = "environment";
  std::string text = creds.ToString();
  EXPECT_NE(text.find("AKIDEXAMPLE"), std::string::npos);
  EXPECT_NE(text.find("environment"), std::string::npos);
  EXPECT_EQ(text.find("wJalr"), std::string::npos);
  EXPECT_EQ(text.find("TOKEN-SECRET"), std::string::npos);
}

}  // namespace
}  // namespace floe::catalog::aws
