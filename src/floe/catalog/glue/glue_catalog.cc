#include "floe/catalog/glue/glue_catalog.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "floe/catalog/aws/credentials.h"
#include "floe/catalog/aws/profile_file.h"
#include "floe/catalog/drop_table_data.h"
#include "floe/catalog/glue/glue_client_internal.h"
#include "floe/catalog/glue/glue_table_input_internal.h"
#include "floe/catalog/metadata_commit.h"
#include "floe/catalog/sql/sql_catalog_store.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/update/transaction.h"
#include "floe/util/properties.h"

namespace floe::catalog {
namespace {

using glue::GlueClient;
using glue::IsGlueError;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using iceberg::TableState;
using nlohmann::json;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The first of `keys` that is set.
std::string FirstProperty(const Properties& properties, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = properties.find(key);
    if (it != properties.end() && !it->second.empty()) return it->second;
  }
  return "";
}

arrow::Result<std::string> DatabaseName(const Namespace& ns) {
  if (ns.size() != 1 || ns[0].empty()) {
    return arrow::Status::Invalid("Glue databases are one level deep: namespace '",
                                  NamespaceToString(ns), "' has ", ns.size(),
                                  " levels (use one name, e.g. 'sales')");
  }
  return ns[0];
}

// Glue's exceptions as floe's error kinds; `missing` is the kind of an EntityNotFoundException.
arrow::Status MapGlueError(const arrow::Status& status, ErrorKind missing) {
  if (IsGlueError(status, "EntityNotFoundException")) return MakeError(missing, status.message());
  if (IsGlueError(status, "AlreadyExistsException")) {
    return MakeError(ErrorKind::kAlreadyExists, status.message());
  }
  return status;
}

// Whether a failed Glue write may still have happened: an answer of 5xx, or a request that
// may have reached Glue before the connection failed.
bool MayHaveHappened(const arrow::Status& status) {
  const glue::GlueErrorDetail* detail = glue::GetGlueError(status);
  if (detail == nullptr) return false;
  return detail->http_status() >= 500 ||
         detail->transport() == io::http::TransportFailure::kMaybeSent;
}

// What the catalog and its tables share: the Glue client, the settings and the FileIOs.
class GlueCatalogState {
 public:
  GlueCatalogState(std::string name, Properties properties, std::unique_ptr<GlueClient> client,
                   std::string warehouse, bool skip_archive)
      : name_(std::move(name)),
        properties_(std::move(properties)),
        client_(std::move(client)),
        warehouse_(std::move(warehouse)),
        skip_archive_(skip_archive) {}

  const std::string& name() const { return name_; }
  const std::string& warehouse() const { return warehouse_; }
  GlueClient& client() { return *client_; }

  /// One FileIO per scheme, made from the catalog's properties (s3.* for S3).
  arrow::Result<std::shared_ptr<io::FileIO>> FileIOFor(const std::string& location) {
    auto colon = location.find("://");
    std::string scheme = colon == std::string::npos ? "" : location.substr(0, colon);
    std::lock_guard lock(mu_);
    auto it = ios_.find(scheme);
    if (it != ios_.end()) return it->second;
    ARROW_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(location, properties_));
    ios_[scheme] = io;
    return io;
  }

  /// The Glue table; NoSuchTable when Glue has none of that name.
  arrow::Result<json> GetGlueTable(const TableIdentifier& id) {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(id.ns));
    auto answer = client_->Call("GetTable", {{"DatabaseName", db}, {"Name", id.name}});
    if (!answer.ok()) return MapGlueError(answer.status(), ErrorKind::kNoSuchTable);
    return (*answer)["Table"];
  }

  /// The Iceberg table's metadata pointer; an error when the Glue table is not Iceberg.
  arrow::Result<std::string> MetadataLocation(const TableIdentifier& id, const json& table) {
    if (!glue::IsIcebergTable(table)) {
      return MakeError(ErrorKind::kNoSuchTable,
                       "Glue table " + id.ToString() +
                           " is not an Iceberg table (its table_type "
                           "parameter is '" +
                           glue::TableParameter(table, glue::kTableTypeKey) + "')");
    }
    std::string location = glue::TableParameter(table, glue::kMetadataLocationKey);
    if (location.empty()) {
      return arrow::Status::Invalid("Glue table ", id.ToString(),
                                    " has no metadata_location parameter");
    }
    return location;
  }

  arrow::Result<TableState> Load(const TableIdentifier& id) {
    ARROW_ASSIGN_OR_RAISE(json table, GetGlueTable(id));
    ARROW_ASSIGN_OR_RAISE(std::string location, MetadataLocation(id, table));
    ARROW_ASSIGN_OR_RAISE(auto io, FileIOFor(location));
    return ReadTableState(*io, location);
  }

  arrow::Result<TableState> Commit(const TableIdentifier& id,
                                   const std::vector<iceberg::TableRequirement>& requirements,
                                   const std::vector<iceberg::TableUpdate>& updates) {
    if (IsCreateCommit(requirements)) return Create(id, updates);
    ARROW_ASSIGN_OR_RAISE(json table, GetGlueTable(id));
    ARROW_ASSIGN_OR_RAISE(std::string current, MetadataLocation(id, table));
    const std::string version = glue::StringField(table, "VersionId");
    ARROW_ASSIGN_OR_RAISE(auto io, FileIOFor(current));
    ARROW_ASSIGN_OR_RAISE(TableState base, ReadTableState(*io, current));
    ARROW_ASSIGN_OR_RAISE(auto next, WriteNextMetadata(*io, id, base, requirements, updates));
    if (!next) return base;
    const std::string location = next->metadata_location;

    // Glue's optimistic lock: the update only applies while the table is still at the version
    // read above, so of two racing commits one gets ConcurrentModificationException.
    json request = {
        {"DatabaseName", id.ns[0]},
        {"TableInput", glue::IcebergTableInput(id.name, *next->metadata, location, current, &table)},
        {"SkipArchive", skip_archive_}};
    if (!version.empty()) request["VersionId"] = version;
    auto answer = client_->Call("UpdateTable", std::move(request), /*retry=*/false);
    const TableState& committed = *next;
    if (answer.ok()) return committed;
    const arrow::Status& failed = answer.status();
    if (MayHaveHappened(failed)) {
      // The pointer says what happened if Glue answers now; otherwise nobody knows, and the
      // new file must stay: the table may reference it.
      auto now = GetGlueTable(id);
      if (now.ok() && glue::TableParameter(*now, glue::kMetadataLocationKey) == location) {
        return committed;
      }
      return iceberg::CommitStateUnknown(
          "commit to Glue table " + id.ToString() + " may or may not have taken effect (" +
          failed.message() + "); kept " + location +
          "; check the table's metadata_location in Glue before retrying");
    }
    (void)io->Delete(location);
    if (IsGlueError(failed, "ConcurrentModificationException")) {
      return iceberg::CommitConflict("table " + id.ToString() +
                                     " changed during commit (Glue table version " + version +
                                     " is no longer current): " + failed.message());
    }
    return MapGlueError(failed, ErrorKind::kNoSuchTable);
  }

  /// A new table from its update list (assert-create): the metadata file first, then the Glue
  /// table; Glue refuses a second table of the same name.
  arrow::Result<TableState> Create(const TableIdentifier& id,
                                   const std::vector<iceberg::TableUpdate>& updates) {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(id.ns));
    ARROW_ASSIGN_OR_RAISE(TableMetadata metadata, NewTableMetadata(id, updates));
    ARROW_ASSIGN_OR_RAISE(auto io, FileIOFor(metadata.location));
    ARROW_ASSIGN_OR_RAISE(std::string location, iceberg::WriteMetadataFile(*io, metadata, ""));
    auto answer = client_->Call(
        "CreateTable",
        {{"DatabaseName", db},
         {"TableInput", glue::IcebergTableInput(id.name, metadata, location, "", nullptr)}},
        /*retry=*/false);
    if (!answer.ok()) {
      if (MayHaveHappened(answer.status())) {
        return iceberg::CommitStateUnknown("creation of Glue table " + id.ToString() +
                                           " may or may not have taken effect (" +
                                           answer.status().message() + "); kept " + location);
      }
      (void)io->Delete(location);
      return MapGlueError(answer.status(), ErrorKind::kNoSuchNamespace);
    }
    return TableState{std::make_shared<const TableMetadata>(std::move(metadata)), location};
  }

 private:
  std::string name_;
  Properties properties_;
  std::unique_ptr<GlueClient> client_;
  std::string warehouse_;
  bool skip_archive_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<io::FileIO>> ios_;
};

/// Commits of one table through Glue.
class GlueTableOperations final : public iceberg::TableOperations {
 public:
  GlueTableOperations(TableIdentifier id, std::shared_ptr<GlueCatalogState> state,
                      std::shared_ptr<io::FileIO> io)
      : id_(std::move(id)), state_(std::move(state)), io_(std::move(io)) {}

  const TableIdentifier& identifier() const override { return id_; }
  std::shared_ptr<io::FileIO> io() const override { return io_; }
  arrow::Result<TableState> Refresh() override { return state_->Load(id_); }
  arrow::Result<TableState> Commit(const std::vector<iceberg::TableRequirement>& requirements,
                                   const std::vector<iceberg::TableUpdate>& updates) override {
    return state_->Commit(id_, requirements, updates);
  }

 private:
  TableIdentifier id_;
  std::shared_ptr<GlueCatalogState> state_;
  std::shared_ptr<io::FileIO> io_;
};

class GlueCatalog final : public Catalog {
 public:
  explicit GlueCatalog(std::shared_ptr<GlueCatalogState> state) : state_(std::move(state)) {}

  const std::string& name() const override { return state_->name(); }

  arrow::Status CreateNamespace(const Namespace& ns, const Properties& properties) override {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(ns));
    auto answer = Call("CreateDatabase", {{"DatabaseInput", glue::DatabaseInput(db, properties)}});
    return MapGlueError(answer.status(), ErrorKind::kNoSuchNamespace);
  }

  arrow::Result<bool> NamespaceExists(const Namespace& ns) override {
    if (ns.size() != 1) return false;
    auto answer = Call("GetDatabase", {{"Name", ns[0]}});
    if (IsGlueError(answer.status(), "EntityNotFoundException")) return false;
    ARROW_RETURN_NOT_OK(answer.status());
    return true;
  }

  arrow::Result<std::vector<Namespace>> ListNamespaces(const Namespace& parent) override {
    std::vector<Namespace> out;
    if (!parent.empty()) return out;  // Glue databases have no children
    std::string token;
    do {
      json request = json::object();
      if (!token.empty()) request["NextToken"] = token;
      ARROW_ASSIGN_OR_RAISE(json page, Call("GetDatabases", std::move(request)));
      for (const auto& db : page.value("DatabaseList", json::array())) {
        out.push_back({glue::StringField(db, "Name")});
      }
      token = glue::StringField(page, "NextToken");
    } while (!token.empty());
    return out;
  }

  arrow::Status DropNamespace(const Namespace& ns) override {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(ns));
    auto tables = Call("GetTables", {{"DatabaseName", db}, {"MaxResults", 1}});
    if (!tables.ok()) return MapGlueError(tables.status(), ErrorKind::kNoSuchNamespace);
    auto list = tables->value("TableList", json::array());
    if (!list.empty()) {
      return MakeError(ErrorKind::kNamespaceNotEmpty,
                       "cannot drop namespace " + db + ": it still holds " +
                           (glue::IsIcebergTable(list[0]) ? "Iceberg" : "non-Iceberg") +
                           " tables (e.g. " + glue::StringField(list[0], "Name") +
                           "); drop them first");
    }
    return MapGlueError(Call("DeleteDatabase", {{"Name", db}}).status(),
                        ErrorKind::kNoSuchNamespace);
  }

  arrow::Result<Properties> LoadNamespaceProperties(const Namespace& ns) override {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(ns));
    auto answer = Call("GetDatabase", {{"Name", db}});
    if (!answer.ok()) return MapGlueError(answer.status(), ErrorKind::kNoSuchNamespace);
    return glue::DatabaseProperties((*answer)["Database"]);
  }

  arrow::Status UpdateNamespaceProperties(const Namespace& ns, const Properties& set,
                                          const std::vector<std::string>& remove) override {
    for (const auto& key : remove) {
      if (set.count(key)) {
        return arrow::Status::Invalid("property '", key, "' is both set and removed");
      }
    }
    ARROW_ASSIGN_OR_RAISE(Properties properties, LoadNamespaceProperties(ns));
    for (const auto& key : remove) properties.erase(key);
    for (const auto& [key, value] : set) properties[key] = value;
    auto answer =
        Call("UpdateDatabase",
             {{"Name", ns[0]}, {"DatabaseInput", glue::DatabaseInput(ns[0], properties)}});
    return MapGlueError(answer.status(), ErrorKind::kNoSuchNamespace);
  }

  arrow::Result<std::shared_ptr<iceberg::Table>> CreateTable(
      const TableIdentifier& id, const CreateTableRequest& request) override {
    ARROW_ASSIGN_OR_RAISE(auto builder, NewTableBuilder(id, request));
    ARROW_ASSIGN_OR_RAISE(TableState state, state_->Create(id, builder.updates()));
    return MakeTable(id, std::move(state));
  }

  arrow::Result<std::unique_ptr<iceberg::Transaction>> BeginCreateTable(
      const TableIdentifier& id, const CreateTableRequest& request) override {
    ARROW_ASSIGN_OR_RAISE(bool exists, TableExists(id));
    if (exists) {
      return MakeError(ErrorKind::kAlreadyExists, "table " + id.ToString() + " already exists");
    }
    ARROW_ASSIGN_OR_RAISE(auto builder, NewTableBuilder(id, request));
    ARROW_ASSIGN_OR_RAISE(auto io, state_->FileIOFor(builder.current().location));
    auto ops = std::make_shared<GlueTableOperations>(id, state_, io);
    return iceberg::Transaction::ForCreate(std::move(ops), builder);
  }

  arrow::Result<TableState> UpdateTable(const TableIdentifier& id,
                                        const std::vector<iceberg::TableRequirement>& requirements,
                                        const std::vector<iceberg::TableUpdate>& updates) override {
    return state_->Commit(id, requirements, updates);
  }

  arrow::Result<std::shared_ptr<iceberg::Table>> LoadTable(const TableIdentifier& id) override {
    ARROW_ASSIGN_OR_RAISE(TableState state, state_->Load(id));
    return MakeTable(id, std::move(state));
  }

  arrow::Result<bool> TableExists(const TableIdentifier& id) override {
    if (id.ns.size() != 1) return false;
    auto table = state_->GetGlueTable(id);
    if (IsNoSuchTable(table.status())) return false;
    ARROW_RETURN_NOT_OK(table.status());
    return glue::IsIcebergTable(*table);
  }

  arrow::Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(ns));
    std::vector<TableIdentifier> out;
    std::string token;
    do {
      json request = {{"DatabaseName", db}};
      if (!token.empty()) request["NextToken"] = token;
      auto page = Call("GetTables", std::move(request));
      if (!page.ok()) return MapGlueError(page.status(), ErrorKind::kNoSuchNamespace);
      for (const auto& table : page->value("TableList", json::array())) {
        if (glue::IsIcebergTable(table)) out.push_back({ns, glue::StringField(table, "Name")});
      }
      token = glue::StringField(*page, "NextToken");
    } while (!token.empty());
    return out;
  }

  arrow::Status DropTable(const TableIdentifier& id, bool purge) override {
    ARROW_ASSIGN_OR_RAISE(json glue_table, state_->GetGlueTable(id));
    ARROW_ASSIGN_OR_RAISE(std::string location, state_->MetadataLocation(id, glue_table));
    if (!purge) return DeleteGlueTable(id);
    // List the files first: a table whose files cannot all be found stays in the catalog.
    ARROW_ASSIGN_OR_RAISE(auto io, state_->FileIOFor(location));
    ARROW_ASSIGN_OR_RAISE(TableState state, ReadTableState(*io, location));
    auto files = iceberg::ListReachableFiles(*io, state);
    if (!files.ok()) {
      return files.status().WithMessage("cannot purge table ", id.ToString(), ": ",
                                        files.status().message(),
                                        "; nothing was dropped (drop it without --purge to "
                                        "keep its files)");
    }
    ARROW_RETURN_NOT_OK(DeleteGlueTable(id));
    return DropTableData(*io, id, state.metadata->location, *files);
  }

  arrow::Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override {
    ARROW_ASSIGN_OR_RAISE(std::string to_db, DatabaseName(to.ns));
    ARROW_ASSIGN_OR_RAISE(json table, state_->GetGlueTable(from));
    ARROW_RETURN_NOT_OK(state_->MetadataLocation(from, table).status());
    if (from == to) return arrow::Status::OK();
    // Glue cannot rename: the same table is created under the new name, then the old dropped.
    auto created = Call("CreateTable", {{"DatabaseName", to_db},
                                        {"TableInput", glue::RenamedTableInput(to.name, table)}});
    if (!created.ok()) return MapGlueError(created.status(), ErrorKind::kNoSuchNamespace);
    arrow::Status dropped = DeleteGlueTable(from);
    if (!dropped.ok()) {
      arrow::Status rolled_back = DeleteGlueTable(to);
      return dropped.WithMessage("cannot rename ", from.ToString(), " to ", to.ToString(),
                                 ": dropping the old Glue table failed (", dropped.message(), "); ",
                                 rolled_back.ok()
                                     ? "the new one was removed again"
                                     : "the new one could not be removed, drop " + to.ToString() +
                                           " by hand (" + rolled_back.message() + ")");
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<iceberg::Table>> RegisterTable(
      const TableIdentifier& id, const std::string& metadata_location) override {
    ARROW_ASSIGN_OR_RAISE(std::string db, DatabaseName(id.ns));
    ARROW_ASSIGN_OR_RAISE(auto io, state_->FileIOFor(metadata_location));
    ARROW_ASSIGN_OR_RAISE(TableState state, ReadTableState(*io, metadata_location));
    auto answer = Call("CreateTable",
                       {{"DatabaseName", db},
                        {"TableInput", glue::IcebergTableInput(id.name, *state.metadata,
                                                               metadata_location, "", nullptr)}});
    if (!answer.ok()) return MapGlueError(answer.status(), ErrorKind::kNoSuchNamespace);
    return MakeTable(id, std::move(state));
  }

 private:
  arrow::Result<json> Call(const std::string& operation, json request) {
    return state_->client().Call(operation, std::move(request));
  }

  arrow::Status DeleteGlueTable(const TableIdentifier& id) {
    auto answer = Call("DeleteTable", {{"DatabaseName", id.ns[0]}, {"Name", id.name}});
    return MapGlueError(answer.status(), ErrorKind::kNoSuchTable);
  }

  arrow::Result<std::shared_ptr<iceberg::Table>> MakeTable(const TableIdentifier& id,
                                                           TableState state) {
    ARROW_ASSIGN_OR_RAISE(auto io, state_->FileIOFor(state.metadata_location));
    auto ops = std::make_shared<GlueTableOperations>(id, state_, io);
    return std::make_shared<iceberg::Table>(std::move(ops), std::move(state));
  }

  // PyIceberg's rule: the database's location, else <warehouse>/<db>.db/<table>.
  arrow::Result<std::string> DefaultLocation(const TableIdentifier& id) {
    ARROW_ASSIGN_OR_RAISE(Properties props, LoadNamespaceProperties(id.ns));
    auto it = props.find("location");
    if (it != props.end() && !it->second.empty()) {
      std::string base = it->second;
      while (base.size() > 1 && base.back() == '/') base.pop_back();
      return base + "/" + id.name;
    }
    if (state_->warehouse().empty()) {
      return arrow::Status::Invalid("cannot place table ", id.ToString(),
                                    ": its Glue database has no location and catalog ",
                                    state_->name(),
                                    " has no warehouse property; set one of them or give the "
                                    "table a location");
    }
    return io::JoinLocation(state_->warehouse(), id.ns[0] + ".db/" + id.name);
  }

  arrow::Result<iceberg::TableMetadataBuilder> NewTableBuilder(const TableIdentifier& id,
                                                               const CreateTableRequest& request) {
    ARROW_RETURN_NOT_OK(DatabaseName(id.ns).status());
    std::string default_location;
    if (request.location.empty()) {
      ARROW_ASSIGN_OR_RAISE(default_location, DefaultLocation(id));
    }
    return catalog::NewTableBuilder(id, request, default_location);
  }

  std::shared_ptr<GlueCatalogState> state_;
};

std::string GlueEndpoint(const Properties& properties, const std::string& region) {
  std::string endpoint = FirstProperty(properties, {"glue.endpoint"});
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL_GLUE");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  if (!endpoint.empty()) return endpoint;
  std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://glue." + region + "." + suffix;
}

std::string AbsoluteWarehouse(std::string warehouse) {
  while (warehouse.size() > 1 && warehouse.back() == '/') warehouse.pop_back();
  if (warehouse.empty() || warehouse.find("://") != std::string::npos ||
      warehouse.rfind("file:", 0) == 0) {
    return warehouse;
  }
  std::error_code ec;
  auto path = std::filesystem::absolute(warehouse, ec);
  return ec ? warehouse : path.lexically_normal().string();
}

}  // namespace

arrow::Result<std::unique_ptr<Catalog>> OpenGlueCatalog(const std::string& name,
                                                        const Properties& properties) {
  aws::CredentialChainOptions chain;
  chain.static_credentials.access_key_id =
      FirstProperty(properties, {"glue.access-key-id", "client.access-key-id"});
  chain.static_credentials.secret_access_key =
      FirstProperty(properties, {"glue.secret-access-key", "client.secret-access-key"});
  chain.static_credentials.session_token =
      FirstProperty(properties, {"glue.session-token", "client.session-token"});
  chain.profile = FirstProperty(properties, {"glue.profile-name", "client.profile-name"});
  if (!chain.static_credentials.access_key_id.empty() &&
      chain.static_credentials.secret_access_key.empty()) {
    return arrow::Status::Invalid("Glue catalog ", name,
                                  ": glue.access-key-id is set but glue.secret-access-key is not");
  }
  std::string region = aws::ResolveRegion(
      FirstProperty(properties, {"glue.region", "client.region"}), chain.profile);
  if (region.empty()) {
    return arrow::Status::Invalid("Glue catalog ", name,
                                  " has no AWS region: set glue.region (or client.region, "
                                  "AWS_REGION, or a region in the AWS profile)");
  }
  chain.region = region;
  chain.role_arn = FirstProperty(properties, {"glue.role-arn", "client.role-arn"});
  chain.role_session_name =
      FirstProperty(properties, {"glue.role-session-name", "client.role-session-name"});
  chain.role_external_id = FirstProperty(properties, {"glue.external-id", "client.external-id"});
  ARROW_ASSIGN_OR_RAISE(bool skip_archive,
                        util::BoolProperty(properties, "glue.skip-archive", true));

  glue::GlueClientOptions options;
  options.endpoint = GlueEndpoint(properties, region);
  options.region = region;
  options.catalog_id = FirstProperty(properties, {"glue.id"});
  options.credentials = aws::MakeDefaultCredentialsProvider(chain);
  auto state = std::make_shared<GlueCatalogState>(
      name, properties, std::make_unique<GlueClient>(std::move(options)),
      AbsoluteWarehouse(FirstProperty(properties, {"warehouse"})), skip_archive);
  return std::unique_ptr<Catalog>(new GlueCatalog(std::move(state)));
}

}  // namespace floe::catalog
