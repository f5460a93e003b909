#include "floe/iceberg/type/schema_json_internal.h"

#include <unordered_set>

#include "floe/iceberg/type/json_internal.h"
#include "floe/iceberg/type/single_value_json.h"

namespace floe::iceberg {

using json_internal::Json;
using OJson = nlohmann::ordered_json;

namespace {

OJson FieldToJson(const NestedField& field) {
  OJson out;
  out["id"] = field.id;
  out["name"] = field.name;
  out["required"] = field.required;
  out["type"] = TypeToJson(*field.type);
  if (!field.doc.empty()) out["doc"] = field.doc;
  // Defaults were read from their JSON form, so writing them cannot fail.
  if (field.initial_default) out["initial-default"] = *LiteralToJson(*field.initial_default);
  if (field.write_default) out["write-default"] = *LiteralToJson(*field.write_default);
  return out;
}

bool IsUnreadType(const Json& type) {
  if (!type.is_string()) return false;
  const auto& name = type.get_ref<const std::string&>();
  return name == "variant" || name.rfind("geometry", 0) == 0 || name.rfind("geography", 0) == 0;
}

// A default as the spec's JSON single value; JSON null (or no member) is no default.
arrow::Result<std::shared_ptr<const Literal>> DefaultFromJson(const Json& json, const char* key,
                                                              const NestedField& field,
                                                              const std::string& where) {
  const Json* value = json_internal::Find(json, key);
  if (value == nullptr) return nullptr;
  ARROW_ASSIGN_OR_RAISE(Literal literal,
                        LiteralFromJson(field.type, *value, json_internal::Path(where, key)));
  return std::make_shared<const Literal>(std::move(literal));
}

arrow::Result<NestedField> FieldFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  NestedField field;
  ARROW_ASSIGN_OR_RAISE(field.id, GetInt(json, "id", where));
  ARROW_ASSIGN_OR_RAISE(field.name, GetString(json, "name", where));
  const Json* type = Find(json, "type");
  if (type == nullptr) return Missing(where, "type");
  if (IsUnreadType(*type)) {
    return arrow::Status::NotImplemented(At(where), "column ", field.name, " has type ",
                                         type->get<std::string>(),
                                         ", which floe does not read yet");
  }
  ARROW_ASSIGN_OR_RAISE(field.type, TypeFromJson(*type, Path(where, "type")));
  ARROW_ASSIGN_OR_RAISE(field.required, GetBool(json, "required", where));
  if (const Json* doc = Find(json, "doc")) {
    if (!doc->is_string()) return WrongType(where, "doc", "a string", *doc);
    field.doc = doc->get<std::string>();
  }
  ARROW_ASSIGN_OR_RAISE(field.initial_default,
                        DefaultFromJson(json, "initial-default", field, where));
  ARROW_ASSIGN_OR_RAISE(field.write_default, DefaultFromJson(json, "write-default", field, where));
  return field;
}

arrow::Result<TypePtr> StructFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  ARROW_ASSIGN_OR_RAISE(const Json* fields, GetArray(json, "fields", where));
  std::vector<NestedField> out;
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < fields->size(); ++i) {
    std::string at = Index(Path(where, "fields"), i);
    ARROW_ASSIGN_OR_RAISE(NestedField field, FieldFromJson((*fields)[i], at));
    if (!names.insert(field.name).second) {
      return arrow::Status::Invalid(at, ": duplicate field name '", field.name, "'");
    }
    out.push_back(std::move(field));
  }
  return Type::Struct(std::move(out));
}

arrow::Result<TypePtr> ListFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  NestedField element;
  element.name = "element";
  ARROW_ASSIGN_OR_RAISE(element.id, GetInt(json, "element-id", where));
  const Json* type = Find(json, "element");
  if (type == nullptr) return Missing(where, "element");
  if (IsUnreadType(*type)) {
    return arrow::Status::NotImplemented(At(where), "a list element has type ",
                                         type->get<std::string>(),
                                         ", which floe does not read yet");
  }
  ARROW_ASSIGN_OR_RAISE(element.type, TypeFromJson(*type, Path(where, "element")));
  ARROW_ASSIGN_OR_RAISE(element.required, GetBool(json, "element-required", where));
  return Type::List(std::move(element));
}

arrow::Result<TypePtr> MapFromJson(const Json& json, const std::string& where) {
  using namespace json_internal;
  NestedField key;
  key.name = "key";
  key.required = true;  // map keys are always required (spec: "Nested Types")
  ARROW_ASSIGN_OR_RAISE(key.id, GetInt(json, "key-id", where));
  const Json* key_type = Find(json, "key");
  if (key_type == nullptr) return Missing(where, "key");
  ARROW_ASSIGN_OR_RAISE(key.type, TypeFromJson(*key_type, Path(where, "key")));

  NestedField value;
  value.name = "value";
  ARROW_ASSIGN_OR_RAISE(value.id, GetInt(json, "value-id", where));
  const Json* value_type = Find(json, "value");
  if (value_type == nullptr) return Missing(where, "value");
  ARROW_ASSIGN_OR_RAISE(value.type, TypeFromJson(*value_type, Path(where, "value")));
  ARROW_ASSIGN_OR_RAISE(value.required, GetBool(json, "value-required", where));
  return Type::Map(std::move(key), std::move(value));
}

// Collects every field id of a type tree, failing on a repeated id.
arrow::Status CheckUniqueIds(const Type& type, std::unordered_set<int32_t>* seen) {
  for (const auto& field : type.fields()) {
    if (!seen->insert(field.id).second) {
      return arrow::Status::Invalid("field id ", field.id, " is used more than once (field '",
                                    field.name, "')");
    }
    ARROW_RETURN_NOT_OK(CheckUniqueIds(*field.type, seen));
  }
  return arrow::Status::OK();
}

}  // namespace

OJson TypeToJson(const Type& type) {
  switch (type.id()) {
    case TypeId::kStruct: {
      OJson out;
      out["type"] = "struct";
      OJson fields = OJson::array();
      for (const auto& field : type.fields()) fields.push_back(FieldToJson(field));
      out["fields"] = std::move(fields);
      return out;
    }
    case TypeId::kList: {
      OJson out;
      out["type"] = "list";
      out["element-id"] = type.element().id;
      out["element"] = TypeToJson(*type.element().type);
      out["element-required"] = type.element().required;
      return out;
    }
    case TypeId::kMap: {
      OJson out;
      out["type"] = "map";
      out["key-id"] = type.key().id;
      out["key"] = TypeToJson(*type.key().type);
      out["value-id"] = type.value().id;
      out["value"] = TypeToJson(*type.value().type);
      out["value-required"] = type.value().required;
      return out;
    }
    default:
      // Type::ToString writes primitives the way Java does: "decimal(10, 2)", "fixed[16]".
      return type.ToString();
  }
}

arrow::Result<TypePtr> TypeFromJson(const Json& json, std::string_view where_view) {
  std::string where(where_view);
  if (json.is_string()) {
    auto type = Type::FromPrimitiveName(json.get<std::string>());
    if (!type.ok()) {
      return arrow::Status::Invalid(json_internal::At(where), type.status().message());
    }
    return type;
  }
  if (!json.is_object()) {
    return arrow::Status::Invalid(json_internal::At(where),
                                  "expected a type name or a type object, got ",
                                  json_internal::Show(json));
  }
  ARROW_ASSIGN_OR_RAISE(std::string kind, json_internal::GetString(json, "type", where));
  if (kind == "struct") return StructFromJson(json, where);
  if (kind == "list") return ListFromJson(json, where);
  if (kind == "map") return MapFromJson(json, where);
  return arrow::Status::Invalid(json_internal::At(where), "unknown nested type '", kind, "'");
}

OJson SchemaToJson(const Schema& schema) {
  OJson out;
  out["type"] = "struct";
  out["schema-id"] = schema.schema_id();
  out["identifier-field-ids"] = schema.identifier_field_ids();
  OJson fields = OJson::array();
  for (const auto& field : schema.fields()) fields.push_back(FieldToJson(field));
  out["fields"] = std::move(fields);
  return out;
}

arrow::Result<std::shared_ptr<const Schema>> SchemaFromJson(const Json& json,
                                                            std::string_view where_view) {
  using namespace json_internal;
  std::string where(where_view);
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  if (const Json* kind = Find(json, "type"); kind != nullptr && *kind != "struct") {
    return arrow::Status::Invalid(At(where), "a schema must be a struct, got type ",
                                  Show(*kind));
  }
  ARROW_ASSIGN_OR_RAISE(std::optional<int32_t> schema_id, GetOptionalInt(json, "schema-id", where));
  ARROW_ASSIGN_OR_RAISE(TypePtr type, StructFromJson(json, where));

  std::vector<int32_t> identifier_ids;
  ARROW_ASSIGN_OR_RAISE(const Json* ids, GetOptionalArray(json, "identifier-field-ids", where));
  if (ids != nullptr) {
    for (size_t i = 0; i < ids->size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(int32_t id,
                            AsInt((*ids)[i], where, Index("identifier-field-ids", i)));
      identifier_ids.push_back(id);
    }
  }
  std::unordered_set<int32_t> seen;
  auto unique = CheckUniqueIds(*type, &seen);
  if (!unique.ok()) return arrow::Status::Invalid(At(where), unique.message());

  auto schema =
      std::make_shared<const Schema>(schema_id.value_or(0), type->fields(), identifier_ids);
  for (int32_t id : identifier_ids) {
    if (schema->FindFieldById(id) == nullptr) {
      return arrow::Status::Invalid(At(where), "identifier field id ", id,
                                    " is not a field of the schema");
    }
  }
  return schema;
}

std::string SerializeSchema(const Schema& schema) { return SchemaToJson(schema).dump(); }

arrow::Result<std::shared_ptr<const Schema>> ParseSchemaJson(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return arrow::Status::Invalid("schema JSON: malformed JSON");
  auto schema = SchemaFromJson(json, "");
  if (!schema.ok()) return arrow::Status::Invalid("schema JSON: ", schema.status().message());
  return schema;
}

}  // namespace floe::iceberg
