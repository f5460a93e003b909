#include "floe/iceberg/type/name_mapping.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <nlohmann/json.hpp>

#include "floe/format/parquet/parquet_file_reader.h"

namespace floe::iceberg {
namespace {

using json = nlohmann::json;

arrow::Result<std::vector<MappedField>> ParseFields(const json& list, const std::string& where) {
  if (!list.is_array()) {
    return arrow::Status::Invalid("name mapping", where, ": expected a list of fields");
  }
  std::vector<MappedField> out;
  for (const auto& entry : list) {
    if (!entry.is_object()) {
      return arrow::Status::Invalid("name mapping", where, ": field entry is not an object");
    }
    MappedField field;
    auto id = entry.find("field-id");
    if (id != entry.end() && !id->is_null()) {
      if (!id->is_number_integer()) {
        return arrow::Status::Invalid("name mapping", where, ": field-id is not an integer");
      }
      field.field_id = id->get<int32_t>();
    }
    auto names = entry.find("names");
    if (names == entry.end() || !names->is_array()) {
      return arrow::Status::Invalid("name mapping", where, ": field entry without names");
    }
    for (const auto& name : *names) {
      if (!name.is_string()) {
        return arrow::Status::Invalid("name mapping", where, ": a name is not a string");
      }
      field.names.push_back(name.get<std::string>());
    }
    auto nested = entry.find("fields");
    if (nested != entry.end() && !nested->is_null()) {
      std::string inner = " at " + (field.names.empty() ? std::string("?") : field.names[0]);
      ARROW_ASSIGN_OR_RAISE(field.fields, ParseFields(*nested, inner));
    }
    out.push_back(std::move(field));
  }
  return out;
}

json FieldsToJson(const std::vector<MappedField>& fields) {
  json list = json::array();
  for (const auto& f : fields) {
    json entry = json::object();
    if (f.field_id) entry["field-id"] = *f.field_id;
    entry["names"] = f.names;
    if (!f.fields.empty()) entry["fields"] = FieldsToJson(f.fields);
    list.push_back(std::move(entry));
  }
  return list;
}

std::vector<MappedField> FromFields(const std::vector<NestedField>& fields);

std::vector<MappedField> FromType(const Type& type) {
  if (type.is_primitive()) return {};
  return FromFields(type.fields());
}

std::vector<MappedField> FromFields(const std::vector<NestedField>& fields) {
  std::vector<MappedField> out;
  for (const auto& f : fields) {
    out.push_back(MappedField{f.id, {f.name}, FromType(*f.type)});
  }
  return out;
}

const MappedField* Find(const std::vector<MappedField>& fields, const std::string& name) {
  for (const auto& f : fields) {
    for (const auto& n : f.names) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

std::shared_ptr<arrow::Field> MapField(const std::shared_ptr<arrow::Field>& field,
                                       const MappedField* mapping);

std::shared_ptr<arrow::DataType> MapType(const std::shared_ptr<arrow::DataType>& type,
                                         const MappedField* mapping) {
  static const std::vector<MappedField> kNone;
  const auto& nested = mapping ? mapping->fields : kNone;
  switch (type->id()) {
    case arrow::Type::STRUCT: {
      arrow::FieldVector children;
      for (const auto& child : type->fields()) {
        children.push_back(MapField(child, Find(nested, child->name())));
      }
      return arrow::struct_(std::move(children));
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      const auto& element = type->field(0);
      const MappedField* m = Find(nested, "element");
      if (!m) m = Find(nested, element->name());
      auto mapped = MapField(element, m);
      if (type->id() == arrow::Type::LIST) return arrow::list(mapped);
      return arrow::large_list(mapped);
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      auto key = MapField(map.key_field(), Find(nested, "key"));
      auto value = MapField(map.item_field(), Find(nested, "value"));
      return std::make_shared<arrow::MapType>(key, value, map.keys_sorted());
    }
    default:
      return type;
  }
}

std::shared_ptr<arrow::Field> MapField(const std::shared_ptr<arrow::Field>& field,
                                       const MappedField* mapping) {
  std::shared_ptr<const arrow::KeyValueMetadata> metadata = field->metadata();
  std::shared_ptr<arrow::KeyValueMetadata> updated =
      metadata ? metadata->Copy() : std::make_shared<arrow::KeyValueMetadata>();
  if (int index = updated->FindKey(pq::kFieldIdKey); index >= 0) {
    (void)updated->Delete(index);
  }
  if (mapping && mapping->field_id) {
    updated->Append(pq::kFieldIdKey, std::to_string(*mapping->field_id));
  }
  return arrow::field(field->name(), MapType(field->type(), mapping), field->nullable(),
                      updated->size() > 0 ? updated : nullptr);
}

}  // namespace

arrow::Result<NameMapping> NameMapping::Parse(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return arrow::Status::Invalid("name mapping: not valid JSON");
  ARROW_ASSIGN_OR_RAISE(auto fields, ParseFields(doc, ""));
  return NameMapping(std::move(fields));
}

NameMapping NameMapping::FromSchema(const Schema& schema) {
  return NameMapping(FromFields(schema.fields()));
}

std::string NameMapping::ToJson() const { return FieldsToJson(fields_).dump(); }

std::shared_ptr<arrow::Schema> NameMapping::Apply(const arrow::Schema& schema) const {
  arrow::FieldVector fields;
  for (const auto& field : schema.fields()) {
    fields.push_back(MapField(field, Find(fields_, field->name())));
  }
  return arrow::schema(std::move(fields), schema.metadata());
}

}  // namespace floe::iceberg
