#include "floe/catalog/glue/glue_schema.h"

#include <set>

namespace floe::catalog::glue {

std::string GlueTypeString(const iceberg::Type& type) {
  using iceberg::TypeId;
  switch (type.id()) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt:
      return "int";
    case TypeId::kLong:
      return "bigint";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(type.precision()) + "," + std::to_string(type.scale()) +
             ")";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
    case TypeId::kString:
    case TypeId::kUuid:
      return "string";
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return "timestamp";
    case TypeId::kFixed:
    case TypeId::kBinary:
      return "binary";
    case TypeId::kStruct: {
      std::string out = "struct<";
      bool first = true;
      for (const auto& field : type.fields()) {
        if (!first) out += ',';
        first = false;
        out += field.name + ":" + GlueTypeString(*field.type);
      }
      return out + ">";
    }
    case TypeId::kList:
      return "array<" + GlueTypeString(*type.element().type) + ">";
    case TypeId::kMap:
      return "map<" + GlueTypeString(*type.key().type) + "," + GlueTypeString(*type.value().type) +
             ">";
  }
  return type.ToString();
}

std::vector<GlueColumn> GlueColumns(const iceberg::TableMetadata& metadata) {
  std::vector<GlueColumn> columns;
  std::set<std::string> seen;
  auto add = [&](const iceberg::NestedField& field, bool current) {
    if (!seen.insert(field.name).second) return;
    GlueColumn column;
    column.name = field.name;
    column.type = GlueTypeString(*field.type);
    column.comment = field.doc;
    column.parameters = {{"iceberg.field.id", std::to_string(field.id)},
                         {"iceberg.field.optional", field.required ? "false" : "true"},
                         {"iceberg.field.current", current ? "true" : "false"}};
    columns.push_back(std::move(column));
  };
  if (auto current = metadata.CurrentSchema()) {
    for (const auto& field : current->fields()) add(field, true);
  }
  for (const auto& schema : metadata.schemas) {
    if (schema->schema_id() == metadata.current_schema_id) continue;
    for (const auto& field : schema->fields()) add(field, false);
  }
  return columns;
}

}  // namespace floe::catalog::glue
