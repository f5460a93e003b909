// JSON forms of partition specs and sort orders (spec Appendix C); declared in schema_json.h.

#include "floe/iceberg/type/json_internal.h"
#include "floe/iceberg/type/schema_json_internal.h"

namespace floe::iceberg {

using json_internal::Json;
using OJson = nlohmann::ordered_json;

namespace {

arrow::Result<Transform> TransformFromJson(const Json& json, const std::string& where) {
  ARROW_ASSIGN_OR_RAISE(std::string text, json_internal::GetString(json, "transform", where));
  auto transform = Transform::Parse(text);
  if (!transform.ok()) {
    return arrow::Status::Invalid(json_internal::At(where), transform.status().message());
  }
  return transform;
}

}  // namespace

OJson PartitionFieldsToJson(const PartitionSpec& spec) {
  OJson fields = OJson::array();
  for (const auto& field : spec.fields()) {
    OJson out;
    out["name"] = field.name;
    out["transform"] = field.transform.ToString();
    out["source-id"] = field.source_id;
    out["field-id"] = field.field_id;
    fields.push_back(std::move(out));
  }
  return fields;
}

OJson PartitionSpecToJson(const PartitionSpec& spec) {
  OJson out;
  out["spec-id"] = spec.spec_id();
  out["fields"] = PartitionFieldsToJson(spec);
  return out;
}

arrow::Result<std::vector<PartitionField>> PartitionFieldsFromJson(const Json& json,
                                                                   std::string_view where_view) {
  using namespace json_internal;
  std::string where(where_view);
  if (!json.is_array()) {
    return arrow::Status::Invalid(At(where), "expected an array of partition fields, got ",
                                  Show(json));
  }
  std::vector<PartitionField> fields;
  int32_t next_id = kFirstPartitionFieldId;
  for (size_t i = 0; i < json.size(); ++i) {
    std::string at = Index(where, i);
    const Json& item = json[i];
    ARROW_RETURN_NOT_OK(CheckObject(item, at));
    PartitionField field;
    ARROW_ASSIGN_OR_RAISE(field.name, GetString(item, "name", at));
    ARROW_ASSIGN_OR_RAISE(field.transform, TransformFromJson(item, at));
    ARROW_ASSIGN_OR_RAISE(field.source_id, GetInt(item, "source-id", at));
    ARROW_ASSIGN_OR_RAISE(std::optional<int32_t> field_id, GetOptionalInt(item, "field-id", at));
    // Format v1 specs may omit field ids; readers assign them from 1000 in order.
    field.field_id = field_id.value_or(next_id);
    next_id = field.field_id + 1;
    for (const auto& earlier : fields) {
      if (earlier.name == field.name) {
        return arrow::Status::Invalid(at, ": duplicate partition field name '", field.name, "'");
      }
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

arrow::Result<PartitionSpec> PartitionSpecFromJson(const Json& json, std::string_view where_view) {
  using namespace json_internal;
  std::string where(where_view);
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  ARROW_ASSIGN_OR_RAISE(int32_t spec_id, GetInt(json, "spec-id", where));
  ARROW_ASSIGN_OR_RAISE(const Json* fields, GetArray(json, "fields", where));
  ARROW_ASSIGN_OR_RAISE(auto parsed, PartitionFieldsFromJson(*fields, Path(where, "fields")));
  return PartitionSpec(spec_id, std::move(parsed));
}

std::string SerializePartitionFields(const PartitionSpec& spec) {
  return PartitionFieldsToJson(spec).dump();
}

arrow::Result<PartitionSpec> ParsePartitionSpecJson(std::string_view text, int32_t spec_id) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return arrow::Status::Invalid("partition spec JSON: malformed JSON");
  arrow::Result<PartitionSpec> spec;
  if (json.is_array()) {
    auto fields = PartitionFieldsFromJson(json, "");
    if (fields.ok()) spec = PartitionSpec(spec_id, std::move(fields).ValueUnsafe());
    else spec = fields.status();
  } else {
    spec = PartitionSpecFromJson(json, "");
  }
  if (!spec.ok()) return arrow::Status::Invalid("partition spec JSON: ", spec.status().message());
  return spec;
}

OJson SortOrderToJson(const SortOrder& order) {
  OJson out;
  out["order-id"] = order.order_id;
  OJson fields = OJson::array();
  for (const auto& field : order.fields) {
    OJson f;
    f["transform"] = field.transform.ToString();
    f["source-id"] = field.source_id;
    f["direction"] = field.direction == SortDirection::kAsc ? "asc" : "desc";
    f["null-order"] = field.null_order == NullOrder::kNullsFirst ? "nulls-first" : "nulls-last";
    fields.push_back(std::move(f));
  }
  out["fields"] = std::move(fields);
  return out;
}

arrow::Result<SortOrder> SortOrderFromJson(const Json& json, std::string_view where_view) {
  using namespace json_internal;
  std::string where(where_view);
  ARROW_RETURN_NOT_OK(CheckObject(json, where));
  SortOrder order;
  ARROW_ASSIGN_OR_RAISE(order.order_id, GetInt(json, "order-id", where));
  ARROW_ASSIGN_OR_RAISE(const Json* fields, GetArray(json, "fields", where));
  for (size_t i = 0; i < fields->size(); ++i) {
    std::string at = Index(Path(where, "fields"), i);
    const Json& item = (*fields)[i];
    ARROW_RETURN_NOT_OK(CheckObject(item, at));
    SortField field;
    ARROW_ASSIGN_OR_RAISE(field.transform, TransformFromJson(item, at));
    ARROW_ASSIGN_OR_RAISE(field.source_id, GetInt(item, "source-id", at));
    ARROW_ASSIGN_OR_RAISE(std::string direction, GetString(item, "direction", at));
    if (direction == "asc") {
      field.direction = SortDirection::kAsc;
    } else if (direction == "desc") {
      field.direction = SortDirection::kDesc;
    } else {
      return arrow::Status::Invalid(at, ": unknown sort direction '", direction, "'");
    }
    ARROW_ASSIGN_OR_RAISE(std::string null_order, GetString(item, "null-order", at));
    if (null_order == "nulls-first") {
      field.null_order = NullOrder::kNullsFirst;
    } else if (null_order == "nulls-last") {
      field.null_order = NullOrder::kNullsLast;
    } else {
      return arrow::Status::Invalid(at, ": unknown null order '", null_order, "'");
    }
    order.fields.push_back(std::move(field));
  }
  return order;
}

}  // namespace floe::iceberg
