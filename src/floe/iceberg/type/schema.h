#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <arrow/result.h>

#include "floe/iceberg/type/type.h"

namespace floe::iceberg {

/// A table schema: a struct of fields, its id, and the identifier fields (spec: "Schemas").
class Schema {
 public:
  Schema(int32_t schema_id, std::vector<NestedField> fields,
         std::vector<int32_t> identifier_field_ids = {});

  int32_t schema_id() const { return schema_id_; }
  const std::vector<NestedField>& fields() const { return struct_->fields(); }
  const std::vector<int32_t>& identifier_field_ids() const { return identifier_field_ids_; }
  const TypePtr& AsStruct() const { return struct_; }

  /// Any field, at any depth, by id; nullptr when absent.
  const NestedField* FindFieldById(int32_t id) const;
  /// A field by its full dotted name ("a.b.c"; list elements as "l.element", map parts as
  /// "m.key" / "m.value"); nullptr when absent. Case-insensitive when asked.
  const NestedField* FindFieldByName(std::string_view name, bool case_sensitive = true) const;
  /// Full dotted name of a field id, or "" when absent.
  std::string FindColumnName(int32_t id) const;
  /// The highest field id used anywhere in the schema (0 when empty).
  int32_t HighestFieldId() const { return highest_field_id_; }

  bool SameFields(const Schema& other) const;
  std::string ToString() const;

  /// Checks what a table of `format_version` may hold: the v3 types (timestamp_ns,
  /// timestamptz_ns, unknown) and field defaults only in v3 and later; unknown columns always
  /// optional and without defaults. Errors name the column and say what needs which version.
  arrow::Status CheckFormatVersion(int32_t format_version) const;

 private:
  void Index(const NestedField& field, const std::string& prefix);

  int32_t schema_id_;
  TypePtr struct_;
  std::vector<int32_t> identifier_field_ids_;
  std::unordered_map<int32_t, const NestedField*> by_id_;
  std::unordered_map<std::string, int32_t> by_name_;
  std::unordered_map<std::string, int32_t> by_lower_name_;
  std::unordered_map<int32_t, std::string> name_of_;
  int32_t highest_field_id_ = 0;
};

}  // namespace floe::iceberg
