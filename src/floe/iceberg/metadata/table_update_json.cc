// REST JSON of TableUpdate and TableRequirement (rest-catalog-open-api.yaml: "BaseUpdate" and
// its subtypes, "TableRequirement" and its subtypes).

#include "floe/iceberg/metadata/table_metadata_json_internal.h"
#include "floe/iceberg/metadata/table_update_json_internal.h"
#include "floe/iceberg/type/json_internal.h"
#include "floe/iceberg/type/schema_json_internal.h"

namespace floe::iceberg {

using json_internal::Json;
using OJson = nlohmann::ordered_json;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

OJson WithAction(const TableUpdate& update) {
  OJson out;
  out["action"] = UpdateAction(update);
  return out;
}

arrow::Result<std::map<std::string, std::string>> StringMap(const Json& obj,
                                                            const std::string& where) {
  std::map<std::string, std::string> out;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!it->is_string()) return json_internal::WrongType(where, it.key(), "a string", *it);
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

arrow::Result<std::vector<std::string>> StringList(const Json& array, const std::string& where) {
  std::vector<std::string> out;
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      return arrow::Status::Invalid(json_internal::Index(where, i), ": expected a string, got ",
                                    json_internal::Show(array[i]));
    }
    out.push_back(array[i].get<std::string>());
  }
  return out;
}

arrow::Result<TableUpdate> ReadUpdate(const Json& json, const std::string& action,
                                      const std::string& where) {
  using namespace json_internal;
  if (action == "assign-uuid") {
    ARROW_ASSIGN_OR_RAISE(auto uuid, GetString(json, "uuid", where));
    return AssignUuid{std::move(uuid)};
  }
  if (action == "upgrade-format-version") {
    ARROW_ASSIGN_OR_RAISE(auto version, GetInt(json, "format-version", where));
    return UpgradeFormatVersion{version};
  }
  if (action == "add-schema") {
    const Json* schema = Find(json, "schema");
    if (schema == nullptr) return Missing(where, "schema");
    ARROW_ASSIGN_OR_RAISE(auto parsed, SchemaFromJson(*schema, Path(where, "schema")));
    // "last-column-id" is deprecated and optional: without it the schema's own highest id
    // is the floor, and the table's last-column-id never moves backwards when applied.
    ARROW_ASSIGN_OR_RAISE(auto last, GetOptionalInt(json, "last-column-id", where));
    int32_t last_column_id = last.value_or(parsed->HighestFieldId());
    return AddSchema{std::move(parsed), last_column_id};
  }
  if (action == "set-current-schema") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "schema-id", where));
    return SetCurrentSchema{id};
  }
  if (action == "add-spec") {
    const Json* spec = Find(json, "spec");
    if (spec == nullptr) return Missing(where, "spec");
    // A spec in an update may leave out its id (the server assigns one).
    Json with_id = *spec;
    if (with_id.is_object() && Find(with_id, "spec-id") == nullptr) with_id["spec-id"] = 0;
    ARROW_ASSIGN_OR_RAISE(auto parsed, PartitionSpecFromJson(with_id, Path(where, "spec")));
    return AddPartitionSpec{std::move(parsed)};
  }
  if (action == "set-default-spec") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "spec-id", where));
    return SetDefaultSpec{id};
  }
  if (action == "add-sort-order") {
    const Json* order = Find(json, "sort-order");
    if (order == nullptr) return Missing(where, "sort-order");
    ARROW_ASSIGN_OR_RAISE(auto parsed, SortOrderFromJson(*order, Path(where, "sort-order")));
    return AddSortOrder{std::move(parsed)};
  }
  if (action == "set-default-sort-order") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "sort-order-id", where));
    return SetDefaultSortOrder{id};
  }
  if (action == "add-snapshot") {
    const Json* snapshot = Find(json, "snapshot");
    if (snapshot == nullptr) return Missing(where, "snapshot");
    ARROW_ASSIGN_OR_RAISE(auto parsed, SnapshotFromJson(*snapshot, Path(where, "snapshot")));
    return AddSnapshot{std::move(parsed)};
  }
  if (action == "set-snapshot-ref") {
    ARROW_ASSIGN_OR_RAISE(auto name, GetString(json, "ref-name", where));
    // The reference's fields sit beside "ref-name" (allOf BaseUpdate, SnapshotReference).
    ARROW_ASSIGN_OR_RAISE(auto ref, RefFromJson(json, where));
    return SetSnapshotRef{std::move(name), ref};
  }
  if (action == "remove-snapshots") {
    ARROW_ASSIGN_OR_RAISE(const Json* ids, GetArray(json, "snapshot-ids", where));
    RemoveSnapshots out;
    for (size_t i = 0; i < ids->size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(int64_t id, AsLong((*ids)[i], where, Index("snapshot-ids", i)));
      out.snapshot_ids.push_back(id);
    }
    return out;
  }
  if (action == "remove-snapshot-ref") {
    ARROW_ASSIGN_OR_RAISE(auto name, GetString(json, "ref-name", where));
    return RemoveSnapshotRef{std::move(name)};
  }
  if (action == "set-location") {
    ARROW_ASSIGN_OR_RAISE(auto location, GetString(json, "location", where));
    return SetLocation{std::move(location)};
  }
  if (action == "set-properties") {
    ARROW_ASSIGN_OR_RAISE(const Json* updates, GetOptionalObject(json, "updates", where));
    if (updates == nullptr) return Missing(where, "updates");
    ARROW_ASSIGN_OR_RAISE(auto map, StringMap(*updates, Path(where, "updates")));
    return SetProperties{std::move(map)};
  }
  if (action == "remove-properties") {
    ARROW_ASSIGN_OR_RAISE(const Json* removals, GetArray(json, "removals", where));
    ARROW_ASSIGN_OR_RAISE(auto list, StringList(*removals, Path(where, "removals")));
    return RemoveProperties{std::move(list)};
  }
  return arrow::Status::NotImplemented(At(where), "update action '", action,
                                       "' is not supported by floe");
}

arrow::Result<TableRequirement> ReadRequirement(const Json& json, const std::string& type,
                                                const std::string& where) {
  using namespace json_internal;
  if (type == "assert-create") return AssertCreate{};
  if (type == "assert-table-uuid") {
    ARROW_ASSIGN_OR_RAISE(auto uuid, GetString(json, "uuid", where));
    return AssertTableUuid{std::move(uuid)};
  }
  if (type == "assert-ref-snapshot-id") {
    ARROW_ASSIGN_OR_RAISE(auto ref, GetString(json, "ref", where));
    // Required but nullable: null means the ref must not exist.
    ARROW_ASSIGN_OR_RAISE(auto id, GetOptionalLong(json, "snapshot-id", where));
    return AssertRefSnapshotId{std::move(ref), id};
  }
  if (type == "assert-last-assigned-field-id") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "last-assigned-field-id", where));
    return AssertLastAssignedFieldId{id};
  }
  if (type == "assert-current-schema-id") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "current-schema-id", where));
    return AssertCurrentSchemaId{id};
  }
  if (type == "assert-last-assigned-partition-id") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "last-assigned-partition-id", where));
    return AssertLastAssignedPartitionId{id};
  }
  if (type == "assert-default-spec-id") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "default-spec-id", where));
    return AssertDefaultSpecId{id};
  }
  if (type == "assert-default-sort-order-id") {
    ARROW_ASSIGN_OR_RAISE(auto id, GetInt(json, "default-sort-order-id", where));
    return AssertDefaultSortOrderId{id};
  }
  return arrow::Status::NotImplemented(At(where), "requirement type '", type,
                                       "' is not supported by floe");
}

}  // namespace

OJson TableUpdateToJson(const TableUpdate& update) {
  OJson out = WithAction(update);
  std::visit(Overloaded{
                 [&](const AssignUuid& u) { out["uuid"] = u.uuid; },
                 [&](const UpgradeFormatVersion& u) { out["format-version"] = u.format_version; },
                 [&](const AddSchema& u) {
                   out["schema"] = SchemaToJson(*u.schema);
                   out["last-column-id"] = u.last_column_id;
                 },
                 [&](const SetCurrentSchema& u) { out["schema-id"] = u.schema_id; },
                 [&](const AddPartitionSpec& u) { out["spec"] = PartitionSpecToJson(u.spec); },
                 [&](const SetDefaultSpec& u) { out["spec-id"] = u.spec_id; },
                 [&](const AddSortOrder& u) { out["sort-order"] = SortOrderToJson(u.sort_order); },
                 [&](const SetDefaultSortOrder& u) { out["sort-order-id"] = u.sort_order_id; },
                 [&](const AddSnapshot& u) { out["snapshot"] = SnapshotToJson(u.snapshot, 2); },
                 [&](const SetSnapshotRef& u) {
                   out["ref-name"] = u.ref_name;
                   const OJson ref = RefToJson(u.ref);  // kept alive for the loop over its items
                   for (const auto& [key, value] : ref.items()) out[key] = value;
                 },
                 [&](const RemoveSnapshots& u) { out["snapshot-ids"] = u.snapshot_ids; },
                 [&](const RemoveSnapshotRef& u) { out["ref-name"] = u.ref_name; },
                 [&](const SetLocation& u) { out["location"] = u.location; },
                 [&](const SetProperties& u) {
                   OJson updates = OJson::object();
                   for (const auto& [key, value] : u.updates) updates[key] = value;
                   out["updates"] = std::move(updates);
                 },
                 [&](const RemoveProperties& u) { out["removals"] = u.removals; },
             },
             update);
  return out;
}

arrow::Result<TableUpdate> TableUpdateFromJson(const Json& json, std::string_view where) {
  using namespace json_internal;
  std::string at(where);
  ARROW_RETURN_NOT_OK(CheckObject(json, at));
  ARROW_ASSIGN_OR_RAISE(std::string action, GetString(json, "action", at));
  return ReadUpdate(json, action, at);
}

OJson TableRequirementToJson(const TableRequirement& requirement) {
  OJson out;
  out["type"] = RequirementType(requirement);
  std::visit(
      Overloaded{
          [&](const AssertCreate&) {},
          [&](const AssertTableUuid& r) { out["uuid"] = r.uuid; },
          [&](const AssertRefSnapshotId& r) {
            out["ref"] = r.ref_name;
            out["snapshot-id"] = r.snapshot_id ? OJson(*r.snapshot_id) : OJson(nullptr);
          },
          [&](const AssertLastAssignedFieldId& r) {
            out["last-assigned-field-id"] = r.last_assigned_field_id;
          },
          [&](const AssertCurrentSchemaId& r) { out["current-schema-id"] = r.current_schema_id; },
          [&](const AssertLastAssignedPartitionId& r) {
            out["last-assigned-partition-id"] = r.last_assigned_partition_id;
          },
          [&](const AssertDefaultSpecId& r) { out["default-spec-id"] = r.default_spec_id; },
          [&](const AssertDefaultSortOrderId& r) {
            out["default-sort-order-id"] = r.default_sort_order_id;
          },
      },
      requirement);
  return out;
}

arrow::Result<TableRequirement> TableRequirementFromJson(const Json& json, std::string_view where) {
  using namespace json_internal;
  std::string at(where);
  ARROW_RETURN_NOT_OK(CheckObject(json, at));
  ARROW_ASSIGN_OR_RAISE(std::string type, GetString(json, "type", at));
  return ReadRequirement(json, type, at);
}

OJson TableUpdatesToJson(const std::vector<TableUpdate>& updates) {
  OJson out = OJson::array();
  for (const auto& update : updates) out.push_back(TableUpdateToJson(update));
  return out;
}

OJson TableRequirementsToJson(const std::vector<TableRequirement>& requirements) {
  OJson out = OJson::array();
  for (const auto& requirement : requirements) out.push_back(TableRequirementToJson(requirement));
  return out;
}

arrow::Result<std::vector<TableUpdate>> TableUpdatesFromJson(const Json& json,
                                                             std::string_view where) {
  if (!json.is_array()) {
    return arrow::Status::Invalid(where, ": expected an array, got ", json_internal::Show(json));
  }
  std::vector<TableUpdate> out;
  for (size_t i = 0; i < json.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto update,
                          TableUpdateFromJson(json[i], json_internal::Index(where, i)));
    out.push_back(std::move(update));
  }
  return out;
}

arrow::Result<std::vector<TableRequirement>> TableRequirementsFromJson(const Json& json,
                                                                       std::string_view where) {
  if (!json.is_array()) {
    return arrow::Status::Invalid(where, ": expected an array, got ", json_internal::Show(json));
  }
  std::vector<TableRequirement> out;
  for (size_t i = 0; i < json.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto requirement,
                          TableRequirementFromJson(json[i], json_internal::Index(where, i)));
    out.push_back(std::move(requirement));
  }
  return out;
}

}  // namespace floe::iceberg
