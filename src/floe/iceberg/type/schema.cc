#include "floe/iceberg/type/schema.h"

#include <algorithm>
#include <cctype>

namespace floe::iceberg {
namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

Schema::Schema(int32_t schema_id, std::vector<NestedField> fields,
               std::vector<int32_t> identifier_field_ids)
    : schema_id_(schema_id),
      struct_(Type::Struct(std::move(fields))),
      identifier_field_ids_(std::move(identifier_field_ids)) {
  for (const auto& f : struct_->fields()) Index(f, "");
}

void Schema::Index(const NestedField& field, const std::string& prefix) {
  std::string name = prefix.empty() ? field.name : prefix + "." + field.name;
  by_id_[field.id] = &field;
  by_name_[name] = field.id;
  by_lower_name_.emplace(Lower(name), field.id);
  name_of_[field.id] = name;
  highest_field_id_ = std::max(highest_field_id_, field.id);
  for (const auto& child : field.type->fields()) Index(child, name);
}

const NestedField* Schema::FindFieldById(int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const NestedField* Schema::FindFieldByName(std::string_view name, bool case_sensitive) const {
  if (case_sensitive) {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : FindFieldById(it->second);
  }
  auto it = by_lower_name_.find(Lower(name));
  return it == by_lower_name_.end() ? nullptr : FindFieldById(it->second);
}

std::string Schema::FindColumnName(int32_t id) const {
  auto it = name_of_.find(id);
  return it == name_of_.end() ? std::string() : it->second;
}

bool Schema::SameFields(const Schema& other) const {
  return struct_->Equals(*other.struct_) && identifier_field_ids_ == other.identifier_field_ids_;
}

std::string Schema::ToString() const { return struct_->ToString(); }

arrow::Status Schema::CheckFormatVersion(int32_t format_version) const {
  std::vector<int32_t> ids;
  for (const auto& [id, field] : by_id_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // report the first column in id order
  for (int32_t id : ids) {
    const NestedField& field = *by_id_.at(id);
    const std::string name = FindColumnName(id);
    const TypeId type = field.type->id();
    // Nested types are checked field by field, so only a primitive's own version counts here.
    const bool v3_type = field.type->is_primitive() && MinFormatVersion(*field.type) >= 3;
    if (v3_type && format_version < 3) {
      return arrow::Status::Invalid("column ", name, " has type ", field.type->ToString(),
                                    ", which needs format version 3 (the table is version ",
                                    format_version, ")");
    }
    if ((field.initial_default || field.write_default) && format_version < 3) {
      return arrow::Status::Invalid("column ", name,
                                    " has a default value, which needs format version 3 (the "
                                    "table is version ",
                                    format_version, ")");
    }
    if (type == TypeId::kUnknown && field.required) {
      return arrow::Status::Invalid("column ", name, " has type unknown, which is always optional");
    }
  }
  return arrow::Status::OK();
}

}  // namespace floe::iceberg
