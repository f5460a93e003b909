#include <algorithm>
#include <cctype>

#include "floe/catalog/glue/glue_schema.h"
#include "floe/catalog/glue/glue_table_input_internal.h"

namespace floe::catalog::glue {

std::string StringField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string TableParameter(const nlohmann::json& table, const char* key) {
  if (!table.is_object() || !table.contains("Parameters")) return "";
  return StringField(table["Parameters"], key);
}

bool IsIcebergTable(const nlohmann::json& table) {
  std::string type = TableParameter(table, kTableTypeKey);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return type == kIcebergTableType;
}

nlohmann::json IcebergTableInput(const std::string& name, const iceberg::TableMetadata& metadata,
                                 const std::string& metadata_location,
                                 const std::string& previous_metadata_location,
                                 const nlohmann::json* existing) {
  nlohmann::json parameters = nlohmann::json::object();
  if (existing != nullptr && existing->contains("Parameters") &&
      (*existing)["Parameters"].is_object()) {
    parameters = (*existing)["Parameters"];
  }
  parameters[kTableTypeKey] = kIcebergTableType;
  parameters[kMetadataLocationKey] = metadata_location;
  if (!previous_metadata_location.empty()) {
    parameters[kPreviousMetadataLocationKey] = previous_metadata_location;
  }
  for (const auto& [key, value] : metadata.properties) parameters[key] = value;

  nlohmann::json columns = nlohmann::json::array();
  for (const GlueColumn& column : GlueColumns(metadata)) {
    nlohmann::json c = {{"Name", column.name}, {"Type", column.type}};
    if (!column.comment.empty()) c["Comment"] = column.comment;
    c["Parameters"] = column.parameters;
    columns.push_back(std::move(c));
  }
  nlohmann::json input = {
      {"Name", name},
      {"TableType", "EXTERNAL_TABLE"},
      {"Parameters", std::move(parameters)},
      {"StorageDescriptor", {{"Columns", std::move(columns)}, {"Location", metadata.location}}},
  };
  // PyIceberg's property for the Glue description; Java's table comment.
  for (const char* key : {"Description", "comment"}) {
    auto it = metadata.properties.find(key);
    if (it != metadata.properties.end()) {
      input["Description"] = it->second;
      break;
    }
  }
  return input;
}

nlohmann::json RenamedTableInput(const std::string& new_name, const nlohmann::json& table) {
  nlohmann::json input = {{"Name", new_name}};
  // The fields a TableInput shares with the Table that GetTable answers.
  for (const char* key : {"TableType", "Owner", "Parameters", "StorageDescriptor", "Description",
                          "PartitionKeys", "Retention"}) {
    if (table.contains(key)) input[key] = table[key];
  }
  return input;
}

nlohmann::json DatabaseInput(const std::string& name,
                             const std::map<std::string, std::string>& properties) {
  nlohmann::json input = {{"Name", name}};
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [key, value] : properties) {
    if (key == "Description") {
      input["Description"] = value;
    } else if (key == "location") {
      input["LocationUri"] = value;
    } else {
      parameters[key] = value;
    }
  }
  input["Parameters"] = std::move(parameters);
  return input;
}

std::map<std::string, std::string> DatabaseProperties(const nlohmann::json& database) {
  std::map<std::string, std::string> properties;
  if (database.contains("Parameters") && database["Parameters"].is_object()) {
    for (const auto& [key, value] : database["Parameters"].items()) {
      if (value.is_string()) properties[key] = value.get<std::string>();
    }
  }
  if (std::string location = StringField(database, "LocationUri"); !location.empty()) {
    properties["location"] = location;
  }
  if (database.contains("Description") && database["Description"].is_string()) {
    properties["Description"] = database["Description"].get<std::string>();
  }
  return properties;
}

}  // namespace floe::catalog::glue
