#include "floe/iceberg/update/update_partition_spec.h"

#include <algorithm>
#include <map>
#include <set>

#include "floe/iceberg/type/schema_text.h"

namespace floe::iceberg {
namespace {

arrow::Status Refuse(const std::string& what) {
  return arrow::Status::Invalid("cannot update the partition spec: ", what);
}

bool IsTime(const Transform& t) {
  switch (t.kind()) {
    case Transform::Kind::kYear:
    case Transform::Kind::kMonth:
    case Transform::Kind::kDay:
    case Transform::Kind::kHour:
      return true;
    default:
      return false;
  }
}

// The name partition text gives a field when none is written (Java's PartitionSpec.Builder);
// a parsed field named otherwise was named with "as".
std::string TextDefaultName(const std::string& column, const Transform& t) {
  switch (t.kind()) {
    case Transform::Kind::kIdentity:
      return column;
    case Transform::Kind::kBucket:
      return column + "_bucket";
    case Transform::Kind::kTruncate:
      return column + "_trunc";
    case Transform::Kind::kYear:
      return column + "_year";
    case Transform::Kind::kMonth:
      return column + "_month";
    case Transform::Kind::kDay:
      return column + "_day";
    case Transform::Kind::kHour:
      return column + "_hour";
    case Transform::Kind::kVoid:
      return column + "_null";
  }
  return column;
}

// The name an added field gets in evolution (Java's PartitionNameGenerator, PyIceberg's
// _PartitionNameGenerator): bucket and truncate carry their parameter.
std::string EvolutionDefaultName(const std::string& column, const Transform& t) {
  switch (t.kind()) {
    case Transform::Kind::kBucket:
      return column + "_bucket_" + std::to_string(t.param());
    case Transform::Kind::kTruncate:
      return column + "_trunc_" + std::to_string(t.param());
    default:
      return TextDefaultName(column, t);
  }
}

std::string FieldText(const PartitionField& field, const Schema& schema) {
  return TransformTermText(field.transform, field.source_id, schema);
}

std::string FieldNames(const PartitionSpec& spec) {
  if (spec.fields().empty()) return "none; the table is unpartitioned";
  std::string out;
  for (const auto& f : spec.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

}  // namespace

UpdatePartitionSpec& UpdatePartitionSpec::AddField(std::string term,
                                                   std::optional<std::string> name) {
  adds_.push_back(Add{std::move(term), std::move(name)});
  return *this;
}

UpdatePartitionSpec& UpdatePartitionSpec::RemoveField(std::string name) {
  removes_.push_back(std::move(name));
  return *this;
}

UpdatePartitionSpec& UpdatePartitionSpec::RenameField(std::string name, std::string new_name) {
  renames_.emplace_back(std::move(name), std::move(new_name));
  return *this;
}

arrow::Result<PartitionSpec> UpdatePartitionSpec::Plan(const TableMetadata& base) const {
  auto schema = base.CurrentSchema();
  if (schema == nullptr) return Refuse("the table has no schema");
  const PartitionSpec& current = base.DefaultSpec();
  auto find = [&](const std::string& name) -> const PartitionField* {
    for (const auto& f : current.fields()) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };

  std::set<int32_t> removed;
  for (const auto& name : removes_) {
    const PartitionField* field = find(name);
    if (field == nullptr) {
      return Refuse("no partition field '" + name +
                    "' in the default spec (fields: " + FieldNames(current) + ")");
    }
    removed.insert(field->field_id);
  }
  std::map<int32_t, std::string> new_names;
  for (const auto& [name, new_name] : renames_) {
    const PartitionField* field = find(name);
    if (field == nullptr) {
      return Refuse("no partition field '" + name +
                    "' to rename in the default spec (fields: " + FieldNames(current) + ")");
    }
    if (removed.count(field->field_id)) {
      return Refuse("partition field '" + name + "' cannot be both removed and renamed");
    }
    new_names[field->field_id] = new_name;
  }

  std::vector<PartitionField> fields;
  for (const auto& f : current.fields()) {
    PartitionField kept = f;
    if (removed.count(f.field_id)) {
      // v2 drops the field; v1 specs may not lose positions, so the field stays as void.
      if (base.format_version >= 2) continue;
      kept.transform = Transform::Void();
    }
    if (new_names.count(f.field_id)) kept.name = new_names[f.field_id];
    fields.push_back(std::move(kept));
  }
  const size_t kept_count = fields.size();

  int32_t last_id = std::max(base.last_partition_id, kFirstPartitionFieldId - 1);
  for (const auto& add : adds_) {
    auto parsed = ParsePartitionText(add.term, *schema);
    if (!parsed.ok()) return Refuse(parsed.status().message());
    if (parsed->fields().size() != 1) {
      return Refuse("'" + add.term + "' has " + std::to_string(parsed->fields().size()) +
                    " partition terms; add one field at a time");
    }
    PartitionField field = parsed->fields()[0];
    const std::string column = schema->FindColumnName(field.source_id);
    std::optional<std::string> name = add.name;
    if (!name && field.name != TextDefaultName(column, field.transform)) name = field.name;
    if (name && name->empty()) return Refuse("a partition field name cannot be empty");

    for (size_t i = 0; i < fields.size(); ++i) {
      const auto& other = fields[i];
      if (other.source_id == field.source_id && other.transform == field.transform) {
        return Refuse(i < kept_count
                          ? "the table is already partitioned by " + FieldText(field, *schema) +
                                " (field '" + other.name + "')"
                          : FieldText(field, *schema) + " is added twice");
      }
    }
    // v2 keeps partition field ids stable across specs: a field seen in any earlier spec
    // comes back with its id (and its name, unless another is asked for).
    std::optional<PartitionField> earlier;
    for (const auto& spec : base.partition_specs) {
      for (const auto& f : spec.fields()) {
        if (earlier || f.source_id != field.source_id || !(f.transform == field.transform)) {
          continue;
        }
        if (!name || f.name == *name) earlier = f;
      }
    }
    if (earlier && base.format_version >= 2) {
      field.field_id = earlier->field_id;
      field.name = earlier->name;
    } else {
      field.field_id = ++last_id;
      field.name = name.value_or(EvolutionDefaultName(column, field.transform));
    }
    fields.push_back(std::move(field));
  }

  // Java's PartitionSpec.Builder rules over the whole new spec.
  std::set<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (!names.insert(f.name).second) {
      return Refuse("partition field name '" + f.name + "' is used twice; choose another name");
    }
    const NestedField* column = schema->FindFieldByName(f.name);
    // An identity field (or a v1 void left of one) may carry its own column's name.
    bool own_column = (f.transform.kind() == Transform::Kind::kIdentity ||
                       f.transform.kind() == Transform::Kind::kVoid) &&
                      column != nullptr && column->id == f.source_id;
    if (column != nullptr && !own_column) {
      return Refuse("partition field name '" + f.name +
                    "' is the name of a column; choose another name");
    }
    for (size_t j = 0; j < i; ++j) {
      const auto& other = fields[j];
      if (other.source_id == f.source_id && IsTime(other.transform) && IsTime(f.transform)) {
        return Refuse("redundant partition: column '" + schema->FindColumnName(f.source_id) +
                      "' is already partitioned by " + FieldText(other, *schema) + " (field '" +
                      other.name +
                      "'); remove that field in the same change to "
                      "partition it by " +
                      FieldText(f, *schema));
      }
    }
  }

  PartitionSpec candidate(0, fields);
  int32_t spec_id = 0;
  for (const auto& spec : base.partition_specs) {
    if (spec.CompatibleWith(candidate)) return PartitionSpec(spec.spec_id(), std::move(fields));
    spec_id = std::max(spec_id, spec.spec_id() + 1);
  }
  return PartitionSpec(spec_id, std::move(fields));
}

arrow::Status UpdatePartitionSpec::Apply(TableMetadataBuilder& builder) {
  const TableMetadata& base = builder.current();
  ARROW_ASSIGN_OR_RAISE(PartitionSpec spec, Plan(base));
  if (spec.fields() == base.DefaultSpec().fields()) return arrow::Status::OK();
  // A spec the table already has is made the default by its id: the update list then holds
  // no add-spec for a "last added" (-1) to refer to when the catalog applies it.
  for (const auto& existing : base.partition_specs) {
    if (existing.CompatibleWith(spec)) return builder.SetDefaultSpec(existing.spec_id());
  }
  ARROW_RETURN_NOT_OK(builder.AddPartitionSpec(spec).status());
  return builder.SetDefaultSpec(kLastAdded);
}

}  // namespace floe::iceberg
