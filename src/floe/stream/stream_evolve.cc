#include "floe/stream/stream_evolve.h"

#include <algorithm>
#include <cctype>

#include "floe/iceberg/update/update_schema.h"

namespace floe::stream {

std::string LowerName(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

namespace {

// Objects and lists are kept as their JSON text.
nlohmann::json RowValue(const nlohmann::json& value) {
  if (value.is_object() || value.is_array()) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return value;
}

}  // namespace

iceberg::TypePtr InferColumnType(const nlohmann::json& value) {
  if (value.is_boolean()) return iceberg::Type::Boolean();
  if (value.is_number_integer()) return iceberg::Type::Long();
  if (value.is_number()) return iceberg::Type::Double();
  return iceberg::Type::String();
}

SchemaEvolver::SchemaEvolver(const StreamMapping* mapping) {
  for (const auto& column : mapping->columns()) {
    mapped_names_.insert(LowerName(column.name));
    if (!column.path.empty()) read_keys_.insert(column.path.front());
  }
}

void SchemaEvolver::ExtendRow(const nlohmann::json& record, const iceberg::Schema& schema,
                              nlohmann::json* row, NewColumns* found) const {
  if (!record.is_object()) return;
  for (const auto& [key, value] : record.items()) {
    if (key.empty() || read_keys_.count(key) || mapped_names_.count(LowerName(key))) continue;
    // A dot would read as a nested field's path.
    if (key.find('.') != std::string::npos) continue;
    if (schema.FindFieldByName(key) != nullptr) {
      (*row)[key] = RowValue(value);
      continue;
    }
    if (value.is_null()) continue;  // nothing to infer a type from yet
    // A key differing only in case from a column would be read as that column: leave it out.
    bool clashes = false;
    for (const auto& field : schema.fields()) {
      clashes = clashes || LowerName(field.name) == LowerName(key);
    }
    if (clashes) continue;
    found->emplace(key, InferColumnType(value));
    (*row)[key] = RowValue(value);
  }
}

arrow::Result<std::shared_ptr<const iceberg::Schema>> AddStreamColumns(
    const std::shared_ptr<iceberg::Table>& table, const NewColumns& columns) {
  ARROW_RETURN_NOT_OK(table->Refresh());
  iceberg::UpdateSchema update(table);
  bool any = false;
  // Another process of the stream may have added some already.
  for (const auto& [name, type] : columns) {
    if (table->metadata().CurrentSchema()->FindFieldByName(name) != nullptr) continue;
    update.AddColumn(name, type, "added by floe stream --evolve");
    any = true;
  }
  if (any) {
    auto status = update.Commit();
    // A concurrent process adding the same column makes ours conflict: take the table's.
    ARROW_RETURN_NOT_OK(table->Refresh());
    for (const auto& [name, type] : columns) {
      if (table->metadata().CurrentSchema()->FindFieldByName(name) == nullptr) return status;
    }
  }
  return table->metadata().CurrentSchema();
}

}  // namespace floe::stream
