#include "floe/iceberg/metadata/table_update.h"

#include <set>
#include <string>

#include "floe/iceberg/errors.h"
#include "floe/iceberg/metadata/table_metadata.h"

namespace floe::iceberg {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string Describe(const std::optional<int64_t>& id) {
  return id ? std::to_string(*id) : std::string("none");
}

arrow::Status Failed(const TableRequirement& requirement, const std::string& why) {
  return CommitConflict(std::string("requirement ") + RequirementType(requirement) +
                        " failed: " + why);
}

}  // namespace

const char* UpdateAction(const TableUpdate& update) {
  return std::visit(Overloaded{
                        [](const AssignUuid&) { return "assign-uuid"; },
                        [](const UpgradeFormatVersion&) { return "upgrade-format-version"; },
                        [](const AddSchema&) { return "add-schema"; },
                        [](const SetCurrentSchema&) { return "set-current-schema"; },
                        [](const AddPartitionSpec&) { return "add-spec"; },
                        [](const SetDefaultSpec&) { return "set-default-spec"; },
                        [](const AddSortOrder&) { return "add-sort-order"; },
                        [](const SetDefaultSortOrder&) { return "set-default-sort-order"; },
                        [](const AddSnapshot&) { return "add-snapshot"; },
                        [](const SetSnapshotRef&) { return "set-snapshot-ref"; },
                        [](const RemoveSnapshots&) { return "remove-snapshots"; },
                        [](const RemoveSnapshotRef&) { return "remove-snapshot-ref"; },
                        [](const SetLocation&) { return "set-location"; },
                        [](const SetProperties&) { return "set-properties"; },
                        [](const RemoveProperties&) { return "remove-properties"; },
                    },
                    update);
}

const char* RequirementType(const TableRequirement& requirement) {
  return std::visit(
      Overloaded{
          [](const AssertCreate&) { return "assert-create"; },
          [](const AssertTableUuid&) { return "assert-table-uuid"; },
          [](const AssertRefSnapshotId&) { return "assert-ref-snapshot-id"; },
          [](const AssertLastAssignedFieldId&) { return "assert-last-assigned-field-id"; },
          [](const AssertCurrentSchemaId&) { return "assert-current-schema-id"; },
          [](const AssertLastAssignedPartitionId&) {
            return "assert-last-assigned-partition-id";
          },
          [](const AssertDefaultSpecId&) { return "assert-default-spec-id"; },
          [](const AssertDefaultSortOrderId&) { return "assert-default-sort-order-id"; },
      },
      requirement);
}

arrow::Status CheckRequirement(const TableRequirement& requirement, const TableMetadata* current) {
  if (std::holds_alternative<AssertCreate>(requirement)) {
    return current == nullptr ? arrow::Status::OK()
                              : Failed(requirement, "the table already exists");
  }
  if (current == nullptr) return Failed(requirement, "the table does not exist");
  const TableMetadata& md = *current;
  return std::visit(
      Overloaded{
          [&](const AssertCreate&) { return arrow::Status::OK(); },
          [&](const AssertTableUuid& r) {
            return r.uuid == md.table_uuid
                       ? arrow::Status::OK()
                       : Failed(requirement, "table uuid is " + md.table_uuid + ", expected " +
                                                 r.uuid + " (the table was replaced)");
          },
          [&](const AssertRefSnapshotId& r) {
            std::optional<int64_t> actual;
            auto it = md.refs.find(r.ref_name);
            if (it != md.refs.end()) {
              actual = it->second.snapshot_id;
            } else if (r.ref_name == kMainBranch) {
              actual = md.current_snapshot_id;  // v1 tables without refs
            }
            if (actual == r.snapshot_id) return arrow::Status::OK();
            return Failed(requirement, "branch or tag '" + r.ref_name + "' is at snapshot " +
                                           Describe(actual) + ", expected " +
                                           Describe(r.snapshot_id));
          },
          [&](const AssertLastAssignedFieldId& r) {
            return r.last_assigned_field_id == md.last_column_id
                       ? arrow::Status::OK()
                       : Failed(requirement, "last assigned field id is " +
                                                 std::to_string(md.last_column_id) +
                                                 ", expected " +
                                                 std::to_string(r.last_assigned_field_id));
          },
          [&](const AssertCurrentSchemaId& r) {
            return r.current_schema_id == md.current_schema_id
                       ? arrow::Status::OK()
                       : Failed(requirement, "current schema id is " +
                                                 std::to_string(md.current_schema_id) +
                                                 ", expected " +
                                                 std::to_string(r.current_schema_id));
          },
          [&](const AssertLastAssignedPartitionId& r) {
            return r.last_assigned_partition_id == md.last_partition_id
                       ? arrow::Status::OK()
                       : Failed(requirement, "last assigned partition id is " +
                                                 std::to_string(md.last_partition_id) +
                                                 ", expected " +
                                                 std::to_string(r.last_assigned_partition_id));
          },
          [&](const AssertDefaultSpecId& r) {
            return r.default_spec_id == md.default_spec_id
                       ? arrow::Status::OK()
                       : Failed(requirement, "default spec id is " +
                                                 std::to_string(md.default_spec_id) +
                                                 ", expected " + std::to_string(r.default_spec_id));
          },
          [&](const AssertDefaultSortOrderId& r) {
            return r.default_sort_order_id == md.default_sort_order_id
                       ? arrow::Status::OK()
                       : Failed(requirement, "default sort order id is " +
                                                 std::to_string(md.default_sort_order_id) +
                                                 ", expected " +
                                                 std::to_string(r.default_sort_order_id));
          },
      },
      requirement);
}

arrow::Status CheckRequirements(const std::vector<TableRequirement>& requirements,
                                const TableMetadata* current) {
  for (const auto& requirement : requirements) {
    ARROW_RETURN_NOT_OK(CheckRequirement(requirement, current));
  }
  return arrow::Status::OK();
}

// GCC 12 warns, wrongly, that the string of the AssertTableUuid alternative may be read
// uninitialized when other alternatives are moved into the vector (a known false positive of
// -Wmaybe-uninitialized with std::variant at -O2).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
std::vector<TableRequirement> RequirementsFor(const TableMetadata* base,
                                              const std::vector<TableUpdate>& updates) {
  if (base == nullptr) return {AssertCreate{}};
  std::vector<TableRequirement> out{AssertTableUuid{base->table_uuid}};
  // One requirement of each kind, in the order the updates first need them.
  bool field_id = false, schema = false, partition_id = false, spec = false, order = false;
  std::set<std::string> refs;
  for (const auto& update : updates) {
    std::visit(
        Overloaded{
            [&](const AddSchema&) {
              if (!field_id) out.push_back(AssertLastAssignedFieldId{base->last_column_id});
              field_id = true;
            },
            [&](const SetCurrentSchema&) {
              if (!schema) out.push_back(AssertCurrentSchemaId{base->current_schema_id});
              schema = true;
            },
            [&](const AddPartitionSpec&) {
              if (!partition_id) {
                out.push_back(AssertLastAssignedPartitionId{base->last_partition_id});
              }
              partition_id = true;
            },
            [&](const SetDefaultSpec&) {
              if (!spec) out.push_back(AssertDefaultSpecId{base->default_spec_id});
              spec = true;
            },
            [&](const SetDefaultSortOrder&) {
              if (!order) out.push_back(AssertDefaultSortOrderId{base->default_sort_order_id});
              order = true;
            },
            [&](const SetSnapshotRef& u) {
              if (!refs.insert(u.ref_name).second) return;
              std::optional<int64_t> at;
              auto it = base->refs.find(u.ref_name);
              if (it != base->refs.end()) {
                at = it->second.snapshot_id;
              } else if (u.ref_name == kMainBranch) {
                at = base->current_snapshot_id;
              }
              out.push_back(AssertRefSnapshotId{u.ref_name, at});
            },
            [&](const auto&) {},
        },
        update);
  }
  return out;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace floe::iceberg
