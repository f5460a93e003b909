#include "floe/iceberg/update/update_schema.h"

#include <optional>

#include "floe/iceberg/update/schema_changes_internal.h"
#include "floe/iceberg/update/schema_rules_internal.h"

namespace floe::iceberg {
namespace {

using schema_rules::Quoted;
using MoveKind = SchemaChanges::MoveKind;

arrow::Status Refuse(const std::string& what) { return arrow::Status::Invalid(what); }

}  // namespace

UpdateSchema::UpdateSchema(std::shared_ptr<Table> table) : PendingUpdate(std::move(table)) {}

UpdateSchema& UpdateSchema::AddColumn(const std::string& path, TypePtr type, const std::string& doc,
                                      std::optional<Literal> default_value) {
  changes_.push_back({Op::kAdd, path, doc, std::move(type), false, {}, std::move(default_value)});
  return *this;
}

UpdateSchema& UpdateSchema::AddRequiredColumn(const std::string& path, TypePtr type,
                                              const std::string& doc,
                                              std::optional<Literal> default_value) {
  changes_.push_back({Op::kAdd, path, doc, std::move(type), true, {}, std::move(default_value)});
  return *this;
}

UpdateSchema& UpdateSchema::UpdateColumnDefault(const std::string& name, Literal write_default) {
  changes_.push_back({Op::kUpdateDefault, name, "", nullptr, false, {}, std::move(write_default)});
  return *this;
}

UpdateSchema& UpdateSchema::DeleteColumn(const std::string& name) {
  changes_.push_back({Op::kDelete, name, "", nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::RenameColumn(const std::string& name, const std::string& new_name) {
  changes_.push_back({Op::kRename, name, new_name, nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::UpdateColumnType(const std::string& name, TypePtr new_type) {
  changes_.push_back({Op::kUpdateType, name, "", std::move(new_type), false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::MakeColumnOptional(const std::string& name) {
  changes_.push_back({Op::kMakeOptional, name, "", nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::UpdateColumnDoc(const std::string& name, const std::string& doc) {
  changes_.push_back({Op::kUpdateDoc, name, doc, nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::MoveFirst(const std::string& name) {
  changes_.push_back({Op::kMoveFirst, name, "", nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::MoveBefore(const std::string& name, const std::string& before_name) {
  changes_.push_back({Op::kMoveBefore, name, before_name, nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::MoveAfter(const std::string& name, const std::string& after_name) {
  changes_.push_back({Op::kMoveAfter, name, after_name, nullptr, false, {}});
  return *this;
}

UpdateSchema& UpdateSchema::SetIdentifierFields(std::vector<std::string> names) {
  changes_.push_back({Op::kSetIdentifierFields, "", "", nullptr, false, std::move(names)});
  return *this;
}

arrow::Result<UpdateSchema::Planned> UpdateSchema::Plan(const TableMetadata& base) const {
  if (base.CurrentSchema() == nullptr) return Refuse("the table has no current schema");
  SchemaChanges changes(base);
  for (const auto& change : changes_) {
    switch (change.op) {
      case Op::kAdd:
        if (change.type == nullptr)
          return Refuse("add column " + Quoted(change.name) + ": no type");
        ARROW_RETURN_NOT_OK(
            changes.Add(change.name, change.type, change.other, change.required, change.value));
        break;
      case Op::kUpdateDefault:
        ARROW_RETURN_NOT_OK(changes.UpdateDefault(change.name, *change.value));
        break;
      case Op::kDelete:
        ARROW_RETURN_NOT_OK(changes.Delete(change.name));
        break;
      case Op::kRename:
        ARROW_RETURN_NOT_OK(changes.Rename(change.name, change.other));
        break;
      case Op::kUpdateType:
        if (change.type == nullptr)
          return Refuse("update column " + Quoted(change.name) + ": no type");
        ARROW_RETURN_NOT_OK(changes.UpdateType(change.name, change.type));
        break;
      case Op::kMakeOptional:
        ARROW_RETURN_NOT_OK(changes.MakeOptional(change.name));
        break;
      case Op::kUpdateDoc:
        ARROW_RETURN_NOT_OK(changes.UpdateDoc(change.name, change.other));
        break;
      case Op::kMoveFirst:
        ARROW_RETURN_NOT_OK(changes.MoveColumn(change.name, MoveKind::kFirst, ""));
        break;
      case Op::kMoveBefore:
        ARROW_RETURN_NOT_OK(changes.MoveColumn(change.name, MoveKind::kBefore, change.other));
        break;
      case Op::kMoveAfter:
        ARROW_RETURN_NOT_OK(changes.MoveColumn(change.name, MoveKind::kAfter, change.other));
        break;
      case Op::kSetIdentifierFields:
        changes.SetIdentifierFields(change.names);
        break;
    }
  }
  ARROW_ASSIGN_OR_RAISE(Planned planned, changes.Finish());
  // New types and defaults need format version 3; say so before anything is written.
  ARROW_RETURN_NOT_OK(planned.schema.CheckFormatVersion(base.format_version));
  return planned;
}

arrow::Status UpdateSchema::Apply(TableMetadataBuilder& builder) {
  ARROW_ASSIGN_OR_RAISE(Planned planned, Plan(builder.current()));
  if (planned.schema.SameFields(*builder.current().CurrentSchema()) &&
      planned.last_column_id == builder.current().last_column_id) {
    return arrow::Status::OK();  // nothing changes
  }
  ARROW_RETURN_NOT_OK(builder.AddSchema(planned.schema, planned.last_column_id).status());
  return builder.SetCurrentSchema(kLastAdded);
}

}  // namespace floe::iceberg
