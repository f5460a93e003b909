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

}  // namespace floe::iceberg
