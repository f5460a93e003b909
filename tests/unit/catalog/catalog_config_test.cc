#include "floe/catalog/catalog_config.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace floe::catalog {
namespace {

namespace fs = std::filesystem;

class CatalogConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("floe-config-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_ / "home");
    fs::create_directories(root_ / "pyiceberg-home");
    fs::create_directories(root_ / "cwd");
  }
  void TearDown() override { fs::remove_all(root_); }

  void WriteConfig(const std::string& folder, const std::string& text) {
    std::ofstream(root_ / folder / ".pyiceberg.yaml") << text;
  }
  arrow::Result<CatalogConfig> Load(const std::map<std::string, std::string>& env) {
    return CatalogConfig::Load(env, (root_ / "home").string(), (root_ / "cwd").string());
  }

  fs::path root_;
};

TEST_F(CatalogConfigTest, ReadsCatalogsFromTheHomeFile) {
  WriteConfig("home", R"(
default-catalog: Prod
catalog:
  prod:
    type: rest
    uri: https://catalog.example.com/api
    credential: "client:secret"
    s3:
      endpoint: http://127.0.0.1:9000
  local:
    uri: sqlite:////tmp/wh/catalog.db
    warehouse: file:///tmp/wh
    S3.Region: eu-west-1
)");
  auto config = Load({});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source(), (root_ / "home" / ".pyiceberg.yaml").string());
  EXPECT_EQ(config->default_catalog(), "prod");
  EXPECT_EQ(config->catalog_names(), (std::vector<std::string>{"local", "prod"}));
  auto prod = config->catalog("PROD");
  ASSERT_TRUE(prod.has_value());
  EXPECT_EQ(prod->at("type"), "rest");
  EXPECT_EQ(prod->at("credential"), "client:secret");
  EXPECT_EQ(prod->at("s3.endpoint"), "http://127.0.0.1:9000");  // nested keys joined by '.'
  EXPECT_EQ(config->catalog("local")->at("s3.region"), "eu-west-1");  // keys lower-cased
  EXPECT_FALSE(config->catalog("missing").has_value());
}

TEST_F(CatalogConfigTest, PyicebergHomeComesFirstThenHomeThenCwd) {
  WriteConfig("cwd", "catalog:\n  a:\n    uri: sqlite:///cwd.db\n");
  auto from_cwd = Load({});
  ASSERT_TRUE(from_cwd.ok());
  EXPECT_EQ(from_cwd->catalog("a")->at("uri"), "sqlite:///cwd.db");

  WriteConfig("home", "catalog:\n  a:\n    uri: sqlite:///home.db\n");
  EXPECT_EQ(Load({})->catalog("a")->at("uri"), "sqlite:///home.db");

  WriteConfig("pyiceberg-home", "catalog:\n  a:\n    uri: sqlite:///ph.db\n");
  auto from_ph = Load({{"PYICEBERG_HOME", (root_ / "pyiceberg-home").string()}});
  ASSERT_TRUE(from_ph.ok());
  EXPECT_EQ(from_ph->catalog("a")->at("uri"), "sqlite:///ph.db");
  // Only the first file found is read, as PyIceberg does.
  EXPECT_EQ(from_ph->source(), (root_ / "pyiceberg-home" / ".pyiceberg.yaml").string());
}

TEST_F(CatalogConfigTest, EnvironmentVariablesAddAndOverride) {
  WriteConfig("home", "catalog:\n  prod:\n    uri: http://a\n    warehouse: w1\n");
  auto config = Load({
      {"PYICEBERG_CATALOG__PROD__URI", "http://b"},
      {"PYICEBERG_CATALOG__PROD__S3__ACCESS_KEY_ID", "AKID"},
      {"PYICEBERG_CATALOG__PROD__REST__SIGV4_ENABLED", "true"},
      {"PYICEBERG_CATALOG__MY_GLUE__TYPE", "glue"},
      {"pyiceberg_catalog__lower__type", "sql"},
      {"PYICEBERG_DEFAULT_CATALOG", "my-glue"},
      {"PYICEBERG_MAX_WORKERS", "4"},  // not a catalog setting
      {"UNRELATED", "x"},
  });
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto prod = *config->catalog("prod");
  EXPECT_EQ(prod.at("uri"), "http://b");
  EXPECT_EQ(prod.at("warehouse"), "w1");
  EXPECT_EQ(prod.at("s3.access-key-id"), "AKID");
  EXPECT_EQ(prod.at("rest.sigv4-enabled"), "true");
  EXPECT_EQ(config->catalog("my-glue")->at("type"), "glue");
  EXPECT_EQ(config->catalog("lower")->at("type"), "sql");
  EXPECT_EQ(config->default_catalog(), "my-glue");
  EXPECT_EQ(config->catalog_names(), (std::vector<std::string>{"lower", "my-glue", "prod"}));
}

TEST_F(CatalogConfigTest, NoConfigurationAtAll) {
  auto config = Load({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->source(), "");
  EXPECT_EQ(config->default_catalog(), "default");
  EXPECT_TRUE(config->catalog_names().empty());
}

TEST_F(CatalogConfigTest, MalformedFilesAreNamedInTheError) {
  WriteConfig("home", "catalog: [a, b]\n");
  auto not_a_map = Load({});
  ASSERT_FALSE(not_a_map.ok());
  EXPECT_NE(not_a_map.status().message().find(".pyiceberg.yaml"), std::string::npos);

  WriteConfig("home", "catalog:\n  prod: {uri: [1, 2]}\n");
  auto list_value = Load({});
  ASSERT_FALSE(list_value.ok());
  EXPECT_NE(list_value.status().message().find("'uri'"), std::string::npos)
      << list_value.status().message();

  WriteConfig("home", "catalog:\n  prod: {uri: \"unterminated\n");
  EXPECT_FALSE(Load({}).ok());
}

TEST(CatalogTypeTest, InferredFromTheUriAsPyicebergDoes) {
  EXPECT_EQ(*CatalogType("a", {{"uri", "https://x/api"}}), "rest");
  EXPECT_EQ(*CatalogType("a", {{"uri", "http://127.0.0.1:8181"}}), "rest");
  EXPECT_EQ(*CatalogType("a", {{"uri", "sqlite:////tmp/c.db"}}), "sql");
  EXPECT_EQ(*CatalogType("a", {{"type", "GLUE"}}), "glue");
  auto none = CatalogType("prod", {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("PYICEBERG_CATALOG__prod__TYPE"), std::string::npos);
  EXPECT_FALSE(CatalogType("a", {{"uri", "thrift://hive:9083"}}).ok());
}

TEST(RedactSecretsTest, MasksEverySecretAndNothingElse) {
  Properties props = {{"uri", "https://x"},
                      {"credential", "id:secret"},
                      {"token", "t"},
                      {"s3.access-key-id", "AKID"},
                      {"s3.secret-access-key", "sk"},
                      {"s3.session-token", "st"},
                      {"header.Authorization", "Bearer x"},
                      {"jdbc.password", "pw"}};
  auto shown = RedactSecrets(props);
  EXPECT_EQ(shown.at("uri"), "https://x");
  EXPECT_EQ(shown.at("s3.access-key-id"), "AKID");
  for (const char* key : {"credential", "token", "s3.secret-access-key", "s3.session-token",
                          "header.Authorization", "jdbc.password"}) {
    EXPECT_EQ(shown.at(key), "********") << key;
  }
}

TEST_F(CatalogConfigTest, LoadsTheSqlCatalogItConfigures) {
  const std::string wh = (root_ / "wh").string();
  auto catalog = LoadCatalog("local", {{"type", "sql"},
                                       {"uri", "sqlite:///" + wh + "/catalog.db"},
                                       {"warehouse", "file://" + wh}});
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ((*catalog)->name(), "local");
  ASSERT_TRUE((*catalog)->CreateNamespace({"logs"}, {}).ok());
  EXPECT_TRUE(*(*catalog)->NamespaceExists({"logs"}));
  EXPECT_TRUE(fs::exists(root_ / "wh" / "catalog.db"));

  auto postgres = LoadCatalog("pg", {{"uri", "postgresql+psycopg2://u@h/db"}});
  ASSERT_FALSE(postgres.ok());
  EXPECT_NE(postgres.status().message().find("SQLite"), std::string::npos);
}

TEST_F(CatalogConfigTest, NamedCatalogsOpenAsPyicebergsLoadCatalogDoes) {
  const std::string wh = (root_ / "wh").string();
  WriteConfig("home", "default-catalog: lake\ncatalog:\n  lake:\n    type: sql\n"
                      "    uri: sqlite:///" + wh + "/lake.db\n    warehouse: file://" + wh +
                      "\n    s3.region: eu\n");
  auto config = Load({});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  // A configured name (the default one here), with the overrides over its settings.
  auto lake = LoadNamedCatalog(*config, "", {{"s3.region", "us"}});
  ASSERT_TRUE(lake.ok()) << lake.status().ToString();
  EXPECT_EQ(lake->catalog->name(), "lake");
  EXPECT_EQ(lake->properties.at("s3.region"), "us");
  EXPECT_EQ(lake->properties.at("type"), "sql");
  ASSERT_TRUE(lake->catalog->CreateNamespace({"a"}, {}).ok());
  EXPECT_TRUE(fs::exists(root_ / "wh" / "lake.db"));
  // An unconfigured name with a uri: opened from the properties alone.
  auto other = LoadNamedCatalog(*config, "other", {{"uri", "sqlite:///" + wh + "/other.db"},
                                                  {"warehouse", "file://" + wh}});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_TRUE(fs::exists(root_ / "wh" / "other.db"));
  // Without type or uri: the embedded catalog in the warehouse folder.
  const std::string embedded = (root_ / "embedded").string();
  auto local = LoadNamedCatalog(*config, "default", {{"warehouse", embedded}});
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->catalog->name(), "default");
  ASSERT_TRUE(local->catalog->CreateNamespace({"b"}, {}).ok());
  EXPECT_TRUE(fs::exists(root_ / "embedded" / "catalog.db"));
  EXPECT_FALSE(*lake->catalog->NamespaceExists({"b"}));
}

}  // namespace
}  // namespace floe::catalog
