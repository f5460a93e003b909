#include "floe/catalog/catalog_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "floe/catalog/glue/glue_catalog.h"
#include "floe/catalog/rest/rest_catalog.h"
#include "floe/catalog/sql/sql_catalog.h"
#include "floe/util/properties.h"

extern char** environ;

namespace floe::catalog {
namespace {

constexpr const char* kConfigFile = ".pyiceberg.yaml";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// A catalog's settings, flattened: nested maps join their keys with '.', so
// `s3: {endpoint: x}` and `s3.endpoint: x` mean the same.
arrow::Status Flatten(const YAML::Node& node, const std::string& prefix, const std::string& where,
                      Properties* out) {
  for (const auto& item : node) {
    std::string key = Lower(item.first.as<std::string>());
    std::string full = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& value = item.second;
    if (value.IsMap()) {
      ARROW_RETURN_NOT_OK(Flatten(value, full, where, out));
    } else if (value.IsScalar()) {
      (*out)[full] = value.as<std::string>();
    } else if (value.IsNull()) {
      (*out)[full] = "";
    } else {
      return arrow::Status::Invalid(where, ": catalog setting '", full,
                                    "' must be a string, not a list");
    }
  }
  return arrow::Status::OK();
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `sqlite:///relative.db` and `sqlite:////abs/catalog.db` as SQLAlchemy (and so PyIceberg)
// read them.
arrow::Result<std::string> SqlitePath(const std::string& name, const std::string& uri) {
  constexpr std::string_view kPrefix = "sqlite:///";
  if (uri.rfind(kPrefix, 0) != 0) {
    return arrow::Status::Invalid(
        "catalog '", name, "': uri '", uri,
        "' is not a SQLite URI; floe's SQL catalog keeps its tables in SQLite "
        "(uri: sqlite:////absolute/path/catalog.db)");
  }
  std::string path = uri.substr(kPrefix.size());
  if (path.empty() || path == ":memory:") {
    return arrow::Status::Invalid("catalog '", name,
                                  "': an in-memory SQLite catalog would forget its tables at exit");
  }
  return path;
}

arrow::Result<std::unique_ptr<Catalog>> LoadSqlCatalog(const std::string& name,
                                                       const Properties& properties) {
  std::string uri = util::StringProperty(properties, "uri");
  if (uri.empty()) {
    return arrow::Status::Invalid("catalog '", name, "' (sql): set uri (sqlite:///…/catalog.db)");
  }
  ARROW_ASSIGN_OR_RAISE(auto db_path, SqlitePath(name, uri));
  std::string warehouse = util::StringProperty(properties, "warehouse");
  if (warehouse.empty()) {
    warehouse = std::filesystem::absolute(db_path).parent_path().string();
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog, SqlCatalog::Open(warehouse, db_path, name, properties));
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace

arrow::Result<CatalogConfig> CatalogConfig::Parse(const std::string& yaml,
                                                  const std::string& source,
                                                  const std::map<std::string, std::string>& env) {
  CatalogConfig config;
  config.source_ = source;
  if (!yaml.empty()) {
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      return arrow::Status::Invalid(source, ": not valid YAML: ", e.what());
    }
    if (!root.IsNull() && !root.IsMap()) {
      return arrow::Status::Invalid(source, ": expected a mapping with a 'catalog' key");
    }
    try {
      for (const auto& item : root) {
        std::string key = Lower(item.first.as<std::string>());
        if (key == "default-catalog") {
          config.default_catalog_ = item.second.as<std::string>();
        } else if (key == "catalog") {
          if (!item.second.IsMap()) {
            return arrow::Status::Invalid(source, ": 'catalog' must map names to settings");
          }
          for (const auto& cat : item.second) {
            std::string name = Lower(cat.first.as<std::string>());
            if (!cat.second.IsMap()) {
              return arrow::Status::Invalid(source, ": catalog.", name, " must be a mapping");
            }
            ARROW_RETURN_NOT_OK(Flatten(cat.second, "", source, &config.catalogs_[name]));
          }
        }
      }
    } catch (const YAML::Exception& e) {
      return arrow::Status::Invalid(source, ": ", e.what());
    }
  }
  // PYICEBERG_CATALOG__<NAME>__<KEY>: at most three parts; within them '_' is '-' and what
  // is left of '__' (only in the key) is '.'.
  for (const auto& [var, value] : env) {
    std::string lower = Lower(var);
    if (lower.rfind("pyiceberg_", 0) != 0) continue;
    std::string rest = lower.substr(10);
    std::vector<std::string> parts;
    for (int i = 0; i < 2; ++i) {
      auto sep = rest.find("__");
      if (sep == std::string::npos) break;
      parts.push_back(rest.substr(0, sep));
      rest = rest.substr(sep + 2);
    }
    parts.push_back(rest);
    for (auto& p : parts) p = ReplaceAll(ReplaceAll(p, "__", "."), "_", "-");
    if (parts.size() == 1 && parts[0] == "default-catalog") {
      config.default_catalog_ = value;
    } else if (parts.size() == 3 && parts[0] == "catalog" && !parts[1].empty() &&
               !parts[2].empty()) {
      config.catalogs_[parts[1]][parts[2]] = value;
    }
  }
  return config;
}

arrow::Result<CatalogConfig> CatalogConfig::Load(const std::map<std::string, std::string>& env,
                                                 const std::string& home,
                                                 const std::string& cwd) {
  std::vector<std::string> folders;
  if (auto it = env.find("PYICEBERG_HOME"); it != env.end() && !it->second.empty()) {
    folders.push_back(it->second);
  }
  folders.push_back(home);
  folders.push_back(cwd);
  for (const auto& folder : folders) {
    if (folder.empty()) continue;
    std::string path = (std::filesystem::path(folder) / kConfigFile).string();
    if (auto text = ReadFile(path)) return Parse(*text, path, env);
  }
  return Parse("", "", env);
}

arrow::Result<CatalogConfig> CatalogConfig::Load() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  const char* home = std::getenv("HOME");
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return Load(env, home ? home : "", ec ? "" : cwd.string());
}

std::string CatalogConfig::default_catalog() const {
  return default_catalog_.empty() ? "default" : Lower(default_catalog_);
}

std::vector<std::string> CatalogConfig::catalog_names() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : catalogs_) names.push_back(name);
  return names;
}

std::optional<Properties> CatalogConfig::catalog(const std::string& name) const {
  auto it = catalogs_.find(Lower(name));
  if (it == catalogs_.end()) return std::nullopt;
  return it->second;
}

arrow::Result<std::string> CatalogType(const std::string& name, const Properties& properties) {
  std::string type = Lower(util::StringProperty(properties, "type"));
  if (!type.empty()) return type;
  std::string uri = util::StringProperty(properties, "uri");
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) return std::string("rest");
  if (uri.rfind("sqlite:", 0) == 0 || uri.rfind("postgresql", 0) == 0) return std::string("sql");
  if (uri.empty()) {
    return arrow::Status::Invalid("catalog '", name,
                                  "' has neither type nor uri: set PYICEBERG_CATALOG__",
                                  name, "__TYPE (sql, rest or glue) or its uri");
  }
  return arrow::Status::Invalid("catalog '", name, "': cannot tell its type from uri '", uri,
                                "'; set type (sql, rest or glue)");
}

arrow::Result<std::unique_ptr<Catalog>> LoadCatalog(const std::string& name,
                                                    const Properties& properties) {
  ARROW_ASSIGN_OR_RAISE(auto type, CatalogType(name, properties));
  if (type == "sql") return LoadSqlCatalog(name, properties);
  if (type == "glue") return OpenGlueCatalog(name, properties);
  if (type == "rest") return OpenRestCatalog(name, properties);
  return arrow::Status::NotImplemented("catalog '", name, "': type '", type,
                                       "' is not supported (sql, rest and glue are)");
}

arrow::Result<NamedCatalog> LoadNamedCatalog(const CatalogConfig& config, std::string name,
                                             const Properties& overrides) {
  if (name.empty()) name = config.default_catalog();
  NamedCatalog named;
  if (auto configured = config.catalog(Lower(name))) {
    named.properties = *configured;
    for (const auto& [key, value] : overrides) named.properties[key] = value;
    ARROW_ASSIGN_OR_RAISE(named.catalog, LoadCatalog(name, named.properties));
    return named;
  }
  named.properties = overrides;
  if (overrides.count("type") || overrides.count("uri")) {
    ARROW_ASSIGN_OR_RAISE(named.catalog, LoadCatalog(name, named.properties));
    return named;
  }
  CatalogOptions options;
  options.catalog_name = name;
  options.properties = overrides;
  if (auto it = overrides.find("warehouse"); it != overrides.end()) options.warehouse = it->second;
  options.properties.erase("warehouse");
  ARROW_ASSIGN_OR_RAISE(named.catalog, OpenCatalog(options));
  return named;
}

bool IsSecretProperty(const std::string& key) {
  std::string k = Lower(key);
  for (const char* word : {"secret", "token", "password", "credential", "authorization"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

Properties RedactSecrets(const Properties& properties) {
  Properties out = properties;
  for (auto& [key, value] : out) {
    if (IsSecretProperty(key) && !value.empty()) value = "********";
  }
  return out;
}

}  // namespace floe::catalog
