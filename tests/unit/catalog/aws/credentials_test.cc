#include "floe/catalog/aws/credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../../interop_python.h"
#include "../moto_server.h"
#include "floe/catalog/aws/profile_file.h"
#include "floe/catalog/aws/sts.h"
#include "loopback_http_server.h"

namespace floe::catalog::aws {
namespace {

namespace fs = std::filesystem;
using floe::testing::HttpAnswer;
using floe::testing::HttpExchange;
using floe::testing::LoopbackHttpServer;

const char* kChainVariables[] = {"AWS_ACCESS_KEY_ID",
                                 "AWS_SECRET_ACCESS_KEY",
                                 "AWS_SECRET_KEY",
                                 "AWS_SESSION_TOKEN",
                                 "AWS_CREDENTIAL_EXPIRATION",
                                 "AWS_PROFILE",
                                 "AWS_SHARED_CREDENTIALS_FILE",
                                 "AWS_CONFIG_FILE",
                                 "AWS_ROLE_ARN",
                                 "AWS_WEB_IDENTITY_TOKEN_FILE",
                                 "AWS_ROLE_SESSION_NAME",
                                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                 "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                 "AWS_EC2_METADATA_DISABLED",
                                 "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                 "AWS_ENDPOINT_URL",
                                 "AWS_ENDPOINT_URL_STS",
                                 "AWS_REGION",
                                 "AWS_DEFAULT_REGION"};

// Every test starts from an environment with no AWS settings and a HOME of its own.
class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kChainVariables) unsetenv(name);
    home_ = fs::temp_directory_path() /
            ("floe-aws-home-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    old_home_ = getenv("HOME") ? getenv("HOME") : "";
    setenv("HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    setenv("HOME", old_home_.c_str(), 1);
    for (const char* name : kChainVariables) unsetenv(name);
    fs::remove_all(home_);
  }
  void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  fs::path home_;
  std::string old_home_;
};

TEST_F(CredentialsTest, EnvironmentGivesKeysAndSessionToken) {
  setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_SESSION_TOKEN", "env-token", 1);
  auto creds = EnvironmentSource().fetch();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIAENV");
  EXPECT_EQ(creds->secret_access_key, "env-secret");
  EXPECT_EQ(creds->session_token, "env-token");
  EXPECT_EQ(creds->source, "environment");
}

TEST_F(CredentialsTest, EnvironmentWithoutSecretIsAnErrorThatSaysSo) {
  setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
  auto creds = EnvironmentSource().fetch();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(CredentialsTest, ProfilesComeFromTheCredentialsAndConfigFiles) {
  Write(home_ / ".aws/credentials",
        "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n"
        "# a comment\n[dev]\naws_access_key_id=AKIADEV\naws_secret_access_key=dev-secret\n"
        "aws_session_token = dev-token\n");
  Write(home_ / ".aws/config",
        "[default]\nregion = eu-west-1\n[profile ops]\nregion = us-west-2\n"
        "aws_access_key_id = AKIAOPS\naws_secret_access_key = ops-secret ; inline comment\n");

  auto def = ProfileSource("", "").fetch();
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(def->source, "profile default");

  setenv("AWS_PROFILE", "dev", 1);
  auto dev = ProfileSource("", "").fetch();
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->access_key_id, "AKIADEV");
  EXPECT_EQ(dev->session_token, "dev-token");

  // An explicit profile (the catalog's profile-name) wins over AWS_PROFILE; `[profile ops]`
  // of the config file is profile "ops".
  auto ops = ProfileSource("ops", "").fetch();
  ASSERT_TRUE(ops.ok()) << ops.status().ToString();
  EXPECT_EQ(ops->access_key_id, "AKIAOPS");
  EXPECT_EQ(ops->secret_access_key, "ops-secret");
  EXPECT_EQ(ResolveRegion("", "ops"), "us-west-2");
  unsetenv("AWS_PROFILE");
  EXPECT_EQ(ResolveRegion("", ""), "eu-west-1");
  setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
  EXPECT_EQ(ResolveRegion("", ""), "ap-south-1");
  setenv("AWS_REGION", "sa-east-1", 1);
  EXPECT_EQ(ResolveRegion("", ""), "sa-east-1");
  EXPECT_EQ(ResolveRegion("us-east-2", ""), "us-east-2");

  auto missing = ProfileSource("nope", "").fetch();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

TEST_F(CredentialsTest, FilesNamedByTheEnvironmentAreRead) {
  Write(home_ / "elsewhere/creds",
        "[default]\naws_access_key_id=AKIAFILE\n"
        "aws_secret_access_key=file-secret\n");
  setenv("AWS_SHARED_CREDENTIALS_FILE", (home_ / "elsewhere/creds").c_str(), 1);
  auto creds = ProfileSource("", "").fetch();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIAFILE");
}

TEST_F(CredentialsTest, TheChainTakesTheFirstSourceInOrderAndSaysWhatItTriedOtherwise) {
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  Write(home_ / ".aws/credentials",
        "[default]\naws_access_key_id=AKIAPROFILE\naws_secret_access_key=profile-secret\n");
  setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  auto env_first = MakeDefaultCredentialsProvider({})->GetCredentials();
  ASSERT_TRUE(env_first.ok());
  EXPECT_EQ(env_first->access_key_id, "AKIAENV");

  CredentialChainOptions explicit_keys;
  explicit_keys.static_credentials.access_key_id = "AKIASTATIC";
  explicit_keys.static_credentials.secret_access_key = "static-secret";
  auto static_first = MakeDefaultCredentialsProvider(explicit_keys)->GetCredentials();
  ASSERT_TRUE(static_first.ok());
  EXPECT_EQ(static_first->access_key_id, "AKIASTATIC");

  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  auto profile = MakeDefaultCredentialsProvider({})->GetCredentials();
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->access_key_id, "AKIAPROFILE");

  fs::remove(home_ / ".aws/credentials");
  auto none = MakeDefaultCredentialsProvider({})->GetCredentials();
  ASSERT_FALSE(none.ok());
  const std::string& message = none.status().message();
  for (const char* source : {"environment", "profile default", "web identity", "container endpoint",
                             "EC2 instance metadata"}) {
    EXPECT_NE(message.find(source), std::string::npos) << source << " in " << message;
  }
  EXPECT_NE(message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos) << message;
}

TEST_F(CredentialsTest, CachedCredentialsAreFetchedAgainFiveMinutesBeforeTheyExpire) {
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  auto now = t0;
  int fetches = 0;
  bool fail = false;
  CredentialSource source{"counting", [&]() -> arrow::Result<AwsCredentials> {
                            if (fail) return arrow::Status::IOError("endpoint down");
                            ++fetches;
                            AwsCredentials creds;
                            creds.access_key_id = "AKIA" + std::to_string(fetches);
                            creds.secret_access_key = "s";
                            creds.expiration = now + std::chrono::minutes(15);
                            return creds;
                          }};
  CachedCredentialsProvider provider(source, [&] { return now; });
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIA1");
  now = t0 + std::chrono::minutes(9);
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIA1");
  now = t0 + std::chrono::minutes(10) + std::chrono::seconds(1);  // 4m59s before expiry
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIA2");
  EXPECT_EQ(fetches, 2);
  // A failing refresh keeps the still-valid credentials, then fails once they have expired.
  fail = true;
  now = t0 + std::chrono::minutes(22);
  EXPECT_EQ(provider.GetCredentials()->access_key_id, "AKIA2");
  now = t0 + std::chrono::minutes(26);
  EXPECT_FALSE(provider.GetCredentials().ok());
}

TEST_F(CredentialsTest, ManyThreadsShareOneFetch) {
  std::atomic<int> fetches{0};
  CachedCredentialsProvider provider({"slow", [&]() -> arrow::Result<AwsCredentials> {
                                        ++fetches;
                                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                        AwsCredentials creds;
                                        creds.access_key_id = "AKIA";
                                        creds.secret_access_key = "s";
                                        return creds;
                                      }});
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(provider.GetCredentials().ok()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetches.load(), 1);
}

std::string ContainerJson(const std::string& key, const std::string& expiration) {
  return R"({"AccessKeyId":")" + key +
         R"(","SecretAccessKey":"container-secret","Token":"container-token","Expiration":")" +
         expiration + R"("})";
}

TEST_F(CredentialsTest, ContainerEndpointGetsTheTokenFileReadAtEveryFetch) {
  LoopbackHttpServer server([](const HttpExchange& request) -> HttpAnswer {
    auto it = request.headers.find("authorization");
    if (request.path != "/v1/credentials" || it == request.headers.end() ||
        it->second.rfind("pod-token-", 0) != 0) {
      return {401, R"({"message":"bad token"})"};
    }
    return {200, ContainerJson("ASIA-" + it->second, "2099-01-01T00:00:00Z")};
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/v1/credentials").c_str(), 1);
  Write(home_ / "token", "pod-token-1\n");
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (home_ / "token").c_str(), 1);
  auto source = ContainerSource(std::chrono::milliseconds(1000));
  auto first = source.fetch();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->access_key_id, "ASIA-pod-token-1");
  EXPECT_EQ(first->session_token, "container-token");
  ASSERT_TRUE(first->expiration.has_value());
  EXPECT_EQ(*first->expiration, std::chrono::system_clock::from_time_t(4070908800));

  Write(home_ / "token", "pod-token-2");  // rotated
  auto second = source.fetch();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->access_key_id, "ASIA-pod-token-2");

  // The token file wins over the token variable; without either the endpoint refuses.
  unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-token-env", 1);
  EXPECT_EQ(source.fetch()->access_key_id, "ASIA-pod-token-env");
  unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  auto refused = source.fetch();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("401"), std::string::npos);
}

TEST_F(CredentialsTest, ContainerFullUriMustBeHttpsOrALocalAddress) {
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://credentials.example.com/creds", 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-pod-token", 1);
  auto creds = ContainerSource(std::chrono::milliseconds(200)).fetch();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("neither https nor"), std::string::npos);
  EXPECT_EQ(creds.status().message().find("secret-pod-token"), std::string::npos);
}

TEST_F(CredentialsTest, InstanceMetadataV2AsksForASessionTokenFirst) {
  LoopbackHttpServer imds([](const HttpExchange& request) -> HttpAnswer {
    if (request.method == "PUT" && request.path == "/latest/api/token") {
      auto ttl = request.headers.find("x-aws-ec2-metadata-token-ttl-seconds");
      if (ttl == request.headers.end()) return {400, ""};
      return {200, "imds-session-token", "text/plain"};
    }
    auto token = request.headers.find("x-aws-ec2-metadata-token");
    if (token == request.headers.end() || token->second != "imds-session-token") {
      return {401, "", "text/plain"};
    }
    if (request.path == "/latest/meta-data/iam/security-credentials/") {
      return {200, "floe-node-role", "text/plain"};
    }
    if (request.path == "/latest/meta-data/iam/security-credentials/floe-node-role") {
      return {200, R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS",)"
                   R"("SecretAccessKey":"imds-secret","Token":"imds-token",)"
                   R"("Expiration":"2099-01-01T00:00:00Z"})"};
    }
    return {404, ""};
  });
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url().c_str(), 1);
  auto creds = InstanceMetadataSource(std::chrono::milliseconds(1000)).fetch();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAIMDS");
  EXPECT_EQ(creds->session_token, "imds-token");
  EXPECT_EQ(creds->source, "instance profile floe-node-role");
  auto exchanges = imds.exchanges();
  ASSERT_EQ(exchanges.size(), 3u);
  EXPECT_EQ(exchanges[0].method, "PUT");

  setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
  auto disabled = InstanceMetadataSource(std::chrono::milliseconds(1000)).fetch();
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(imds.exchanges().size(), 3u);
}

TEST_F(CredentialsTest, InstanceMetadataOnAMachineWithoutItFailsFast) {
  // A port nothing listens on stands for a machine that is not on EC2.
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
  auto start = std::chrono::steady_clock::now();
  auto creds = InstanceMetadataSource(std::chrono::milliseconds(300)).fetch();
  EXPECT_FALSE(creds.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(AwsTimeTest, ParsesTheFormsAwsWrites) {
  auto expected = std::chrono::system_clock::from_time_t(1764604800);  // 2025-12-01T16:00:00Z
  EXPECT_EQ(*ParseAwsTime("2025-12-01T16:00:00Z"), expected);
  EXPECT_EQ(*ParseAwsTime("2025-12-01T16:00:00.123Z"), expected);
  EXPECT_EQ(*ParseAwsTime("2025-12-01T17:00:00+01:00"), expected);
  EXPECT_FALSE(ParseAwsTime("yesterday").ok());
}

TEST(StsAnswerTest, ErrorsNameTheCodeAndMessage) {
  auto error = ParseStsCredentials(
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not "
      "authorized &amp; denied</Message></Error></ErrorResponse>",
      403, "STS AssumeRole");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("AccessDenied: Not authorized & denied"),
            std::string::npos)
      << error.status().message();
}

// moto's STS, started once for this suite.
class MotoStsTest : public CredentialsTest {
 protected:
  static void SetUpTestSuite() {
    std::string python = floe::interop::InteropPython();
    if (!python.empty()) moto_.Start(python);
  }
  static void TearDownTestSuite() { moto_.Stop(); }
  std::string Endpoint() const { return moto_.endpoint(); }
  static inline floe::testing::MotoServer moto_;
};

TEST_F(MotoStsTest, WebIdentityIsExchangedAtStsForTheRolesCredentials) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  setenv("AWS_ENDPOINT_URL_STS", Endpoint().c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/floe-irsa", 1);
  setenv("AWS_ROLE_SESSION_NAME", "floe-test", 1);
  Write(home_ / "irsa-token", "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl\n");
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", (home_ / "irsa-token").c_str(), 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);

  auto creds = MakeDefaultCredentialsProvider({})->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id.substr(0, 4), "ASIA");
  EXPECT_FALSE(creds->secret_access_key.empty());
  EXPECT_FALSE(creds->session_token.empty());
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_GT(*creds->expiration, std::chrono::system_clock::now());
  EXPECT_EQ(creds->source, "web identity (arn:aws:iam::123456789012:role/floe-irsa)");
}

TEST_F(MotoStsTest, ARoleIsAssumedOnTopOfTheCredentialsFound) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  setenv("AWS_ENDPOINT_URL", Endpoint().c_str(), 1);
  CredentialChainOptions options;
  options.static_credentials.access_key_id = "AKIABASEKEY";
  options.static_credentials.secret_access_key = "base-secret";
  options.region = "us-east-1";
  options.role_arn = "arn:aws:iam::123456789012:role/floe-glue";
  options.role_session_name = "floe-assume";
  auto creds = MakeDefaultCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_NE(creds->access_key_id, "AKIABASEKEY");
  EXPECT_FALSE(creds->session_token.empty());
  EXPECT_EQ(creds->source, "assumed role arn:aws:iam::123456789012:role/floe-glue");
}

TEST_F(MotoStsTest, AProfileAssumesItsRoleWithItsSourceProfilesKeys) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  setenv("AWS_ENDPOINT_URL_STS", Endpoint().c_str(), 1);
  Write(home_ / ".aws/credentials",
        "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n");
  Write(home_ / ".aws/config",
        "[profile analyst]\nrole_arn = arn:aws:iam::123456789012:role/analyst\n"
        "source_profile = base\nrole_session_name = floe-analyst\nregion = us-east-1\n"
        "[profile loop]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop2\n"
        "[profile loop2]\nrole_arn = arn:aws:iam::123456789012:role/y\nsource_profile = loop\n");
  auto creds = ProfileSource("analyst", "").fetch();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id.substr(0, 4), "ASIA");
  EXPECT_FALSE(creds->session_token.empty());
  EXPECT_EQ(creds->source, "profile analyst (arn:aws:iam::123456789012:role/analyst)");
  auto loop = ProfileSource("loop", "").fetch();
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.status().message().find("longer than 4"), std::string::npos)
      << loop.status().message();
}

}  // namespace
}  // namespace floe::catalog::aws
