#include "floe/iceberg/update/schema_changes_internal.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "floe/iceberg/update/schema_rules_internal.h"

namespace floe::iceberg {
namespace {

using schema_rules::Quoted;

constexpr int32_t kRoot = -1;  // the schema's own struct, as PyIceberg's TABLE_ROOT_ID

using MoveKind = SchemaChanges::MoveKind;
struct Move {
  int32_t field_id;
  MoveKind kind;
  int32_t other_id = 0;
};

arrow::Status Refuse(const std::string& what) { return arrow::Status::Invalid(what); }

// Iceberg's fresh-id order (Java TypeUtil.assignFreshIds, PyIceberg assign_fresh_schema_ids):
// a struct numbers all its fields before descending into their types; a list its element, a
// map its key and value, before descending.
TypePtr AssignFreshIds(const TypePtr& type, int32_t* next) {
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<NestedField> fields = type->fields();
      for (auto& field : fields) field.id = (*next)++;
      for (auto& field : fields) field.type = AssignFreshIds(field.type, next);
      return Type::Struct(std::move(fields));
    }
    case TypeId::kList: {
      NestedField element = type->element();
      element.id = (*next)++;
      element.type = AssignFreshIds(element.type, next);
      return Type::List(std::move(element));
    }
    case TypeId::kMap: {
      NestedField key = type->key();
      NestedField value = type->value();
      key.id = (*next)++;
      value.id = (*next)++;
      key.type = AssignFreshIds(key.type, next);
      value.type = AssignFreshIds(value.type, next);
      return Type::Map(std::move(key), std::move(value));
    }
    default:
      return type;
  }
}

bool TableHasRows(const TableMetadata& metadata) {
  const Snapshot* current = metadata.CurrentSnapshot();
  if (current == nullptr) return false;
  auto it = current->summary.find("total-records");
  return it == current->summary.end() || it->second != "0";
}


}  // namespace

// One replay of the requested changes against a base schema: PyIceberg's UpdateSchema state
// (adds by parent id, updates and deletes by field id, moves by parent id).
class SchemaChanges::Replay {
 public:
  explicit Replay(const TableMetadata& base)
      : base_(base), schema_(*base.CurrentSchema()), next_id_(base.last_column_id + 1) {
    IndexParents(schema_.fields(), kRoot);
  }

  arrow::Status Add(const std::string& path, const TypePtr& type, const std::string& doc,
                    bool required, const std::optional<Literal>& default_value) {
    auto dot = path.rfind('.');
    std::string parent_name = dot == std::string::npos ? "" : path.substr(0, dot);
    std::string name = dot == std::string::npos ? path : path.substr(dot + 1);
    if (name.empty()) return Refuse("cannot add a column with an empty name: " + Quoted(path));
    int32_t parent_id = kRoot;
    if (!parent_name.empty()) {
      const NestedField* parent = schema_.FindFieldByName(parent_name);
      if (parent == nullptr) {
        return Refuse("cannot add column " + Quoted(path) + ": parent column " +
                      Quoted(parent_name) + " not found");
      }
      if (deletes_.count(parent->id)) {
        return Refuse("cannot add column " + Quoted(path) + ": its parent " + Quoted(parent_name) +
                      " is dropped in the same change");
      }
      if (parent->type->id() == TypeId::kMap) parent = &parent->type->value();
      if (parent->type->id() == TypeId::kList) parent = &parent->type->element();
      if (parent->type->id() != TypeId::kStruct) {
        return Refuse("cannot add column " + Quoted(path) + ": " + Quoted(parent_name) + " is a " +
                      parent->type->ToString() + ", not a struct");
      }
      parent_id = parent->id;
    }
    const NestedField* existing = schema_.FindFieldByName(path);
    if ((existing != nullptr && !deletes_.count(existing->id)) || added_name_to_id_.count(path)) {
      return Refuse("cannot add column " + Quoted(path) + ": a column of that name exists");
    }
    std::shared_ptr<const Literal> default_literal;
    if (default_value) {
      ARROW_ASSIGN_OR_RAISE(default_literal, schema_rules::DefaultFor(path, type, *default_value));
    }
    // Older rows read a new column's initial-default; without one they would have no value.
    if (required && !default_literal && TableHasRows(base_)) {
      return Refuse("cannot add required column " + Quoted(path) +
                    ": the table has rows, which would have no value for it; add it as an "
                    "optional column or give it a default");
    }
    NestedField field{next_id_++, name, nullptr, required, doc};
    field.type = AssignFreshIds(type, &next_id_);
    // A default given when a column is added is both its initial- and its write-default (spec).
    field.initial_default = default_literal;
    field.write_default = default_literal;
    added_name_to_id_[path] = field.id;
    parent_of_[field.id] = parent_id;
    adds_[parent_id].push_back(std::move(field));
    return arrow::Status::OK();
  }

  arrow::Status Delete(const std::string& name) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "drop"));
    ARROW_RETURN_NOT_OK(RefusePart(*field, name, "drop"));
    // Additions to a list's element or a map's value struct are keyed by that part's id.
    const Type& type = *field->type;
    int32_t struct_id = type.id() == TypeId::kList  ? type.element().id
                        : type.id() == TypeId::kMap ? type.value().id
                                                    : field->id;
    if (adds_.count(struct_id)) {
      return Refuse("cannot drop column " + Quoted(name) +
                    ": columns are added to it in the same change");
    }
    if (updates_.count(field->id)) {
      return Refuse("cannot drop column " + Quoted(name) +
                    ": it is also renamed or updated in the same change");
    }
    deletes_.insert(field->id);
    return arrow::Status::OK();
  }

  arrow::Status Rename(const std::string& name, const std::string& new_name) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "rename"));
    ARROW_RETURN_NOT_OK(RefuseDeleted(*field, name, "rename"));
    ARROW_RETURN_NOT_OK(RefusePart(*field, name, "rename"));
    if (new_name.empty()) return Refuse("cannot rename " + Quoted(name) + " to an empty name");
    auto dot = name.rfind('.');
    std::string sibling = (dot == std::string::npos ? "" : name.substr(0, dot + 1)) + new_name;
    const NestedField* taken = schema_.FindFieldByName(sibling);
    bool in_use = taken != nullptr && taken->id != field->id && !deletes_.count(taken->id) &&
                  Current(*taken).name == new_name;  // not renamed away in this change
    if (in_use || added_name_to_id_.count(sibling)) {
      return Refuse("cannot rename " + Quoted(name) + " to " + Quoted(new_name) + ": " +
                    Quoted(sibling) + " already exists");
    }
    Update(*field).name = new_name;
    if (explicit_identifiers_) {
      // Identifier names given in this change follow the rename, as in PyIceberg.
      for (auto& id_name : identifier_names_) {
        if (id_name == name) id_name = sibling;
      }
    }
    return arrow::Status::OK();
  }

  arrow::Status UpdateType(const std::string& name, const TypePtr& type) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "update"));
    ARROW_RETURN_NOT_OK(RefuseDeleted(*field, name, "update"));
    if (IsMapKey(field->id)) {
      return Refuse("cannot change the type of map key " + Quoted(name) + ": keys cannot change");
    }
    if (!field->type->is_primitive() || !type->is_primitive()) {
      return Refuse("cannot change the type of " + Quoted(name) + " from " +
                    field->type->ToString() + " to " + type->ToString() +
                    ": only primitive types widen");
    }
    const TypePtr& current = Current(*field).type;
    if (current->Equals(*type)) return arrow::Status::OK();
    if (!schema_rules::CanWiden(*field->type, *type)) {
      return Refuse("cannot change the type of " + Quoted(name) + " from " +
                    field->type->ToString() + " to " + type->ToString() +
                    ": types may only widen, int to long, float to double, and decimal(P, S) "
                    "to decimal(P', S) with P' > P");
    }
    NestedField& updated = Update(*field);
    updated.type = type;
    // Defaults widen with the column (an int 5 becomes a long 5).
    for (auto* value : {&updated.initial_default, &updated.write_default}) {
      if (*value) {
        ARROW_ASSIGN_OR_RAISE(*value, schema_rules::DefaultFor(name, type, **value));
      }
    }
    return arrow::Status::OK();
  }

  arrow::Status MakeOptional(const std::string& name) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "update"));
    if (!Current(*field).required) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(RefuseDeleted(*field, name, "update"));
    if (IsMapKey(field->id)) {
      return Refuse("cannot make map key " + Quoted(name) + " optional: map keys are required");
    }
    Update(*field).required = false;
    return arrow::Status::OK();
  }

  arrow::Status UpdateDoc(const std::string& name, const std::string& doc) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "update"));
    ARROW_RETURN_NOT_OK(RefuseDeleted(*field, name, "update"));
    ARROW_RETURN_NOT_OK(RefusePart(*field, name, "document"));
    Update(*field).doc = doc;
    return arrow::Status::OK();
  }

  // Changes only the write-default: rows already written keep the values they read as.
  arrow::Status UpdateDefault(const std::string& name, const Literal& value) {
    ARROW_ASSIGN_OR_RAISE(const NestedField* field, Find(name, "update"));
    ARROW_RETURN_NOT_OK(RefuseDeleted(*field, name, "update"));
    ARROW_RETURN_NOT_OK(RefusePart(*field, name, "set a default of"));
    ARROW_ASSIGN_OR_RAISE(Update(*field).write_default,
                          schema_rules::DefaultFor(name, Current(*field).type, value));
    return arrow::Status::OK();
  }

  arrow::Status MoveColumn(const std::string& name, MoveKind kind, const std::string& other) {
    std::optional<int32_t> id = FindForMove(name);
    if (!id) return Refuse("cannot move column " + Quoted(name) + ": not found");
    if (deletes_.count(*id)) {
      return Refuse("cannot move column " + Quoted(name) + ": it is dropped in the same change");
    }
    Move move{*id, kind};
    int32_t parent = parent_of_.at(*id);
    if (kind != MoveKind::kFirst) {
      const char* where = kind == MoveKind::kBefore ? "before" : "after";
      std::optional<int32_t> other_id = FindForMove(other);
      if (!other_id) {
        return Refuse("cannot move " + Quoted(name) + " " + where + " " + Quoted(other) +
                      ": no such column");
      }
      if (*other_id == *id) {
        return Refuse("cannot move " + Quoted(name) + " " + where + " itself");
      }
      if (parent_of_.at(*other_id) != parent) {
        return Refuse("cannot move " + Quoted(name) + " " + where + " " + Quoted(other) +
                      ": columns move only within their own struct");
      }
      if (deletes_.count(*other_id)) {
        return Refuse("cannot move " + Quoted(name) + " " + where + " " + Quoted(other) +
                      ": it is dropped in the same change");
      }
      move.other_id = *other_id;
    }
    if (parent != kRoot) {
      const NestedField* parent_field = schema_.FindFieldById(parent);
      if (parent_field == nullptr || parent_field->type->id() != TypeId::kStruct) {
        return Refuse("cannot move " + Quoted(name) + ": only fields of a struct move");
      }
    }
    moves_[parent].push_back(move);
    return arrow::Status::OK();
  }

  void SetIdentifierFields(const std::vector<std::string>& names) {
    explicit_identifiers_ = true;
    identifier_names_.clear();
    for (const auto& name : names) {
      if (std::find(identifier_names_.begin(), identifier_names_.end(), name) ==
          identifier_names_.end()) {
        identifier_names_.push_back(name);
      }
    }
  }

  arrow::Result<UpdateSchema::Planned> Finish() {
    ARROW_ASSIGN_OR_RAISE(auto fields, ApplyStruct(schema_.fields()));
    ARROW_ASSIGN_OR_RAISE(fields, AddAndMove(kRoot, std::move(fields)));
    ARROW_RETURN_NOT_OK(schema_rules::CheckNames(*Type::Struct(fields), ""));
    Schema draft(schema_.schema_id(), fields);
    std::vector<int32_t> identifiers;
    if (explicit_identifiers_) {
      for (const auto& name : identifier_names_) {
        const NestedField* field = draft.FindFieldByName(name);
        if (field == nullptr) {
          return Refuse("identifier field " + Quoted(name) + " not found in the new schema");
        }
        identifiers.push_back(field->id);
      }
      std::sort(identifiers.begin(), identifiers.end());
      std::vector<int32_t> base = schema_.identifier_field_ids();
      std::sort(base.begin(), base.end());
      if (base == identifiers) identifiers = schema_.identifier_field_ids();
    } else {
      for (int32_t id : schema_.identifier_field_ids()) {
        if (draft.FindFieldById(id) == nullptr) {
          return Refuse("cannot drop column " + Quoted(schema_.FindColumnName(id)) +
                        ": it is an identifier field of the table; set the identifier fields "
                        "without it first");
        }
      }
      identifiers = schema_.identifier_field_ids();
    }
    for (int32_t id : identifiers) ARROW_RETURN_NOT_OK(schema_rules::CheckIdentifier(draft, id));
    for (const auto& field : base_.DefaultSpec().fields()) {
      if (field.transform.kind() == Transform::Kind::kVoid) continue;
      if (draft.FindFieldById(field.source_id) == nullptr) {
        return Refuse("cannot drop column " + Quoted(schema_.FindColumnName(field.source_id)) +
                      ": partition field " + Quoted(field.name) +
                      " of the current partition spec uses it");
      }
    }
    for (const auto& order : base_.sort_orders) {
      if (order.order_id != base_.default_sort_order_id) continue;
      for (const auto& field : order.fields) {
        if (draft.FindFieldById(field.source_id) == nullptr) {
          return Refuse("cannot drop column " + Quoted(schema_.FindColumnName(field.source_id)) +
                        ": the table's sort order uses it");
        }
      }
    }
    ARROW_RETURN_NOT_OK(schema_rules::CheckPartitionNames(base_, draft));
    int32_t last_column_id = std::max(base_.last_column_id, next_id_ - 1);
    return UpdateSchema::Planned{Schema(schema_.schema_id(), std::move(fields), identifiers),
                                 last_column_id};
  }

 private:
  void IndexParents(const std::vector<NestedField>& fields, int32_t parent) {
    for (const auto& field : fields) {
      parent_of_[field.id] = parent;
      const Type& type = *field.type;
      if (type.id() == TypeId::kMap) key_ids_.insert(type.key().id);
      IndexParents(type.fields(), field.id);
    }
  }

  bool IsMapKey(int32_t id) const { return key_ids_.count(id) > 0; }

  // A list element or a map key or value: it has a fixed name and no doc of its own.
  bool IsPart(const NestedField& field) const {
    int32_t parent = parent_of_.at(field.id);
    if (parent == kRoot) return false;
    return schema_.FindFieldById(parent)->type->id() != TypeId::kStruct;
  }

  arrow::Result<const NestedField*> Find(const std::string& name, const char* verb) const {
    const NestedField* field = schema_.FindFieldByName(name);
    if (field == nullptr) {
      return Refuse(std::string("cannot ") + verb + " column " + Quoted(name) + ": not found");
    }
    return field;
  }

  arrow::Status RefuseDeleted(const NestedField& field, const std::string& name,
                              const char* verb) const {
    if (!deletes_.count(field.id)) return arrow::Status::OK();
    return Refuse(std::string("cannot ") + verb + " column " + Quoted(name) +
                  ": it is dropped in the same change");
  }

  arrow::Status RefusePart(const NestedField& field, const std::string& name,
                           const char* verb) const {
    if (!IsPart(field)) return arrow::Status::OK();
    return Refuse(std::string("cannot ") + verb + " " + Quoted(name) +
                  ": list elements and map keys and values are part of their list or map");
  }

  std::optional<int32_t> FindForMove(const std::string& name) const {
    if (const NestedField* field = schema_.FindFieldByName(name)) return field->id;
    auto it = added_name_to_id_.find(name);
    if (it == added_name_to_id_.end()) return std::nullopt;
    return it->second;
  }

  const NestedField& Current(const NestedField& field) const {
    auto it = updates_.find(field.id);
    return it == updates_.end() ? field : it->second;
  }

  NestedField& Update(const NestedField& field) {
    return updates_.try_emplace(field.id, field).first->second;
  }

  // The new type of a field; nullptr when it is dropped.
  arrow::Result<TypePtr> ApplyField(const NestedField& field) {
    if (deletes_.count(field.id)) return nullptr;
    auto update = updates_.find(field.id);
    if (update != updates_.end() && !update->second.type->Equals(*field.type)) {
      return update->second.type;  // a widened primitive
    }
    const Type& type = *field.type;
    switch (type.id()) {
      case TypeId::kStruct: {
        ARROW_ASSIGN_OR_RAISE(auto fields, ApplyStruct(type.fields()));
        ARROW_ASSIGN_OR_RAISE(fields, AddAndMove(field.id, std::move(fields)));
        return Type::Struct(std::move(fields));
      }
      case TypeId::kList: {
        ARROW_ASSIGN_OR_RAISE(NestedField element, ApplyPart(type.element()));
        return Type::List(std::move(element));
      }
      case TypeId::kMap: {
        ARROW_ASSIGN_OR_RAISE(NestedField key, ApplyPart(type.key()));
        ARROW_ASSIGN_OR_RAISE(NestedField value, ApplyPart(type.value()));
        if (!key.type->Equals(*type.key().type)) {
          return Refuse("cannot change the keys of map " +
                        Quoted(schema_.FindColumnName(field.id)));
        }
        return Type::Map(std::move(key), std::move(value));
      }
      default:
        return field.type;
    }
  }

  arrow::Result<NestedField> ApplyPart(const NestedField& part) {
    ARROW_ASSIGN_OR_RAISE(TypePtr type, ApplyField(part));
    if (type == nullptr) {
      return Refuse("cannot drop " + Quoted(schema_.FindColumnName(part.id)) +
                    ": it is part of its list or map");
    }
    NestedField out = part;
    out.type = std::move(type);
    out.required = Current(part).required;
    return out;
  }

  arrow::Result<std::vector<NestedField>> ApplyStruct(const std::vector<NestedField>& fields) {
    std::vector<NestedField> out;
    for (const auto& field : fields) {
      ARROW_ASSIGN_OR_RAISE(TypePtr type, ApplyField(field));
      if (type == nullptr) continue;
      NestedField updated = Current(field);
      updated.type = std::move(type);
      out.push_back(std::move(updated));
    }
    return out;
  }

  // Adds first, so that added fields can be moved (as PyIceberg does).
  arrow::Result<std::vector<NestedField>> AddAndMove(int32_t parent,
                                                     std::vector<NestedField> fields) {
    auto added = adds_.find(parent);
    if (added != adds_.end()) {
      fields.insert(fields.end(), added->second.begin(), added->second.end());
    }
    auto moves = moves_.find(parent);
    if (moves == moves_.end()) return fields;
    for (const auto& move : moves->second) {
      auto at = [&](int32_t id) {
        return std::find_if(fields.begin(), fields.end(),
                            [id](const NestedField& f) { return f.id == id; });
      };
      auto it = at(move.field_id);
      NestedField moved = std::move(*it);
      fields.erase(it);
      if (move.kind == MoveKind::kFirst) {
        fields.insert(fields.begin(), std::move(moved));
      } else {
        auto other = at(move.other_id);
        if (move.kind == MoveKind::kAfter) ++other;
        fields.insert(other, std::move(moved));
      }
    }
    return fields;
  }

  const TableMetadata& base_;
  const Schema& schema_;
  int32_t next_id_;
  std::map<int32_t, std::vector<NestedField>> adds_;
  std::map<int32_t, NestedField> updates_;
  std::set<int32_t> deletes_;
  std::map<int32_t, std::vector<Move>> moves_;
  std::map<std::string, int32_t> added_name_to_id_;
  std::map<int32_t, int32_t> parent_of_;
  std::set<int32_t> key_ids_;
  bool explicit_identifiers_ = false;
  std::vector<std::string> identifier_names_;
};

SchemaChanges::SchemaChanges(const TableMetadata& base) : replay_(std::make_unique<Replay>(base)) {}
SchemaChanges::~SchemaChanges() = default;

arrow::Status SchemaChanges::Add(const std::string& path, const TypePtr& type,
                                 const std::string& doc, bool required,
                                 const std::optional<Literal>& default_value) {
  return replay_->Add(path, type, doc, required, default_value);
}
arrow::Status SchemaChanges::Delete(const std::string& name) { return replay_->Delete(name); }
arrow::Status SchemaChanges::Rename(const std::string& name, const std::string& new_name) {
  return replay_->Rename(name, new_name);
}
arrow::Status SchemaChanges::UpdateType(const std::string& name, const TypePtr& type) {
  return replay_->UpdateType(name, type);
}
arrow::Status SchemaChanges::MakeOptional(const std::string& name) {
  return replay_->MakeOptional(name);
}
arrow::Status SchemaChanges::UpdateDoc(const std::string& name, const std::string& doc) {
  return replay_->UpdateDoc(name, doc);
}
arrow::Status SchemaChanges::UpdateDefault(const std::string& name, const Literal& value) {
  return replay_->UpdateDefault(name, value);
}
arrow::Status SchemaChanges::MoveColumn(const std::string& name, MoveKind kind,
                                        const std::string& other) {
  return replay_->MoveColumn(name, kind, other);
}
void SchemaChanges::SetIdentifierFields(const std::vector<std::string>& names) {
  replay_->SetIdentifierFields(names);
}
arrow::Result<UpdateSchema::Planned> SchemaChanges::Finish() { return replay_->Finish(); }

}  // namespace floe::iceberg
