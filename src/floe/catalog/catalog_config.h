#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "floe/catalog/catalog.h"

namespace floe::catalog {

/// Catalog settings read the way PyIceberg reads them, so a team's existing `.pyiceberg.yaml`
/// and `PYICEBERG_*` variables configure floe too:
/// - the first `.pyiceberg.yaml` found in `$PYICEBERG_HOME`, the home folder, then the
///   current folder: `catalog: {<name>: {<key>: <value>}}` and `default-catalog: <name>`;
/// - environment variables over the file: `PYICEBERG_CATALOG__<NAME>__<KEY>`, where `_` in
///   the key stands for `-` and `__` for `.` (`PYICEBERG_CATALOG__PROD__S3__ACCESS_KEY_ID` is
///   `s3.access-key-id` of catalog `prod`), and `PYICEBERG_DEFAULT_CATALOG`.
/// Names and keys are case-insensitive (kept in lower case); values are strings.
class CatalogConfig {
 public:
  /// From the process environment and file system.
  static arrow::Result<CatalogConfig> Load();
  /// From the given environment, home and current folders (what Load() passes), for tests.
  static arrow::Result<CatalogConfig> Load(const std::map<std::string, std::string>& env,
                                           const std::string& home, const std::string& cwd);
  /// From YAML text (`source` names it in errors) and then the environment's variables.
  static arrow::Result<CatalogConfig> Parse(const std::string& yaml, const std::string& source,
                                            const std::map<std::string, std::string>& env);

  /// `default-catalog`, else "default".
  std::string default_catalog() const;
  /// The configured catalogs, sorted.
  std::vector<std::string> catalog_names() const;
  /// The properties of a configured catalog, or nullopt.
  std::optional<Properties> catalog(const std::string& name) const;
  /// The file the settings came from ("" when none was found).
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::string default_catalog_;
  std::map<std::string, Properties> catalogs_;
};

/// The catalog type PyIceberg would choose: `type` when given, else inferred from `uri`
/// (`http(s)://` → rest, `sqlite:` → sql). An error says what to set.
arrow::Result<std::string> CatalogType(const std::string& name, const Properties& properties);

/// Opens a catalog from its properties: `type: sql` (SQLite; `uri: sqlite:///path/catalog.db`,
/// `warehouse`), `rest` and `glue`, each with the store's properties (`s3.*`).
arrow::Result<std::unique_ptr<Catalog>> LoadCatalog(const std::string& name,
                                                    const Properties& properties);

/// A catalog opened by name, with the properties it was opened with (for the files outside
/// it, such as ingest sources, which take the same `s3.*` settings).
struct NamedCatalog {
  std::unique_ptr<Catalog> catalog;
  Properties properties;
};

/// Opens catalog `name` as PyIceberg's `load_catalog(name, **overrides)` does: a configured
/// catalog with `overrides` over its properties; an unconfigured one from `overrides` alone
/// when they say `type` or `uri`; otherwise floe's embedded catalog (SQLite) in the folder
/// `warehouse` names (default ./warehouse). An empty name is `default-catalog`.
arrow::Result<NamedCatalog> LoadNamedCatalog(const CatalogConfig& config, std::string name,
                                             const Properties& overrides);

/// True for keys whose values are secrets (keys, tokens, credentials, passwords).
bool IsSecretProperty(const std::string& key);
/// The properties with every secret value replaced by "********", for display.
Properties RedactSecrets(const Properties& properties);

}  // namespace floe::catalog
