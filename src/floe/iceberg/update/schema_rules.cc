#include "floe/iceberg/update/schema_rules_internal.h"

#include <unordered_set>

#include "floe/iceberg/type/literal_conversion.h"

namespace floe::iceberg::schema_rules {
namespace {

arrow::Status Refuse(const std::string& what) { return arrow::Status::Invalid(what); }

}  // namespace

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

bool CanWiden(const Type& from, const Type& to) {
  if (from.id() == TypeId::kInt && to.id() == TypeId::kLong) return true;
  if (from.id() == TypeId::kFloat && to.id() == TypeId::kDouble) return true;
  return from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal &&
         from.scale() == to.scale() && to.precision() > from.precision();
}

arrow::Status CheckNames(const Type& type, const std::string& prefix) {
  std::unordered_set<std::string> names;
  for (const auto& field : type.fields()) {
    if (type.id() == TypeId::kStruct && !names.insert(field.name).second) {
      return Refuse("the new schema would have two columns named " + Quoted(prefix + field.name));
    }
    ARROW_RETURN_NOT_OK(CheckNames(*field.type, prefix + field.name + "."));
  }
  return arrow::Status::OK();
}

arrow::Status CheckIdentifier(const Schema& schema, int32_t id) {
  std::string name = schema.FindColumnName(id);
  const NestedField* field = schema.FindFieldById(id);
  auto refuse = [&](const std::string& why) {
    return Refuse("cannot use " + Quoted(name) + " as an identifier field: " + why);
  };
  if (!field->type->is_primitive()) return refuse("it is not a primitive column");
  if (field->type->id() == TypeId::kFloat || field->type->id() == TypeId::kDouble) {
    return refuse("it is a floating-point column");
  }
  if (!field->required) return refuse("it is optional");
  // Every enclosing field, from the top, must be a required struct.
  for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const NestedField* step = schema.FindFieldByName(name.substr(0, dot));
    if (step == nullptr) continue;  // a dot inside a field's own name
    if (step->type->id() != TypeId::kStruct) return refuse("it is inside a list or map");
    if (!step->required) {
      return refuse("it is inside optional struct " + Quoted(name.substr(0, dot)));
    }
  }
  return arrow::Status::OK();
}

arrow::Status CheckPartitionNames(const TableMetadata& base, const Schema& draft) {
  for (const auto& spec : base.partition_specs) {
    for (const auto& field : spec.fields()) {
      const NestedField* column = draft.FindFieldByName(field.name);
      if (column == nullptr) continue;
      auto kind = field.transform.kind();
      bool same_source = (kind == Transform::Kind::kIdentity || kind == Transform::Kind::kVoid) &&
                         column->id == field.source_id;
      if (!same_source) {
        return Refuse("column " + Quoted(field.name) + " would have the name of partition field " +
                      Quoted(field.name) + " (partition spec " + std::to_string(spec.spec_id()) +
                      "); choose another name");
      }
    }
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<const Literal>> DefaultFor(const std::string& name,
                                                         const TypePtr& type,
                                                         const Literal& value) {
  if (value.is_null()) return nullptr;
  if (!type->is_primitive() || type->id() == TypeId::kUnknown) {
    return Refuse("cannot give column " + Quoted(name) + " a default: it is a " + type->ToString() +
                  ", and only primitive columns take defaults");
  }
  auto converted = ConvertLiteral(value, type);
  if (!converted.ok()) {
    return Refuse("default " + value.ToString() + " for column " + Quoted(name) + ": " +
                  converted.status().message());
  }
  if (converted->kind != ConvertedLiteral::Kind::kValue) {
    return Refuse("default " + value.ToString() + " for column " + Quoted(name) +
                  " is out of the range of " + type->ToString());
  }
  return std::make_shared<const Literal>(std::move(converted->value));
}

}  // namespace floe::iceberg::schema_rules
