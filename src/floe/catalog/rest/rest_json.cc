#include <nlohmann/json.hpp>

#include "floe/catalog/rest/rest_json_internal.h"
#include "floe/iceberg/metadata/table_update_json_internal.h"
#include "floe/iceberg/type/schema_json_internal.h"

namespace floe::catalog::rest {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

arrow::Result<Json> ParseBody(const std::string& body, const char* what) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    std::string shown = body.size() > 200 ? body.substr(0, 200) + "..." : body;
    return arrow::Status::IOError("malformed ", what, " from the REST catalog: ", shown);
  }
  return json;
}

arrow::Result<Properties> StringMap(const Json& json, const std::string& where) {
  Properties out;
  if (json.is_null()) return out;
  if (!json.is_object()) return arrow::Status::IOError(where, " is not an object");
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it->is_string()) {
      out[it.key()] = it->get<std::string>();
    } else if (it->is_primitive() && !it->is_null()) {
      out[it.key()] = it->dump();  // lax servers send numbers and booleans
    }
  }
  return out;
}

arrow::Result<Namespace> NamespaceFromJson(const Json& json, const std::string& where) {
  if (!json.is_array()) return arrow::Status::IOError(where, " is not an array of levels");
  Namespace ns;
  for (const auto& level : json) {
    if (!level.is_string()) return arrow::Status::IOError(where, " has a non-string level");
    ns.push_back(level.get<std::string>());
  }
  return ns;
}

std::optional<std::string> PageToken(const Json& json) {
  auto it = json.find("next-page-token");
  if (it == json.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

OJson IdentifierJson(const iceberg::TableIdentifier& id) {
  OJson out;
  out["namespace"] = id.ns;
  out["name"] = id.name;
  return out;
}

OJson PropertiesJson(const Properties& properties) {
  OJson out = OJson::object();
  for (const auto& [key, value] : properties) out[key] = value;
  return out;
}

}  // namespace

arrow::Result<ConfigResponse> ParseConfigResponse(const std::string& body) {
  ARROW_ASSIGN_OR_RAISE(Json json, ParseBody(body, "config response"));
  ConfigResponse out;
  if (json.contains("defaults")) {
    ARROW_ASSIGN_OR_RAISE(out.defaults, StringMap(json["defaults"], "config defaults"));
  }
  if (json.contains("overrides")) {
    ARROW_ASSIGN_OR_RAISE(out.overrides, StringMap(json["overrides"], "config overrides"));
  }
  if (json.contains("endpoints") && json["endpoints"].is_array()) {
    std::vector<std::string> endpoints;
    for (const auto& e : json["endpoints"]) {
      if (e.is_string()) endpoints.push_back(e.get<std::string>());
    }
    out.endpoints = std::move(endpoints);
  }
  return out;
}

arrow::Result<NamespacePage> ParseListNamespacesResponse(const std::string& body) {
  ARROW_ASSIGN_OR_RAISE(Json json, ParseBody(body, "namespace listing"));
  NamespacePage page;
  if (json.contains("namespaces") && json["namespaces"].is_array()) {
    for (const auto& ns : json["namespaces"]) {
      ARROW_ASSIGN_OR_RAISE(auto parsed, NamespaceFromJson(ns, "namespaces[]"));
      page.namespaces.push_back(std::move(parsed));
    }
  }
  page.next_page_token = PageToken(json);
  return page;
}

arrow::Result<TablePage> ParseListTablesResponse(const std::string& body) {
  ARROW_ASSIGN_OR_RAISE(Json json, ParseBody(body, "table listing"));
  TablePage page;
  if (json.contains("identifiers") && json["identifiers"].is_array()) {
    for (const auto& id : json["identifiers"]) {
      if (!id.is_object() || !id.contains("name") || !id["name"].is_string() ||
          !id.contains("namespace")) {
        return arrow::Status::IOError("table listing: malformed identifier ", id.dump());
      }
      iceberg::TableIdentifier parsed;
      ARROW_ASSIGN_OR_RAISE(parsed.ns,
                            NamespaceFromJson(id["namespace"], "identifiers[].namespace"));
      parsed.name = id["name"].get<std::string>();
      page.identifiers.push_back(std::move(parsed));
    }
  }
  page.next_page_token = PageToken(json);
  return page;
}

arrow::Result<Properties> ParseGetNamespaceResponse(const std::string& body) {
  ARROW_ASSIGN_OR_RAISE(Json json, ParseBody(body, "namespace"));
  if (!json.contains("properties")) return Properties{};
  return StringMap(json["properties"], "namespace properties");
}

arrow::Result<LoadTableResult> ParseLoadTableResult(const std::string& body,
                                                    const std::string& what) {
  ARROW_ASSIGN_OR_RAISE(Json json, ParseBody(body, "table result"));
  LoadTableResult out;
  if (json.contains("metadata-location") && json["metadata-location"].is_string()) {
    out.metadata_location = json["metadata-location"].get<std::string>();
  }
  if (!json.contains("metadata") || !json["metadata"].is_object()) {
    return arrow::Status::IOError("REST catalog answer for ", what, " has no table metadata");
  }
  std::string shown = out.metadata_location.empty() ? what + " (staged)" : out.metadata_location;
  ARROW_ASSIGN_OR_RAISE(out.metadata, iceberg::ParseTableMetadata(json["metadata"].dump(), shown));
  if (json.contains("config")) {
    ARROW_ASSIGN_OR_RAISE(out.config, StringMap(json["config"], "table config"));
  }
  if (json.contains("storage-credentials") && json["storage-credentials"].is_array()) {
    for (const auto& c : json["storage-credentials"]) {
      if (!c.is_object() || !c.contains("prefix") || !c["prefix"].is_string()) continue;
      StorageCredential credential;
      credential.prefix = c["prefix"].get<std::string>();
      if (c.contains("config")) {
        ARROW_ASSIGN_OR_RAISE(credential.config, StringMap(c["config"], "storage credential"));
      }
      out.storage_credentials.push_back(std::move(credential));
    }
  }
  return out;
}

std::string CreateNamespaceRequestJson(const Namespace& ns, const Properties& properties) {
  OJson out;
  out["namespace"] = ns;
  out["properties"] = PropertiesJson(properties);
  return out.dump();
}

std::string UpdateNamespacePropertiesRequestJson(const Properties& updates,
                                                 const std::vector<std::string>& removals) {
  OJson out;
  out["removals"] = removals;
  out["updates"] = PropertiesJson(updates);
  return out.dump();
}

std::string CreateTableRequestJson(const std::string& name, const CreateTableRequest& request,
                                   bool stage_create) {
  OJson out;
  out["name"] = name;
  if (!request.location.empty()) out["location"] = request.location;
  out["schema"] = iceberg::SchemaToJson(request.schema);
  out["partition-spec"] = iceberg::PartitionSpecToJson(request.spec);
  out["write-order"] = iceberg::SortOrderToJson(request.sort_order);
  out["stage-create"] = stage_create;
  out["properties"] = PropertiesJson(request.properties);
  return out.dump();
}

namespace {
OJson CommitTableRequestObject(const iceberg::TableIdentifier* identifier,
                               const std::vector<iceberg::TableRequirement>& requirements,
                               const std::vector<iceberg::TableUpdate>& updates) {
  OJson out;
  if (identifier != nullptr) out["identifier"] = IdentifierJson(*identifier);
  out["requirements"] = iceberg::TableRequirementsToJson(requirements);
  out["updates"] = iceberg::TableUpdatesToJson(updates);
  return out;
}
}  // namespace

std::string CommitTableRequestJson(const iceberg::TableIdentifier* identifier,
                                   const std::vector<iceberg::TableRequirement>& requirements,
                                   const std::vector<iceberg::TableUpdate>& updates) {
  return CommitTableRequestObject(identifier, requirements, updates).dump();
}

std::string CommitTransactionRequestJson(const std::vector<TableChange>& changes) {
  OJson list = OJson::array();
  for (const auto& change : changes) {
    list.push_back(
        CommitTableRequestObject(&change.identifier, change.requirements, change.updates));
  }
  OJson out;
  out["table-changes"] = std::move(list);
  return out.dump();
}

std::string RegisterTableRequestJson(const std::string& name,
                                     const std::string& metadata_location) {
  OJson out;
  out["name"] = name;
  out["metadata-location"] = metadata_location;
  return out.dump();
}

std::string RenameTableRequestJson(const iceberg::TableIdentifier& from,
                                   const iceberg::TableIdentifier& to) {
  OJson out;
  out["source"] = IdentifierJson(from);
  out["destination"] = IdentifierJson(to);
  return out.dump();
}

}  // namespace floe::catalog::rest
